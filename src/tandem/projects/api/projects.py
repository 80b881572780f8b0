"""API of the projects app: projects (filled in by its area's work)."""

from ninja import Router

router = Router(tags=["projects"])
