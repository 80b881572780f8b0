"""English and Vietnamese: a complete, compiled catalog, and dates and numbers in the locale's
format on the pages."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password

import tandem
from tandem.core.models import Membership, User
from tandem.core.roles import Role
from tests.web.helpers import page

LOCALE = Path(tandem.__file__).parent / "locale"
PO_FILE = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE / "vi" / "LC_MESSAGES" / "django.mo"
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"'), text
    assert text.endswith('"'), text
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries left out), enough for these checks."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if target is not None and not line.startswith("#~"):
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: a string outside an entry"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            keyword, _, rest = line.partition(" ")
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural:
                target = ("msgstr", int(plural.group(1)))
                entry.msgstr[target[1]] = _unquote(rest)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = _unquote(rest)
            elif keyword in {"msgctxt", "msgid", "msgid_plural"}:
                if keyword in {"msgctxt", "msgid"} and target is not None and target[0] == "msgstr":
                    finish()
                entry.line = entry.line or number
                target = (keyword, 0)
                setattr(entry, keyword, _unquote(rest))
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def test_every_tandem_string_has_a_vietnamese_translation():
    entries = [entry for entry in read_po(PO_FILE) if entry.msgid]
    assert len(entries) > 150
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_vietnamese_plurals_use_the_one_form_the_header_declares():
    header = next(entry for entry in read_po(PO_FILE) if not entry.msgid)
    assert "fuzzy" not in header.flags
    assert "Language: vi\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    for entry in read_po(PO_FILE):
        if entry.msgid_plural is not None:
            assert set(entry.msgstr) == {0}, entry.msgid


def test_translations_keep_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    for entry in read_po(PO_FILE):
        if not entry.msgid:
            continue
        expected = sorted(placeholder.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr.values():
            assert sorted(placeholder.findall(text)) == expected, entry.msgid


def test_the_compiled_catalog_is_up_to_date_with_the_po_file():
    with MO_FILE.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in read_po(PO_FILE):
        if not entry.msgid or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    compiled.pop("", None)
    assert compiled == expected, (
        "django.mo is stale: run `tandem compilemessages` in src/tandem (make messages)."
    )


def switch_to_vietnamese(client) -> None:
    client.post("/accounts/language/", {"language": "vi", "next": "/"})


def test_vietnamese_dashboards_show_the_date_the_vietnamese_way(personas):
    client = personas.executive.browser()
    english = page(client.get("/"))
    assert re.search(r"[A-Z][a-z]{2}\.? \d{1,2}, \d{4}", english)  # e.g. Nov. 30, 2026
    switch_to_vietnamese(client)
    html = page(client.get("/"))
    assert re.search(r"Ngày \d{2} tháng \d{1,2} năm \d{4}", html)
    assert "Danh mục dự án" in html  # "Portfolio"
    assert "Lãnh đạo" in html  # the role, "Executive"


def test_vietnamese_tables_show_dates_day_first(personas):
    membership = personas.finance.membership
    membership.created_at = dt.datetime(2026, 1, 31, 9, 30, tzinfo=dt.UTC)
    membership.save()
    client = personas.admin.browser()
    assert "01/31/2026" in page(client.get("/people/"))
    switch_to_vietnamese(client)
    html = page(client.get("/people/"))
    assert "31/01/2026" in html
    assert "Nhân sự" in html


@pytest.fixture
def a_thousand_members(personas):
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"person{n:04}@acme.test", full_name=f"Person {n:04}", password=password)
        for n in range(1000)
    )
    Membership.objects.bulk_create(
        Membership(organization=personas.organization, user=user, role=Role.MEMBER)
        for user in users
    )


def test_numbers_use_the_locales_thousands_separator(personas, a_thousand_members):
    client = personas.admin.browser()
    htmx = {"HX-Request": "true"}
    assert "1,001 people" in page(client.get("/people/?role=member", headers=htmx))
    switch_to_vietnamese(client)
    html = page(client.get("/people/?role=member", headers=htmx))
    assert "1.001 người" in html
    assert "Trang 1 / 21" in html
