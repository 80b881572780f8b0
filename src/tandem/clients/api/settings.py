"""API of the AM side's rules: the organization's account management settings (administrators
only, like the audit log), its SLA targets per severity and tier, and a client's own cadence.

No ``from __future__ import annotations``: ninja reads the annotations at runtime."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Router

from tandem.clients.models import Client, Severity, SlaTarget, Tier
from tandem.clients.schemas_settings import (
    AccountSettingsOut,
    AccountSettingsPatch,
    CadenceIn,
    CadenceOut,
    SlaTargetIn,
    SlaTargetOut,
)
from tandem.clients.selectors import clients as client_selectors
from tandem.clients.services import interactions as interaction_services
from tandem.clients.services import settings as services
from tandem.core.access import ensure_admin
from tandem.core.actor import Actor
from tandem.core.api import ERRORS
from tandem.core.api_auth import actor_of

router = Router(tags=["account settings"])
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _admin(request: HttpRequest, action: str) -> Actor:
    actor = actor_of(request)
    ensure_admin(actor, action)
    return actor


@router.get("/account-settings", response={200: AccountSettingsOut, **ERRORS})
def read_account_settings(request: HttpRequest) -> object:
    actor = _admin(request, "read the account settings")
    return services.account_settings_for(actor.organization)


@router.patch("/account-settings", response={200: AccountSettingsOut, **ERRORS})
def update_account_settings(request: HttpRequest, body: AccountSettingsPatch) -> object:
    actor = _admin(request, "change the account settings")
    changes = body.model_dump(exclude={"version"}, exclude_unset=True, exclude_none=True)
    for name in ("business_day_start", "business_day_end"):
        if name in changes:
            changes[name] = dt.time.fromisoformat(changes[name])
    return services.account_settings_update(actor=actor, expected_version=body.version,
                                            **changes)


@router.get("/sla-targets", response={200: list[SlaTargetOut], **ERRORS})
def list_sla_targets(request: HttpRequest) -> object:
    actor = _admin(request, "read the SLA targets")
    return _targets(actor.organization.pk)


@router.put("/sla-targets/{severity}/{tier}", response={200: SlaTargetOut, **ERRORS})
def set_sla_target(request: HttpRequest, severity: Severity, tier: Tier,
                   body: SlaTargetIn) -> object:
    actor = _admin(request, "change SLA targets")
    services.sla_target_set(actor=actor, severity=severity.value, tier=tier.value,
                            first_response_minutes=body.first_response_minutes,
                            resolution_minutes=body.resolution_minutes)
    return next(t for t in _targets(actor.organization.pk)
                if (t["severity"], t["tier"]) == (severity.value, tier.value))


@router.put("/clients/{client_id}/cadence", response={200: CadenceOut, **ERRORS})
def set_client_cadence(request: HttpRequest, client_id: Id, body: CadenceIn) -> object:
    actor = actor_of(request)
    client = client_selectors.client_for_detail(actor, client_id)
    updated = interaction_services.client_set_cadence(
        actor=actor, client=client, cadence_days=body.cadence_days,
        expected_version=body.version,
    )
    return _cadence(updated, actor)


def _targets(organization_id: int) -> list[dict[str, Any]]:
    table = services.sla_table(organization_id)
    stored = set(SlaTarget.objects.filter(organization_id=organization_id)
                 .values_list("severity", "tier"))
    return [
        {"severity": severity, "tier": tier, "first_response_minutes": table[(severity, tier)][0],
         "resolution_minutes": table[(severity, tier)][1],
         "is_default": (severity, tier) not in stored}
        for severity in Severity.values for tier in Tier.values
    ]


def _cadence(client: Client, actor: Actor) -> dict[str, Any]:
    account_settings = services.account_settings_for(actor.organization)
    return {"client_id": client.pk, "tier": client.tier, "cadence_days": client.cadence_days,
            "effective_cadence_days": services.cadence_days(client, account_settings),
            "version": client.version}
