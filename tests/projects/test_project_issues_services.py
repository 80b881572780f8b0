"""The project issue log: lifecycle with a required resolution, who edits and who moves an issue,
and hand-off 4 — a client issue escalated in one step, linked both ways, and the AM told when
delivery resolves it."""

from __future__ import annotations

import pytest

from tandem.clients.models import ClientIssue, IssueEvent
from tandem.clients.services.issues import issue_open
from tandem.core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tandem.notifications.models import Notification
from tandem.projects.models import ProjectIssue
from tandem.projects.services.issues import (
    escalate_client_issue,
    project_issue_create,
    project_issue_transition,
    project_issue_update,
)
from tandem.projects.services.projects import member_add
from tests.clients.factories import ClientFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def client_issue(personas):
    return issue_open(actor=personas.account_manager.actor, client=personas.client_company,
                      title="Trucks vanish from the map", description="Since Monday",
                      severity="high")


def log(personas, project, **fields):
    values = {"title": "Vendor API rate limit", "priority": "high"}
    values.update(fields)
    return project_issue_create(actor=personas.project_manager.actor, project=project, **values)


def test_an_issue_moves_open_in_progress_resolved_closed_and_reopens(personas, project):
    pm = personas.project_manager.actor
    issue = log(personas, project, owner_id=personas.project_manager.user.pk)
    assert (issue.status, issue.raised_by_id) == ("open", personas.project_manager.user.pk)
    issue = project_issue_transition(actor=pm, issue=issue, expected_version=1,
                                     to_status="in_progress")
    with pytest.raises(ValidationError) as refused:
        project_issue_transition(actor=pm, issue=issue, expected_version=2, to_status="resolved")
    assert refused.value.details["field"] == "resolution"
    issue = project_issue_transition(actor=pm, issue=issue, expected_version=2,
                                     to_status="resolved", resolution="Raised the quota")
    assert issue.resolved_at is not None
    assert issue.resolution == "Raised the quota"
    issue = project_issue_transition(actor=pm, issue=issue, expected_version=3,
                                     to_status="closed")
    with pytest.raises(Conflict):
        project_issue_transition(actor=pm, issue=issue, expected_version=4,
                                 to_status="in_progress")
    issue = project_issue_transition(actor=pm, issue=issue, expected_version=4,
                                     to_status="open")
    issue.refresh_from_db()
    assert (issue.status, issue.resolution, issue.resolved_at) == ("open", "", None)
    moves = AuditEntry.objects.filter(action="project_issue.transition",
                                      object_id=str(issue.pk)).count()
    assert moves == 4


def test_a_stale_version_is_refused(personas, project):
    issue = log(personas, project)
    with pytest.raises(StaleVersion):
        project_issue_update(actor=personas.project_manager.actor, issue=issue,
                             expected_version=9, changes={"title": "New"})


def test_the_owner_moves_and_resolves_but_does_not_edit(personas, project):
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk)
    issue = log(personas, project, owner_id=personas.member.user.pk)
    member = personas.member.actor
    with pytest.raises(PermissionDenied):
        project_issue_update(actor=member, issue=issue, expected_version=1,
                             changes={"priority": "low"})
    issue = project_issue_update(actor=member, issue=issue, expected_version=1,
                                 changes={"resolution": "Working on a cache"})
    issue = project_issue_transition(actor=member, issue=issue, expected_version=2,
                                     to_status="resolved")
    assert issue.resolution == "Working on a cache"


def test_others_cannot_change_an_issue(personas, project):
    issue = log(personas, project)
    for name in ("account_manager", "executive", "finance", "member"):
        with pytest.raises(PermissionDenied):
            project_issue_transition(actor=personas[name].actor, issue=issue,
                                     expected_version=1, to_status="in_progress")
    with pytest.raises(PermissionDenied):
        project_issue_create(actor=personas.account_manager.actor, project=project, title="X")


def test_the_owner_must_be_staff_who_can_see_the_project(personas, project):
    for user in (personas.member.user, personas.client.user, personas.outsider.user):
        with pytest.raises(ValidationError) as refused:
            log(personas, project, owner_id=user.pk)
        assert refused.value.details["field"] == "owner_id"
    assert log(personas, project, owner_id=personas.account_manager.user.pk).owner_id == (
        personas.account_manager.user.pk)


def test_escalation_is_one_step_and_links_both_issues(personas, project, client_issue):
    am = personas.account_manager.actor
    issue = escalate_client_issue(actor=am, client_issue=client_issue, project=project)
    assert issue.client_issue_id == client_issue.pk
    assert (issue.title, issue.description, issue.priority) == (
        "Trucks vanish from the map", "Since Monday", "high")
    assert issue.owner_id == personas.project_manager.user.pk
    client_issue.refresh_from_db()
    assert client_issue.project_ref == project.code
    assert client_issue.project_issue == issue
    event = IssueEvent.objects.filter(issue=client_issue).latest("id")
    assert event.kind == "escalated"
    assert project.code in event.note
    assert event.actor == personas.account_manager.user
    assert set(AuditEntry.objects.filter(action__in=["client_issue.escalate",
                                                     "project_issue.create"])
               .values_list("action", flat=True)) == {"client_issue.escalate",
                                                      "project_issue.create"}


def test_a_client_issue_escalates_once(personas, project, client_issue):
    am = personas.account_manager.actor
    escalate_client_issue(actor=am, client_issue=client_issue, project=project)
    other = make_project(personas, code="P-2")
    with pytest.raises(Conflict) as refused:
        escalate_client_issue(actor=am, client_issue=client_issue, project=other)
    assert refused.value.status == 409
    assert refused.value.code == "already_escalated"
    assert ProjectIssue.objects.count() == 1


def test_escalation_needs_the_clients_am_and_one_of_the_clients_projects(personas, project,
                                                                        client_issue):
    for name in ("project_manager", "executive", "finance"):
        with pytest.raises(PermissionDenied):
            escalate_client_issue(actor=personas[name].actor, client_issue=client_issue,
                                  project=project)
    elsewhere = make_project(personas, code="P-9",
                             client_id=ClientFactory(organization=personas.organization,
                                                     owner=personas.account_manager.user).pk)
    with pytest.raises(ValidationError):
        escalate_client_issue(actor=personas.account_manager.actor, client_issue=client_issue,
                              project=elsewhere)
    issue = escalate_client_issue(actor=personas.admin.actor, client_issue=client_issue,
                                  project=project, priority="critical", title="Map gaps")
    assert (issue.priority, issue.title) == ("critical", "Map gaps")
    assert not ProjectIssue.objects.filter(project=elsewhere).exists()


def test_a_resolved_client_issue_is_not_escalated(personas, project, client_issue):
    ClientIssue.objects.filter(pk=client_issue.pk).update(status="closed")
    client_issue.refresh_from_db()
    with pytest.raises(Conflict):
        escalate_client_issue(actor=personas.account_manager.actor, client_issue=client_issue,
                              project=project)


def test_resolving_an_escalated_issue_tells_the_am(personas, project, client_issue):
    issue = escalate_client_issue(actor=personas.account_manager.actor,
                                  client_issue=client_issue, project=project)
    pm = personas.project_manager.actor
    issue = project_issue_transition(actor=pm, issue=issue, expected_version=1,
                                     to_status="resolved", resolution="Fixed the GPS feed")
    note = Notification.objects.get(recipient=personas.account_manager.user)
    assert note.kind == "project_issue_resolved"
    assert note.url == f"/clients/issues/{client_issue.pk}/"
    assert "Trucks vanish from the map" in note.title
    last = IssueEvent.objects.filter(issue=client_issue).latest("id")
    assert last.kind == "delivery_resolved"
    assert "GPS" not in last.note  # the resolution stays internal; the AM tells the client


def test_resolving_an_ordinary_issue_tells_nobody(personas, project):
    issue = log(personas, project)
    project_issue_transition(actor=personas.project_manager.actor, issue=issue,
                             expected_version=1, to_status="resolved", resolution="Done")
    assert not Notification.objects.exists()
