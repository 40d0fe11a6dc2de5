"""CSV output: the fast path (no date values: csv.writer on the rows as they are) writes the same
text as the per-value path (_text), which only dates need."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io

import pytest

from lsnrmine.output import _text, format_rows


def per_value(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue()


@pytest.mark.parametrize("rows", [
    [(None, "a,b", 'x"y', 1, 2.5, decimal.Decimal("1.50"), True, "", " sp ", "l\nf", "c\rr")],
    [(None,), ("",)],
    [("x", 1), (None, None)],
    [],
    [("a", dt.datetime(2005, 11, 6, 13, 45, 6, 500)), ("b", dt.date(2005, 11, 6)), (None, None)],
])
def test_csv_same_text_as_per_value_formatting(rows):
    columns = [f"C{i}" for i in range(len(rows[0]) if rows else 1)]
    assert format_rows(columns, rows, "csv") == per_value(columns, rows)


def test_csv_dates_without_fraction():
    assert format_rows(["D"], [(dt.datetime(2005, 11, 6, 13, 45, 6, 500),)], "csv") == "D\n2005-11-06 13:45:06\n"
