"""The `tandem` command: organizations, people, the demo, clear errors and exit codes."""

from __future__ import annotations

import json

import pytest

from tandem.cli import main
from tandem.core.actor import Actor
from tandem.core.demo import DEMO_PEOPLE
from tandem.core.models import AuditEntry, Membership, Organization, User
from tandem.core.roles import Role
from tandem.core.scoping import scoped

STRONG = "violet-harbour-1947-kites"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # A management command closes every connection when it ends; inside a test transaction on
    # PostgreSQL that would close the test's own connection under it.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


def tandem(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys):
    code, out, _ = tandem(capsys, "--help")
    assert code == 0
    for command in ("run", "worker", "createorg", "adduser", "demo", "schedule", "bench"):
        assert f"  {command}" in out


@pytest.mark.django_db
def test_createorg_creates_an_organization_with_its_admin_and_prints_json(capsys):
    code, out, _ = tandem(capsys, "createorg", "--name", "Acme", "--slug", "acme",
                          "--admin-email", "Boss@Acme.test", "--admin-password", STRONG, "--json")
    assert code == 0
    data = json.loads(out)
    organization = Organization.objects.get(slug="acme")
    assert data["id"] == organization.pk
    assert data["admin"]["email"] == "boss@acme.test"
    membership = Membership.objects.get(organization=organization)
    assert membership.role == Role.ADMIN
    assert membership.user.check_password(STRONG)
    actions = set(AuditEntry.objects.filter(organization=organization)
                  .values_list("action", flat=True))
    assert actions == {"organization.create", "membership.create"}


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message", "exit_code"), [
    (["--slug", "has space"], "is not a valid slug", 2),
    (["--slug", "api"], "is reserved", 2),
    (["--admin-password", "123"], "too short", 2),
    (["--admin-email", "not-an-email"], "is not a valid email address", 2),
])
def test_createorg_refuses_bad_input_with_a_message_and_creates_nothing(
    capsys, args, message, exit_code
):
    base = {"--name": "Acme", "--slug": "acme", "--admin-email": "boss@acme.test",
            "--admin-password": STRONG}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, _, err = tandem(capsys, "createorg", *[x for pair in base.items() for x in pair])
    assert code == exit_code
    assert message in err
    assert not Organization.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createorg_twice_with_one_slug_is_a_conflict(capsys):
    args = ["createorg", "--name", "Acme", "--slug", "acme", "--admin-email", "a@acme.test",
            "--admin-password", STRONG]
    assert tandem(capsys, *args)[0] == 0
    code, _, err = tandem(capsys, *args)
    assert code == 5
    assert "already exists" in err


@pytest.mark.django_db
def test_adduser_adds_people_to_isolated_organizations(capsys):
    for slug in ("north", "south"):
        tandem(capsys, "createorg", "--name", slug.title(), "--slug", slug,
               "--admin-email", f"admin@{slug}.test", "--admin-password", STRONG)
    code, out, _ = tandem(capsys, "adduser", "--org", "north", "--email", "pm@north.test",
                          "--password", STRONG, "--role", "project_manager", "--json")
    assert code == 0
    assert json.loads(out)["role"] == "project_manager"
    south = Organization.objects.get(slug="south")
    south_admin = Membership.objects.get(organization=south)
    visible = scoped(Membership, Actor.for_membership(south_admin))
    assert [m.user.email for m in visible] == ["admin@south.test"]


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message", "exit_code"), [
    (["--org", "nowhere", "--role", "member"], "No organization with the slug 'nowhere'", 3),
    (["--org", "north", "--role", "wizard"], "invalid choice: 'wizard'", 2),
])
def test_adduser_errors_are_clear(capsys, args, message, exit_code):
    tandem(capsys, "createorg", "--name", "North", "--slug", "north",
           "--admin-email", "admin@north.test", "--admin-password", STRONG)
    code, _, err = tandem(capsys, "adduser", "--email", "x@north.test", "--password", STRONG,
                          *args)
    assert code == exit_code
    assert message in err


@pytest.mark.django_db
def test_adduser_twice_is_a_conflict(capsys):
    tandem(capsys, "createorg", "--name", "North", "--slug", "north",
           "--admin-email", "admin@north.test", "--admin-password", STRONG)
    args = ["adduser", "--org", "north", "--email", "m@north.test", "--password", STRONG,
            "--role", "member"]
    assert tandem(capsys, *args)[0] == 0
    code, _, err = tandem(capsys, *args)
    assert code == 5
    assert "already a member" in err


@pytest.mark.django_db
def test_demo_creates_every_demo_login_and_if_missing_keeps_changes(capsys):
    code, out, _ = tandem(capsys, "demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "created"
    assert {login["email"] for login in data["logins"]} == {p[0] for p in DEMO_PEOPLE}
    for email, _name, role in DEMO_PEOPLE:
        membership = Membership.objects.get(organization__slug="demo", user__email=email)
        assert membership.role == role
        assert membership.user.check_password("demo")
    Organization.objects.filter(slug="demo").update(name="Renamed by a user")
    code, out, _ = tandem(capsys, "demo", "--if-missing")
    assert "kept" in out
    assert Organization.objects.get(slug="demo").name == "Renamed by a user"
    User.objects.filter(email="am@demo.test").update(password="!")
    code, out, _ = tandem(capsys, "demo")
    assert "refreshed" in out
    assert User.objects.get(email="am@demo.test").check_password("demo")


def test_unknown_command_fails(capsys):
    code, _, err = tandem(capsys, "frobnicate")
    assert code == 1
    assert "Unknown command: 'frobnicate'" in err


def test_worker_without_a_broker_explains_why_it_is_not_needed(capsys):
    code, _, err = tandem(capsys, "worker")
    assert code == 1
    assert "TANDEM_BROKER_URL is not set" in err


@pytest.mark.django_db
def test_django_commands_pass_through(capsys):
    code, out, _ = tandem(capsys, "showmigrations", "core")
    assert code == 0
    assert "initial_tenants_and_people" in out
