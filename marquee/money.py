"""Money for people to read, the same on the web pages and in the emails: "$1,200.00", "1,200.00 CHF"."""

from decimal import Decimal

_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def format_money(amount, currency: str = "USD") -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    symbol = _SYMBOLS.get(str(currency).upper())
    return f"{symbol}{value:,}" if symbol else f"{value:,} {currency}".strip()
