"""The navigation, by role: each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.core.roles import Role

ALL = frozenset(Role)
STAFF = frozenset(ALL - {Role.CLIENT})


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: frozenset[Role]
    icon: str = "dot"  # a symbol of web/static/tandem/icons.svg


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("web:home", _("Dashboard"), ALL, icon="home"),
    NavItem("web:members", _("People"), STAFF, icon="people"),
    NavItem("web:audit", _("Audit log"), frozenset({Role.ADMIN}), icon="history"),
    NavItem("web:tokens", _("API tokens"), ALL, icon="key"),
)


def items_for(role: Role) -> list[NavItem]:
    return [item for item in NAVIGATION if role in item.roles]
