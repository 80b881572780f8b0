"""Money: ``Decimal`` amounts with an ISO 4217 currency, never floats.

The one rounding rule of Tandem: an amount is rounded to its currency's minor unit (VND 0 digits,
USD 2, JPY 0, KWD 3, from the CLDR data of Babel) half away from zero (``ROUND_HALF_UP``), at
the points the billing rules name (each invoice line's net amount and its tax), and sums are made
of rounded amounts only, so lines, tax and totals always reconcile.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, get_currency_name, get_currency_precision

from tandem.core.errors import ValidationError

ZERO = Decimal(0)
# Amounts up to 10^15 in any currency (a trillion đồng is 10^12): within NUMERIC(20, 3).
MAX_AMOUNT = Decimal(10) ** 15
MONEY_DIGITS = 20
MONEY_PLACES = 3  # stored; KWD needs 3, the rest fewer
LOCALES = {"vi": "vi_VN", "en": "en_US"}


@lru_cache(maxsize=512)
def _known(currency: str) -> bool:
    try:
        name = get_currency_name(currency, locale="en")
    except UnknownLocaleError:  # pragma: no cover - the English locale always exists
        return False
    return name != currency


def check_currency(currency: object, *, field: str = "currency") -> str:
    """An ISO 4217 code Babel knows (upper case), or ``ValidationError``."""
    code = str(currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not _known(code):
        raise ValidationError(f"Unknown currency {currency!r}: use an ISO 4217 code such as VND "
                              "or USD.", field=field)
    return code


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the currency's minor unit, half away from zero."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def parse_amount(value: object, currency: str, *, field: str = "amount",
                 allow_negative: bool = False) -> Decimal:
    """A money amount from user input: a number with no more digits than the currency has."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(f"The {field.replace('_', ' ')} must be a number.",
                              field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"The {field.replace('_', ' ')} must be a number.", field=field)
    if amount < 0 and not allow_negative:
        raise ValidationError(f"The {field.replace('_', ' ')} cannot be negative.", field=field)
    if abs(amount) >= MAX_AMOUNT:
        raise ValidationError(f"The {field.replace('_', ' ')} is too large.", field=field)
    if amount != round_money(amount, currency):
        raise ValidationError(
            f"{currency} amounts have {minor_digits(currency)} decimal places at most.",
            field=field)
    return round_money(amount, currency)


def format_money(amount: Decimal, currency: str, language: str = "en") -> str:
    """``12.500.000 ₫`` in Vietnamese, ``$1,234.50`` in English."""
    return str(format_currency(amount, currency, locale=LOCALES.get(language, "en_US"),
                               currency_digits=True))
