"""The demo organization ``demo``: one person per role, password ``demo``.

``demo_load`` creates it, or refreshes it (people, roles, passwords) when it exists. Other apps add
their demo data by defining ``load_demo(context: DemoContext)`` in their own ``demo_data.py``;
each runs after the people exist, in the same transaction.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.models import Membership, Organization, User
from tandem.core.roles import Role

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Consulting"
DEMO_PASSWORD = "demo"  # noqa: S105 - published demo login, refused by the password rules elsewhere
DEMO_PEOPLE: tuple[tuple[str, str, Role], ...] = (
    ("admin@demo.test", "An Admin", Role.ADMIN),
    ("am@demo.test", "Lan Account Manager", Role.ACCOUNT_MANAGER),
    ("am2@demo.test", "Vy Account Manager", Role.ACCOUNT_MANAGER),
    ("pm@demo.test", "Minh Project Manager", Role.PROJECT_MANAGER),
    ("finance@demo.test", "Hoa Finance", Role.FINANCE),
    ("exec@demo.test", "Quang Executive", Role.EXECUTIVE),
    ("member@demo.test", "Tuan Team Member", Role.MEMBER),
)


@dataclass
class DemoContext:
    organization: Organization
    actor: Actor
    people: dict[Role, User] = field(default_factory=dict)  # the first person of each role
    created: bool = False


def demo_exists() -> bool:
    return Organization.objects.filter(slug=DEMO_SLUG).exists()


def demo_load() -> DemoContext:
    with transaction.atomic():
        organization, created = Organization.objects.get_or_create(
            slug=DEMO_SLUG, defaults={"name": DEMO_NAME}
        )
        context = DemoContext(
            organization=organization,
            actor=Actor.system(organization, label="demo"),
            created=created,
        )
        if created:
            audit.record(actor=context.actor, action="organization.create", target=organization,
                         changes={"name": [None, DEMO_NAME], "slug": [None, DEMO_SLUG]})
        for email, name, role in DEMO_PEOPLE:
            person = _demo_person(context, email, name, role)
            context.people.setdefault(role, person)  # the first person of each role
        for loader in _app_loaders():
            loader(context)
    return context


def _demo_person(context: DemoContext, email: str, name: str, role: Role) -> User:
    user = User.objects.filter(email=email).first() or User(email=email)
    user.full_name = name
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    membership, created = Membership.objects.get_or_create(
        organization=context.organization, user=user, defaults={"role": role}
    )
    if not created and (membership.role != role or not membership.is_active):
        Membership.objects.filter(pk=membership.pk).update(role=role, is_active=True)
    if created:
        audit.record(actor=context.actor, action="membership.create", target=membership,
                     changes={"user": [None, email], "role": [None, role.value]})
    return user


def _app_loaders() -> list[Callable[[DemoContext], None]]:
    loaders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tandem."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo_data":
                raise
            continue
        loaders.append(module.load_demo)
    return loaders
