"""CSV and XLSX import and export of clients: header checks, a per-row error report, nothing
half-imported (unless asked to skip bad rows), dry runs, and formula cells neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tandem.clients.importing import COLUMNS, import_clients, neutralise
from tandem.clients.models import Client, ClientTag, Contact
from tandem.core.errors import PermissionDenied
from tandem.core.models import AuditEntry
from tests.clients.factories import ClientFactory, ContactFactory

HEADER = ["name", "tax_code", "tier", "status", "tags", "contact_name", "contact_email",
          "contact_role"]


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def good_row(number: int) -> list[str]:
    return [f"Client {number:05}", f"03{number:08}", "standard", "active", "Retail; VN",
            f"Contact {number}", f"c{number}@example.vn", "billing"]


def run(personas, data: bytes, file_format="csv", **options):
    return import_clients(actor=personas.account_manager.actor, file=io.BytesIO(data),
                          file_format=file_format, **options)


def test_5000_rows_with_3_bad_ones_import_nothing_and_name_exactly_those_rows(personas):
    rows = [good_row(n) for n in range(5000)]
    rows[10][2] = "platinum"           # row 12: unknown tier
    rows[2500][0] = ""                 # row 2502: no name
    rows[4999][6] = "not-an-email"     # row 5001: bad contact email
    data = csv_bytes(rows)

    report = run(personas, data)

    assert report.rows == 5000
    assert report.bad_rows == [12, 2502, 5001]
    assert [(e.row, e.column) for e in report.errors] == [
        (12, "tier"), (2502, "name"), (5001, "contact_email"),
    ]
    assert report.imported == 0
    assert Client.objects.count() == 1  # only the personas' client

    report = run(personas, data, skip_invalid=True)

    assert report.imported == 4997
    assert Client.objects.filter(owner=personas.account_manager.user).count() == 4998
    assert Contact.objects.filter(is_primary=True).count() == 4997
    assert Client.objects.get(name="Client 00001").tags.count() == 2
    assert ClientTag.objects.count() == 2
    assert AuditEntry.objects.filter(action="client.import").count() == 4997


def test_a_dry_run_reports_without_importing(personas):
    report = run(personas, csv_bytes([good_row(1), good_row(2)]), dry_run=True)

    assert (report.rows, report.imported, report.errors) == (2, 0, [])
    assert Client.objects.count() == 1


def test_the_header_is_checked_before_any_row(personas):
    report = run(personas, csv_bytes([["x", "y"]], header=["nam", "tax_code", "tax_code"]))

    assert [(e.row, e.column) for e in report.errors] == [
        (1, "nam"), (1, "tax_code"), (1, "name"),
    ]


def test_duplicate_tax_codes_in_the_file_and_the_database_are_reported(personas):
    ClientFactory(organization=personas.organization, tax_code="0300000001")
    rows = [good_row(1), good_row(2), good_row(2)]
    rows[1][0] = "Other name"

    report = run(personas, csv_bytes(rows))

    assert [(e.row, e.column) for e in report.errors] == [(2, "tax_code"), (4, "tax_code")]


def test_an_am_imports_only_clients_they_own(personas):
    header = ["name", "owner_email"]
    report = run(personas, csv_bytes([["A", "admin@acme.test"], ["B", ""]], header=header))

    assert [(e.row, e.column) for e in report.errors] == [(2, "owner_email")]


def test_a_finance_person_cannot_import(personas):
    with pytest.raises(PermissionDenied):
        import_clients(actor=personas.finance.actor, file=io.BytesIO(csv_bytes([])),
                       file_format="csv")


def test_xlsx_imports_like_csv(personas):
    rows = [good_row(1), ["Numbered", 301234567, "Key", "Prospect", "", "", "", ""]]

    report = run(personas, xlsx_bytes(rows), file_format="xlsx")

    assert report.imported == 2
    numbered = Client.objects.get(name="Numbered")
    assert (numbered.tax_code, numbered.tier, numbered.status) == ("301234567", "key", "prospect")


def test_a_semicolon_separated_csv_with_a_bom_is_read(personas):
    data = b"\xef\xbb\xbfname;tier\nC\xc3\xb4ng ty Sao Kim;key\n"

    report = run(personas, data)

    assert report.imported == 1
    assert Client.objects.filter(name="Công ty Sao Kim", tier="key").exists()


# --- the API ----------------------------------------------------------------------------------


def upload(api, data: bytes, filename="clients.csv", **fields):
    return api.client.post(
        "/api/v1/clients/import",
        {"file": SimpleUploadedFile(filename, data), **fields},
        headers=api.headers,
    )


def test_the_import_endpoint_reports_rows(personas):
    rows = [good_row(1), good_row(2)]
    rows[1][3] = "sleeping"
    api = personas.account_manager.api()

    response = upload(api, csv_bytes(rows))

    assert response.status_code == 200, response.content
    assert response.json()["errors"] == [
        {"row": 3, "column": "status", "message": response.json()["errors"][0]["message"]}
    ]
    assert response.json()["imported"] == 0
    assert upload(api, csv_bytes(rows), skip_invalid="true").json()["imported"] == 1


def test_the_import_endpoint_refuses_other_formats_and_roles(personas):
    assert upload(personas.account_manager.api(), b"x", filename="c.txt").status_code == 422
    assert upload(personas.finance.api(), csv_bytes([good_row(1)])).status_code == 403


# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+2", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Sao Mai") == "Sao Mai"


def test_the_csv_export_neutralises_injections_and_round_trips(personas):
    company = personas.client_company
    company.notes = '=HYPERLINK("http://evil","x")'
    company.save()
    ContactFactory(client=company, name="@Admin", is_primary=True)
    api = personas.account_manager.api()

    response = api.get("/api/v1/clients/export?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["notes"] == '\'=HYPERLINK("http://evil","x")'
    assert record["contact_name"] == "'@Admin"
    assert record["owner_email"] == "account_manager@acme.test"


def test_the_xlsx_export_follows_the_filters_and_has_no_formulas(personas):
    ClientFactory(organization=personas.organization, name="=cmd|' /C calc'!A0", tier="strategic")

    response = personas.admin.api().get("/api/v1/clients/export?format=xlsx&tier=strategic")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2
    assert values[1][0] == "'=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_an_am_exports_no_contacts_of_other_ams_clients(personas):
    theirs = ClientFactory(organization=personas.organization, owner=personas.admin.user)
    ContactFactory(client=theirs, name="Secret Person", is_primary=True)

    response = personas.account_manager.api().get("/api/v1/clients/export")

    assert theirs.name in response.content.decode()
    assert "Secret Person" not in response.content.decode()
