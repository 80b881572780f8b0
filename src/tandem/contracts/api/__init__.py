"""The contracts API, mounted under /api/v1/."""

from ninja import Router

from tandem.contracts.api import contracts

router = Router()
router.add_router("", contracts.router)
