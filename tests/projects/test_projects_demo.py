"""``tandem demo`` loads the PM side's story once: projects at every stage for the demo clients,
and one large project with a baseline that has slipped since; a refresh adds nothing."""

from __future__ import annotations

import pytest

from tandem.clients.models import Client, HealthSnapshot
from tandem.core.actor import Actor
from tandem.core.demo import demo_load
from tandem.core.models import Membership
from tandem.core.roles import Role
from tandem.projects.models import (
    Baseline,
    BaselineTask,
    Deliverable,
    DeliverableEvent,
    Dependency,
    Project,
    ProjectIssue,
    ProjectMember,
    ScheduleStatus,
    ScopeItem,
    Task,
)
from tandem.projects.selectors.dashboard import projects_board


@pytest.fixture
def demo(db):
    return demo_load()


def test_the_demo_tells_the_story(demo, client):
    """One test, as loading the demo takes a few seconds."""
    _projects_at_every_stage(demo)
    _the_large_project_has_a_baseline_and_has_slipped(demo)
    _deliverables_and_issues(demo)
    _dashboards(demo, client)


def _projects_at_every_stage(demo):
    projects = Project.objects.filter(organization=demo.organization)
    assert 5 <= projects.count() <= 8
    assert set(projects.values_list("status", flat=True)) == {
        "proposed", "planning", "active", "on_hold", "closing", "closed"}
    for project in projects:
        assert project.client is not None
        assert project.charter.objectives
        assert ScopeItem.objects.filter(project=project, need__isnull=False).exists()
        assert Task.objects.filter(project=project, duration=0, is_summary=False).exists()
        assert Dependency.objects.filter(project=project).exists()
        assert project.finish_date is not None  # scheduled by the engine
        assert ProjectMember.objects.filter(project=project,
                                            user=demo.people[Role.MEMBER]).exists()
    assert projects.get(code="HTB-SSO").schedule_status == ScheduleStatus.ON_TRACK


def _the_large_project_has_a_baseline_and_has_slipped(demo):
    project = Project.objects.get(organization=demo.organization, code="SML-ERP")
    assert project.client.name == "Sao Mai Logistics"
    assert 280 <= Task.objects.filter(project=project).count() <= 330
    baseline = Baseline.objects.get(project=project, number=0)
    assert BaselineTask.objects.filter(baseline=baseline).count() == project.tasks.count()
    assert project.schedule_status != ScheduleStatus.ON_TRACK
    assert any(r.startswith("milestone_slip:") for r in project.schedule_reasons)
    assert project.finish_date > baseline.finish_date
    assert project.status_date is not None
    # Some work is done, some under way; the critical path is marked.
    tasks = Task.objects.filter(project=project, is_summary=False)
    assert tasks.filter(percent_complete=100).exists()
    assert tasks.filter(percent_complete__gt=0, percent_complete__lt=100).exists()
    assert tasks.filter(is_critical=True).exists()
    # Its client's health knows: one snapshot, with the schedule factor.
    snapshots = HealthSnapshot.objects.filter(client=project.client)
    assert snapshots.count() == 1
    factors = {f["key"]: f for f in snapshots.get().factors}
    assert factors["project_schedule"]["impact"] < 0


def _deliverables_and_issues(demo):
    deliverables = Deliverable.objects.filter(organization=demo.organization)
    assert {"submitted", "accepted", "rejected", "planned"} <= set(
        deliverables.values_list("status", flat=True))
    rejected = deliverables.filter(status="rejected").first()
    assert DeliverableEvent.objects.filter(deliverable=rejected, action="rejected") \
        .exclude(comment="").exists()
    issues = ProjectIssue.objects.filter(organization=demo.organization)
    assert issues.filter(status="open").exists()
    assert issues.filter(status="resolved").exclude(resolution="").exists()
    assert issues.filter(client_issue__isnull=False).exists()  # escalated by the AM


def _dashboards(demo, client):
    pm = demo.people[Role.PROJECT_MANAGER]
    board = projects_board(Actor.for_membership(
        Membership.objects.get(organization=demo.organization, user=pm)))
    assert board.projects[0].project.code == "SML-ERP"  # the late one first
    assert board.projects[0].reasons
    assert board.deliverables.total >= 2
    assert board.issues.total >= 3
    assert board.overdue.total >= 1
    client.force_login(pm)
    assert "SML-ERP" in client.get("/").content.decode()
    client.force_login(demo.people[Role.ACCOUNT_MANAGER])
    html = client.get("/").content.decode()
    assert "Projects of my clients" in html
    assert "SML-ERP" in html


def test_a_refresh_adds_nothing(demo):
    models = (Project, Task, Dependency, Baseline, Deliverable, ProjectIssue, HealthSnapshot,
              Client)
    counts = [m.objects.count() for m in models]
    demo_load()
    assert [m.objects.count() for m in models] == counts
