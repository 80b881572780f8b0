"""The plan page: the WBS table for each role, HTMX editing of a row that reschedules and answers
with only the rows whose shown values moved (the whole table when rows move), stale versions,
structure, predecessors (added, changed in place, removed) and loops, notes and scope item,
progress by the assignee, and query counts that do not grow with the plan."""

from __future__ import annotations

import re

import pytest

from tandem.projects.models import Dependency, ScopeItem, Task
from tandem.projects.services.plan import dependency_update, task_create, task_update
from tandem.projects.services.projects import member_add
from tandem.projects.views import plan as plan_views
from tests.personas import ALL_PERSONAS
from tests.projects.factories import add_tasks, make_project

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
READERS = {"admin", "executive", "finance", "account_manager", "project_manager"}


def html(response) -> str:
    return response.content.decode()


def row_html(page: str, task: Task) -> str:
    """A row as the table or a partial answer shows it (in its tbody, or swapped out of band)."""
    match = re.search(rf'<tbody id="task-{task.pk}"[^>]*>(.*?)</tbody>', page, re.S) or \
        re.search(rf'<tr id="row-{task.pk}"[^>]*hx-swap-oob="true">(.*?)</tr>', page, re.S)
    assert match, f"row {task.pk} not in the page"
    return match.group(1)


def rendered(response) -> tuple[set[int], set[int]]:
    """The answer's rows: the edited one(s) in a tbody, and those swapped out of band."""
    page = html(response)
    return ({int(pk) for pk in re.findall(r'<tbody id="task-(\d+)"', page)},
            {int(pk) for pk in re.findall(r'<tr id="row-(\d+)"[^>]*hx-swap-oob="true"', page)})


def edit(browser, task: Task, **changes):
    task.refresh_from_db()
    data = {"name": task.name, "duration": task.duration, "constraint_type": "ASAP",
            "version": task.version, **changes}
    return browser.post(f"/projects/plan/tasks/{task.pk}/edit/", data, headers=HTMX)


@pytest.fixture
def project(personas):
    return make_project(personas)


@pytest.fixture
def chain(personas, project):
    return add_tasks(personas, project, 3, 2)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_plan(personas, project, chain, name):
    response = personas[name].browser().get(f"/projects/{project.pk}/plan/")
    assert response.status_code == (200 if name in READERS else 404)
    if response.status_code == 200:
        page = html(response)
        assert "T2" in page
        assert ("Add at the end" in page) == (name in {"admin", "project_manager"})


def test_the_table_shows_wbs_dates_float_and_predecessors(personas, project, chain):
    t1, t2 = chain
    extra = task_create(actor=personas.admin.actor, project=project, name="Loose", duration=1)
    page = html(personas.project_manager.browser().get(f"/projects/{project.pk}/plan/"))
    first, second = row_html(page, t1), row_html(page, t2)
    assert "03/02/2026" in first
    assert "03/04/2026" in first
    assert "critical" in first
    assert "is-critical" in first
    assert '<td class="nowrap">1</td>' in second  # predecessor: row 1, finish-to-start
    assert 'class="num">4</td>' in row_html(page, extra)  # 4 days of total float


def test_changing_a_duration_answers_with_the_moved_rows(personas, project, chain):
    t1, t2 = chain
    browser = personas.project_manager.browser()
    panel = browser.get(f"/projects/plan/tasks/{t1.pk}/edit/", headers=HTMX)
    assert panel.status_code == 200
    assert "<html" not in html(panel)
    assert 'name="duration"' in html(panel)
    assert 'name="version" value="' in html(panel)
    response = browser.post(f"/projects/plan/tasks/{t1.pk}/edit/", {
        "name": "T1", "duration": 5, "constraint_type": "ASAP", "version": t1.version,
    }, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#task-{t1.pk}"
    page = html(response)
    assert 'id="plan-table"' not in page
    assert page.startswith(f'<tbody id="task-{t1.pk}"')  # HTMX parses it as table content
    assert rendered(response) == ({t1.pk}, {t2.pk})
    assert "<template>" in page  # the out-of-band rows, parsed as table rows by the browser
    assert '<div id="plan-status" hx-swap-oob="true">' in page
    assert "T1 saved; the plan was rescheduled." in page
    assert "2 rows" in page
    assert "03/09/2026" in row_html(page, t2)  # T2 now starts after the weekend
    t2.refresh_from_db()
    assert str(t2.start) == "2026-03-09"


def test_only_the_rows_a_change_moves_are_sent(personas, project):
    t1, t2, t3 = add_tasks(personas, project, 3, 2, 1)
    browser = personas.project_manager.browser()
    assert rendered(edit(browser, t3, duration=4)) == ({t3.pk}, set())  # the end of the chain
    assert rendered(edit(browser, t2, name="Build")) == ({t2.pk}, set())  # nothing moved
    assert rendered(edit(browser, t1, duration=5)) == ({t1.pk}, {t2.pk, t3.pk})  # the chain
    t3.refresh_from_db()
    assert str(t3.start) == "2026-03-11"
    unchanged = edit(browser, t1)  # saved as it was: nothing rescheduled, the row comes back
    assert rendered(unchanged) == ({t1.pk}, set())


def test_a_change_to_most_rows_or_to_the_structure_sends_the_table(personas, project,
                                                                    monkeypatch):
    t1, _t2, _t3 = add_tasks(personas, project, 3, 2, 1)
    loose = task_create(actor=personas.admin.actor, project=project, name="Loose", duration=1)
    browser = personas.project_manager.browser()
    monkeypatch.setattr(plan_views, "FEW_ROWS", 1)  # 2 of 3 rows move: most of the plan
    whole = edit(browser, t1, duration=5)
    assert whole["HX-Retarget"] == "#plan-table"
    assert html(whole).count('<tbody id="task-') == 4
    assert "hx-swap-oob" not in html(whole)
    monkeypatch.undo()
    indented = browser.post(f"/projects/plan/tasks/{loose.pk}/indent/",
                            {"version": loose.version}, headers=HTMX)
    assert indented["HX-Retarget"] == "#plan-table"
    assert html(indented).count('<tbody id="task-') == 4


def test_the_partial_answer_costs_the_same_queries_for_10_and_100_tasks(
        personas, django_assert_num_queries):
    browser = personas.project_manager.browser()
    counts = []
    for code, size in (("S", 10), ("L", 100)):
        project = make_project(personas, code=code)
        tasks = add_tasks(personas, project, *([1] * size), chain=False)
        edit(browser, tasks[-1], name="warm")
        with django_assert_num_queries(100, exact=False) as counted:
            response = edit(browser, tasks[-1], name="renamed")
        assert rendered(response) == ({tasks[-1].pk}, set())
        counts.append(len(counted.captured_queries))
    assert counts[0] == counts[1]


def test_a_stale_row_is_reloaded_with_the_message(personas, project, chain):
    t1, _t2 = chain
    version = t1.version
    task_update(actor=personas.admin.actor, task=t1, expected_version=version,
                changes={"name": "Renamed by admin"})
    response = personas.project_manager.browser().post(
        f"/projects/plan/tasks/{t1.pk}/edit/",
        {"name": "Mine", "duration": 4, "constraint_type": "ASAP", "version": version},
        headers=HTMX)
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this" in page
    assert 'value="Renamed by admin"' in page  # the row's current values
    assert f'name="version" value="{version + 1}"' in page
    t1.refresh_from_db()
    assert t1.duration == 3


def test_invalid_input_keeps_the_panel_with_errors(personas, project, chain):
    t1, _t2 = chain
    response = personas.project_manager.browser().post(
        f"/projects/plan/tasks/{t1.pk}/edit/",
        {"name": "T1", "duration": -2, "constraint_type": "SNET", "version": t1.version},
        headers=HTMX)
    assert response.status_code == 422
    assert "Ensure this value is greater than or equal to 0." in html(response)
    refused = personas.project_manager.browser().post(
        f"/projects/plan/tasks/{t1.pk}/edit/",
        {"name": "T1", "duration": 2, "constraint_type": "SNET", "version": t1.version},
        headers=HTMX)
    assert refused.status_code == 422
    assert "The constraint SNET needs a date." in html(refused)


def test_adding_rows_at_the_end_below_and_under(personas, project, chain):
    t1, t2 = chain
    browser = personas.project_manager.browser()
    response = browser.post(f"/projects/{project.pk}/plan/tasks/",
                            {"name": "Go live", "duration": 3, "milestone": "on"}, headers=HTMX)
    assert response.status_code == 200
    assert "Go live added" in html(response)
    assert Task.objects.get(name="Go live").duration == 0
    browser.post(f"/projects/{project.pk}/plan/tasks/",
                 {"name": "Between", "duration": 1, "after_id": t1.pk}, headers=HTMX)
    browser.post(f"/projects/{project.pk}/plan/tasks/",
                 {"name": "Sub", "duration": 1, "parent_id": t2.pk}, headers=HTMX)
    rows = list(Task.objects.filter(project=project).values_list("name", "parent_id"))
    assert rows == [("T1", None), ("Between", None), ("T2", None), ("Sub", t2.pk),
                    ("Go live", None)]
    empty = browser.post(f"/projects/{project.pk}/plan/tasks/", {"name": ""}, headers=HTMX)
    assert empty.status_code == 422
    assert empty["HX-Retarget"] == "#task-add"


def test_indent_outdent_and_delete(personas, project):
    t1, t2 = add_tasks(personas, project, 3, 2, chain=False)
    browser = personas.project_manager.browser()
    response = browser.post(f"/projects/plan/tasks/{t2.pk}/indent/", {"version": t2.version},
                            headers=HTMX)
    assert response.status_code == 200
    t1.refresh_from_db()
    t2.refresh_from_db()
    assert t2.parent_id == t1.pk
    assert t1.is_summary
    assert "plan-level-2" in row_html(html(response), t2)
    cannot = browser.post(f"/projects/plan/tasks/{t1.pk}/indent/", {"version": t1.version},
                          headers=HTMX)
    assert cannot.status_code == 422
    assert "no task above it" in html(cannot)
    browser.post(f"/projects/plan/tasks/{t2.pk}/outdent/", {"version": t2.version},
                 headers=HTMX)
    t2.refresh_from_db()
    assert t2.parent_id is None
    deleted = browser.post(f"/projects/plan/tasks/{t1.pk}/delete/", headers=HTMX)
    assert deleted.status_code == 200
    assert "T1 deleted." in html(deleted)
    assert list(Task.objects.filter(project=project).values_list("name", flat=True)) == ["T2"]


def test_predecessors_are_added_by_row_and_a_loop_is_explained(personas, project):
    t1, t2, t3 = add_tasks(personas, project, 1, 1, 1, chain=False)
    browser = personas.project_manager.browser()
    added = browser.post(f"/projects/plan/tasks/{t3.pk}/predecessors/",
                         {"predecessor_row": 1, "type": "SS", "lag": 2}, headers=HTMX)
    assert added.status_code == 200
    assert "1SS+2" in row_html(html(added), t3)
    browser.post(f"/projects/plan/tasks/{t1.pk}/predecessors/",
                 {"predecessor_row": 2, "type": "FS", "lag": 0}, headers=HTMX)
    loop = browser.post(f"/projects/plan/tasks/{t2.pk}/predecessors/",
                        {"predecessor_row": 1, "type": "FS", "lag": 0}, headers=HTMX)
    assert loop.status_code == 422
    assert "These dependencies would form a loop" in html(loop)
    missing = browser.post(f"/projects/plan/tasks/{t2.pk}/predecessors/",
                           {"predecessor_row": 99, "type": "FS", "lag": 0}, headers=HTMX)
    assert missing.status_code == 422
    assert "There is no row 99" in html(missing)
    link = Dependency.objects.get(successor=t3)
    removed = browser.post(f"/projects/plan/dependencies/{link.pk}/delete/", headers=HTMX)
    assert removed.status_code == 200
    assert not Dependency.objects.filter(successor=t3).exists()


def test_the_assignee_updates_progress_of_their_own_task_only(personas, project, chain):
    t1, t2 = chain
    member = personas.member
    member_add(actor=personas.admin.actor, project=project, user_id=member.user.pk)
    task_update(actor=personas.admin.actor, task=t1, expected_version=t1.version,
                changes={"assignee_id": member.user.pk})
    t1.refresh_from_db()
    browser = member.browser()
    page = html(browser.get(f"/projects/{project.pk}/plan/"))
    assert "Progress" in row_html(page, t1)
    assert "Progress" not in row_html(page, t2)
    assert "Add at the end" not in page
    panel = html(browser.get(f"/projects/plan/tasks/{t1.pk}/edit/", headers=HTMX))
    assert 'name="percent_complete"' in panel
    assert 'name="duration"' not in panel
    response = browser.post(f"/projects/plan/tasks/{t1.pk}/progress/",
                            {"percent_complete": 50, "actual_start": "2026-03-02",
                             "version": t1.version}, headers=HTMX)
    assert response.status_code == 200
    assert "50%" in row_html(html(response), t1)
    assert browser.get(f"/projects/plan/tasks/{t2.pk}/edit/", headers=HTMX).status_code == 403
    assert browser.post(f"/projects/plan/tasks/{t1.pk}/edit/",
                        {"name": "x", "duration": 1, "constraint_type": "ASAP",
                         "version": 9}).status_code == 403


def test_outsiders_and_clients_cannot_touch_rows(personas, project, chain):
    t1, _t2 = chain
    for name in ("outsider", "client"):
        browser = personas[name].browser()
        assert browser.get(f"/projects/plan/tasks/{t1.pk}/edit/").status_code == 404
        assert browser.post(f"/projects/plan/tasks/{t1.pk}/delete/").status_code == 404
    assert personas.executive.browser().post(
        f"/projects/plan/tasks/{t1.pk}/delete/").status_code == 403


def test_without_htmx_the_forms_work_as_pages(personas, project, chain):
    t1, _t2 = chain
    browser = personas.project_manager.browser()
    page = browser.get(f"/projects/plan/tasks/{t1.pk}/edit/")
    assert "<html" in html(page)
    assert 'name="duration"' in html(page)
    response = browser.post(f"/projects/plan/tasks/{t1.pk}/edit/",
                            {"name": "T1", "duration": 4, "constraint_type": "ASAP",
                             "version": t1.version})
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/plan/#task-{t1.pk}"


def test_the_plan_page_costs_the_same_queries_for_10_and_100_tasks(
        personas, django_assert_num_queries):
    small, large = make_project(personas, code="S"), make_project(personas, code="L")
    for project, size in ((small, 10), (large, 100)):
        tasks = [task_create(actor=personas.admin.actor, project=project, name=f"R{i}",
                             duration=1 + i % 3, assignee_id=personas.member.user.pk)
                 for i in range(size)]
        for a, b in zip(tasks[::2], tasks[1::2], strict=True):
            Dependency.objects.create(organization=personas.organization, project=project,
                                      predecessor=a, successor=b)
    browser = personas.project_manager.browser()
    browser.get(f"/projects/{small.pk}/plan/")
    with django_assert_num_queries(7) as counted:
        browser.get(f"/projects/{small.pk}/plan/")
    with django_assert_num_queries(len(counted.captured_queries)):
        response = browser.get(f"/projects/{large.pk}/plan/")
    assert html(response).count('<tbody id="task-') == 100


def test_dates_follow_the_language_format(personas, project, chain):
    t1, _t2 = chain
    browser = personas.project_manager.browser()
    browser.cookies["tandem_language"] = "vi"
    page = html(browser.get(f"/projects/{project.pk}/plan/"))
    assert "02/03/2026" in row_html(page, t1)  # d/m/Y, as Django's date filter gives


def test_a_predecessor_type_and_lag_change_in_place(personas, project):
    _t1, t2, t3 = add_tasks(personas, project, 3, 2, 1)
    link = Dependency.objects.get(successor=t2)
    browser = personas.project_manager.browser()
    panel = html(browser.get(f"/projects/plan/tasks/{t2.pk}/edit/", headers=HTMX))
    assert f'action="/projects/plan/dependencies/{link.pk}/edit/"' in panel
    assert f'id="link{link.pk}-lag"' in panel
    response = browser.post(f"/projects/plan/dependencies/{link.pk}/edit/",
                            {"type": "SS", "lag": 1, "version": link.version}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#task-{t2.pk}"
    assert "Predecessor changed; the plan was rescheduled." in html(response)
    assert "1SS+1" in row_html(html(response), t2)
    assert rendered(response) == ({t2.pk}, {t3.pk})  # T2 starts a day after T1: earlier
    link.refresh_from_db()
    assert (link.type, link.lag, link.version) == ("SS", 1, 2)
    t2.refresh_from_db()
    assert str(t2.start) == "2026-03-03"


def test_a_predecessor_change_refused(personas, project):
    _t1, t2 = add_tasks(personas, project, 3, 2)
    link = Dependency.objects.get(successor=t2)
    dependency_update(actor=personas.admin.actor, dependency=link, expected_version=1,
                      changes={"lag": 3})
    browser = personas.project_manager.browser()
    url = f"/projects/plan/dependencies/{link.pk}/edit/"
    stale = browser.post(url, {"type": "FF", "lag": 0, "version": 1}, headers=HTMX)
    assert stale.status_code == 409
    assert "Someone else changed this" in html(stale)
    assert 'name="lag" value="3"' in html(stale)  # the saved values are shown again
    assert f'value="2" id="link{link.pk}-version"' in html(stale)
    invalid = browser.post(url, {"type": "XX", "lag": 99999, "version": 2}, headers=HTMX)
    assert invalid.status_code == 422
    assert "Check the highlighted fields." in html(invalid)
    link.refresh_from_db()
    assert (link.type, link.lag) == ("FS", 3)
    plain = browser.post(url, {"type": "FF", "lag": 0, "version": 2})
    assert plain.status_code == 302
    assert plain["Location"] == f"/projects/{project.pk}/plan/#task-{t2.pk}"


@pytest.mark.parametrize(("name", "status"), [
    ("project_manager", 200), ("admin", 200), ("executive", 403), ("finance", 403),
    ("account_manager", 403), ("member", 403), ("client", 404), ("outsider", 404)])
def test_who_may_change_a_predecessor(personas, project, name, status):
    _t1, t2 = add_tasks(personas, project, 3, 2)
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk)
    link = Dependency.objects.get(successor=t2)
    response = personas[name].browser().post(
        f"/projects/plan/dependencies/{link.pk}/edit/",
        {"type": "SS", "lag": 0, "version": link.version}, headers=HTMX)
    assert response.status_code == status
    link.refresh_from_db()
    assert link.type == ("SS" if status == 200 else "FS")


def test_notes_and_scope_item_are_edited_in_the_panel(personas, project, chain):
    t1, _t2 = chain
    item = ScopeItem.objects.create(organization=personas.organization, project=project,
                                    title="Mobile app")
    other = make_project(personas, code="OTHER")
    elsewhere = ScopeItem.objects.create(organization=personas.organization, project=other,
                                         title="Not ours")
    browser = personas.project_manager.browser()
    panel = html(browser.get(f"/projects/plan/tasks/{t1.pk}/edit/", headers=HTMX))
    assert 'name="notes"' in panel
    assert f'<option value="{item.pk}">Mobile app</option>' in panel
    assert "Not ours" not in panel
    saved = edit(browser, t1, notes="Ask the warehouse first.", scope_item_id=item.pk)
    assert saved.status_code == 200
    assert rendered(saved) == ({t1.pk}, set())
    t1.refresh_from_db()
    assert (t1.notes, t1.scope_item_id) == ("Ask the warehouse first.", item.pk)
    reopened = html(browser.get(f"/projects/plan/tasks/{t1.pk}/edit/", headers=HTMX))
    assert "Ask the warehouse first.</textarea>" in reopened
    assert f'<option value="{item.pk}" selected>Mobile app</option>' in reopened
    refused = edit(browser, t1, scope_item_id=elsewhere.pk)
    assert refused.status_code == 422
    assert "Select a valid choice." in html(refused)
    cleared = edit(browser, t1, notes="", scope_item_id="")
    assert cleared.status_code == 200
    t1.refresh_from_db()
    assert (t1.notes, t1.scope_item_id) == ("", None)
    assert personas.executive.browser().post(
        f"/projects/plan/tasks/{t1.pk}/edit/",
        {"name": "T1", "duration": 3, "constraint_type": "ASAP", "notes": "x",
         "version": t1.version}, headers=HTMX).status_code == 403
    assert personas.outsider.browser().post(
        f"/projects/plan/tasks/{t1.pk}/edit/",
        {"name": "T1", "duration": 3, "constraint_type": "ASAP", "notes": "x",
         "version": t1.version}, headers=HTMX).status_code == 404
