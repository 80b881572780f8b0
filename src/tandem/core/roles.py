"""The roles a membership can hold, and what each role may broadly do.

Fine-grained rules live in each app's ``access.py``; these sets answer the questions every app asks.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Owner / Admin")
    EXECUTIVE = "executive", _("Executive")
    ACCOUNT_MANAGER = "account_manager", _("Account Manager")
    PROJECT_MANAGER = "project_manager", _("Project Manager")
    FINANCE = "finance", _("Finance")
    MEMBER = "member", _("Team member")
    CLIENT = "client", _("Client")


# Roles that see every record of the organization (before any per-object rule).
SEES_WHOLE_ORGANIZATION = frozenset({Role.ADMIN, Role.EXECUTIVE})
# Roles that work inside the firm, as opposed to the client's people in the portal.
STAFF_ROLES = frozenset(set(Role) - {Role.CLIENT})
# Roles that may see money (rates, invoices, payments).
SEES_MONEY = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.FINANCE})
