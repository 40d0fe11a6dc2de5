"""Handlers of REGEXP_LIKE / REGEXP_SUBSTR / REGEXP_COUNT / REGEXP_REPLACE: Oracle regular
expressions -> RE2 (DuckDB's regexp functions)."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

from .errors import UnsupportedConstruct
from .nodes import call_args, const_str, const_value, fn, nullif_empty, num_lit, padded_args, str_lit
from .translator import Handler, Translator
from .typer import NULL, NUMBER, with_kind


_RE_BACKREF = re.compile(r"\\[1-9]")


def _regex_pattern(t: Translator, pattern: exp.Expression, flags: Optional[exp.Expression],
                   fname: str) -> exp.Expression:
    """Oracle regex (POSIX ERE + Perl-ish extensions) -> RE2 with inline flags.
    Flags: i (ignore case), c (case sensitive), n (. matches newline), m (multiline);
    later i/c win.  x and back-references in the pattern are not supported by RE2.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_LIKE.html
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Oracle-Regular-Expression-Support.html"""
    inline = ""
    if flags is not None and not isinstance(flags, exp.Null):
        text = const_str(flags, f"{fname} match_parameter")
        case = None
        extra = set()
        for ch in text:
            if ch in "ic":
                case = ch
            elif ch in "nm":
                extra.add({"n": "s", "m": "m"}[ch])
            else:
                raise UnsupportedConstruct(f"{fname} match_parameter {ch!r}")
        inline = ("i" if case == "i" else "") + "".join(sorted(extra))
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        if _RE_BACKREF.search(pattern.this):
            raise UnsupportedConstruct(f"{fname}: back-reference in pattern (RE2)")
        return str_lit((f"(?{inline})" if inline else "") + pattern.this)
    if isinstance(pattern, exp.Null):
        return pattern
    if inline:
        return exp.DPipe(this=str_lit(f"(?{inline})"), expression=pattern)
    return pattern


def _int_const(node: Optional[exp.Expression], default: int, what: str) -> int:
    if node is None or isinstance(node, exp.Null):
        return default
    value = const_value(node)
    if value is None or value.denominator != 1:
        raise UnsupportedConstruct(f"{what} must be an integer constant")
    return int(value)


def _from_position(s: exp.Expression, pos: int) -> exp.Expression:
    return s if pos == 1 else fn("substring", s, num_lit(pos))


def _h_regexp_like(t: Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_LIKE(s, pat[, flags]) -> regexp_matches (partial match, as Oracle)."""
    args = call_args(node, 2, 3)
    pat = _regex_pattern(t, args[1], args[2] if len(args) == 3 else None, "REGEXP_LIKE")
    return fn("regexp_matches", args[0], pat)


def _h_regexp_substr(t: Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_SUBSTR(s, pat[, pos[, occ[, flags[, subexpr]]]]); no match / empty -> NULL.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_SUBSTR.html"""
    s, pat, pos, occ, flags, sub = padded_args(node, 2, 6)
    pos_i = _int_const(pos, 1, "REGEXP_SUBSTR position")
    occ_i = _int_const(occ, 1, "REGEXP_SUBSTR occurrence")
    sub_i = _int_const(sub, 0, "REGEXP_SUBSTR subexpression")
    if pos_i < 1 or occ_i < 1 or not 0 <= sub_i <= 9:
        raise UnsupportedConstruct("REGEXP_SUBSTR argument out of range")
    for a in (pos, occ, sub):
        if isinstance(a, exp.Null):
            return with_kind(exp.Null(), NULL)
    pattern = _regex_pattern(t, pat, flags, "REGEXP_SUBSTR")
    subject = _from_position(s, pos_i)
    if occ_i == 1:
        body = fn("regexp_extract", subject, pattern, num_lit(sub_i))
    else:
        # list_extract is 1-based (an exp.Bracket would be re-based by the generator)
        body = fn("list_extract", fn("regexp_extract_all", subject, pattern, num_lit(sub_i)),
                  num_lit(occ_i))
    return nullif_empty(body)


def _h_regexp_count(t: Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_COUNT(s, pat[, pos[, flags]]).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_COUNT.html"""
    s, pat, pos, flags = padded_args(node, 2, 4)
    pos_i = _int_const(pos, 1, "REGEXP_COUNT position")
    if pos_i < 1:
        raise UnsupportedConstruct("REGEXP_COUNT position < 1")
    pattern = _regex_pattern(t, pat, flags, "REGEXP_COUNT")
    return with_kind(fn("length", fn("regexp_extract_all", _from_position(s, pos_i), pattern)),
                     NUMBER)


def _h_regexp_replace(t: Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_REPLACE(s, pat[, repl[, pos[, occ[, flags]]]]); occurrence 0 = all, 1 = first.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_REPLACE.html"""
    s, pat, repl, pos, occ, flags = padded_args(node, 2, 6)
    pos_i = _int_const(pos, 1, "REGEXP_REPLACE position")
    occ_i = _int_const(occ, 0, "REGEXP_REPLACE occurrence")
    if pos_i < 1 or occ_i not in (0, 1):
        raise UnsupportedConstruct("REGEXP_REPLACE position < 1 or occurrence > 1")
    pattern = _regex_pattern(t, pat, flags, "REGEXP_REPLACE")
    if repl is None or isinstance(repl, exp.Null):
        repl = str_lit("")
    elif not isinstance(repl, exp.Literal):
        repl = exp.Coalesce(this=repl, expressions=[str_lit("")])
    opts = [str_lit("g")] if occ_i == 0 else []
    tail = fn("regexp_replace", _from_position(s, pos_i), pattern, repl, *opts)
    body = tail if pos_i == 1 else exp.DPipe(
        this=fn("substring", s.copy(), num_lit(1), num_lit(pos_i - 1)), expression=tail)
    return nullif_empty(body)


REGEXP_HANDLERS: dict[str, Handler] = {
    "REGEXP_LIKE": _h_regexp_like,
    "REGEXP_SUBSTR": _h_regexp_substr,
    "REGEXP_COUNT": _h_regexp_count,
    "REGEXP_REPLACE": _h_regexp_replace,
}
