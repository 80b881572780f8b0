"""Invoice and credit note PDFs (WeasyPrint), in the invoice's language (English or Vietnamese).

The page shows the issuer (legal name, address, tax code and logo from the billing settings), the
client, the lines, the tax per rate and the totals, amounts formatted for the currency and the
language by ``core.money.format_money`` (``12.500.000 ₫``, ``$1,234.50``).

Making a PDF never reaches the network: the logo is embedded as a ``data:`` URI, the fonts are
the vendored Noto Sans files, and ``OfflineFetcher`` refuses every other URL (http, https, ftp,
other files), so a stray remote image or font in the template is simply left out.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from babel.numbers import format_decimal
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

import tandem.web
from tandem.billing.models import Invoice, InvoiceKind, InvoiceStatus
from tandem.billing.services.invoices import totals_of
from tandem.billing.services.settings import billing_settings_for
from tandem.core.money import LOCALES, format_money

FONT_DIR = Path(tandem.web.__file__).resolve().parent / "static" / "vendor" / "@fontsource" / \
    "noto-sans"
FONT_FILES = {
    ("latin", 400): "noto-sans-latin-400-normal.woff",
    ("latin", 700): "noto-sans-latin-700-normal.woff",
    ("vietnamese", 400): "noto-sans-vietnamese-400-normal.woff",
    ("vietnamese", 700): "noto-sans-vietnamese-700-normal.woff",
}
ALLOWED_FILES = frozenset((FONT_DIR / name).resolve() for name in FONT_FILES.values())


class OfflineFetcher(URLFetcher):
    """Fetches ``data:`` URIs and the vendored font files; refuses everything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded locally by urllib's DataHandler
        if scheme == "file":
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if path in ALLOWED_FILES:
                return URLFetcherResponse(url, body=path.read_bytes(),
                                          headers={"Content-Type": "font/woff"})
        raise ValueError(f"Invoice PDFs load nothing from outside: {url[:100]} refused.")


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    url: str


def font_faces() -> list[FontFace]:
    return [FontFace(family=f"Tandem Noto {subset}", weight=weight,
                     url=(FONT_DIR / name).resolve().as_uri())
            for (subset, weight), name in FONT_FILES.items()]


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an invoice or credit note."""
    pdf: bytes = render_document(invoice).write_pdf()
    return pdf


def render_document(invoice: Invoice) -> Document:
    fonts = FontConfiguration()
    html = invoice_html(invoice)
    return HTML(string=html, url_fetcher=OfflineFetcher(), base_url=None).render(
        font_config=fonts)


def render_html(html: str) -> Document:
    """Any HTML through the same offline fetcher and fonts (for checks of the fetcher)."""
    return HTML(string=html, url_fetcher=OfflineFetcher(), base_url=None).render(
        font_config=FontConfiguration())


def invoice_html(invoice: Invoice) -> str:
    with translation.override(invoice.language):
        return render_to_string("billing/pdf/invoice.html", invoice_context(invoice))


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    settings = billing_settings_for(invoice.organization_id)
    currency, language = invoice.currency, invoice.language
    lines = list(invoice.lines.order_by("position", "id"))
    totals = totals_of(lines, currency)

    def money(amount: Decimal) -> str:
        return format_money(Decimal(amount), currency, language)

    logo = ""
    if settings.logo and settings.logo_type:
        logo = (f"data:{settings.logo_type};base64,"
                f"{base64.b64encode(bytes(settings.logo)).decode('ascii')}")
    client = invoice.client
    return {
        "invoice": invoice,
        "is_credit_note": invoice.kind == InvoiceKind.CREDIT_NOTE,
        "is_draft": invoice.status == InvoiceStatus.DRAFT,
        "is_void": invoice.status == InvoiceStatus.VOID,
        "fonts": font_faces(),
        "issuer": {
            "name": settings.legal_name or invoice.organization.name,
            "address": settings.address, "tax_code": settings.tax_code, "logo": logo,
        },
        "client": {"name": client.legal_name or client.name, "address": client.address,
                   "tax_code": client.tax_code},
        "credits": invoice.credits,
        "lines": [{
            "description": line.description,
            "quantity": _number(line.quantity, language),
            "unit_price": money(line.unit_price),
            "discount": _number(line.discount_percent, language) if line.discount_percent
            else "",
            "tax_rate": _number(line.tax_rate, language),
            "net": money(line.net),
        } for line in lines],
        "tax_rows": [{"rate": _number(rate, language), "net": money(values[0]),
                      "tax": money(values[1])}
                     for rate, values in sorted(totals.by_rate.items())],
        "subtotal": money(invoice.subtotal),
        "tax_total": money(invoice.tax_total),
        "total": money(invoice.total),
        "amount_paid": money(invoice.amount_paid) if invoice.amount_paid else "",
        "balance": money(invoice.total - invoice.amount_paid) if invoice.amount_paid else "",
    }


def _number(value: Decimal, language: str) -> str:
    return str(format_decimal(Decimal(value).normalize(), locale=LOCALES.get(language, "en_US"),
                              decimal_quantization=False))


def file_name(invoice: Invoice) -> str:
    name = invoice.number or f"draft-{invoice.pk}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name) + ".pdf"
