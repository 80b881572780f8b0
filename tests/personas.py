"""The people every permission test is written against: one per role in one organization, and an
outsider who is the administrator of another organization."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client as BrowserClient

from tandem.clients.models import Client
from tandem.core.actor import Actor
from tandem.core.models import Membership, Organization
from tandem.core.roles import Role
from tandem.core.tokens import token_issue
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

ROLE_NAMES = {
    Role.ADMIN: "admin",
    Role.EXECUTIVE: "executive",
    Role.ACCOUNT_MANAGER: "account_manager",
    Role.PROJECT_MANAGER: "project_manager",
    Role.FINANCE: "finance",
    Role.MEMBER: "member",
    Role.CLIENT: "client",
}
ALL_PERSONAS = (*ROLE_NAMES.values(), "outsider")


@dataclass
class Persona:
    name: str
    membership: Membership

    @property
    def user(self) -> Any:
        return self.membership.user

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def actor(self) -> Actor:
        return Actor.for_membership(self.membership)

    def api(self) -> ApiClient:
        _token, secret = token_issue(membership=self.membership)
        return ApiClient(secret)

    def browser(self) -> BrowserClient:
        browser = BrowserClient()
        browser.force_login(self.user)
        return browser


class ApiClient:
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = BrowserClient()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return call(path, **kwargs)

    def get(self, path: str, **headers: str) -> Any:
        return self._send("get", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("post", path, body if body is not None else {}, **headers)

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("patch", path, body if body is not None else {}, **headers)

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("put", path, body if body is not None else {}, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self._send("delete", path, **headers)


class Personas:
    _people: dict[str, Persona]

    def __init__(self) -> None:
        self.organization = OrganizationFactory(name="Acme Delivery", slug="acme")
        self.other_organization = OrganizationFactory(name="Other Firm", slug="other")
        self._people = {}
        for role, name in ROLE_NAMES.items():
            if role == Role.CLIENT:
                continue
            user = UserFactory(email=f"{name}@acme.test", full_name=name.replace("_", " ").title())
            self._people[name] = Persona(
                name, MembershipFactory(organization=self.organization, user=user, role=role)
            )
        # The client persona is a person of this client, owned by the account manager.
        self.client_company = Client.objects.create(
            organization=self.organization, name="Sao Mai Logistics", tier="key", status="active",
            owner=self._people["account_manager"].user,
        )
        client_user = UserFactory(email="client@acme.test", full_name="Client")
        self._people["client"] = Persona("client", MembershipFactory(
            organization=self.organization, user=client_user, role=Role.CLIENT,
            client=self.client_company,
        ))
        outsider = UserFactory(email="outsider@other.test", full_name="Outsider")
        self._people["outsider"] = Persona(
            "outsider",
            MembershipFactory(organization=self.other_organization, user=outsider, role=Role.ADMIN),
        )

    def __getitem__(self, name: str) -> Persona:
        return self._people[name]

    def __getattr__(self, name: str) -> Persona:
        try:
            return self._people[name]
        except KeyError:
            raise AttributeError(name) from None
