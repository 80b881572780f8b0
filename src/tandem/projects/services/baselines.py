"""Baselines: up to eleven named snapshots of the plan (``Baseline`` and ``Baseline 1`` to
``Baseline 10``, as in Microsoft Project) to compare the current schedule against. Saving into a
number that is taken replaces that baseline; every save and delete is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.errors import ValidationError
from tandem.projects.access import ensure_can_edit_project
from tandem.projects.models import MAX_BASELINES, Baseline, BaselineTask, Project, Task
from tandem.projects.scheduling import reschedule
from tandem.projects.services.common import check_int, clean_text


def default_baseline_name(number: int) -> str:
    return "Baseline" if number == 0 else f"Baseline {number}"


def baseline_save(*, actor: Actor, project: Project, number: int | None = None,
                  name: str = "") -> Baseline:
    """Snapshot every task's scheduled start, finish, duration and estimate. Without a number,
    the first free one is used."""
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        Project.objects.select_for_update(no_key=True).filter(pk=project.pk).values("pk").first()
        taken = set(Baseline.objects.filter(project=project).values_list("number", flat=True))
        if number is None:
            free = [n for n in range(MAX_BASELINES) if n not in taken]
            if not free:
                raise ValidationError("All eleven baselines are saved; pick a number to "
                                      "replace.", code="baselines_full", field="number")
            number = free[0]
        check_int(number, "number", "baseline number", low=0, high=MAX_BASELINES - 1)
        values = clean_text(Baseline, {"name": name or default_baseline_name(number)})
        replaced = Baseline.objects.filter(project=project, number=number).first()
        if replaced is not None:
            replaced.delete()
        baseline = Baseline.objects.create(
            organization=actor.organization, project=project, number=number,
            finish_date=project.finish_date, saved_by=actor.user, saved_at=timezone.now(),
            **values,
        )
        rows = Task.objects.filter(project=project).values_list(
            "id", "start", "finish", "duration", "estimate_hours")
        BaselineTask.objects.bulk_create(
            [BaselineTask(organization_id=actor.organization.pk, baseline=baseline, task_id=i,
                          start=s, finish=f, duration=d, estimate_hours=e)
             for i, s, f, d, e in rows],
            batch_size=2000,
        )
        audit.record(actor=actor, action="baseline.save", target=baseline,
                     changes={"number": [None, number], "name": [None, baseline.name],
                              "replaced": [None, replaced is not None],
                              "finish_date": [None, audit.json_value(baseline.finish_date)]})
        reschedule(project)  # milestone slippage is measured against the first baseline
    return baseline


def baseline_delete(*, actor: Actor, baseline: Baseline) -> None:
    project = baseline.project
    ensure_can_edit_project(actor, project)
    with transaction.atomic():
        audit.record(actor=actor, action="baseline.delete", target=baseline,
                     changes={"number": [baseline.number, None], "name": [baseline.name, None]})
        baseline.delete()
        reschedule(project)
