"""Deliverables and their acceptance: the lifecycle, reasons, history, notifications, what billing
milestones wait for, and who may do what."""

from __future__ import annotations

import pytest

from tandem.core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from tandem.core.models import AuditEntry
from tandem.notifications.models import Notification
from tandem.projects.models import Deliverable, DeliverableEvent
from tandem.projects.services.deliverables import (
    deliverable_accept,
    deliverable_create,
    deliverable_delete,
    deliverable_reject,
    deliverable_reopen,
    deliverable_submit,
    deliverable_update,
    milestone_accepted,
)
from tandem.projects.services.plan import task_create
from tests.clients.factories import NeedFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def milestone(personas, project):
    return task_create(actor=personas.admin.actor, project=project, name="Go-live", duration=0)


def plan(personas, project, **fields):
    values = {"name": "Tracking dashboard", "acceptance_criteria": "Shows every truck live."}
    values.update(fields)
    return deliverable_create(actor=personas.project_manager.actor, project=project, **values)


def actions(deliverable):
    return list(DeliverableEvent.objects.filter(deliverable=deliverable)
                .values_list("action", "comment", "by_label"))


def test_the_whole_acceptance_lifecycle_keeps_a_history(personas, project, milestone):
    pm, client = personas.project_manager.actor, personas.client.actor
    d = plan(personas, project, milestone_id=milestone.pk)
    d = deliverable_submit(actor=pm, deliverable=d, expected_version=1, comment="Ready")
    assert d.status == "submitted"
    assert d.submitted_at is not None
    d = deliverable_reject(actor=client, deliverable=d, expected_version=2,
                           reason="Trucks in Da Nang are missing")
    assert d.status == "rejected"
    assert d.decided_by == personas.client.user
    d = deliverable_submit(actor=pm, deliverable=d, expected_version=3)
    assert d.decided_at is None
    assert d.decided_by is None
    d = deliverable_accept(actor=client, deliverable=d, expected_version=4, comment="Good")
    d.refresh_from_db()
    assert (d.status, d.version, d.decided_by_id) == ("accepted", 5, personas.client.user.pk)
    assert actions(d) == [
        ("created", "", "Project Manager"),
        ("submitted", "Ready", "Project Manager"),
        ("rejected", "Trucks in Da Nang are missing", "Client"),
        ("submitted", "", "Project Manager"),
        ("accepted", "Good", "Client"),
    ]
    audited = list(AuditEntry.objects.filter(object_id=str(d.pk),
                                             object_type="projects.deliverable")
                   .order_by("id").values_list("action", flat=True))
    assert audited == ["deliverable.create", "deliverable.submitted", "deliverable.rejected",
                       "deliverable.submitted", "deliverable.accepted"]


def test_rejecting_needs_a_reason(personas, project):
    d = plan(personas, project)
    d = deliverable_submit(actor=personas.project_manager.actor, deliverable=d,
                           expected_version=1)
    with pytest.raises(ValidationError) as refused:
        deliverable_reject(actor=personas.client.actor, deliverable=d, expected_version=2,
                           reason="   ")
    assert refused.value.details["field"] == "reason"
    d.refresh_from_db()
    assert d.status == "submitted"


def test_only_a_submitted_deliverable_is_decided(personas, project):
    d = plan(personas, project)
    with pytest.raises(Conflict) as refused:
        deliverable_accept(actor=personas.client.actor, deliverable=d, expected_version=1)
    assert refused.value.code == "invalid_transition"


def test_accepted_is_final_unless_an_admin_reopens_with_a_reason(personas, project):
    pm = personas.project_manager.actor
    d = plan(personas, project)
    d = deliverable_submit(actor=pm, deliverable=d, expected_version=1)
    d = deliverable_accept(actor=personas.account_manager.actor, deliverable=d,
                           expected_version=2)
    with pytest.raises(Conflict):
        deliverable_submit(actor=pm, deliverable=d, expected_version=3)
    with pytest.raises(Conflict):
        deliverable_update(actor=pm, deliverable=d, expected_version=3,
                           changes={"name": "Renamed"})
    with pytest.raises(Conflict):
        deliverable_delete(actor=pm, deliverable=d)
    with pytest.raises(PermissionDenied):
        deliverable_reopen(actor=pm, deliverable=d, expected_version=3, reason="Oops")
    with pytest.raises(ValidationError):
        deliverable_reopen(actor=personas.admin.actor, deliverable=d, expected_version=3,
                           reason="")
    d = deliverable_reopen(actor=personas.admin.actor, deliverable=d, expected_version=3,
                           reason="Accepted by mistake")
    assert d.status == "planned"
    assert d.decided_at is None
    assert actions(d)[-1] == ("reopened", "Accepted by mistake", "Admin")


def test_who_decides_acceptance(personas, project):
    d = plan(personas, project)
    d = deliverable_submit(actor=personas.project_manager.actor, deliverable=d,
                           expected_version=1)
    for name in ("project_manager", "executive", "finance", "member"):
        with pytest.raises(PermissionDenied):
            deliverable_accept(actor=personas[name].actor, deliverable=d, expected_version=2)
    with pytest.raises(PermissionDenied):
        deliverable_submit(actor=personas.account_manager.actor, deliverable=d,
                           expected_version=2)


def test_an_internal_projects_pm_decides_acceptance(personas):
    project = make_project(personas, code="INT-1", client=False)
    d = plan(personas, project)
    pm = personas.project_manager.actor
    d = deliverable_submit(actor=pm, deliverable=d, expected_version=1)
    d = deliverable_accept(actor=pm, deliverable=d, expected_version=2)
    assert d.status == "accepted"


def test_submitting_tells_the_am_and_accepting_tells_the_pm(personas, project):
    d = plan(personas, project)
    d = deliverable_submit(actor=personas.project_manager.actor, deliverable=d,
                           expected_version=1)
    to_am = Notification.objects.get(recipient=personas.account_manager.user)
    assert to_am.kind == "deliverable_submitted"
    assert "Tracking dashboard" in to_am.title
    assert to_am.url == f"/projects/{project.pk}/deliverables/{d.pk}/"
    deliverable_accept(actor=personas.client.actor, deliverable=d, expected_version=2)
    to_pm = Notification.objects.get(recipient=personas.project_manager.user)
    assert to_pm.kind == "deliverable_accepted"
    assert "Client" in to_pm.body


def test_a_deliverable_links_a_milestone_a_need_and_a_scope_item_of_its_own(personas, project,
                                                                           milestone):
    task = task_create(actor=personas.admin.actor, project=project, name="Build", duration=3)
    other = make_project(personas, code="P-2")
    foreign = task_create(actor=personas.admin.actor, project=other, name="M", duration=0)
    need = NeedFactory(client=personas.client_company, title="Live tracking")
    for bad in ({"milestone_id": task.pk}, {"milestone_id": foreign.pk},
                {"need_id": NeedFactory().pk}, {"scope_item_id": 999999}):
        with pytest.raises(ValidationError):
            plan(personas, project, **bad)
    with pytest.raises(ValidationError) as refused:
        plan(personas, project, acceptance_criteria=" ")
    assert refused.value.details["field"] == "acceptance_criteria"
    d = plan(personas, project, milestone_id=milestone.pk, need_id=need.pk)
    assert (d.milestone_id, d.need_id) == (milestone.pk, need.pk)


def test_a_milestone_is_accepted_when_all_its_deliverables_are(personas, project, milestone):
    pm, am = personas.project_manager.actor, personas.account_manager.actor
    assert not milestone_accepted(milestone)
    first = plan(personas, project, milestone_id=milestone.pk)
    second = plan(personas, project, name="Manual", milestone_id=milestone.pk)
    for d in (first, second):
        deliverable_submit(actor=pm, deliverable=d, expected_version=1)
    deliverable_accept(actor=am, deliverable=first, expected_version=2)
    assert not milestone_accepted(milestone)
    deliverable_accept(actor=am, deliverable=second, expected_version=2)
    assert milestone_accepted(milestone)


def test_edits_are_versioned_and_written_to_the_history(personas, project):
    pm = personas.project_manager.actor
    d = plan(personas, project)
    d = deliverable_update(actor=pm, deliverable=d, expected_version=1,
                           changes={"acceptance_criteria": "Every truck, every minute."})
    assert d.version == 2
    assert actions(d)[-1][0] == "updated"
    with pytest.raises(StaleVersion):
        deliverable_update(actor=pm, deliverable=d, expected_version=1, changes={"name": "X"})
    with pytest.raises(PermissionDenied):
        deliverable_update(actor=personas.member.actor, deliverable=d, expected_version=2,
                           changes={"name": "X"})


def test_a_planned_deliverable_is_deleted_with_an_audit_row(personas, project):
    d = plan(personas, project)
    deliverable_delete(actor=personas.project_manager.actor, deliverable=d)
    assert not Deliverable.objects.filter(pk=d.pk).exists()
    assert AuditEntry.objects.filter(action="deliverable.delete", object_id=str(d.pk)).exists()


def test_the_need_a_deliverable_serves_follows_its_acceptance(personas):
    from tandem.clients.models import NeedStatus
    from tandem.projects.models import Deliverable
    from tandem.projects.services.deliverables import (
        deliverable_accept,
        deliverable_reject,
        deliverable_submit,
    )
    from tests.clients.factories import NeedFactory
    from tests.projects.factories import make_project

    need = NeedFactory(client=personas.client_company, status=NeedStatus.IN_SCOPE)
    project = make_project(personas)
    deliverable = Deliverable.objects.create(
        organization=personas.organization, project=project, name="Tracking app",
        acceptance_criteria="Scans 100 pallets a minute", need=need)
    pm, client = personas["project_manager"].actor, personas["client"].actor

    deliverable = deliverable_submit(actor=pm, deliverable=deliverable, expected_version=1)
    need.refresh_from_db()
    assert need.status == NeedStatus.DELIVERED
    deliverable = deliverable_reject(actor=client, deliverable=deliverable,
                                     expected_version=deliverable.version, reason="Too slow")
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_SCOPE
    deliverable = deliverable_submit(actor=pm, deliverable=deliverable,
                                     expected_version=deliverable.version)
    deliverable_accept(actor=client, deliverable=deliverable, expected_version=deliverable.version)
    need.refresh_from_db()
    assert need.status == NeedStatus.ACCEPTED
