"""The project pages: list, create, overview (lifecycle, schedule reasons, charter, scope), edit
and team, for each role."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.clients.models import Need, NeedStatus
from tandem.projects.models import Charter, Project, ProjectMember, ScopeItem
from tandem.projects.services.projects import member_add
from tests.personas import ALL_PERSONAS
from tests.projects.factories import START, add_tasks, make_project

pytestmark = pytest.mark.django_db
READERS = {"admin", "executive", "finance", "account_manager", "project_manager", "client"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def project(personas):
    return make_project(personas, code="SM-1", name="Warehouse app")


@pytest.fixture
def need(personas):
    return Need.objects.create(organization=personas.organization, client=personas.client_company,
                               title="Track pallets", status=NeedStatus.AGREED)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_list_and_the_overview(personas, project, name):
    browser = personas[name].browser()
    listing = browser.get("/projects/")
    assert listing.status_code == 200  # the outsider gets their own organization's, empty
    assert ("Warehouse app" in html(listing)) == (name in READERS)
    detail = browser.get(f"/projects/{project.pk}/")
    assert detail.status_code == (200 if name in READERS else 404)


def test_a_member_on_the_team_sees_the_project(personas, project):
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk)
    assert personas.member.browser().get(f"/projects/{project.pk}/").status_code == 200


def test_the_list_filters_and_shows_the_schedule_badge(personas, project):
    late = make_project(personas, code="SM-2", name="Late one",
                        target_finish=START + dt.timedelta(days=1))
    add_tasks(personas, late, 5)
    browser = personas.project_manager.browser()
    page = html(browser.get("/projects/?schedule=late"))
    assert "Late one" in page
    assert "Warehouse app" not in page
    assert "badge--danger" in page
    partial = browser.get("/projects/?q=ware", headers={"HX-Request": "true"})
    assert "<html" not in html(partial)
    assert "Warehouse app" in html(partial)
    assert "New project" in html(browser.get("/projects/"))
    assert "New project" not in html(personas.finance.browser().get("/projects/"))


def test_the_list_costs_a_fixed_number_of_queries(personas, django_assert_num_queries):
    browser = personas.project_manager.browser()
    make_project(personas, code="A-1")
    browser.get("/projects/")
    with django_assert_num_queries(7) as few:
        browser.get("/projects/")
    for n in range(2, 8):
        make_project(personas, code=f"A-{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        browser.get("/projects/")


def test_the_am_creates_a_project_bringing_needs_into_scope(personas, need):
    browser = personas.account_manager.browser()
    form = html(browser.get(f"/projects/new/?client={personas.client_company.pk}"))
    assert "Track pallets" in form
    response = browser.post("/projects/new/", {
        "client_id": personas.client_company.pk, "code": "SM-9", "name": "Pallets",
        "manager_id": personas.project_manager.user.pk, "start_date": "2026-03-02",
        "currency": "vnd", "need_ids": [need.pk],
    })
    project = Project.objects.get(code="SM-9")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert ScopeItem.objects.get(project=project).need == need
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_SCOPE


def test_a_pm_may_start_a_project_for_any_client_and_an_am_for_their_own(personas):
    from tests.clients.factories import ClientFactory

    other = ClientFactory(organization=personas.organization, owner=personas.admin.user,
                          name="Hoa Binh Retail")
    assert "Hoa Binh Retail" in html(personas.project_manager.browser().get("/projects/new/"))
    assert "Hoa Binh Retail" not in html(personas.account_manager.browser().get("/projects/new/"))
    response = personas.project_manager.browser().post("/projects/new/", {
        "client_id": other.pk, "code": "HB-1", "name": "Stores",
        "manager_id": personas.project_manager.user.pk, "start_date": "2026-03-02",
        "currency": "VND",
    })
    assert response.status_code == 302
    assert Project.objects.get(code="HB-1").client == other


def test_the_create_form_shows_its_errors(personas, project):
    browser = personas.project_manager.browser()
    response = browser.post("/projects/new/", {
        "code": "SM-1", "name": "", "manager_id": personas.project_manager.user.pk,
        "start_date": "2026-03-02", "target_finish": "2026-03-01", "currency": "VND",
    })
    assert response.status_code == 422
    page = html(response)
    assert "The target finish cannot be before the start date." in page
    assert "This field is required." in page
    # the service's refusal (a taken code) lands on its field
    response = browser.post("/projects/new/", {
        "code": "SM-1", "name": "Again", "manager_id": personas.project_manager.user.pk,
        "start_date": "2026-03-02", "currency": "VND",
    })
    assert response.status_code == 409
    assert "already has the code" in html(response)


@pytest.mark.parametrize(("name", "status"), [("finance", 403), ("member", 403),
                                              ("client", 403), ("account_manager", 200)])
def test_who_may_create(personas, name, status):
    assert personas[name].browser().get("/projects/new/").status_code == status


def test_the_overview_explains_a_late_schedule_in_sentences(personas):
    project = make_project(personas, target_finish=START + dt.timedelta(days=2))
    add_tasks(personas, project, 5)
    page = html(personas.project_manager.browser().get(f"/projects/{project.pk}/"))
    assert "The scheduled finish is 2 days after the target finish." in page
    assert "finish_after_target" not in page


def test_the_pm_moves_the_project_along_its_lifecycle(personas, project):
    browser = personas.project_manager.browser()
    page = html(browser.get(f"/projects/{project.pk}/"))
    assert 'value="active"' in page
    assert 'value="closing"' not in page
    response = browser.post(f"/projects/{project.pk}/transition/",
                            {"status": "active", "version": project.version}, follow=True)
    assert "The project is now Active." in html(response)
    project.refresh_from_db()
    assert project.status == "active"
    stale = browser.post(f"/projects/{project.pk}/transition/",
                         {"status": "on_hold", "version": 1}, follow=True)
    assert "Someone else changed this" in html(stale)


def test_readers_get_no_buttons_and_cannot_post(personas, project):
    browser = personas.executive.browser()
    page = html(browser.get(f"/projects/{project.pk}/"))
    assert "Edit project" not in page
    assert "Edit charter" not in page
    assert browser.get(f"/projects/{project.pk}/edit/").status_code == 403
    response = browser.post(f"/projects/{project.pk}/transition/",
                            {"status": "active", "version": project.version})
    assert response.status_code == 403
    assert personas.outsider.browser().get(f"/projects/{project.pk}/edit/").status_code == 404


def test_the_client_sees_the_overview_only(personas, project):
    browser = personas.client.browser()
    page = html(browser.get(f"/projects/{project.pk}/"))
    assert "Warehouse app" in page
    assert f"/projects/{project.pk}/deliverables/" in page
    assert f"/projects/{project.pk}/plan/" not in page
    assert "Charter" not in page
    assert "Scope items" not in page
    for path in ("team/", "charter/", "edit/"):
        assert browser.get(f"/projects/{project.pk}/{path}").status_code == 404


def test_editing_a_project_and_a_stale_form(personas, project):
    browser = personas.project_manager.browser()
    form = html(browser.get(f"/projects/{project.pk}/edit/"))
    assert 'name="version" value="1"' in form
    data = {"code": "SM-1", "name": "Warehouse app v2",
            "manager_id": personas.project_manager.user.pk, "start_date": "2026-03-09",
            "calendar_id": project.calendar_id, "currency": "USD", "version": project.version}
    assert browser.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.currency, project.start_date) == (
        "Warehouse app v2", "USD", dt.date(2026, 3, 9))
    stale = browser.post(f"/projects/{project.pk}/edit/", {**data, "name": "Old"})
    assert stale.status_code == 409
    assert "Someone else changed this" in html(stale)


def test_the_charter_is_edited_with_its_version(personas, project):
    browser = personas.project_manager.browser()
    data = {"objectives": "Ship it", "success_criteria": "", "scope_in": "App",
            "scope_out": "Hardware", "assumptions": "", "constraints": "", "version": 1}
    response = browser.post(f"/projects/{project.pk}/charter/", data)
    assert response.status_code == 302
    assert Charter.objects.get(project=project).scope_out == "Hardware"
    assert "Hardware" in html(browser.get(f"/projects/{project.pk}/"))
    stale = browser.post(f"/projects/{project.pk}/charter/", data)
    assert stale.status_code == 409
    assert personas.executive.browser().get(
        f"/projects/{project.pk}/charter/").status_code == 403


def test_scope_items_from_needs_and_free_ones(personas, project, need):
    browser = personas.project_manager.browser()
    page = html(browser.get(f"/projects/{project.pk}/"))
    assert f'<option value="{need.pk}">Track pallets</option>' in page
    browser.post(f"/projects/{project.pk}/scope/", {"need_id": need.pk, "in_scope": "on"})
    browser.post(f"/projects/{project.pk}/scope/", {"title": "Training", "in_scope": ""})
    items = {i.title: i for i in ScopeItem.objects.filter(project=project)}
    assert items["Track pallets"].need == need
    assert not items["Training"].in_scope
    empty = browser.post(f"/projects/{project.pk}/scope/", {"title": ""}, follow=True)
    assert "Give the scope item a title, or pick a need." in html(empty)
    page = html(browser.get(f"/projects/{project.pk}/"))
    assert "Out of scope" in page
    assert f'<option value="{need.pk}">' not in page
    response = browser.post(f"/projects/scope/{items['Training'].pk}/delete/")
    assert response.status_code == 302
    assert not ScopeItem.objects.filter(title="Training").exists()
    assert personas.executive.browser().post(
        f"/projects/scope/{items['Track pallets'].pk}/delete/").status_code == 403


def test_the_status_date_reschedules(personas, project):
    browser = personas.project_manager.browser()
    response = browser.post(f"/projects/{project.pk}/status-date/",
                            {"status_date": "2026-03-10", "version": project.version},
                            follow=True)
    assert "Status date saved" in html(response)
    project.refresh_from_db()
    assert project.status_date == dt.date(2026, 3, 10)


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_team(personas, project, name):
    response = personas[name].browser().get(f"/projects/{project.pk}/team/")
    assert response.status_code == (200 if name in READERS - {"client"} else 404)
    if response.status_code == 200:
        assert ("Add a team member" in html(response)) == (name in {"admin", "project_manager"})


def test_the_pm_staffs_the_team(personas, project):
    browser = personas.project_manager.browser()
    response = browser.post(f"/projects/{project.pk}/team/",
                            {"user_id": personas.member.user.pk, "project_role": "Developer",
                             "allocation": 50})
    assert response.status_code == 302
    member = ProjectMember.objects.get(project=project)
    assert (member.project_role, member.allocation) == ("Developer", 50)
    again = browser.post(f"/projects/{project.pk}/team/",
                         {"user_id": personas.member.user.pk, "allocation": 120})
    assert again.status_code == 422
    assert "Ensure this value is less than or equal to 100." in html(again)
    edit = browser.post(f"/projects/team/{member.pk}/edit/",
                        {"project_role": "Lead", "allocation": 80, "version": member.version})
    assert edit.status_code == 302
    member.refresh_from_db()
    assert (member.project_role, member.allocation) == ("Lead", 80)
    assert personas.executive.browser().post(
        f"/projects/team/{member.pk}/delete/").status_code == 403
    assert browser.post(f"/projects/team/{member.pk}/delete/").status_code == 302
    assert not ProjectMember.objects.filter(project=project).exists()


def test_a_scope_item_is_edited_in_place(personas, project, need):
    browser = personas.project_manager.browser()
    browser.post(f"/projects/{project.pk}/scope/", {"need_id": need.pk, "in_scope": "on"})
    item = ScopeItem.objects.get(project=project)
    hx = {"HX-Request": "true"}
    page = html(browser.get(f"/projects/{project.pk}/"))
    assert f'hx-get="/projects/scope/{item.pk}/edit/"' in page
    row_form = browser.get(f"/projects/scope/{item.pk}/edit/", headers=hx)
    assert row_form.status_code == 200
    assert html(row_form).startswith(f'<tr id="scope-item-{item.pk}" class="scope-edit">')
    assert 'value="Track pallets"' in html(row_form)
    assert "Serves the client's need Track pallets." in html(row_form)
    saved = browser.post(f"/projects/scope/{item.pk}/edit/",
                         {"title": "Pallet tracking", "description": "Scanners too",
                          "in_scope": "", "version": item.version}, headers=hx)
    assert saved.status_code == 200
    assert html(saved).startswith(f'<tr id="scope-item-{item.pk}" class="is-inactive">')
    assert "Scope item Pallet tracking saved." in html(saved)
    assert "Out of scope" in html(saved)
    item.refresh_from_db()
    assert (item.title, item.description, item.in_scope, item.need_id) == (
        "Pallet tracking", "Scanners too", False, need.pk)
    closed = browser.get(f"/projects/scope/{item.pk}/", headers=hx)
    assert html(closed).startswith(f'<tr id="scope-item-{item.pk}"')
    assert "Pallet tracking" in html(closed)


def test_a_scope_item_edit_refused_and_without_htmx(personas, project):
    item = ScopeItem.objects.create(organization=personas.organization, project=project,
                                    title="Training")
    browser = personas.project_manager.browser()
    url = f"/projects/scope/{item.pk}/edit/"
    empty = browser.post(url, {"title": "", "version": 1}, headers={"HX-Request": "true"})
    assert empty.status_code == 422
    assert "This field is required." in html(empty)
    ScopeItem.objects.filter(pk=item.pk).update(title="Training by admin", version=2)
    stale = browser.post(url, {"title": "Mine", "in_scope": "on", "version": 1},
                         headers={"HX-Request": "true"})
    assert stale.status_code == 409
    assert "Someone else changed this" in html(stale)
    assert 'value="Training by admin"' in html(stale)
    assert 'name="version" value="2"' in html(stale)
    page = browser.get(url)
    assert "<html" in html(page)
    assert 'hx-post' not in html(page).split('<section class="panel panel--narrow">')[1]
    done = browser.post(url, {"title": "Onsite training", "in_scope": "on", "version": 2})
    assert done.status_code == 302
    assert done["Location"] == f"/projects/{project.pk}/#scope-item-{item.pk}"
    item.refresh_from_db()
    assert (item.title, item.version) == ("Onsite training", 3)
    assert browser.get(f"/projects/scope/{item.pk}/")["Location"] == done["Location"]


@pytest.mark.parametrize(("name", "status"), [
    ("project_manager", 302), ("admin", 302), ("executive", 403), ("finance", 403),
    ("account_manager", 403), ("member", 403), ("client", 404), ("outsider", 404)])
def test_who_may_edit_a_scope_item(personas, project, name, status):
    member_add(actor=personas.admin.actor, project=project, user_id=personas.member.user.pk)
    item = ScopeItem.objects.create(organization=personas.organization, project=project,
                                    title="Training")
    browser = personas[name].browser()
    url = f"/projects/scope/{item.pk}/edit/"
    assert browser.get(url).status_code == (200 if status == 302 else status)
    response = browser.post(url, {"title": "Changed", "in_scope": "on", "version": 1})
    assert response.status_code == status
    item.refresh_from_db()
    assert item.title == ("Changed" if status == 302 else "Training")
    page = browser.get(f"/projects/{project.pk}/")
    if page.status_code == 200:
        assert (f"/projects/scope/{item.pk}/edit/" in html(page)) == (status == 302)
