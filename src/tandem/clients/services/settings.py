"""The AM side's per-organization rules: contact cadence per tier, business hours and SLA targets.

Default SLA targets, in business hours (a business day is the default 08:30-17:30, 9 hours);
stored and edited in business minutes as ``SlaTarget`` rows, one per severity and tier. A missing
row falls back to this table:

============  ==========================  ==========================  ==========================
severity      strategic: response/resol.  key: response/resolution    standard: response/resol.
============  ==========================  ==========================  ==========================
critical      1 h / 8 h                   2 h / 12 h                  4 h / 18 h (2 days)
high          2 h / 18 h (2 days)         4 h / 27 h (3 days)         9 h (1 day) / 45 h (5 days)
medium        4 h / 45 h (5 days)         9 h (1 day) / 63 h (7 d)    18 h (2 d) / 90 h (10 days)
low           9 h (1 day) / 90 h (10 d)   18 h (2 d) / 108 h (12 d)   27 h (3 d) / 135 h (15 d)
============  ==========================  ==========================  ==========================

Each column grows with lower severity and each row with lower tier, so a more important client
or a worse problem is never promised a slower answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from tandem.clients.models import AccountSettings, Client, Severity, SlaTarget, Tier
from tandem.core import audit
from tandem.core.access import ensure_admin
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.core.models import Organization
from tandem.core.versioning import ensure_version, update_versioned
from tandem.engine.calendar import CalendarSpec, WorkCalendar
from tandem.engine.errors import CalendarError

HOUR = 60
DAY = 9 * HOUR
# (severity, tier) -> (first response, resolution), in business minutes.
DEFAULT_SLA_TARGETS: dict[tuple[str, str], tuple[int, int]] = {
    (Severity.CRITICAL, Tier.STRATEGIC): (1 * HOUR, 8 * HOUR),
    (Severity.CRITICAL, Tier.KEY): (2 * HOUR, 12 * HOUR),
    (Severity.CRITICAL, Tier.STANDARD): (4 * HOUR, 2 * DAY),
    (Severity.HIGH, Tier.STRATEGIC): (2 * HOUR, 2 * DAY),
    (Severity.HIGH, Tier.KEY): (4 * HOUR, 3 * DAY),
    (Severity.HIGH, Tier.STANDARD): (1 * DAY, 5 * DAY),
    (Severity.MEDIUM, Tier.STRATEGIC): (4 * HOUR, 5 * DAY),
    (Severity.MEDIUM, Tier.KEY): (1 * DAY, 7 * DAY),
    (Severity.MEDIUM, Tier.STANDARD): (2 * DAY, 10 * DAY),
    (Severity.LOW, Tier.STRATEGIC): (1 * DAY, 10 * DAY),
    (Severity.LOW, Tier.KEY): (2 * DAY, 12 * DAY),
    (Severity.LOW, Tier.STANDARD): (3 * DAY, 15 * DAY),
}
DEFAULT_CADENCE = {Tier.STRATEGIC: 7, Tier.KEY: 14, Tier.STANDARD: 30}
SETTINGS_FIELDS = (
    "strategic_cadence_days", "key_cadence_days", "standard_cadence_days",
    "business_day_start", "business_day_end", "holiday_country", "sla_warning_percent",
)
SlaTable = dict[tuple[str, str], tuple[int, int]]


# ------------------------------------------------------------------------ account settings
def account_settings_for(organization: Organization | int) -> AccountSettings:
    """The organization's settings, created with the defaults on first use."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    found = AccountSettings.objects.filter(organization_id=organization_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return AccountSettings.objects.create(organization_id=organization_id)
    except IntegrityError:  # created by a concurrent request
        return AccountSettings.objects.get(organization_id=organization_id)


def settings_by_organization(organization_ids: Iterable[int]) -> dict[int, AccountSettings]:
    """Settings of many organizations in one query; unsaved defaults for those without."""
    ids = set(organization_ids)
    found = {s.organization_id: s for s in AccountSettings.objects.filter(organization_id__in=ids)}
    return {oid: found.get(oid) or AccountSettings(organization_id=oid) for oid in ids}


def cadence_days(client: Client, account_settings: AccountSettings) -> int:
    """Days between contacts before ``client`` counts as quiet: its own, or its tier's."""
    if client.cadence_days:
        return client.cadence_days
    return tier_cadence(client.tier, account_settings)


def tier_cadence(tier: str, account_settings: AccountSettings) -> int:
    return int(getattr(account_settings, f"{tier}_cadence_days", DEFAULT_CADENCE[Tier.STANDARD]))


def account_settings_update(
    *, actor: Actor, expected_version: int, **changes: Any
) -> AccountSettings:
    """An administrator changes the cadence per tier, business hours, holidays or warning level."""
    ensure_admin(actor, "change the account settings")
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    account_settings_for(actor.organization)
    with transaction.atomic():
        current = AccountSettings.objects.select_for_update().get(
            organization_id=actor.organization.pk
        )
        fields = {k: v for k, v in changes.items() if v is not None}
        _validate_settings(current, fields)
        before = audit.snapshot(current, fields)
        after_values = {k: audit.json_value(v) for k, v in fields.items()}
        if before == after_values:
            ensure_version(current, expected_version=expected_version)
            return current
        update_versioned(current, expected_version=expected_version, fields=fields)
        audit.record(actor=actor, action="account_settings.update", target=current,
                     changes=audit.diff(before, after_values))
    return current


def _validate_settings(current: AccountSettings, fields: dict[str, Any]) -> None:
    for tier in Tier.values:
        days = fields.get(f"{tier}_cadence_days")
        if days is not None and not 1 <= int(days) <= 365:
            raise ValidationError("A contact cadence is 1 to 365 days.",
                                  field=f"{tier}_cadence_days")
    start = fields.get("business_day_start", current.business_day_start)
    end = fields.get("business_day_end", current.business_day_end)
    if _time(start) >= _time(end):
        raise ValidationError("Business hours must start before they end.",
                              code="business_hours_order", field="business_day_end")
    percent = fields.get("sla_warning_percent")
    if percent is not None and not 1 <= int(percent) <= 99:
        raise ValidationError("Warn between 1% and 99% of an SLA target.",
                              field="sla_warning_percent")
    country = fields.get("holiday_country")
    if country is not None:
        country = str(country).strip().upper()
        fields["holiday_country"] = country
        try:
            WorkCalendar(CalendarSpec(country=country))
        except CalendarError:
            raise ValidationError(f"No public holidays are known for {country!r}.",
                                  code="unknown_country", field="holiday_country") from None


def _time(value: dt.time | str) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


# ------------------------------------------------------------------------ SLA targets
def sla_table(organization_id: int) -> SlaTable:
    """Every (severity, tier) target of an organization, its own rows over the defaults."""
    return sla_tables([organization_id])[organization_id]


def sla_tables(organization_ids: Iterable[int]) -> dict[int, SlaTable]:
    ids = set(organization_ids)
    tables: dict[int, SlaTable] = {oid: dict(DEFAULT_SLA_TARGETS) for oid in ids}
    rows = SlaTarget.objects.filter(organization_id__in=ids).values_list(
        "organization_id", "severity", "tier", "first_response_minutes", "resolution_minutes"
    )
    for oid, severity, tier, response, resolution in rows:
        tables[oid][(severity, tier)] = (response, resolution)
    return tables


def sla_target_set(
    *, actor: Actor, severity: str, tier: str, first_response_minutes: int,
    resolution_minutes: int,
) -> SlaTarget:
    """An administrator sets the targets of one severity and tier (applies to new issues and to
    due dates recomputed on a severity change)."""
    ensure_admin(actor, "change SLA targets")
    if severity not in Severity.values or tier not in Tier.values:
        raise ValidationError("Unknown severity or tier.", field="severity")
    if not 1 <= first_response_minutes <= resolution_minutes:
        raise ValidationError(
            "The first response is due after at least one minute and no later than the "
            "resolution.", code="sla_order", field="first_response_minutes",
        )
    with transaction.atomic():
        target = SlaTarget.objects.select_for_update().filter(
            organization=actor.organization, severity=severity, tier=tier
        ).first()
        default = DEFAULT_SLA_TARGETS[(severity, tier)]
        before = (
            {"first_response_minutes": target.first_response_minutes,
             "resolution_minutes": target.resolution_minutes}
            if target else {"first_response_minutes": default[0], "resolution_minutes": default[1]}
        )
        after = {"first_response_minutes": first_response_minutes,
                 "resolution_minutes": resolution_minutes}
        if target is None:
            target = SlaTarget.objects.create(organization=actor.organization, severity=severity,
                                              tier=tier, **after)
        else:
            SlaTarget.objects.filter(pk=target.pk).update(**after)
            target.first_response_minutes = first_response_minutes
            target.resolution_minutes = resolution_minutes
        audit.record(actor=actor, action="sla_target.set", target=target,
                     changes=audit.diff(before, after))
    return target
