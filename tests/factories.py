"""Factories for the core's records. Passwords share one precomputed Argon2 hash, so building
people costs nothing while sign-in still exercises the real hasher."""

from __future__ import annotations

from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from tandem.core.models import Membership, Organization, User
from tandem.core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


@cache
def test_password_hash() -> str:
    return make_password(TEST_PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.LazyFunction(test_password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
