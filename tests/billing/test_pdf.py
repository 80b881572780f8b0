"""Invoice and credit note PDFs: offline, in the invoice's language, amounts formatted."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest

from tandem.billing.services import invoices as services
from tandem.billing.services import pdf
from tandem.billing.services.settings import billing_settings_set_logo, billing_settings_update
from tests.billing.factories import make_issued_invoice

pytestmark = pytest.mark.django_db
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
       b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def text_of(document) -> str:
    """The laid-out text of a WeasyPrint document (its PDF streams are compressed glyph ids)."""
    parts: list[str] = []

    def walk(box) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            parts.append(text)
        for child in getattr(box, "children", None) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(parts).replace("\xa0", " ")  # format_money keeps amounts on one line


@pytest.fixture
def no_network(monkeypatch):
    """Fails the test if anything opens a connection (WeasyPrint swallows fetch errors, so the
    attempts are recorded and checked after the test)."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    assert attempts == [], f"The PDF tried to reach the network: {attempts!r}"


def test_a_vietnamese_invoice_pdf_formats_dong_and_names_the_issuer(personas, no_network):
    settings_actor = personas.finance.actor
    billing_settings_update(actor=settings_actor, expected_version=1,
                            legal_name="Công ty TNHH Acme", address="12 Lý Thái Tổ, Hà Nội",
                            tax_code="0101234567")
    billing_settings_set_logo(actor=settings_actor, expected_version=2, content=PNG,
                              content_type="image/png")
    invoice = make_issued_invoice(personas, "VND", [
        {"description": "Tư vấn triển khai", "quantity": Decimal(1),
         "unit_price": Decimal(12_500_000), "tax_rate": Decimal(8)}], language="vi")

    content = pdf.invoice_pdf(invoice)
    text = text_of(pdf.render_document(invoice))

    assert content.startswith(b"%PDF")
    assert "12.500.000 ₫" in text  # the line and the subtotal
    assert "1.000.000 ₫" in text  # 8 % tax
    assert "13.500.000 ₫" in text
    assert "Công ty TNHH Acme" in text
    assert "0101234567" in text
    assert invoice.number in text
    assert "Hóa đơn" in text or "Invoice" in text  # translated when the catalog has it
    assert "data:image/png;base64," in pdf.invoice_html(invoice)


def test_an_english_usd_invoice_and_its_credit_note(personas, no_network):
    invoice = make_issued_invoice(personas, "USD", [
        {"description": "Design", "quantity": Decimal(1), "unit_price": Decimal("1234.50"),
         "tax_rate": Decimal(0)}], language="en")
    text = text_of(pdf.render_document(invoice))
    assert "$1,234.50" in text
    assert "Invoice" in text

    credit = services.invoice_void(actor=personas.finance.actor, invoice=invoice,
                                   expected_version=invoice.version, reason="Duplicate")
    credit_text = text_of(pdf.render_document(credit))
    assert "Credit note" in credit_text
    assert credit.number in credit_text
    assert invoice.number in credit_text
    assert "$1,234.50" in credit_text
    assert pdf.invoice_pdf(credit).startswith(b"%PDF")


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png", "https://fonts.example.com/x.woff",
    "ftp://example.com/x", "file:///etc/passwd",
])
def test_the_fetcher_refuses_anything_but_data_and_the_vendored_fonts(url):
    with pytest.raises(ValueError, match="refused"):
        pdf.OfflineFetcher().fetch(url)


def test_the_vendored_fonts_and_data_uris_are_fetched():
    for face in pdf.font_faces():
        assert pdf.OfflineFetcher().fetch(face.url).read()[:4] == b"wOFF"
    assert pdf.OfflineFetcher().fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_a_remote_image_in_the_html_is_left_out_without_a_connection(no_network):
    document = pdf.render_html('<p>Hello</p><img src="http://example.com/track.png">'
                               '<link rel="stylesheet" href="https://cdn.example.com/a.css">')
    assert "Hello" in text_of(document)
