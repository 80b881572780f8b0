"""The organization's billing settings: who issues the invoices (legal name, address, tax code,
logo), how they are numbered, which tax rates apply, the base currency of reports and when
payment reminders go out.

One row per organization, created with the defaults on first use. Finance and administrators
change it; executives read it.
"""

from __future__ import annotations

import string
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from tandem.billing.access import SEES_ALL_MONEY, ensure_runs_billing
from tandem.billing.models import (
    DEFAULT_REMINDER_OFFSETS,
    DEFAULT_TAX_RATES,
    BillingSettings,
)
from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import Organization
from tandem.core.money import check_currency
from tandem.core.versioning import ensure_version, update_versioned

SETTINGS_FIELDS = ("legal_name", "address", "tax_code", "number_format", "credit_note_format",
                   "tax_rates", "base_currency", "reminder_offsets")
TEXT_LIMITS = {"legal_name": 200, "address": 2000, "tax_code": 40}
FORMAT_FIELDS = frozenset({"year", "seq"})
MAX_NUMBER_LENGTH = 60  # Invoice.number
MAX_TAX_RATES = 12
MAX_REMINDERS = 10
REMINDER_RANGE = (-60, 365)  # days from the due date
LOGO_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
MAX_LOGO_BYTES = 512 * 1024


def billing_settings_for(organization: Organization | int) -> BillingSettings:
    """The organization's settings, created with the defaults on first use."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    found = BillingSettings.objects.filter(organization_id=organization_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return BillingSettings.objects.create(
                organization_id=organization_id, tax_rates=list(DEFAULT_TAX_RATES),
                reminder_offsets=list(DEFAULT_REMINDER_OFFSETS))
    except IntegrityError:  # created by a concurrent request
        return BillingSettings.objects.get(organization_id=organization_id)


def tax_rates(settings: BillingSettings) -> list[Decimal]:
    """The organization's tax rates in percent, ascending (the defaults when none are stored)."""
    return sorted({Decimal(str(rate)) for rate in (settings.tax_rates or DEFAULT_TAX_RATES)})


def ensure_reads_settings(actor: Actor) -> None:
    if actor.role not in SEES_ALL_MONEY:
        raise PermissionDenied("Only finance, administrators and executives can see the billing "
                               "settings.")


# ------------------------------------------------------------------------------ updates
def billing_settings_update(
    *, actor: Actor, expected_version: int, **changes: Any
) -> BillingSettings:
    """Finance or an administrator changes the issuer's details, number formats, tax rates,
    base currency or reminder offsets. Formats are checked before they are saved."""
    ensure_runs_billing(actor)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    billing_settings_for(actor.organization)
    with transaction.atomic():
        current = BillingSettings.objects.select_for_update().get(
            organization_id=actor.organization.pk)
        fields = clean_settings(current, {k: v for k, v in changes.items() if v is not None})
        before = audit.snapshot(current, fields)
        after = {k: audit.json_value(v) for k, v in fields.items()}
        changed = {k: v for k, v in fields.items() if before[k] != after[k]}
        if not changed:
            ensure_version(current, expected_version=expected_version)
            return current
        update_versioned(current, expected_version=expected_version, fields=changed)
        audit.record(actor=actor, action="billing_settings.update", target=current,
                     changes=audit.diff({k: before[k] for k in changed},
                                        {k: after[k] for k in changed}))
    return current


def billing_settings_set_logo(
    *, actor: Actor, expected_version: int, content: bytes, content_type: str
) -> BillingSettings:
    """Store the logo printed on invoices: a PNG or JPEG of at most 512 KB (an empty
    ``content`` removes it)."""
    ensure_runs_billing(actor)
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content:
        check_logo(content, content_type)
    else:
        content_type = ""
    billing_settings_for(actor.organization)
    with transaction.atomic():
        current = BillingSettings.objects.select_for_update().get(
            organization_id=actor.organization.pk)
        before = {"logo_type": current.logo_type, "logo_bytes": len(bytes(current.logo or b""))}
        update_versioned(current, expected_version=expected_version,
                         fields={"logo": content, "logo_type": content_type})
        after = {"logo_type": content_type, "logo_bytes": len(content)}
        audit.record(actor=actor, action="billing_settings.logo", target=current,
                     changes=audit.diff(before, after))
    return current


def check_logo(content: bytes, content_type: str) -> None:
    if content_type not in LOGO_TYPES:
        raise ValidationError("The logo must be a PNG or JPEG image.", code="logo_type",
                              field="logo")
    if len(content) > MAX_LOGO_BYTES:
        raise ValidationError("The logo is larger than 512 KB.", code="logo_too_large",
                              field="logo")
    if not content.startswith(LOGO_TYPES[content_type]):
        raise ValidationError("The file is not the image its type says it is.",
                              code="logo_type", field="logo")


# ------------------------------------------------------------------------------ checks
def clean_settings(current: BillingSettings, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` checked and normalized (rates as sorted text, currency upper case)."""
    cleaned: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        if name in values:
            text = str(values[name]).strip()
            if len(text) > limit:
                raise ValidationError(f"The {name.replace('_', ' ')} is longer than {limit} "
                                      "characters.", field=name)
            cleaned[name] = text
    for name in ("number_format", "credit_note_format"):
        if name in values:
            cleaned[name] = check_number_format(values[name], field=name)
    invoice_format = cleaned.get("number_format", current.number_format)
    credit_format = cleaned.get("credit_note_format", current.credit_note_format)
    if format_number(invoice_format, 2026, 1) == format_number(credit_format, 2026, 1):
        raise ValidationError("Invoices and credit notes need different number formats.",
                              code="number_format_clash", field="credit_note_format")
    if "tax_rates" in values:
        cleaned["tax_rates"] = check_tax_rates(values["tax_rates"])
    if "base_currency" in values:
        cleaned["base_currency"] = check_currency(values["base_currency"], field="base_currency")
    if "reminder_offsets" in values:
        cleaned["reminder_offsets"] = check_reminder_offsets(values["reminder_offsets"])
    return cleaned


def format_number(number_format: str, year: int, seq: int) -> str:
    return number_format.format(year=year, seq=seq)


def check_number_format(value: Any, *, field: str = "number_format") -> str:
    """A format with ``{year}`` and ``{seq}`` (e.g. ``INV-{year}-{seq:05d}``) and nothing else
    to fill in, whose numbers fit in 60 characters."""
    text = str(value or "").strip()
    example = "INV-{year}-{seq:05d}"
    if not text:
        raise ValidationError(f"Give a number format, such as {example}.", field=field)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError(f"The number format is not valid; use one such as {example}.",
                              code="number_format", field=field) from None
    names = [name for _literal, name, _spec, _conversion in parts if name is not None]
    if any(conversion for *_rest, conversion in parts):
        raise ValidationError("The number format cannot convert its fields (no !r or !s).",
                              code="number_format", field=field)
    if not set(names) <= FORMAT_FIELDS:
        raise ValidationError(f"The number format can only use {{year}} and {{seq}}; "
                              f"for example {example}.", code="number_format", field=field)
    if "seq" not in names or "year" not in names:
        raise ValidationError(f"The number format needs both {{year}} and {{seq}} (numbers "
                              f"restart every year); for example {example}.",
                              code="number_format", field=field)
    try:
        samples = [format_number(text, 2026, 1), format_number(text, 2199, 99_999_999)]
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValidationError(f"The number format is not valid; use one such as {example}.",
                              code="number_format", field=field) from None
    if any(len(sample) > MAX_NUMBER_LENGTH for sample in samples):
        raise ValidationError("Numbers in this format would be longer than 60 characters.",
                              code="number_format", field=field)
    if format_number(text, 2026, 1) == format_number(text, 2026, 2):
        raise ValidationError("The number format must show the sequence number.",
                              code="number_format", field=field)
    return text


def check_tax_rates(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError("Give at least one tax rate, in percent (0 for none).",
                              field="tax_rates")
    if len(value) > MAX_TAX_RATES:
        raise ValidationError(f"At most {MAX_TAX_RATES} tax rates.", field="tax_rates")
    rates: set[Decimal] = set()
    for item in value:
        try:
            rate = Decimal(str(item).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError(f"{item!r} is not a tax rate in percent.",
                                  field="tax_rates") from None
        if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100) \
                or rate != rate.quantize(Decimal("0.001")):
            raise ValidationError("A tax rate is a percentage from 0 to 100 with at most three "
                                  "decimals.", field="tax_rates")
        rates.add(rate)
    return [_plain(rate) for rate in sorted(rates)]


def check_reminder_offsets(value: Any) -> list[int]:
    if not isinstance(value, list | tuple):
        raise ValidationError("Reminder offsets are a list of days from the due date.",
                              field="reminder_offsets")
    if len(value) > MAX_REMINDERS:
        raise ValidationError(f"At most {MAX_REMINDERS} reminders.", field="reminder_offsets")
    offsets: set[int] = set()
    low, high = REMINDER_RANGE
    for item in value:
        try:
            offset = int(str(item).strip())
        except ValueError:
            raise ValidationError(f"{item!r} is not a number of days.",
                                  field="reminder_offsets") from None
        if not low <= offset <= high:
            raise ValidationError(f"Reminders go out between {-low} days before and {high} days "
                                  "after the due date.", field="reminder_offsets")
        offsets.add(offset)
    return sorted(offsets)


def _plain(rate: Decimal) -> str:
    """``Decimal("8.000")`` → ``"8"``, ``Decimal("7.5")`` → ``"7.5"``, never ``"1E+1"``."""
    text = format(rate.normalize(), "f")
    return text
