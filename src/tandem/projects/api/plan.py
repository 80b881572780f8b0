"""API of the projects app: plan (filled in by its area's work)."""

from ninja import Router

router = Router(tags=["projects"])
