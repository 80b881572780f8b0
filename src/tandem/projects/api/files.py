"""API of the projects app: files (filled in by its area's work)."""

from ninja import Router

router = Router(tags=["projects"])
