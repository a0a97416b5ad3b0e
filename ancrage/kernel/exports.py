"""What goes into a spreadsheet or a CSV file that leaves the product: a text that a spreadsheet
would read as a formula (starting with =, +, -, @, a tab or a carriage return) is written with a
leading apostrophe, so it is shown as typed and never computed (OWASP, "CSV injection"). Numbers
stay numbers, negative ones included: only texts are neutralised. Every export builds its rows
with `spreadsheet_row`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """The value as a cell: None empty, numbers and dates as they are, any other value as a
    text that cannot start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def spreadsheet_row(values) -> list:
    """A row of cells, each through `spreadsheet_cell`."""
    return [spreadsheet_cell(value) for value in values]
