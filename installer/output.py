"""Query results as a text table, CSV or JSON (``--format``)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import itertools
import json
from typing import Any, Sequence

FORMATS = ("table", "csv", "json")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return _text(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _printable(text: str) -> str:
    # the log is attacker-controlled: never send control characters to the terminal
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *, header: bool = True) -> str:
    """``rows`` as text in ``fmt``; ``header=False`` (csv only) leaves out the column names line,
    for a result written in batches."""
    if fmt == "json":
        return json.dumps([{c: _json_value(v) for c, v in zip(columns, row)} for row in rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if header:
            writer.writerow(columns)
        if any(issubclass(t, dt.date) for t in set(map(type, itertools.chain.from_iterable(rows)))):
            for row in rows:
                writer.writerow([_text(v) for v in row])
        else:
            # csv writes None as "" and every other value with str(): the same text as _text
            writer.writerows(rows)
        return buffer.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    cells = [[_printable(_text(v)) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
