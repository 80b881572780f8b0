"""The scoping door: every persona gets its own organization's rows, narrowed to its role's reach;
anything else is indistinguishable from a row that does not exist."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from tandem.core import audit, services
from tandem.core.errors import NotFound
from tandem.core.idempotency import run_once
from tandem.core.models import (
    ApiToken,
    AuditEntry,
    IdempotencyRecord,
    Membership,
    Organization,
    TenantModel,
)
from tandem.core.scoping import get_scoped, registered_models, scope_rule, scoped
from tandem.core.tokens import token_issue
from tests.personas import ALL_PERSONAS, Personas

ACME_ACTIVE = {
    "admin@acme.test",
    "executive@acme.test",
    "account_manager@acme.test",
    "project_manager@acme.test",
    "finance@acme.test",
    "member@acme.test",
    "client@acme.test",
}
ACME_ALL = ACME_ACTIVE | {"former@acme.test"}
OTHER_ALL = {"outsider@other.test", "colleague@other.test"}

# Which memberships each persona reaches: admins everyone (the deactivated too), other staff the
# active directory, a client only themselves, the outsider only its own organization.
MEMBERSHIP_REACH = {
    "admin": ACME_ALL,
    "executive": ACME_ACTIVE,
    "account_manager": ACME_ACTIVE,
    "project_manager": ACME_ACTIVE,
    "finance": ACME_ACTIVE,
    "member": ACME_ACTIVE,
    "client": {"client@acme.test"},
    "outsider": OTHER_ALL,
}


def emails(memberships: QuerySet[Membership]) -> set[str]:
    return set(memberships.values_list("user__email", flat=True))


@pytest.fixture
def busy_organizations(personas: Personas, former_member, other_member) -> Personas:
    """Both organizations with tokens for everyone, audit entries and idempotency records."""
    for name in ALL_PERSONAS:
        token_issue(membership=personas[name].membership, name=f"{name}'s laptop")
    services.organization_rename(
        actor=personas.admin.actor, name="Acme Delivery Ltd", expected_version=1
    )
    services.organization_rename(
        actor=personas.outsider.actor, name="Other Firm Ltd", expected_version=1
    )
    for name in ("admin", "outsider"):
        actor = personas[name].actor
        run_once(actor=actor, endpoint="POST /members", key="k-1", payload={"n": 1},
                 create=lambda: (201, {"ok": True}))
    return personas


def test_the_reach_table_covers_every_persona():
    assert set(ALL_PERSONAS) == set(MEMBERSHIP_REACH)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_memberships_door_returns_own_organization_within_the_roles_reach(
    busy_organizations, name
):
    persona = busy_organizations[name]

    rows = scoped(Membership, persona.actor)

    assert emails(rows) == MEMBERSHIP_REACH[name]
    assert set(rows.values_list("organization_id", flat=True)) == {persona.organization.pk}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_tokens_door_returns_only_the_personas_own_tokens(busy_organizations, name):
    persona = busy_organizations[name]
    token_issue(membership=persona.membership, name="second")

    rows = scoped(ApiToken, persona.actor)

    assert rows.count() == 2
    assert set(rows.values_list("user_id", flat=True)) == {persona.user.pk}
    assert set(rows.values_list("organization_id", flat=True)) == {persona.organization.pk}


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_idempotency_door_returns_only_the_personas_own_records(busy_organizations, name):
    persona = busy_organizations[name]

    rows = scoped(IdempotencyRecord, persona.actor)

    expected = 1 if name in {"admin", "outsider"} else 0
    assert rows.count() == expected
    assert not rows.exclude(user=persona.user).exists()


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_audit_door_is_open_to_administrators_of_their_own_organization_only(
    busy_organizations, name
):
    persona = busy_organizations[name]

    rows = scoped(AuditEntry, persona.actor)

    if name in {"admin", "outsider"}:
        everything = AuditEntry.objects.filter(organization=persona.organization)
        assert set(rows) == set(everything)
        # acme: seven token issues and the rename; other: the outsider's token and the rename
        assert rows.count() == (8 if name == "admin" else 2)
        assert rows.filter(action="organization.rename").count() == 1
    else:
        assert not rows.exists()
    assert not rows.exclude(organization=persona.organization).exists()


def test_get_scoped_answers_another_organizations_member_exactly_like_a_missing_one(personas):
    actor = personas.admin.actor

    with pytest.raises(NotFound) as foreign:
        get_scoped(Membership, actor, pk=personas.outsider.membership.pk)
    with pytest.raises(NotFound) as missing:
        get_scoped(Membership, actor, pk=10**9)

    assert str(foreign.value) == str(missing.value) == "Membership not found."
    assert foreign.value.code == missing.value.code == "not_found"
    assert foreign.value.details == missing.value.details == {}


def test_get_scoped_answers_an_object_out_of_the_roles_reach_like_a_missing_one(personas):
    with pytest.raises(NotFound) as out_of_reach:
        get_scoped(Membership, personas.client.actor, pk=personas.member.membership.pk)
    with pytest.raises(NotFound) as missing:
        get_scoped(Membership, personas.client.actor, pk=10**9)

    assert str(out_of_reach.value) == str(missing.value)


def test_get_scoped_answers_another_persons_token_like_a_missing_one(personas):
    token, _secret = token_issue(membership=personas.member.membership)

    with pytest.raises(NotFound) as foreign:
        get_scoped(ApiToken, personas.admin.actor, pk=token.pk)
    with pytest.raises(NotFound) as missing:
        get_scoped(ApiToken, personas.admin.actor, pk=10**9)

    assert str(foreign.value) == str(missing.value)


def test_get_scoped_turns_an_unparsable_id_into_not_found(personas):
    with pytest.raises(NotFound):
        get_scoped(Membership, personas.admin.actor, pk="not-a-number")


def test_get_scoped_accepts_a_selectors_queryset_and_keeps_its_scope(personas):
    members = scoped(Membership, personas.admin.actor).select_related("user")

    found = get_scoped(members, personas.admin.actor, pk=personas.client.membership.pk)
    assert found == personas.client.membership

    with pytest.raises(NotFound):
        get_scoped(members, personas.admin.actor, pk=personas.outsider.membership.pk)


def test_get_scoped_returns_the_row_when_it_is_in_reach(personas):
    found = get_scoped(Membership, personas.member.actor, pk=personas.finance.membership.pk)

    assert found == personas.finance.membership


def test_a_model_without_a_scope_rule_cannot_be_queried_through_the_door(personas):
    assert Organization not in registered_models()

    with pytest.raises(ImproperlyConfigured, match="Organization has no scope rule"):
        scoped(Organization, personas.admin.actor)
    with pytest.raises(ImproperlyConfigured):
        get_scoped(Organization, personas.admin.actor, pk=personas.organization.pk)


def test_a_second_scope_rule_for_the_same_model_is_refused_and_the_first_stays():
    def everything(queryset, actor):  # pragma: no cover - must never be registered
        return queryset

    with pytest.raises(ImproperlyConfigured, match="already has a scope rule"):
        scope_rule(Membership)(everything)


def test_every_tenant_model_of_every_installed_app_has_a_scope_rule():
    tenant_models = [model for model in apps.get_models() if issubclass(model, TenantModel)]
    missing = sorted(m._meta.label for m in tenant_models if m not in registered_models())

    assert {ApiToken, AuditEntry, IdempotencyRecord, Membership} <= set(tenant_models)
    assert not missing, (
        f"{', '.join(missing)} belong to an organization but have no scope rule: register one "
        "with @scope_rule(Model) in the app's access.py."
    )


def test_the_door_filters_by_organization_before_any_rule(personas, other_member):
    # An administrator's rule returns everything it is given; the door gave it only acme's rows.
    rows = scoped(Membership, personas.admin.actor)

    assert "colleague@other.test" not in emails(rows)
    assert "outsider@other.test" not in emails(rows)


def test_audit_entries_name_their_object_type_by_app_label(personas):
    assert audit.object_type_of(Membership) == "core.membership"
