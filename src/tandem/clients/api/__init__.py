"""The AM side's API: one router per area, mounted together under /api/v1/."""

from ninja import Router

from tandem.clients.api import clients, interactions, issues, settings, surveys

router = Router()
for area in (clients, interactions, issues, surveys, settings):
    router.add_router("", area.router)
