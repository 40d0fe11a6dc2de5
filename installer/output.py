"""Query results as a text table, CSV or JSON (``--format``)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from typing import Any, Iterable, Sequence

FORMATS = ("table", "csv", "json")


def display_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # four-digit year always (strftime's %Y does not pad)
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# CSV (RFC 4180 style, LF line ends) with DuckDB's writer rules, so a result written by the
# engine's COPY (OfflineEngine.write_csv) and one formatted here are the same text: a field is
# quoted when it holds LF, CR, a comma, a double quote (doubled) or "#" (DuckDB's comment
# character), or when it is the empty string (NULL is written as nothing).
CSV_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
CSV_DATE_FORMAT = "%Y-%m-%d"
_CSV_QUOTE = re.compile(r'[\n\r,"#]')


def _csv_field(value: Any) -> str:
    if value is None:
        return ""
    text = display_text(value)
    if not text or _CSV_QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """``rows`` as CSV lines (see ``_csv_field``)."""
    return "".join(",".join(map(_csv_field, row)) + "\n" for row in rows)


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return display_text(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _printable(text: str) -> str:
    # the log is attacker-controlled: never send control characters to the terminal
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """``rows`` as text in ``fmt``, with the column names (csv: the header line)."""
    if fmt == "json":
        return json.dumps([{c: _json_value(v) for c, v in zip(columns, row)} for row in rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return csv_lines([columns]) + csv_lines(rows)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    cells = [[_printable(display_text(v)) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
