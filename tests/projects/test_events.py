"""The PM side tells billing when a milestone may have become billable, after commit."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.core.errors import StaleVersion
from tandem.projects import events
from tandem.projects.models import Deliverable
from tandem.projects.services.deliverables import deliverable_accept, deliverable_submit
from tandem.projects.services.plan import task_create, task_progress
from tests.projects.factories import START, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(events, "_milestone_callbacks", [calls.append])
    return calls


def test_completing_a_milestone_and_accepting_its_deliverable_are_both_told(
    personas, heard, django_capture_on_commit_callbacks
):
    project = make_project(personas)
    admin = personas["admin"].actor
    milestone = task_create(actor=admin, project=project, name="Go-live", duration=0)
    deliverable = Deliverable.objects.create(
        organization=personas.organization, project=project, name="System",
        acceptance_criteria="Runs", milestone=milestone)
    with django_capture_on_commit_callbacks(execute=True):
        task_progress(actor=admin, task=milestone, expected_version=milestone.version,
                      changes={"percent_complete": 100, "actual_start": START,
                               "actual_finish": START + dt.timedelta(days=1)})
    assert heard == [milestone.pk]
    deliverable = deliverable_submit(actor=admin, deliverable=deliverable, expected_version=1)
    with django_capture_on_commit_callbacks(execute=True):
        deliverable_accept(actor=personas["client"].actor, deliverable=deliverable,
                           expected_version=deliverable.version)
    assert heard == [milestone.pk, milestone.pk]


def test_nothing_is_told_when_the_change_rolls_back(personas, heard,
                                                    django_capture_on_commit_callbacks):
    project = make_project(personas)
    admin = personas["admin"].actor
    milestone = task_create(actor=admin, project=project, name="Go-live", duration=0)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(StaleVersion):
        task_progress(actor=admin, task=milestone, expected_version=milestone.version + 5,
                      changes={"percent_complete": 100})
    assert heard == []
