"""API of the projects app: issues (filled in by its area's work)."""

from ninja import Router

router = Router(tags=["projects"])
