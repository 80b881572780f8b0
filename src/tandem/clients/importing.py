"""CSV and XLSX import and export of clients, each row with an optional primary contact.

Import reads the whole file and checks every row before writing anything: the header (known
columns, ``name`` present, none twice), then each row (row numbers as a spreadsheet shows them,
the header being row 1). By default a file with any bad row imports nothing; with
``skip_invalid`` the good rows are imported and the bad ones reported. Either way the writes
happen in one transaction, and ``dry_run`` only reports.

Export writes the same columns, so an exported file imports again. A cell that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
neutralised with a leading apostrophe."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tandem.clients.access import can_create_client
from tandem.clients.models import Client, ClientStatus, ClientTag, Contact, ContactRole, Tier
from tandem.clients.services.clients import eligible_owners
from tandem.core.actor import Actor
from tandem.core.audit import object_type_of
from tandem.core.errors import PermissionDenied, ValidationError
from tandem.core.models import AuditEntry
from tandem.core.roles import Role

CLIENT_COLUMNS = ("name", "legal_name", "tax_code", "industry", "tier", "status", "owner_email",
                  "address", "tags", "notes")
CONTACT_COLUMNS = ("contact_name", "contact_title", "contact_email", "contact_phone",
                   "contact_role")
COLUMNS = (*CLIENT_COLUMNS, *CONTACT_COLUMNS)
REQUIRED_COLUMNS = ("name",)
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TAG_SEPARATORS = (";", ",")
DELIMITERS = (",", ";", "\t")
BATCH = 1000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    client: dict[str, Any]
    tags: list[str]
    contact: dict[str, Any] | None


def format_of(filename: str, requested: str = "") -> str:
    name = (requested or filename.rsplit(".", 1)[-1]).lower()
    if name not in FORMATS:
        raise ValidationError("Upload a .csv or .xlsx file.", code="unsupported_format",
                              field="file")
    return name


# --- import -----------------------------------------------------------------------------------


def import_clients(
    *,
    actor: Actor,
    file: IO[bytes],
    file_format: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    if not can_create_client(actor):
        raise PermissionDenied("Only account managers and administrators import clients.")
    report = ImportReport(dry_run=dry_run)
    table = read_csv(file) if file_format == "csv" else read_xlsx(file)
    header = next(table, None)
    if header is None:
        raise ValidationError("The file is empty; its first row names the columns.",
                              code="empty_file", field="file")
    columns = [str(c or "").strip().lower() for c in header]
    report.errors.extend(_check_header(columns))
    if report.errors:
        return report
    rows = []
    checker = _RowChecker(actor)
    for number, cells in enumerate(table, start=2):
        if number - 1 > MAX_ROWS:
            raise ValidationError(f"A file holds at most {MAX_ROWS} rows.", code="too_many_rows",
                                  field="file")
        values = dict(zip(columns, (_text(c) for c in cells), strict=False))
        if not any(values.values()):
            continue  # blank lines are not rows
        report.rows += 1
        row, errors = checker.check(number, values)
        report.errors.extend(errors)
        if row is not None:
            rows.append(row)
    if dry_run or (report.errors and not skip_invalid):
        return report
    report.imported = _write(actor, rows)
    return report


def _check_header(columns: list[str]) -> list[RowError]:
    errors = []
    for column in columns:
        if column and column not in COLUMNS:
            errors.append(RowError(1, column, f"Unknown column; the columns are: "
                                              f"{', '.join(COLUMNS)}."))
        elif column and columns.count(column) > 1:
            errors.append(RowError(1, column, "This column appears more than once."))
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            errors.append(RowError(1, column, "This column is required."))
    return list(dict.fromkeys(errors))


class _RowChecker:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.owners = {m.user.email.lower(): m.user_id
                       for m in eligible_owners(actor.organization)}
        self.tax_codes = set(
            Client.objects.filter(organization=actor.organization).exclude(tax_code="")
            .values_list("tax_code", flat=True)
        )
        self.tiers = _choices(Tier.choices)
        self.statuses = _choices(ClientStatus.choices)
        self.roles = _choices(ContactRole.choices)
        self.lengths = {f.name: f.max_length for f in (*Client._meta.fields,
                                                       *Contact._meta.fields)}

    def check(self, number: int, values: dict[str, str]) -> tuple[_Row | None, list[RowError]]:
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        for column, value in values.items():
            model_field = column.removeprefix("contact_") if column in CONTACT_COLUMNS else column
            limit = self.lengths.get(model_field)
            if "\x00" in value:
                error(column, "Contains the NUL character.")
            elif limit and len(value) > limit:
                error(column, f"At most {limit} characters.")
        name = values.get("name", "")
        if not name:
            error("name", "A client needs a name.")
        tier = self._choice(values.get("tier", ""), self.tiers, Tier.STANDARD, "tier", error)
        status = self._choice(values.get("status", ""), self.statuses, ClientStatus.ACTIVE,
                              "status", error)
        owner_id = self._owner(values.get("owner_email", ""), error)
        tax_code = values.get("tax_code", "")
        if tax_code:
            if tax_code in self.tax_codes:
                error("tax_code", f"Another client already has the tax code {tax_code!r}.")
            else:
                self.tax_codes.add(tax_code)
        tags = _split_tags(values.get("tags", ""))
        if any(len(tag) > 50 for tag in tags):
            error("tags", "A tag is at most 50 characters.")
        contact = self._contact(values, error)
        if errors:
            return None, errors
        client = {
            "name": name, "legal_name": values.get("legal_name", ""), "tax_code": tax_code,
            "industry": values.get("industry", ""), "tier": tier, "status": status,
            "owner_id": owner_id, "address": values.get("address", ""),
            "notes": values.get("notes", ""),
        }
        return _Row(number, client, tags, contact), errors

    @staticmethod
    def _choice(value: str, choices: dict[str, str], default: str, column: str,
                error: Any) -> str:
        if not value:
            return default
        chosen = choices.get(value.casefold())
        if chosen is None:
            error(column, f"Unknown {column} {value!r}; use one of: "
                          f"{', '.join(sorted(set(choices.values())))}.")
            return default
        return chosen

    def _owner(self, email: str, error: Any) -> int | None:
        mine = self.actor.user_id if self.actor.role == Role.ACCOUNT_MANAGER else None
        if not email:
            return mine
        owner_id = self.owners.get(email.lower())
        if owner_id is None:
            error("owner_email", "Not an active account manager or administrator here.")
        elif mine is not None and owner_id != mine:
            error("owner_email", "An account manager imports clients they own.")
        return owner_id

    def _contact(self, values: dict[str, str], error: Any) -> dict[str, Any] | None:
        if not any(values.get(c) for c in CONTACT_COLUMNS):
            return None
        name = values.get("contact_name", "")
        if not name:
            error("contact_name", "A contact needs a name.")
        email = values.get("contact_email", "").lower()
        if email:
            try:
                validate_email(email)
            except DjangoValidationError:
                error("contact_email", f"{email!r} is not a valid email address.")
        role = self._choice(values.get("contact_role", ""), self.roles, ContactRole.OTHER,
                            "contact_role", error)
        return {"name": name, "title": values.get("contact_title", ""), "email": email,
                "phone": values.get("contact_phone", ""), "role": role, "is_primary": True}


def _choices(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Accept a choice by its value or its English label, ignoring case."""
    table: dict[str, str] = {}
    for value, label in choices:
        table[str(value).casefold()] = str(value)
        table[str(label).casefold()] = str(value)
        table[str(value).replace("_", " ").casefold()] = str(value)
    return table


def _split_tags(text: str) -> list[str]:
    for separator in TAG_SEPARATORS[1:]:
        text = text.replace(separator, TAG_SEPARATORS[0])
    seen: dict[str, str] = {}
    for part in text.split(TAG_SEPARATORS[0]):
        name = " ".join(part.split())
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _write(actor: Actor, rows: list[_Row]) -> int:
    """Create the clients, their tags and primary contacts, and an audit entry each, in bulk
    and in one transaction."""
    if not rows:
        return 0
    organization = actor.organization
    now = timezone.now()
    with transaction.atomic():
        clients = Client.objects.bulk_create(
            [Client(organization=organization, created_at=now, updated_at=now, **row.client)
             for row in rows],
            batch_size=BATCH,
        )
        tags = _tags_by_name(actor, {tag for row in rows for tag in row.tags})
        through = Client.tags.through
        through.objects.bulk_create(
            [through(client_id=client.pk, clienttag_id=tags[tag.casefold()].pk)
             for client, row in zip(clients, rows, strict=True) for tag in row.tags],
            batch_size=BATCH,
        )
        Contact.objects.bulk_create(
            [Contact(organization=organization, client=client, created_at=now, **row.contact)
             for client, row in zip(clients, rows, strict=True) if row.contact],
            batch_size=BATCH,
        )
        label = actor.label or (actor.user.email if actor.user else "system")
        AuditEntry.objects.bulk_create(
            [AuditEntry(
                organization=organization, actor=actor.user, actor_label=label,
                action="client.import", object_type=object_type_of(Client),
                object_id=str(client.pk), object_repr=str(client)[:200],
                changes={"row": [None, row.number], **{
                    k: [None, v] for k, v in row.client.items() if v not in ("", None)
                }},
                request_id=actor.request_id[:64],
            ) for client, row in zip(clients, rows, strict=True)],
            batch_size=BATCH,
        )
    return len(clients)


def _tags_by_name(actor: Actor, names: set[str]) -> dict[str, ClientTag]:
    existing = {t.name.casefold(): t
                for t in ClientTag.objects.filter(organization=actor.organization)}
    missing: dict[str, str] = {}
    for name in sorted(names):
        if name.casefold() not in existing:
            missing.setdefault(name.casefold(), name)
    if missing:
        ClientTag.objects.bulk_create(
            [ClientTag(organization=actor.organization, name=name) for name in missing.values()]
        )
        existing = {t.name.casefold(): t
                    for t in ClientTag.objects.filter(organization=actor.organization)}
    return existing


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a tax code typed as a number in a spreadsheet
    return str(cell).strip()


def read_csv(file: IO[bytes]) -> Iterator[list[str]]:
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError("The file is larger than 20 MB.", code="file_too_large",
                              field="file")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("Save the CSV file as UTF-8.", code="not_utf8",
                              field="file") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)  # spreadsheets in some locales use ";"
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ValidationError(f"The CSV file cannot be read: {error}.", code="bad_csv",
                              field="file") from None


def read_xlsx(file: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError("The file is larger than 20 MB.", code="file_too_large",
                              field="file")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("The file is not an Excel workbook (.xlsx).", code="bad_xlsx",
                              field="file") from None
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield list(cells)
    finally:
        workbook.close()


# --- export -----------------------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """A cell's text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_row(client: Client) -> list[str]:
    contacts = getattr(client, "primary_contacts", [])
    contact = contacts[0] if contacts else None
    values = [
        client.name, client.legal_name, client.tax_code, client.industry, client.tier,
        client.status, client.owner.email if client.owner else "", client.address,
        "; ".join(tag.name for tag in client.tags.all()), client.notes,
    ]
    if contact is not None:
        values += [contact.name, contact.title, contact.email, contact.phone, contact.role]
    else:
        values += [""] * len(CONTACT_COLUMNS)
    return [neutralise(v) for v in values]


def export_clients(clients: Iterable[Client], file_format: str) -> bytes:
    """The clients as a CSV (UTF-8 with a BOM, so spreadsheets read Vietnamese) or XLSX file."""
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for client in clients:
            writer.writerow(export_row(client))
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Clients")
    sheet.append(list(COLUMNS))
    for client in clients:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in export_row(client)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
