"""Query results as a text table, CSV or JSON (``--format``)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import unicodedata
from typing import Any, Callable, Iterable, Sequence

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


# Text for the terminal (table, CSV, JSON): the log is attacker-controlled, so every character a
# terminal would act on or not show is written as an escape instead, and nothing else is changed
# (no HTML entities: the dashboard escapes for HTML itself). The characters: Unicode categories
# Cc (C0, DEL, C1: ESC, CR, NUL, CSI...), Cf (format: bidi embeddings/overrides/isolates, ZW*,
# BOM, tag characters), Zl/Zp (line and paragraph separator), Cs (a lone surrogate) and Cn
# (unassigned). Spaces, including no-break and ideographic ones, are text.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def _text_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON has only \\uXXXX: a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_ASCII_HIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_HIDDEN_BUT_LF = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _plain(text: str, line_feeds: bool = False) -> bool:
    """Nothing hidden in ``text`` (``line_feeds``: line feeds aside). ASCII text is checked by one
    regular-expression scan (only C0 and DEL can hide there), other text by str.isprintable()."""
    if text.isascii():
        return (_ASCII_HIDDEN_BUT_LF if line_feeds else _ASCII_HIDDEN).search(text) is None
    return (text.replace("\n", " ") if line_feeds else text).isprintable()


def visible(text: str, json_text: bool = False) -> str:
    """``text`` with each character a terminal would act on or not show written as an escape
    (the convention of every text format, README "Output"): ``\\xNN`` below U+0100 (ESC is
    ``\\x1b``, CR ``\\x0d``), ``\\uNNNN`` (U+202E is ``\\u202e``), ``\\UNNNNNNNN`` above U+FFFF.
    ``json_text``: the text is JSON, so the escape is JSON's own ``\\uNNNN`` (a surrogate pair
    above U+FFFF) and a JSON reader gets the log's text back exactly. A backslash is not doubled."""
    if _plain(text):  # fast path: str.isprintable() is False for every hidden category
        return text
    escape = _json_escape if json_text else _text_escape
    return "".join(escape(ch) if _hidden(ch) else ch for ch in text)


def _visible_lines(text: str, json_text: bool = False) -> str:
    # the text's own line breaks (CSV records, JSON indentation) stay; each line is made visible
    return "\n".join(map(lambda line: visible(line, json_text), text.split("\n")))


#: bytes to delete to find what is not printable ASCII or a line feed / to keep only quotes and line feeds
_PRINTABLE_OR_LF = bytes(range(0x20, 0x7F)) + b"\n"
_NOT_QUOTE_OR_LF = bytes(b for b in range(256) if b not in b'"\n')
#: a line of an odd number of quotes (in the quotes-and-line-feeds form of a piece)
_ODD_QUOTES = re.compile(rb'^"(?:"")*$', re.MULTILINE)


class VisibleCsv:
    """A writer of CSV text (``csv_lines``, DuckDB's COPY output) that applies :func:`visible` to
    the values: a line feed that ends a record stays, one inside a quoted value is ``\\x0a``. It
    follows the quoting across calls (each ``"`` toggles it, a doubled one twice), so the text may
    arrive in pieces of any size. Quoting is decided on the log's text (CR, LF, comma, quote, #),
    before the escapes: both CSV paths quote the same values."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self._write = write
        self._quoted = False

    def write(self, text: str) -> int:
        out = []
        pos = 0
        while self._quoted and pos < len(text):  # the rest of a value the last piece left open
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            part = text[pos:end]
            out.append(visible(part))
            self._quoted = not part.count('"') & 1
            if end < len(text):
                out.append("\\x0a" if self._quoted else "\n")
            pos = end + 1
        rest = text[pos:]
        if rest:  # outside a value here
            out.append(rest if self._unchanged(rest) else self._lines(rest))
        self._write("".join(out))
        return len(text)

    def _unchanged(self, text: str) -> bool:
        """Starting outside a value, ``text`` needs no escape: nothing hidden but line feeds, and no
        line feed inside a quoted value (C-speed checks: the common case of a large result)."""
        if text.isascii():
            data = text.encode("ascii")
            if data.translate(None, _PRINTABLE_OR_LF):
                return False
        elif text.replace("\n", " ").isprintable():
            data = text.encode("utf-8")  # '"' and LF are never part of a multi-byte UTF-8 sequence
        else:
            return False
        marks = data.translate(None, _NOT_QUOTE_OR_LF)
        last = marks.rfind(b"\n")
        if last >= 0 and _ODD_QUOTES.search(marks, 0, last):
            return False
        self._quoted = bool(marks.count(b'"', last + 1) & 1)  # the last line may stop inside a value
        return True

    def _lines(self, text: str) -> str:
        out = []
        for n, part in enumerate(text.split("\n")):
            if n:
                out.append("\\x0a" if self._quoted else "\n")
            out.append(visible(part))
            if part.count('"') & 1:
                self._quoted = not self._quoted
        return "".join(out)

    def flush(self) -> None:  # a file-like object for OfflineEngine.write_csv
        return None


def visible_csv(text: str) -> str:
    """Whole CSV text (records ending in LF) made visible: :class:`VisibleCsv` in one piece."""
    parts: list[str] = []
    VisibleCsv(parts.append).write(text)
    return "".join(parts)


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """``rows`` as text in ``fmt``, with the column names (csv: the header line); values as the log
    has them, hidden characters made visible (:func:`visible`)."""
    if fmt == "json":
        return _visible_lines(json.dumps([{c: _json_value(v) for c, v in zip(columns, row)} for row in rows],
                                         ensure_ascii=False, indent=1), json_text=True) + "\n"
    if fmt == "csv":
        return visible_csv(csv_lines([columns]) + csv_lines(rows))
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    columns = [visible(c) for c in columns]
    cells = [[visible(display_text(v)) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
