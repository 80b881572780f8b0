"""The PM side's API: one router per area, mounted together under /api/v1/."""

from ninja import Router

from tandem.projects.api import deliverables, feeds, files, gantt, issues, plan, projects

router = Router()
for area in (projects, plan, gantt, deliverables, issues, files, feeds):
    router.add_router("", area.router)
