"""The schedule factor of client health: a client whose open projects run late or at risk is a
client the AM should hear about before the client says it."""

from __future__ import annotations

from typing import Any

from tandem.clients.health import FactorResult, register_factor
from tandem.projects.models import OPEN_PROJECT_STATUSES, Project, ScheduleStatus

LATE_PENALTY = 12
AT_RISK_PENALTY = 5
SCHEDULE_FLOOR = -30


def _preload_schedules(organization_id: int, client_ids: list[int],
                       now: Any) -> dict[int, list[tuple[str, str]]]:
    rows = Project.objects.filter(
        organization_id=organization_id, client_id__in=client_ids,
        status__in=OPEN_PROJECT_STATUSES,
    ).values_list("client_id", "code", "schedule_status")
    by_client: dict[int, list[tuple[str, str]]] = {}
    for client_id, code, status in rows:
        by_client.setdefault(client_id, []).append((code, status))
    return by_client


@register_factor("project_schedule", preload=_preload_schedules)
def project_schedule(client: Any, context: Any) -> FactorResult | None:
    """Open projects late (12 points each) or at risk (5 each), at most 30 points."""
    projects = context.data["project_schedule"].get(client.pk, [])
    if not projects:
        return None
    late = sorted(code for code, status in projects if status == ScheduleStatus.LATE)
    risk = sorted(code for code, status in projects if status == ScheduleStatus.AT_RISK)
    impact = max(SCHEDULE_FLOOR, -(LATE_PENALTY * len(late) + AT_RISK_PENALTY * len(risk)))
    if not late and not risk:
        return FactorResult("project_schedule", "Project schedules", 0,
                            f"{len(projects)} open projects on track")
    parts = []
    if late:
        parts.append(f"late: {', '.join(late)}")
    if risk:
        parts.append(f"at risk: {', '.join(risk)}")
    return FactorResult("project_schedule", "Project schedules", impact, "; ".join(parts))
