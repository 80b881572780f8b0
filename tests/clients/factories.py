"""Factories of the AM side's records (shared by every test of the clients app)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tandem.clients.models import (
    Client,
    ClientIssue,
    Contact,
    Interaction,
    InteractionKind,
    Need,
    Severity,
    Tier,
)
from tests.factories import OrganizationFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Client {n}")
    tier = Tier.STANDARD
    status = "active"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    organization = factory.SelfAttribute("client.organization")
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    client = factory.SubFactory(ClientFactory)
    organization = factory.SelfAttribute("client.organization")
    title = factory.Sequence(lambda n: f"Need {n}")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    client = factory.SubFactory(ClientFactory)
    organization = factory.SelfAttribute("client.organization")
    kind = InteractionKind.CALL
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    summary = "Weekly call"


class ClientIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientIssue

    client = factory.SubFactory(ClientFactory)
    organization = factory.SelfAttribute("client.organization")
    title = factory.Sequence(lambda n: f"Issue {n}")
    severity = Severity.MEDIUM
