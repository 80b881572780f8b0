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
# Who works with contracts, invoices and payments (see tandem.billing.access).
MONEY_SIDE = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER, Role.FINANCE})


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
    NavItem("contracts:list", _("Contracts"), MONEY_SIDE | {Role.PROJECT_MANAGER}, icon="file"),
    NavItem("billing:invoices", _("Invoices"), MONEY_SIDE | {Role.CLIENT}, icon="money"),
    NavItem("billing:payments", _("Payments"), MONEY_SIDE, icon="money"),
    NavItem("billing:receivables", _("Receivables"), MONEY_SIDE, icon="chart"),
    NavItem("notifications:inbox", _("Inbox"), ALL, icon="inbox"),
    NavItem("web:members", _("People"), STAFF, icon="people"),
    NavItem("web:audit", _("Audit log"), frozenset({Role.ADMIN}), icon="history"),
    NavItem("clients:settings", _("Client settings"), frozenset({Role.ADMIN}), icon="settings"),
    NavItem("projects:calendars", _("Working calendars"), frozenset({Role.ADMIN}),
            icon="calendar"),
    NavItem("billing:fx_rates", _("FX rates"), MONEY_SIDE, icon="globe"),
    NavItem("billing:settings", _("Billing settings"),
            frozenset({Role.ADMIN, Role.FINANCE, Role.EXECUTIVE}), icon="settings"),
    NavItem("web:tokens", _("API tokens"), ALL, icon="key"),
)


def items_for(role: Role) -> list[NavItem]:
    return [item for item in NAVIGATION if role in item.roles]
