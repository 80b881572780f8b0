"""Organizations created side by side stay apart in the data layer: every query through the
door returns one organization's rows, and the database itself keeps a person once per
organization."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tandem.clients.models import Client
from tandem.core import services
from tandem.core.actor import Actor
from tandem.core.idempotency import run_once
from tandem.core.models import AuditEntry, IdempotencyRecord, Membership
from tandem.core.roles import Role
from tandem.core.scoping import registered_models, scoped
from tandem.core.tokens import token_issue
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

STRONG = "a-Long-unusual-passphrase-42"


def test_a_person_belongs_to_an_organization_at_most_once(db):
    membership = MembershipFactory(role=Role.MEMBER)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organization=membership.organization, user=membership.user,
                                  role=Role.FINANCE)


def test_one_person_can_belong_to_several_organizations(db):
    user = UserFactory()

    MembershipFactory(user=user, organization=OrganizationFactory())
    MembershipFactory(user=user, organization=OrganizationFactory())

    assert Membership.objects.filter(user=user).count() == 2


def test_the_database_refuses_an_unknown_role(db):
    membership = MembershipFactory.build(organization=OrganizationFactory(), user=UserFactory(),
                                         role="owner")

    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


@pytest.fixture
def two_firms(db) -> dict[str, Actor]:
    """Two organizations made the way `tandem createorg` and `tandem adduser` make them,
    each with people, tokens, audit entries and idempotency records, and one shared person."""
    actors = {}
    for slug in ("north", "south"):
        admin = services.organization_create(
            name=slug.title(), slug=slug, admin_email=f"admin@{slug}.test",
            admin_password=STRONG,
        )
        actor = Actor.for_membership(admin)
        for role in ("account_manager", "member"):
            services.member_add(actor=actor, email=f"{role}@{slug}.test", role=role)
        client = Client.objects.create(organization=actor.organization, name=f"{slug} client")
        services.member_add(actor=actor, email=f"client@{slug}.test", role="client",
                            client_id=client.pk)
        services.member_add(actor=actor, email="consultant@both.test", role="project_manager")
        services.organization_rename(actor=actor, name=f"{slug.title()} Ltd", expected_version=1)
        token_issue(membership=admin)
        run_once(actor=actor, endpoint="POST /members", key="same-key", payload={},
                 create=lambda: (201, {}))
        actors[slug] = actor
    return actors


@pytest.mark.parametrize("slug", ["north", "south"])
def test_every_scoped_model_returns_only_its_own_organizations_rows(two_firms, slug):
    actor = two_firms[slug]

    # The core's own tables; each app's tests prove the same of theirs.
    for model in [m for m in registered_models() if m._meta.app_label == "core"]:
        rows = scoped(model, actor)
        assert rows.exists(), model
        assert set(rows.values_list("organization_id", flat=True)) == {actor.organization.pk}


@pytest.mark.parametrize("slug", ["north", "south"])
def test_an_administrator_sees_exactly_their_organizations_people_and_history(two_firms, slug):
    actor = two_firms[slug]
    other = "south" if slug == "north" else "north"

    people = set(scoped(Membership, actor).values_list("user__email", flat=True))
    history = scoped(AuditEntry, actor)

    assert people == {
        f"admin@{slug}.test", f"account_manager@{slug}.test", f"member@{slug}.test",
        f"client@{slug}.test", "consultant@both.test",
    }
    assert not any(other in email for email in people)
    assert history.count() == AuditEntry.objects.filter(organization=actor.organization).count()
    assert not history.filter(object_repr__icontains=other).exists()


def test_a_person_in_both_organizations_is_seen_in_each_with_that_organizations_role(two_firms):
    north = scoped(Membership, two_firms["north"]).get(user__email="consultant@both.test")
    south = scoped(Membership, two_firms["south"]).get(user__email="consultant@both.test")

    assert north.user_id == south.user_id
    assert north.pk != south.pk
    assert (north.organization.slug, south.organization.slug) == ("north", "south")


def test_the_same_idempotency_key_in_two_organizations_does_not_collide(two_firms):
    for actor in two_firms.values():
        assert scoped(IdempotencyRecord, actor).get().key == "same-key"
