"""Billing API: invoices (filled in by its area's work)."""

from ninja import Router

router = Router(tags=["billing"])
