"""Oracle datetime format masks (TO_CHAR / TO_DATE) -> DuckDB strftime / strptime.

https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Format-Models.html
(Datetime Format Elements table; capitalization of MONTH/MON/DAY/DY/AM follows the mask;
MONTH and DAY are blank-padded to the widest name unless FM is given; FM also suppresses
leading zeros; "text" is copied; punctuation is copied.)"""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

from .errors import UnsupportedConstruct
from .nodes import const_str, fn, num_lit, str_lit
from .typer import DATE, STRING, with_kind


_MASK_TOKEN = re.compile(
    r'"[^"]*"|FM|FX|SYYYY|YYYY|IYYY|RRRR|YYY|YY|RR|MONTH|MON|MM|DDD|DD|DAY|DY|D|HH24|HH12|HH|'
    r'MI|SSSSS|SS|A\.M\.|P\.M\.|AM|PM|IW|WW|W|Q|J|Y|CC|SCC|RM|FF\d?|TZH|TZM|TZR|TZD|X|E|EE|'
    r'[-/,.;: ]+|.', re.IGNORECASE | re.DOTALL)

_PAD_WIDTH = {"MONTH": 9, "DAY": 9}  # AMERICAN: SEPTEMBER / WEDNESDAY


def _case_of(token: str) -> str:
    """Oracle: 'MON' -> upper, 'Mon' -> initcap, 'mon' -> lower (first two letters decide)."""
    if token[0].islower():
        return "lower"
    if len(token) > 1 and token[1].islower():
        return "initcap"
    return "upper"


def _mask_pieces(mask: str, for_parse: bool) -> list[tuple[str, object]]:
    """Split an Oracle datetime mask into ('fmt', strftime text) / ('expr', callable) pieces."""
    pieces: list[tuple[str, object]] = []
    fm = False
    for m in _MASK_TOKEN.finditer(mask):
        tok = m.group(0)
        up = tok.upper()
        if tok.startswith('"'):
            pieces.append(("fmt", tok[1:-1].replace("%", "%%")))
            continue
        if re.fullmatch(r"[-/,.;: ]+", tok):
            pieces.append(("fmt", tok))
            continue
        if up == "FM":
            fm = not fm
            continue
        if up == "FX":
            if for_parse:
                continue  # exact matching; strptime is already strict
            continue
        dash = "-" if fm and not for_parse else ""
        simple = {
            "YYYY": "%Y", "RRRR": "%Y", "DD": f"%{dash}d", "MM": f"%{dash}m",
            "HH24": f"%{dash}H", "HH12": f"%{dash}I", "HH": f"%{dash}I", "MI": f"%{dash}M",
            "SS": f"%{dash}S", "DDD": f"%{dash}j",
        }
        if up in simple:
            pieces.append(("fmt", simple[up]))
        elif up in ("YY", "RR"):
            pieces.append(("fmt", "%y"))
            if for_parse:
                pieces.append(("yy" if up == "YY" else "rr", None))
        elif up in ("MON", "MONTH", "DY", "DAY"):
            spec = {"MON": "%b", "MONTH": "%B", "DY": "%a", "DAY": "%A"}[up]
            if for_parse:
                pieces.append(("fmt", spec))  # strptime matches names case-insensitively
                continue
            pieces.append(("name", (spec, _case_of(tok), None if fm else _PAD_WIDTH.get(up))))
        elif up in ("AM", "PM", "A.M.", "P.M."):
            if "." in up:
                raise UnsupportedConstruct(f"date format element {tok!r}")
            pieces.append(("fmt", "%p") if for_parse else ("name", ("%p", _case_of(tok), None)))
        elif up in ("IW", "IYYY", "Q", "WW", "W", "J", "SSSSS") and not for_parse:
            pieces.append(("calc", (up, fm)))
        else:
            raise UnsupportedConstruct(
                f"date format element {tok!r} in mask {mask!r}"
                + (" (D/DAY numbering depends on NLS_TERRITORY)" if up == "D" else ""))
    return pieces


def date_to_char(d: exp.Expression, mask: str) -> exp.Expression:
    """TO_CHAR(date, mask) -> strftime pieces joined with || (NULL date -> NULL).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_CHAR-datetime.html"""
    ts = exp.Cast(this=d, to=exp.DataType.build("TIMESTAMP"))
    parts: list[exp.Expression] = []
    buf = ""

    def flush() -> None:
        nonlocal buf
        if buf:
            parts.append(fn("strftime", ts.copy(), str_lit(buf)))
            buf = ""

    for kind, value in _mask_pieces(mask, for_parse=False):
        if kind == "fmt":
            buf += value  # type: ignore[operator]
            continue
        flush()
        if kind == "name":
            spec, case, width = value  # type: ignore[misc]
            node: exp.Expression = fn("strftime", ts.copy(), str_lit(spec))
            if case == "upper":
                node = fn("upper", node)
            elif case == "lower":
                node = fn("lower", node)
            if width:
                node = fn("rpad", node, num_lit(width), str_lit(" "))
            parts.append(node)
        else:
            up, fm = value  # type: ignore[misc]
            if up == "IW":
                node = fn("strftime", ts.copy(), str_lit("%-V" if fm else "%V"))
            elif up == "IYYY":
                node = fn("strftime", ts.copy(), str_lit("%G"))
            elif up == "Q":
                node = exp.Cast(this=fn("quarter", ts.copy()), to=exp.DataType.build("VARCHAR"))
            elif up in ("WW", "W"):
                base = fn("dayofyear", ts.copy()) if up == "WW" else fn("day", ts.copy())
                week = exp.Add(this=exp.IntDiv(this=exp.Paren(this=exp.Sub(this=base, expression=num_lit(1))),
                                               expression=num_lit(7)), expression=num_lit(1))
                node = exp.Cast(this=week, to=exp.DataType.build("VARCHAR"))
                if up == "WW" and not fm:
                    node = fn("lpad", node, num_lit(2), str_lit("0"))
            elif up == "J":
                node = exp.Cast(this=exp.Cast(this=fn("floor", fn("julian", ts.copy())),
                                              to=exp.DataType.build("BIGINT")),
                                to=exp.DataType.build("VARCHAR"))
            else:  # SSSSS: seconds past midnight
                secs = exp.Add(this=exp.Add(
                    this=exp.Mul(this=fn("hour", ts.copy()), expression=num_lit(3600)),
                    expression=exp.Mul(this=fn("minute", ts.copy()), expression=num_lit(60))),
                    expression=fn("second", ts.copy()))
                node = exp.Cast(this=secs, to=exp.DataType.build("VARCHAR"))
                if not fm:
                    node = fn("lpad", node, num_lit(5), str_lit("0"))
            parts.append(node)
    flush()
    if not parts:
        raise UnsupportedConstruct(f"empty TO_CHAR mask {mask!r}")
    out = parts[0]
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=p)
    return with_kind(out, STRING)


def str_to_date(s: exp.Expression, mask: str) -> exp.Expression:
    """TO_DATE(str, mask) -> strptime.  Month/day names match case-insensitively and single-digit
    day/month/hour fields are accepted (as Oracle does); separators must match.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_DATE.html
    A mask without a month defaults to the CURRENT month in Oracle -> unsupported."""
    fmt = ""
    fix = None
    has_month = False
    for kind, value in _mask_pieces(mask, for_parse=True):
        if kind == "fmt":
            fmt += value  # type: ignore[operator]
            has_month = has_month or value in ("%m", "%b", "%B", "%j")
        else:
            fix = kind
    if not has_month:
        raise UnsupportedConstruct(
            f"TO_DATE mask {mask!r} without a month (Oracle defaults to the current month)")
    if fix is None:
        return with_kind(fn("strptime", s, str_lit(fmt)), DATE)
    # YY/RR: two digits, the century from the macro; a string with more digits is read as YYYY/RRRR
    # (Oracle's "String-to-Date Conversion Rules": 'YY' -> 'YYYY', 'RR' -> 'RRRR')
    two_digits = fn("ora_fix_yy" if fix == "yy" else "ora_fix_rr", fn("try_strptime", s, str_lit(fmt)))
    return with_kind(exp.Coalesce(this=two_digits, expressions=[fn("strptime", s.copy(), str_lit(fmt.replace("%y", "%Y")))]),
                     DATE)


def check_nls_param(node: Optional[exp.Expression], fname: str) -> None:
    if node is None:
        return
    text = const_str(node, f"{fname} nlsparam").strip()
    m = re.fullmatch(r"NLS_DATE_LANGUAGE\s*=\s*'?\"?(\w+)\"?'?", text, re.IGNORECASE)
    if not m or m.group(1).upper() not in ("AMERICAN", "ENGLISH"):
        raise UnsupportedConstruct(f"{fname} nlsparam {text!r} (only NLS_DATE_LANGUAGE=AMERICAN)")
