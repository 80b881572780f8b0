"""API shapes of the organization's billing settings."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from ninja import Field, Schema

VERSION = Field(ge=1, description="The version you read; a stale one answers 409")
Rate = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$",
                            description="A tax rate in percent, e.g. \"8\"")]
NUMBER_FORMAT_HELP = "With {year} and {seq}, e.g. INV-{year}-{seq:05d}"


class BillingSettingsOut(Schema):
    legal_name: str
    address: str
    tax_code: str
    has_logo: bool
    logo_type: str
    number_format: str
    credit_note_format: str
    tax_rates: list[str]
    base_currency: str
    reminder_offsets: list[int] = Field(description="Days from the due date (negative: before)")
    version: int

    @staticmethod
    def resolve_has_logo(obj: Any) -> bool:
        return bool(obj.logo)

    @staticmethod
    def resolve_tax_rates(obj: Any) -> list[str]:
        from tandem.billing.services.settings import tax_rates

        return [format(rate.normalize(), "f") for rate in tax_rates(obj)]


class BillingSettingsPatch(Schema):
    version: int = VERSION
    legal_name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    tax_code: str | None = Field(None, max_length=40)
    number_format: str | None = Field(None, min_length=1, max_length=60,
                                      description=NUMBER_FORMAT_HELP)
    credit_note_format: str | None = Field(None, min_length=1, max_length=60,
                                           description=NUMBER_FORMAT_HELP)
    tax_rates: list[Rate] | None = Field(None, min_length=1, max_length=12)
    base_currency: str | None = Field(None, pattern="^[A-Za-z]{3}$")
    reminder_offsets: list[Annotated[int, Field(ge=-60, le=365)]] | None = Field(
        None, max_length=10)


class LogoIn(Schema):
    version: int = VERSION
    content_type: str = Field(pattern="^image/(png|jpeg)$")
    data_base64: str = Field(min_length=4, max_length=700_000,
                             description="The image, base64-encoded (512 KB at most)")

    def content(self) -> bytes | None:
        try:
            return base64.b64decode(self.data_base64, validate=True)
        except ValueError:
            return None
