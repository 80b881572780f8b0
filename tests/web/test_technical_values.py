"""Ids, versions and keys in HTML are machine values: never localized (5,251 or 5.251 would
break HTMX targets and the optimistic version check once ids pass 999, as on PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tandem

TEMPLATES = Path(tandem.__file__).parent
# Integer keys and versions printed with {{ }} and no |unlocalize (strings like object_id are safe).
BARE_TECHNICAL_VALUE = re.compile(
    r"\{\{\s*[\w.]*(?:\.pk|\.id|organization_id|user_id|version)\s*\}\}"
)


def test_no_template_prints_an_id_or_version_through_localization():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("templates/**/*.html")
        for match in BARE_TECHNICAL_VALUE.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize("language", ["en", "vi"])
def test_large_ids_and_versions_render_without_separators(personas, language):
    from tests.factories import MembershipFactory, UserFactory

    member = MembershipFactory(
        id=5251, organization=personas.organization, user=UserFactory(), version=1234
    )
    client = personas.admin.browser()
    client.cookies["tandem_language"] = language
    html = client.get("/people/").content.decode()
    assert f'id="member-{member.pk}"' in html
    assert 'name="version" value="1234"' in html
