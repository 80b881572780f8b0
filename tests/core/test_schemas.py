"""The API's input shapes agree with the services about what a usable name is."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tandem.core.schemas import NAME_PATTERN, OrganizationPatch

WHITE_SPACE = [chr(cp) for cp in range(0x110000) if chr(cp).isspace()] + ["\ufeff"]


def accepted(name: str) -> bool:
    try:
        OrganizationPatch(name=name, version=1)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("space", WHITE_SPACE, ids=lambda c: f"U+{ord(c):04X}")
def test_a_name_of_white_space_only_is_refused_by_every_regex_dialect(space):
    assert not accepted(space * 3)
    assert not re.search(NAME_PATTERN, space)


@given(st.text(min_size=1, max_size=40))
def test_the_schema_accepts_a_name_exactly_when_python_agrees_and_it_survives_stripping(name):
    assert accepted(name) == bool(re.search(NAME_PATTERN, name))
    if accepted(name):
        assert name.strip()
