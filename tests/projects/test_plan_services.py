"""The plan's writes reschedule through the engine in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.core.errors import PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tandem.projects.models import Dependency, Task
from tandem.projects.services.plan import (
    dependency_create,
    task_create,
    task_delete,
    task_indent,
    task_move,
    task_outdent,
    task_progress,
    task_update,
)
from tests.projects.factories import START, add_tasks, make_project

pytestmark = pytest.mark.django_db


def test_a_chain_is_scheduled_on_working_days(personas):
    project = make_project(personas)
    t1, t2 = add_tasks(personas, project, 3, 2)
    assert (t1.start, t1.finish) == (START, dt.date(2026, 3, 4))
    # Finish-to-start: the next working day after Wednesday.
    assert (t2.start, t2.finish) == (dt.date(2026, 3, 5), dt.date(2026, 3, 6))
    assert t1.is_critical
    assert t2.is_critical
    assert t1.total_float == 0
    project.refresh_from_db()
    assert project.finish_date == dt.date(2026, 3, 6)


def test_changing_a_duration_moves_the_successors_and_is_audited(personas):
    project = make_project(personas)
    t1, t2 = add_tasks(personas, project, 3, 2)
    task_update(actor=personas["project_manager"].actor, task=t1, expected_version=t1.version,
                changes={"duration": 5})
    t2.refresh_from_db()
    assert t2.start == dt.date(2026, 3, 9)  # after the weekend
    assert AuditEntry.objects.filter(action="task.update", object_id=str(t1.pk)).exists()


def test_a_stale_version_is_refused(personas):
    project = make_project(personas)
    (t1,) = add_tasks(personas, project, 3)
    with pytest.raises(StaleVersion):
        task_update(actor=personas["admin"].actor, task=t1, expected_version=t1.version + 7,
                    changes={"duration": 4})


def test_a_loop_is_refused_naming_the_tasks_and_nothing_is_saved(personas):
    project = make_project(personas)
    t1, _t2, t3 = add_tasks(personas, project, 1, 1, 1)
    with pytest.raises(ValidationError) as error:
        dependency_create(actor=personas["admin"].actor, project=project,
                          predecessor_id=t3.pk, successor_id=t1.pk)
    assert error.value.code == "dependency_cycle"
    assert "T1" in str(error.value)
    assert "T3" in str(error.value)
    assert Dependency.objects.filter(project=project).count() == 2


def test_summary_rolls_up_and_indent_outdent_move_rows(personas):
    project = make_project(personas)
    actor = personas["admin"].actor
    phase = task_create(actor=actor, project=project, name="Phase", duration=1)
    a = task_create(actor=actor, project=project, name="A", duration=2)
    b = task_create(actor=actor, project=project, name="B", duration=4)
    task_indent(actor=actor, task=a, expected_version=a.version)
    b.refresh_from_db()
    task_indent(actor=actor, task=b, expected_version=b.version)
    phase.refresh_from_db()
    assert phase.is_summary
    assert (phase.start, phase.finish) == (START, dt.date(2026, 3, 5))
    rows = list(Task.objects.filter(project=project).values_list("name", "parent_id", "sequence"))
    assert rows == [("Phase", None, 1), ("A", phase.pk, 2), ("B", phase.pk, 3)]
    b.refresh_from_db()
    task_outdent(actor=actor, task=b, expected_version=b.version)
    b.refresh_from_db()
    assert b.parent_id is None
    assert b.sequence == 3
    a.refresh_from_db()
    task_move(actor=actor, task=a, expected_version=a.version, parent_id=None, after_id=b.pk)
    rows = list(Task.objects.filter(project=project).values_list("name", "sequence"))
    assert rows == [("Phase", 1), ("B", 2), ("A", 3)]
    phase.refresh_from_db()
    assert not phase.is_summary


def test_deleting_a_summary_deletes_its_subtree_and_renumbers(personas):
    project = make_project(personas)
    actor = personas["admin"].actor
    phase = task_create(actor=actor, project=project, name="Phase", duration=1)
    task_create(actor=actor, project=project, name="A", duration=2, parent_id=phase.pk)
    last = task_create(actor=actor, project=project, name="Z", duration=2)
    assert task_delete(actor=actor, task=phase) == 2
    last.refresh_from_db()
    assert last.sequence == 1


def test_progress_by_the_assignee_and_not_by_others(personas):
    project = make_project(personas)
    member = personas["member"]
    t1 = task_create(actor=personas["admin"].actor, project=project, name="Work", duration=5,
                     assignee_id=member.user.pk)
    done = task_progress(actor=member.actor, task=t1, expected_version=t1.version,
                         changes={"percent_complete": 100, "actual_start": START,
                                  "actual_finish": dt.date(2026, 3, 3)})
    assert done.actual_finish == dt.date(2026, 3, 3)
    assert done.finish == dt.date(2026, 3, 3)
    with pytest.raises(PermissionDenied):
        task_progress(actor=personas["finance"].actor, task=done,
                      expected_version=done.version, changes={"percent_complete": 50})


def test_dragging_a_bar_pins_the_start(personas):
    project = make_project(personas)
    t1, t2 = add_tasks(personas, project, 1, 1)
    moved = task_update(actor=personas["admin"].actor, task=t1, expected_version=t1.version,
                        changes={"start": dt.date(2026, 3, 10)})
    assert moved.constraint_type == "SNET"
    assert moved.start == dt.date(2026, 3, 10)
    t2.refresh_from_db()
    assert t2.start == dt.date(2026, 3, 11)


def test_a_late_project_lowers_its_clients_health(personas, django_capture_on_commit_callbacks):
    from tandem.clients.models import HealthSnapshot
    from tandem.projects.services.baselines import baseline_save
    from tandem.projects.services.projects import project_update

    project = make_project(personas, target_finish=dt.date(2026, 3, 31))
    project = project_update(actor=personas["admin"].actor, project=project,
                             expected_version=project.version, changes={"status_date": START})
    t1, _m = add_tasks(personas, project, 5, 0)
    project.refresh_from_db()
    assert project.schedule_status == "on_track"
    baseline_save(actor=personas["admin"].actor, project=project)
    with django_capture_on_commit_callbacks(execute=True):
        task_update(actor=personas["admin"].actor, task=t1, expected_version=t1.version,
                    changes={"duration": 15})
    project.refresh_from_db()
    assert project.schedule_status == "late"
    assert project.schedule_reasons == ["milestone_slip:10"]
    snapshot = HealthSnapshot.objects.filter(client=personas.client_company).latest("id")
    factor = next(r for r in snapshot.factors if r["key"] == "project_schedule")
    assert factor["impact"] == -12
    assert "P-1" in factor["detail"]


def test_little_float_before_the_target_is_a_risk(personas):
    project = make_project(personas, target_finish=dt.date(2026, 3, 10))
    add_tasks(personas, project, 5)
    project.refresh_from_db()
    assert project.schedule_status == "at_risk"
    assert project.schedule_reasons == ["little_float_to_target:2"]  # Mon 9 and Tue 10


def test_a_summary_rolls_up_its_duration_and_progress(personas):
    project = make_project(personas)
    actor = personas["admin"].actor
    phase = task_create(actor=actor, project=project, name="Phase", duration=1)
    a = task_create(actor=actor, project=project, name="A", duration=2, parent_id=phase.pk)
    task_create(actor=actor, project=project, name="B", duration=4, parent_id=phase.pk)
    task_progress(actor=actor, task=a, expected_version=a.version,
                  changes={"percent_complete": 100, "actual_start": START,
                           "actual_finish": dt.date(2026, 3, 3)})
    phase.refresh_from_db()
    assert phase.duration == 4  # Monday to Thursday
    assert phase.percent_complete == 33  # (2 x 100 % + 4 x 0 %) / 6 days
