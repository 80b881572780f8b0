"""The "my projects" dashboard: what each panel holds, whose projects each role sees, readable
schedule reasons, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core.errors import PermissionDenied
from tandem.projects.models import (
    Deliverable,
    Project,
    ProjectIssue,
    ScheduleStatus,
    Task,
)
from tandem.projects.selectors.dashboard import describe_reason, projects_board
from tandem.projects.services.plan import task_create, task_progress
from tandem.projects.services.projects import member_add, project_transition
from tests.projects.factories import START, add_tasks, make_project
from tests.web.helpers import page

pytestmark = pytest.mark.django_db

# START is Monday 2 March 2026; the board is looked at on Monday 16 March.
TODAY = START + dt.timedelta(days=14)


def _story(personas, code="P-1", *, client=True, **fields):
    """A project with two finished-late-ish tasks overdue, a milestone due in a week, an open
    issue and a deliverable waiting for acceptance."""
    project = make_project(personas, code=code, client=client, **fields)
    actor = personas.admin.actor
    t1, t2 = add_tasks(personas, project, 5, 5)  # 2-6 March, 9-13 March: both overdue
    milestone = task_create(actor=actor, project=project, name=f"Go-live {code}", duration=0,
                            constraint_type="MSO", constraint_date=TODAY + dt.timedelta(days=7))
    task_create(actor=actor, project=project, name=f"Later {code}", duration=0,
                constraint_type="MSO", constraint_date=TODAY + dt.timedelta(days=30))
    ProjectIssue.objects.create(organization=personas.organization, project=project,
                                title=f"Issue of {code}", priority="high")
    ProjectIssue.objects.create(organization=personas.organization, project=project,
                                title=f"Resolved of {code}", status="resolved",
                                resolution="Fixed.")
    Deliverable.objects.create(organization=personas.organization, project=project,
                               name=f"Design of {code}", acceptance_criteria="Signed off.",
                               status="submitted", submitted_at=timezone.now())
    Deliverable.objects.create(organization=personas.organization, project=project,
                               name=f"Planned of {code}", acceptance_criteria="Signed off.")
    return project, t1, t2, milestone


def test_the_board_shows_each_panel(personas):
    _project, t1, t2, _milestone = _story(personas)
    task_progress(actor=personas.admin.actor, task=t1, expected_version=t1.version,
                  changes={"percent_complete": 100, "actual_finish": START + dt.timedelta(days=4)})

    board = projects_board(personas.project_manager.actor, today=TODAY)

    assert [row.project.code for row in board.projects] == ["P-1"]
    row = board.projects[0]
    assert row.overdue_tasks == 1  # t1 is done; t2 finished on 13 March and is not
    assert (row.open_issues, row.awaiting_acceptance) == (1, 1)
    assert row.next_milestone == "Go-live P-1"
    assert [t.name for t in board.milestones.rows] == ["Go-live P-1"]  # not the one in 30 days
    assert [t.pk for t in board.overdue.rows] == [t2.pk]
    assert board.overdue.total == 1
    assert [i.title for i in board.issues.rows] == ["Issue of P-1"]
    assert [d.name for d in board.deliverables.rows] == ["Design of P-1"]
    # On the critical path and starting within the fortnight (not the milestone in 30 days;
    # T1 and T2 have float before the pinned milestones).
    assert [t.name for t in board.critical.rows] == ["Go-live P-1"]


def test_each_role_sees_its_own_projects(personas):
    _story(personas, "MINE")  # the persona PM manages it; client owned by the persona AM
    other_client = Client.objects.create(organization=personas.organization, name="Other Co",
                                         owner=personas.admin.user)
    _story(personas, "OTHER", client_id=other_client.pk)
    team = _story(personas, "TEAM", client_id=other_client.pk)[0]
    member_add(actor=personas.admin.actor, project=team, user_id=personas.member.user.pk)
    closed = make_project(personas, code="SHUT")
    project_transition(actor=personas.admin.actor, project=closed,
                       expected_version=closed.version, status="closed")

    def codes(name):
        return {row.project.code for row in projects_board(personas[name].actor,
                                                           today=TODAY).projects}

    assert codes("admin") == codes("executive") == {"MINE", "OTHER", "TEAM"}  # open only
    assert codes("finance") == {"MINE", "OTHER", "TEAM"}
    assert codes("project_manager") == {"MINE", "OTHER", "TEAM"}  # manages all three
    assert codes("account_manager") == {"MINE"}  # their client's
    assert codes("member") == {"TEAM"}
    member_board = projects_board(personas.member.actor, today=TODAY)
    assert {t.project.code for t in member_board.overdue.rows} == {"TEAM"}
    assert {i.project.code for i in member_board.issues.rows} == {"TEAM"}
    assert codes("outsider") == set()
    with pytest.raises(PermissionDenied):
        projects_board(personas.client.actor)


def test_a_project_manager_sees_only_projects_they_manage_or_are_on(personas):
    from tests.factories import MembershipFactory

    other_pm = MembershipFactory(organization=personas.organization,
                                 role="project_manager").user
    _story(personas, "THEIRS", manager_id=other_pm.pk)
    _story(personas, "MINE")
    assert {r.project.code for r in projects_board(personas.project_manager.actor,
                                                   today=TODAY).projects} == {"MINE"}


def test_late_projects_come_first_with_readable_reasons(personas):
    fine = make_project(personas, code="A-FINE")
    add_tasks(personas, fine, 2)
    late = make_project(personas, code="Z-LATE", target_finish=START + dt.timedelta(days=3))
    add_tasks(personas, late, 10)
    late.refresh_from_db()
    assert late.schedule_status == ScheduleStatus.LATE

    board = projects_board(personas.admin.actor, today=TODAY)

    assert [r.project.code for r in board.projects] == ["Z-LATE", "A-FINE"]
    assert (board.total_projects, board.late, board.at_risk, board.on_track) == (2, 1, 0, 1)
    assert "The scheduled finish is 8 days after the target finish." in board.projects[0].reasons


def test_reason_codes_become_sentences():
    assert describe_reason("milestone_slip:3") == \
        "A milestone has slipped 3 working days past its baseline."
    assert describe_reason("milestone_slip:1") == \
        "A milestone has slipped 1 working day past its baseline."
    assert describe_reason("negative_float:2").startswith("2 open tasks have negative float")
    assert describe_reason("little_float_to_target:0") == \
        "No working days of slack are left before the target finish."
    assert describe_reason("little_float_to_target:2").startswith("Only 2 working days")
    assert describe_reason("milestones_overdue:1") == \
        "1 milestone is past due and not complete."
    assert describe_reason("something_new:4") == "something_new:4"  # never hidden


def test_the_page_shows_the_panels_per_role(personas):
    project = make_project(personas, code="DASH-1", start_date=timezone.localdate()
                           - dt.timedelta(days=40))
    add_tasks(personas, project, 3, 3)  # long past: overdue today
    ProjectIssue.objects.create(organization=personas.organization, project=project,
                                title="Server room flooded", priority="critical")

    html = page(personas.project_manager.browser().get("/projects/dashboard/"))
    assert "DASH-1" in html
    assert "Server room flooded" in html
    assert 'data-panel="overdue"' in html
    assert "T2" in html

    html = page(personas.account_manager.browser().get("/projects/dashboard/"))
    assert "DASH-1" in html
    html = page(personas.member.browser().get("/projects/dashboard/"))
    assert "DASH-1" not in html
    assert "No open projects" in html
    assert personas.client.browser().get("/projects/dashboard/").status_code == 403
    outsider = personas.outsider.browser().get("/projects/dashboard/")
    assert outsider.status_code == 200
    assert "DASH-1" not in page(outsider)
    anonymous = personas.client.browser()
    anonymous.logout()
    assert anonymous.get("/projects/dashboard/").status_code == 302


def test_the_home_pages_carry_the_panels(personas):
    make_project(personas, code="HOME-1")
    pm_home = personas.project_manager.browser().get("/")
    assert "HOME-1" in page(pm_home)
    assert 'data-panel="milestones"' in page(pm_home)
    assert "Timesheets to approve" in page(pm_home)  # later issues' panels stay
    am_home = page(personas.account_manager.browser().get("/"))
    assert "Projects of my clients" in am_home
    assert "HOME-1" in am_home
    assert "Open client issues" in am_home  # the book's panels stay
    exec_home = page(personas.executive.browser().get("/"))
    assert "Projects of my clients" not in exec_home


def _bulk(personas, count):
    """``count`` more projects, each with overdue tasks, a milestone in the window, an issue
    and a deliverable waiting: rows added directly, as the board only reads them."""
    org = personas.organization
    calendar = Project.objects.filter(organization=org).first().calendar
    projects = Project.objects.bulk_create([
        Project(organization=org, code=f"BULK-{i:03d}", name=f"Bulk {i}",
                client=personas.client_company, manager=personas.project_manager.user,
                start_date=START, calendar=calendar,
                schedule_status=("late", "at_risk", "on_track")[i % 3],
                schedule_reasons=["milestone_slip:2"] if i % 3 == 1 else [])
        for i in range(count)
    ])
    Task.objects.bulk_create([
        Task(organization=org, project=p, sequence=n, name=f"Task {n}", duration=d,
             start=START + dt.timedelta(days=n), finish=START + dt.timedelta(days=n + off),
             is_critical=n % 2 == 0)
        for p in projects for n, d, off in ((1, 3, 2), (2, 3, 4), (3, 0, 17))
    ])
    ProjectIssue.objects.bulk_create([
        ProjectIssue(organization=org, project=p, title=f"Issue {p.code}", priority="low")
        for p in projects
    ])
    Deliverable.objects.bulk_create([
        Deliverable(organization=org, project=p, name=f"Deliverable {p.code}",
                    acceptance_criteria="OK", status="submitted", submitted_at=timezone.now())
        for p in projects
    ])


@pytest.mark.parametrize("persona", ["project_manager", "account_manager", "admin"])
def test_the_board_costs_the_same_queries_whatever_the_size(personas, persona,
                                                           django_assert_num_queries):
    _story(personas)
    actor = personas[persona].actor
    with CaptureQueriesContext(connection) as small:
        projects_board(actor, today=TODAY)
    assert len(small) == 6
    _bulk(personas, 150)
    with django_assert_num_queries(len(small)):
        board = projects_board(actor, today=TODAY)
    assert board.total_projects == 151
    assert len(board.projects) == 100
    assert board.overdue.total == 2 + 300
    assert len(board.overdue.rows) == 15
    assert board.deliverables.total == 151
    assert board.projects[0].project.schedule_status == "late"


def test_the_page_costs_the_same_queries_whatever_the_size(personas, django_assert_num_queries):
    _story(personas)
    browser = personas.project_manager.browser()
    browser.get("/projects/dashboard/")
    with CaptureQueriesContext(connection) as small:
        assert browser.get("/projects/dashboard/").status_code == 200
    _bulk(personas, 60)
    with django_assert_num_queries(len(small)):
        response = browser.get("/projects/dashboard/")
    assert "BULK-059" in page(response)
