"""Exports (kernel.exports): a text that a spreadsheet would compute is written as text; numbers
stay numbers."""

import datetime
from decimal import Decimal

import pytest

from ancrage.kernel.exports import spreadsheet_cell, spreadsheet_row


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x.test","Cliquez")', '\'=HYPERLINK("http://x.test","Cliquez")'),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("44 Centre", "44 Centre"),
        ("< 5", "< 5"),
        ("", ""),
    ],
)
def test_export_neutralises_formula_cells(value, cell):
    assert spreadsheet_cell(value) == cell


def test_export_keeps_numbers_and_dates_as_they_are():
    day = datetime.date(2026, 12, 5)
    row = spreadsheet_row([-3, 0, 2.5, Decimal("-1.20"), day, None, True])
    assert row == [-3, 0, 2.5, Decimal("-1.20"), day, "", "True"]
    assert isinstance(row[0], int) and isinstance(row[3], Decimal)
