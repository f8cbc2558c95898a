"""Prices are kept in cents; these convert for display."""

from decimal import Decimal


def format_price(cents: int, currency: str = "EUR") -> str:
    return f"{Decimal(cents) / 100:.2f} {currency}"
