"""API of contracts (filled in by its area's work)."""

from ninja import Router

router = Router(tags=["contracts"])
