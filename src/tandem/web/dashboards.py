"""Which dashboard each role lands on. Later issues fill them with their panels."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.core.roles import Role


@dataclass(frozen=True)
class Dashboard:
    template: str
    title: str | Promise
    summary: str | Promise


DASHBOARDS: dict[Role, Dashboard] = {
    Role.ADMIN: Dashboard(
        "web/dashboards/admin.html", _("Organization"),
        _("People, roles and settings of your organization."),
    ),
    Role.EXECUTIVE: Dashboard(
        "web/dashboards/executive.html", _("Portfolio"),
        _("Every client and project of the organization at a glance."),
    ),
    Role.ACCOUNT_MANAGER: Dashboard(
        "web/dashboards/account_manager.html", _("My book"),
        _("Your clients, their health, follow-ups due and open issues."),
    ),
    Role.PROJECT_MANAGER: Dashboard(
        "web/dashboards/project_manager.html", _("My projects"),
        _("Your projects' schedule, cost, risks and the team's work."),
    ),
    Role.FINANCE: Dashboard(
        "web/dashboards/finance.html", _("Receivables"),
        _("Invoices, payments and what is overdue, for the whole organization."),
    ),
    Role.MEMBER: Dashboard(
        "web/dashboards/member.html", _("My work"),
        _("Your tasks and timesheets."),
    ),
    Role.CLIENT: Dashboard(
        "web/dashboards/client.html", _("Your projects"),
        _("Milestones, status reports, deliverables and invoices shared with you."),
    ),
}
