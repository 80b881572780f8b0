"""The billing API: one router per area, mounted together under /api/v1/."""

from ninja import Router

from tandem.billing.api import invoices, payments, receivables, settings

router = Router()
for area in (invoices, payments, receivables, settings):
    router.add_router("", area.router)
