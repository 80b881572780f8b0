"""Gapless, unique invoice and credit note numbers per organization, kind and year.

``next_number`` runs inside the issuing transaction: it makes sure the ``NumberSequence`` row of
(organization, kind, year) exists with an ``INSERT ... ON CONFLICT DO NOTHING`` (so two first
issues of a year cannot both create it), then locks it with ``SELECT ... FOR UPDATE`` and takes
``last + 1``. A concurrent issue waits on the lock until this transaction ends; if this one rolls
back, so does the number, so no number is ever skipped. The unique constraints on the invoice's
number and sequence are the last line of defence.
"""

from __future__ import annotations

from django.db import transaction

from tandem.billing.models import BillingSettings, InvoiceKind, NumberSequence
from tandem.billing.services.settings import format_number


def next_number(*, settings: BillingSettings, kind: str, year: int) -> tuple[str, int]:
    """The next number of ``kind`` in ``year`` (formatted, and its sequence); call inside the
    transaction that stores it on the invoice."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number is taken inside the transaction that issues the invoice.")
    organization_id = settings.organization_id
    NumberSequence.objects.bulk_create(
        [NumberSequence(organization_id=organization_id, kind=kind, year=year, last=0)],
        ignore_conflicts=True,
    )
    sequence = NumberSequence.objects.select_for_update().get(
        organization_id=organization_id, kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    number_format = (settings.credit_note_format if kind == InvoiceKind.CREDIT_NOTE
                     else settings.number_format)
    return format_number(number_format, year, sequence.last), sequence.last
