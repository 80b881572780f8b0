"""The navigation, by role: each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.core.roles import Role

ALL = frozenset(Role)
STAFF = frozenset(ALL - {Role.CLIENT})
# Who works with interactions and client issues (see tandem.clients.access).
ACCOUNT_SIDE = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER})


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: frozenset[Role]
    icon: str = "dot"  # a symbol of web/static/tandem/icons.svg


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("web:home", _("Dashboard"), ALL, icon="home"),
    NavItem("clients:list", _("Clients"), STAFF, icon="building"),
    NavItem("projects:list", _("Projects"), ALL, icon="tasks"),
    NavItem("projects:dashboard", _("Project board"), STAFF, icon="chart"),
    NavItem("clients:interactions", _("Interactions"), ACCOUNT_SIDE, icon="calendar"),
    NavItem("clients:issues", _("Client issues"), ACCOUNT_SIDE | {Role.CLIENT}, icon="alert"),
    NavItem("clients:surveys", _("Satisfaction"), ACCOUNT_SIDE | {Role.CLIENT}, icon="heart"),
    NavItem("notifications:inbox", _("Inbox"), ALL, icon="inbox"),
    NavItem("web:members", _("People"), STAFF, icon="people"),
    NavItem("web:audit", _("Audit log"), frozenset({Role.ADMIN}), icon="history"),
    NavItem("clients:settings", _("Client settings"), frozenset({Role.ADMIN}), icon="settings"),
    NavItem("projects:calendars", _("Working calendars"), frozenset({Role.ADMIN}),
            icon="calendar"),
    NavItem("web:tokens", _("API tokens"), ALL, icon="key"),
)


def items_for(role: Role) -> list[NavItem]:
    return [item for item in NAVIGATION if role in item.roles]
