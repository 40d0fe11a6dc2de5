"""Oracle -> DuckDB dialect bridge for the embedded engine.

All project SQL is written once, in Oracle dialect.  ``to_duckdb`` parses one Oracle statement
with sqlglot, rewrites the expression tree with OUR transforms (one function per construct,
dispatched through ``_FUNCTION_HANDLERS`` / ``_NODE_HANDLERS``) and generates DuckDB SQL.

Design rules
------------
* sqlglot's own Oracle->DuckDB mapping is NOT trusted for functions whose semantics differ:
  those functions are parsed as raw calls (``_BridgeOracle`` parser, names in ``_RAW_FUNCTIONS``)
  and every one of them is translated here, or rejected.
* Anything the bridge cannot translate faithfully raises :class:`UnsupportedConstruct`
  naming the construct (CONNECT BY, MODEL, ROWNUM outside ``WHERE ROWNUM <= n``, unknown
  TO_CHAR mask element, unknown Oracle built-in ...).  Never a silent difference.
* Oracle ``DATE`` is represented as DuckDB ``TIMESTAMP`` (whole seconds).  The engine must
  create date columns as TIMESTAMP and load empty strings as NULL (Oracle has no '').
* The translated SQL relies on a few ``ora_*`` DuckDB macros (``SUPPORT_MACROS``).  The engine
  MUST run :func:`install_support` once per connection; ``install_support(con, now=...)`` pins
  SYSDATE/SYSTIMESTAMP for tests and for replaying a log "as of" a time.

Type knowledge (needed for DATE arithmetic)
--------------------------------------------
A column is a DATE when its (unqualified, case-insensitive) name is in ``date_columns``
(default :data:`DEFAULT_DATE_COLUMNS`) or it is a select-list alias of a DATE expression.
SYSDATE, TO_DATE, TRUNC(date[, fmt]), CAST(.. AS DATE), ``date +/- number`` and
LAG/LEAD/MIN/MAX/FIRST_VALUE/LAST_VALUE/NVL/COALESCE of a date are DATEs.  A column whose
name looks like a date (``date``/``time``/``stamp`` ...) but is not declared is *ambiguous*:
arithmetic on it raises UnsupportedConstruct (declare it via ``date_columns``).
``date - x`` with ``x`` of unknown type raises as well (it may be a day difference or a date).

Oracle references (SQL Language Reference, 19c/18c/11.2 pages; looked up with the search tool):
the docs URL is cited at each transform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterable, Mapping, Optional, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.errors import ParseError, TokenError

__all__ = [
    "UnsupportedConstruct",
    "BridgeOptions",
    "DEFAULT_DATE_COLUMNS",
    "KNOWN_FUNCTION_SIGNATURES",
    "SUPPORT_MACROS",
    "install_support",
    "to_duckdb",
    "transpile_statement",
    "parse_oracle",
    "InvalidCall",
    "strip_terminator",
]


class UnsupportedConstruct(ValueError):
    """Raised when an Oracle construct has no faithful DuckDB translation."""


class InvalidCall(UnsupportedConstruct):
    """A call that Oracle would reject when it runs, found while translating (an unknown literal
    key of parse_listener_log_line): the message is the error Oracle would raise."""


#: Columns treated as Oracle DATE without being declared (article + DBA_AUDIT_TRAIL columns).
DEFAULT_DATE_COLUMNS: frozenset[str] = frozenset({"log_date", "timestamp", "logoff_time"})

#: Formal parameter names of functions that may be called with Oracle named notation.
KNOWN_FUNCTION_SIGNATURES: dict[str, tuple[str, ...]] = {
    "parse_listener_log_line": ("p_in", "p_param"),
}

_DATE_LIKE_NAME = re.compile(r"(date|time|stamp|_ts$|^ts_|_dt$)", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# Support macros (the engine installs them once per connection)
# ---------------------------------------------------------------------------------------------

# INSTR: consecutive compared substrings move one character (overlapping matches);
# negative position searches backwards; occurrence must be positive (ORA-01428);
# position 0 returns 0.
_INSTR_BODY = (
    "CASE WHEN s IS NULL OR sub IS NULL OR p IS NULL OR {o} IS NULL THEN NULL "
    "WHEN trunc({o}) < 1 THEN error('ORA-01428: argument ''' || {o} || ''' is out of range') "
    "WHEN trunc(p) = 0 THEN 0 "
    "WHEN p > 0 THEN coalesce(list_filter(range(CAST(trunc(p) AS BIGINT), "
    "length(s) - length(sub) + 2), lambda i: substring(s, i, length(sub)) = sub)"
    "[CAST(trunc({o}) AS BIGINT)], 0) "
    "ELSE coalesce(list_filter(range(least(length(s) + CAST(trunc(p) AS BIGINT) + 1, "
    "length(s) - length(sub) + 1), 0, -1), lambda i: substring(s, i, length(sub)) = sub)"
    "[CAST(trunc({o}) AS BIGINT)], 0) END"
)

#: DuckDB macros the translated SQL relies on.  ``ora_sysdate``/``ora_systimestamp`` are
#: created by :func:`install_support` (pinnable "now").
SUPPORT_MACROS: tuple[str, ...] = (
    # DATE + n days.  Oracle DATE has whole seconds; a fractional number of days is rounded to
    # the nearest second here (documented choice; constant offsets that are not whole seconds
    # are rejected at translation time instead).
    "CREATE OR REPLACE MACRO ora_date_add(d, n) AS CAST(d AS TIMESTAMP) + "
    "to_microseconds(CAST(round(n * 86400) AS BIGINT) * 1000000)",
    # DATE - DATE = number of days (fractional).
    "CREATE OR REPLACE MACRO ora_days_between(a, b) AS "
    "(epoch(CAST(a AS TIMESTAMP)) - epoch(CAST(b AS TIMESTAMP))) / 86400.0",
    # SUBSTR: position 0 -> 1, negative from the end, length < 1 -> NULL, '' -> NULL,
    # floating-point arguments truncated to integers.
    "CREATE OR REPLACE MACRO ora_substr(s, p) AS NULLIF(CASE "
    "WHEN s IS NULL OR p IS NULL THEN NULL "
    "WHEN trunc(p) = 0 THEN CAST(s AS VARCHAR) "
    "WHEN p > 0 THEN substring(CAST(s AS VARCHAR), CAST(trunc(p) AS BIGINT)) "
    "WHEN -trunc(p) > length(CAST(s AS VARCHAR)) THEN NULL "
    "ELSE substring(CAST(s AS VARCHAR), length(CAST(s AS VARCHAR)) + CAST(trunc(p) AS BIGINT) + 1) END, ''), "
    "(s, p, l) AS NULLIF(CASE "
    "WHEN s IS NULL OR p IS NULL OR l IS NULL OR trunc(l) < 1 THEN NULL "
    "WHEN trunc(p) = 0 THEN substring(CAST(s AS VARCHAR), 1, CAST(trunc(l) AS BIGINT)) "
    "WHEN p > 0 THEN substring(CAST(s AS VARCHAR), CAST(trunc(p) AS BIGINT), CAST(trunc(l) AS BIGINT)) "
    "WHEN -trunc(p) > length(CAST(s AS VARCHAR)) THEN NULL "
    "ELSE substring(CAST(s AS VARCHAR), length(CAST(s AS VARCHAR)) + CAST(trunc(p) AS BIGINT) + 1, "
    "CAST(trunc(l) AS BIGINT)) END, '')",
    "CREATE OR REPLACE MACRO ora_instr(s, sub) AS strpos(s, sub), "
    "(s, sub, p) AS " + _INSTR_BODY.replace("{o}", "1") + ", "
    "(s, sub, p, o) AS " + _INSTR_BODY.replace("{o}", "o"),
    # MOD(m, 0) = m in Oracle; sign follows m (same as DuckDB %).
    "CREATE OR REPLACE MACRO ora_mod(m, n) AS CASE WHEN n = 0 THEN m ELSE m % n END",
    # Oracle raises ORA-01476 on division by zero; DuckDB returns inf/NULL.
    "CREATE OR REPLACE MACRO ora_div(a, b) AS "
    "a / CASE WHEN b = 0 THEN error('ORA-01476: divisor is equal to zero') ELSE b END",
    # INITCAP: first letter of each word upper, others lower; words delimited by
    # characters that are not alphanumeric.
    "CREATE OR REPLACE MACRO ora_initcap(s) AS NULLIF(array_to_string(list_transform("
    "string_split(CAST(s AS VARCHAR), ''), lambda c, i: CASE WHEN i = 1 OR NOT regexp_matches("
    "substring(CAST(s AS VARCHAR), i - 1, 1), '^[[:alnum:]]$') THEN upper(c) ELSE lower(c) END), ''), '')",
    # TO_DATE YY: year in the current century (20xx) -- DuckDB %y maps 69-99 to 19xx.
    "CREATE OR REPLACE MACRO ora_fix_yy(t) AS CASE WHEN year(t) < 2000 "
    "THEN t + INTERVAL 100 YEAR ELSE t END",
    # TO_DATE RR: 00-49 -> 20xx, 50-99 -> 19xx (valid while the current year is 2000-2049).
    "CREATE OR REPLACE MACRO ora_fix_rr(t) AS CASE WHEN year(t) >= 2050 "
    "THEN t - INTERVAL 100 YEAR ELSE t END",
    # TO_CHAR(number) without a mask: integers print without decimals, 0.5 -> '.5'.
    "CREATE OR REPLACE MACRO ora_num_to_char(n) AS CASE WHEN n IS NULL THEN NULL "
    "WHEN CAST(n AS DOUBLE) = trunc(CAST(n AS DOUBLE)) AND abs(CAST(n AS DOUBLE)) < 1e18 "
    "THEN CAST(CAST(n AS HUGEINT) AS VARCHAR) "
    "ELSE regexp_replace(CAST(CAST(n AS DOUBLE) AS VARCHAR), '^(-?)0\\.', '\\1.') END",
)


def _to_date_language_macros() -> list[str]:
    """``ora_to_date_<lang>(x)``: TO_DATE(x, 'DD-MON-YYYY HH24:MI:SS', 'NLS_DATE_LANGUAGE=<lang>')
    with Oracle's lenient string-to-date rules and the month names of ``engine/dates.py``; NULL
    when x does not convert (the caller raises, or not for DEFAULT NULL ON CONVERSION ERROR).
    (dates.to_date_sql: strptime fast path, then one regexp per row.)"""
    from . import dates  # local: dates imports nothing from here, but keep module load light

    out = []
    for language in sorted(set(dates.normalize_language(x) for x in dates.DATE_LANGUAGES)):
        out.append(f"CREATE OR REPLACE MACRO ora_to_date_{language.lower()}(x) AS "
                   f"CASE WHEN x IS NULL THEN NULL ELSE {dates.to_date_sql('x', language)} END")
    return out


def install_support(con, now: Optional[object] = None) -> None:
    """Create the ``ora_*`` macros on a DuckDB connection.

    ``now`` pins SYSDATE/SYSTIMESTAMP (a ``datetime`` or an ISO string); default: the session's
    local clock, SYSDATE truncated to whole seconds (Oracle DATE has no fractional seconds).
    """
    for ddl in SUPPORT_MACROS:
        con.execute(ddl)
    for ddl in _to_date_language_macros():
        con.execute(ddl)
    if now is None:
        con.execute("CREATE OR REPLACE MACRO ora_sysdate() AS "
                    "date_trunc('second', current_localtimestamp())")
        con.execute("CREATE OR REPLACE MACRO ora_systimestamp() AS current_localtimestamp()")
    else:
        text = now.isoformat(sep=" ") if hasattr(now, "isoformat") else str(now)
        if not re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?", text):
            raise ValueError(f"install_support: cannot pin now to {text!r}")
        lit = "'" + text.replace("T", " ") + "'"
        con.execute(f"CREATE OR REPLACE MACRO ora_sysdate() AS "
                    f"date_trunc('second', CAST({lit} AS TIMESTAMP))")
        con.execute(f"CREATE OR REPLACE MACRO ora_systimestamp() AS CAST({lit} AS TIMESTAMP)")


# ---------------------------------------------------------------------------------------------
# Parsing: an Oracle dialect whose parser keeps the functions we translate as raw calls
# ---------------------------------------------------------------------------------------------

_RAW_FUNCTIONS: tuple[str, ...] = (
    "TO_CHAR", "TO_DATE", "TO_TIMESTAMP", "TO_NUMBER", "TRUNC", "ROUND", "NVL", "NVL2",
    "DECODE", "COALESCE", "NULLIF", "INSTR", "SUBSTR", "LENGTH", "LENGTHB", "UPPER", "LOWER",
    "INITCAP", "LTRIM", "RTRIM", "LPAD", "RPAD", "REPLACE", "CONCAT", "REGEXP_SUBSTR",
    "REGEXP_LIKE", "REGEXP_COUNT", "REGEXP_REPLACE", "REGEXP_INSTR", "MOD", "GREATEST", "LEAST",
    "NUMTODSINTERVAL", "NUMTOYMINTERVAL", "ADD_MONTHS", "MONTHS_BETWEEN", "LAST_DAY",
    "NEXT_DAY", "TRANSLATE", "SUBSTRB", "INSTRB", "TO_CLOB", "TO_NCHAR",
)


def _raw_builder(name: str) -> Callable[[list], exp.Expression]:
    return lambda args: exp.Anonymous(this=name, expressions=list(args))


#: Internal name of TO_DATE(x DEFAULT NULL ON CONVERSION ERROR, ...) (not typeable in SQL).
_TO_DATE_OR_NULL = "TO_DATE#DEFAULT_NULL"


def _parse_to_date(self) -> exp.Expression:
    """TO_DATE(char [DEFAULT return_value ON CONVERSION ERROR] [, fmt [, 'nlsparam']]) (12.2+;
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_DATE.html).
    Only DEFAULT NULL is translated (NULL for a string that does not convert)."""
    args = [self._parse_assignment()]
    name = "TO_DATE"
    if self._match(sqlglot.tokens.TokenType.DEFAULT):
        default = self._parse_bitwise()
        if not self._match_text_seq("ON", "CONVERSION", "ERROR"):
            self.raise_error("Expecting ON CONVERSION ERROR")
        if not isinstance(default, exp.Null):
            raise UnsupportedConstruct("TO_DATE ... DEFAULT <value other than NULL> ON CONVERSION ERROR")
        name = _TO_DATE_OR_NULL
    while self._match(sqlglot.tokens.TokenType.COMMA):
        args.append(self._parse_assignment())
    return exp.Anonymous(this=name, expressions=args)


class _BridgeOracle(Oracle):
    class Parser(Oracle.Parser):
        FUNCTIONS = {**Oracle.Parser.FUNCTIONS, **{n: _raw_builder(n) for n in _RAW_FUNCTIONS}}
        FUNCTION_PARSERS = {**{k: v for k, v in Oracle.Parser.FUNCTION_PARSERS.items()
                               if k not in _RAW_FUNCTIONS}, "TO_DATE": _parse_to_date}


_TRAILING_SLASH = re.compile(r"(?:\n|^)[ \t]*/[ \t]*\s*\Z")


def strip_terminator(sql: str) -> str:
    """Remove a trailing SQL*Plus ``/`` line and/or a trailing ``;``."""
    text = sql.strip()
    text = _TRAILING_SLASH.sub("", text).rstrip()
    if text.endswith(";"):
        text = text[:-1].rstrip()
    return text


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _parse_error_text(err: ParseError) -> str:
    """One line: what, where and the offending token (sqlglot's own text spans lines and
    carries terminal colour codes)."""
    details = err.errors[0] if getattr(err, "errors", None) else {}
    if not details:
        return _ANSI_ESCAPE.sub("", str(err)).splitlines()[0]
    near = _ANSI_ESCAPE.sub("", str(details.get("highlight") or "")).strip()
    where = f"line {details.get('line')}, column {details.get('col')}"
    return f"{details.get('description')} at {where}" + (f" near {near!r}" if near else "")


def parse_oracle(oracle_sql: str) -> exp.Expression:
    text = strip_terminator(oracle_sql)
    if not text:
        raise UnsupportedConstruct("empty statement")
    if re.search(r"\bMODEL\b\s*(\(|DIMENSION|PARTITION|RETURN|MAIN|REFERENCE|IGNORE|KEEP|UNIQUE)",
                 text, re.IGNORECASE):
        raise UnsupportedConstruct("MODEL clause")
    if re.search(r"\bMATCH_RECOGNIZE\b", text, re.IGNORECASE):
        raise UnsupportedConstruct("MATCH_RECOGNIZE")
    try:
        statements = sqlglot.parse(text, read=_BridgeOracle)
    except ParseError as err:
        raise UnsupportedConstruct(f"unparseable Oracle SQL: {_parse_error_text(err)}") from err
    except TokenError as err:
        raise UnsupportedConstruct(f"unparseable Oracle SQL: {str(err).splitlines()[0]}") from err
    statements = [s for s in statements if s is not None]
    if len(statements) != 1:
        raise UnsupportedConstruct(f"expected exactly one statement, got {len(statements)}")
    return statements[0]


# ---------------------------------------------------------------------------------------------
# Options and type inference
# ---------------------------------------------------------------------------------------------

@dataclass
class BridgeOptions:
    date_columns: frozenset[str] = DEFAULT_DATE_COLUMNS
    functions: Mapping[str, Sequence[str]] = field(
        default_factory=lambda: dict(KNOWN_FUNCTION_SIGNATURES))
    #: NLS_DATE_FORMAT used for TO_CHAR(date)/TO_DATE(str) without a mask (Oracle default
    #: for territory AMERICA: DD-MON-RR).
    nls_date_format: str = "DD-MON-RR"


DATE, TIMESTAMP, NUMBER, STRING, INTERVAL, NULL, UNKNOWN, AMBIGUOUS = (
    "date", "timestamp", "number", "string", "interval", "null", "unknown", "ambiguous")

_KIND = "ora_kind"


def _with_kind(node: exp.Expression, kind: str) -> exp.Expression:
    node.meta[_KIND] = kind
    return node


def _fname(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).upper()
    return node.sql_name() if isinstance(node, exp.Func) else node.key.upper()


_NUMBER_FUNCS = {"LENGTH", "LENGTHB", "INSTR", "INSTRB", "REGEXP_COUNT", "REGEXP_INSTR", "MOD",
                 "TO_NUMBER", "MONTHS_BETWEEN", "ORA_INSTR", "ORA_MOD", "ORA_DIV",
                 "ORA_DAYS_BETWEEN", "STRPOS", "STRLEN"}
_STRING_FUNCS = {"TO_CHAR", "SUBSTR", "UPPER", "LOWER", "INITCAP", "LTRIM", "RTRIM", "LPAD",
                 "RPAD", "REPLACE", "CONCAT", "REGEXP_SUBSTR", "REGEXP_REPLACE", "TRANSLATE",
                 "ORA_SUBSTR", "ORA_INITCAP", "STRFTIME"}
_PASS_KIND_CLASSES = (exp.Max, exp.Min, exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue,
                      exp.AnyValue)


class _Typer:
    def __init__(self, opts: BridgeOptions, extra_dates: set[str]):
        self.opts = opts
        self.dates = {c.lower() for c in opts.date_columns} | extra_dates

    def kind(self, node: Optional[exp.Expression]) -> str:
        if node is None:
            return UNKNOWN
        if _KIND in node.meta:
            return node.meta[_KIND]
        if isinstance(node, exp.Paren):
            return self.kind(node.this)
        if isinstance(node, exp.Column):
            name = node.name.lower()
            if name in self.dates:
                return DATE
            if _DATE_LIKE_NAME.search(name):
                return AMBIGUOUS
            return UNKNOWN
        if isinstance(node, exp.Literal):
            return STRING if node.is_string else NUMBER
        if isinstance(node, exp.Null):
            return NULL
        if isinstance(node, exp.Interval):
            return INTERVAL
        if isinstance(node, exp.CurrentTimestamp):
            return DATE if node.args.get("sysdate") else TIMESTAMP
        if isinstance(node, (exp.Systimestamp, exp.Localtimestamp)):
            return TIMESTAMP
        if isinstance(node, exp.Cast):
            to = node.to
            if to.is_type(exp.DataType.Type.DATE):
                return DATE
            if to.is_type(*exp.DataType.TEMPORAL_TYPES):
                return TIMESTAMP
            if to.is_type(*exp.DataType.NUMERIC_TYPES):
                return NUMBER
            if to.is_type(*exp.DataType.TEXT_TYPES):
                return STRING
            return UNKNOWN
        if isinstance(node, (exp.Add, exp.Sub)):
            left, right = self.kind(node.this), self.kind(node.expression)
            if DATE in (left, right) or TIMESTAMP in (left, right):
                if isinstance(node, exp.Sub) and left in (DATE, TIMESTAMP) and right in (DATE, TIMESTAMP):
                    return NUMBER if left == right == DATE else INTERVAL
                return left if left in (DATE, TIMESTAMP) else right
            if left == right == NUMBER:
                return NUMBER
            return UNKNOWN
        if isinstance(node, (exp.Mul, exp.Div, exp.Neg, exp.Mod, exp.Count, exp.Sum, exp.Avg,
                             exp.RowNumber, exp.Rank, exp.DenseRank, exp.Abs, exp.Ceil,
                             exp.Floor, exp.Extract)):
            return NUMBER
        if isinstance(node, exp.Window):
            return self.kind(node.this)
        if isinstance(node, _PASS_KIND_CLASSES):
            return self.kind(node.this)
        if isinstance(node, exp.Case):
            for branch in node.args.get("ifs") or []:
                k = self.kind(branch.args.get("true"))
                if k not in (NULL, UNKNOWN):
                    return k
            return self.kind(node.args.get("default"))
        if isinstance(node, exp.Anonymous):
            name = _fname(node)
            args = node.expressions
            if name in ("TO_DATE",):
                return DATE
            if name == "TO_TIMESTAMP":
                return TIMESTAMP
            if name in ("TRUNC", "ROUND") and args:
                first = self.kind(args[0])
                if first in (DATE, TIMESTAMP) or (len(args) > 1 and self.kind(args[1]) == STRING):
                    return DATE
                return NUMBER if first == NUMBER else UNKNOWN
            if name in ("NVL", "COALESCE", "GREATEST", "LEAST", "NULLIF"):
                for a in args:
                    k = self.kind(a)
                    if k not in (NULL, UNKNOWN):
                        return k
                return UNKNOWN
            if name in ("ADD_MONTHS", "LAST_DAY", "NEXT_DAY", "ORA_SYSDATE", "ORA_DATE_ADD"):
                return DATE
            if name in _NUMBER_FUNCS:
                return NUMBER
            if name in _STRING_FUNCS:
                return STRING
            if name in ("NUMTODSINTERVAL", "NUMTOYMINTERVAL"):
                return INTERVAL
        return UNKNOWN


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _str(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _num(value) -> exp.Literal:
    return exp.Literal.number(value)


def _nullif_empty(node: exp.Expression) -> exp.Expression:
    """Oracle has no empty string: a function result '' is NULL."""
    return _with_kind(exp.Nullif(this=node, expression=_str("")), STRING)


def _const(node: Optional[exp.Expression]) -> Optional[Fraction]:
    """Exact value of a constant numeric expression (literals, + - * /, parentheses)."""
    if node is None:
        return None
    if isinstance(node, exp.Paren):
        return _const(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return Fraction(node.this)
        except (ValueError, ZeroDivisionError):
            return None
    if isinstance(node, exp.Neg):
        v = _const(node.this)
        return None if v is None else -v
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        a, b = _const(node.this), _const(node.expression)
        if a is None or b is None:
            return None
        if isinstance(node, exp.Add):
            return a + b
        if isinstance(node, exp.Sub):
            return a - b
        if isinstance(node, exp.Mul):
            return a * b
        return None if b == 0 else a / b
    return None


def _const_str(node: Optional[exp.Expression], what: str) -> str:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise UnsupportedConstruct(f"{what} must be a string literal")


def _interval_seconds(seconds: int) -> exp.Expression:
    return _with_kind(exp.Interval(this=_str(str(seconds)), unit=exp.Var(this="SECOND")), INTERVAL)


def _days_to_interval(days: Fraction, what: str) -> exp.Expression:
    seconds = days * 86400
    if seconds.denominator != 1:
        raise UnsupportedConstruct(
            f"{what}: {days} days is not a whole number of seconds (Oracle DATE has seconds)")
    return _interval_seconds(int(seconds))


def _args(node: exp.Anonymous, lo: int, hi: int) -> list[exp.Expression]:
    args = list(node.expressions)
    if not lo <= len(args) <= hi:
        raise UnsupportedConstruct(f"{_fname(node)} with {len(args)} arguments")
    return args


# ---------------------------------------------------------------------------------------------
# Date format masks (TO_CHAR / TO_DATE)
# https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Format-Models.html
# (Datetime Format Elements table; capitalization of MONTH/MON/DAY/DY/AM follows the mask;
# MONTH and DAY are blank-padded to the widest name unless FM is given; FM also suppresses
# leading zeros; "text" is copied; punctuation is copied.)
# ---------------------------------------------------------------------------------------------

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


def _date_to_char(d: exp.Expression, mask: str) -> exp.Expression:
    """TO_CHAR(date, mask) -> strftime pieces joined with || (NULL date -> NULL).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_CHAR-datetime.html"""
    ts = exp.Cast(this=d, to=exp.DataType.build("TIMESTAMP"))
    parts: list[exp.Expression] = []
    buf = ""

    def flush() -> None:
        nonlocal buf
        if buf:
            parts.append(_fn("strftime", ts.copy(), _str(buf)))
            buf = ""

    for kind, value in _mask_pieces(mask, for_parse=False):
        if kind == "fmt":
            buf += value  # type: ignore[operator]
            continue
        flush()
        if kind == "name":
            spec, case, width = value  # type: ignore[misc]
            node: exp.Expression = _fn("strftime", ts.copy(), _str(spec))
            if case == "upper":
                node = _fn("upper", node)
            elif case == "lower":
                node = _fn("lower", node)
            if width:
                node = _fn("rpad", node, _num(width), _str(" "))
            parts.append(node)
        else:
            up, fm = value  # type: ignore[misc]
            if up == "IW":
                node = _fn("strftime", ts.copy(), _str("%-V" if fm else "%V"))
            elif up == "IYYY":
                node = _fn("strftime", ts.copy(), _str("%G"))
            elif up == "Q":
                node = exp.Cast(this=_fn("quarter", ts.copy()), to=exp.DataType.build("VARCHAR"))
            elif up in ("WW", "W"):
                base = _fn("dayofyear", ts.copy()) if up == "WW" else _fn("day", ts.copy())
                week = exp.Add(this=exp.IntDiv(this=exp.Paren(this=exp.Sub(this=base, expression=_num(1))),
                                               expression=_num(7)), expression=_num(1))
                node = exp.Cast(this=week, to=exp.DataType.build("VARCHAR"))
                if up == "WW" and not fm:
                    node = _fn("lpad", node, _num(2), _str("0"))
            elif up == "J":
                node = exp.Cast(this=exp.Cast(this=_fn("floor", _fn("julian", ts.copy())),
                                              to=exp.DataType.build("BIGINT")),
                                to=exp.DataType.build("VARCHAR"))
            else:  # SSSSS: seconds past midnight
                secs = exp.Add(this=exp.Add(
                    this=exp.Mul(this=_fn("hour", ts.copy()), expression=_num(3600)),
                    expression=exp.Mul(this=_fn("minute", ts.copy()), expression=_num(60))),
                    expression=_fn("second", ts.copy()))
                node = exp.Cast(this=secs, to=exp.DataType.build("VARCHAR"))
                if not fm:
                    node = _fn("lpad", node, _num(5), _str("0"))
            parts.append(node)
    flush()
    if not parts:
        raise UnsupportedConstruct(f"empty TO_CHAR mask {mask!r}")
    out = parts[0]
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=p)
    return _with_kind(out, STRING)


def _str_to_date(s: exp.Expression, mask: str) -> exp.Expression:
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
    node: exp.Expression = _fn("strptime", s, _str(fmt))
    if fix == "yy":
        node = _fn("ora_fix_yy", node)
    elif fix == "rr":
        node = _fn("ora_fix_rr", node)
    return _with_kind(node, DATE)


def _check_nls_param(node: Optional[exp.Expression], fname: str) -> None:
    if node is None:
        return
    text = _const_str(node, f"{fname} nlsparam").strip()
    m = re.fullmatch(r"NLS_DATE_LANGUAGE\s*=\s*'?\"?(\w+)\"?'?", text, re.IGNORECASE)
    if not m or m.group(1).upper() not in ("AMERICAN", "ENGLISH"):
        raise UnsupportedConstruct(f"{fname} nlsparam {text!r} (only NLS_DATE_LANGUAGE=AMERICAN)")


# ---------------------------------------------------------------------------------------------
# Translator
# ---------------------------------------------------------------------------------------------

_TRUNC_UNITS = {
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/ROUND-and-TRUNC-Date-Functions.html
    "DD": "day", "DDD": "day", "J": "day",
    "HH": "hour", "HH12": "hour", "HH24": "hour", "MI": "minute",
    "MM": "month", "MON": "month", "MONTH": "month", "RM": "month",
    "Q": "quarter",
    "YYYY": "year", "SYYYY": "year", "YEAR": "year", "SYEAR": "year", "YYY": "year",
    "YY": "year", "Y": "year",
    "IW": "week",  # ISO week: Monday
    "IYYY": "isoyear", "IYY": "isoyear", "IY": "isoyear", "I": "isoyear",
}

#: Oracle built-ins (parsed as plain calls) that the bridge does not translate.
_UNSUPPORTED_BUILTINS = {
    "ADD_MONTHS", "MONTHS_BETWEEN", "LAST_DAY", "NEXT_DAY", "SYS_GUID", "ORA_HASH",
    "STANDARD_HASH", "USERENV", "SYS_CONTEXT", "SOUNDEX", "NLSSORT", "NLS_UPPER", "NLS_LOWER",
    "NLS_INITCAP", "RAWTOHEX", "HEXTORAW", "UTL_RAW", "DUMP", "VSIZE", "TO_CLOB", "TO_NCHAR",
    "SUBSTRB", "INSTRB", "TRANSLATE", "NEW_TIME", "FROM_TZ", "TZ_OFFSET", "SYS_EXTRACT_UTC",
    "BITAND", "WIDTH_BUCKET", "NUMTOYMINTERVAL", "TO_DSINTERVAL", "TO_YMINTERVAL",
    "XMLAGG", "XMLELEMENT", "DBMS_RANDOM", "EMPTY_CLOB", "EMPTY_BLOB", "COLLECT", "CARDINALITY",
    "TO_BINARY_DOUBLE", "TO_BINARY_FLOAT", "CONVERT", "ASCIISTR", "UNISTR", "NANVL", "LNNVL",
    "SYS_CONNECT_BY_PATH", "CONNECT_BY_ROOT", "RATIO_TO_REPORT", "MEDIAN", "PERCENTILE_CONT",
    "PERCENTILE_DISC", "STATS_MODE", "REGEXP_INSTR",
}

#: sqlglot typed functions whose DuckDB rendering has Oracle semantics.
_ALLOWED_TYPED_FUNCS: tuple[type, ...] = (
    exp.Count, exp.Sum, exp.Avg, exp.Max, exp.Min, exp.Lag, exp.Lead, exp.RowNumber, exp.Rank,
    exp.DenseRank, exp.FirstValue, exp.LastValue, exp.Abs, exp.Ceil, exp.Floor, exp.Sign,
    exp.Sqrt, exp.Exp, exp.Ln, exp.Pow, exp.Extract, exp.Cast, exp.Nullif, exp.Coalesce,
    exp.Chr, exp.Ascii, exp.Upper, exp.Lower, exp.Length, exp.Trim, exp.Case, exp.If,
    exp.GroupConcat, exp.Stddev, exp.StddevSamp, exp.StddevPop, exp.Variance, exp.VariancePop,
    exp.NthValue, exp.Ntile, exp.PercentRank, exp.CumeDist, exp.Greatest, exp.Least,
    exp.Round, exp.Trunc, exp.DateTrunc, exp.StrToTime, exp.Anonymous, exp.CurrentTimestamp,
    exp.Interval, exp.Systimestamp, exp.RegexpLike, exp.RegexpExtract, exp.RegexpReplace,
    exp.Substring, exp.StrPosition, exp.Pad, exp.Replace, exp.Concat, exp.ArrayToString,
    exp.Log, exp.CountIf, exp.Filter, exp.Predicate, exp.Unnest,
)

_PSEUDO_COLUMNS = {"ROWNUM", "ROWID", "LEVEL", "USER", "UID", "ORA_ROWSCN",
                   "CONNECT_BY_ISLEAF", "CONNECT_BY_ISCYCLE", "SYSDATE"}


class _Translator:
    def __init__(self, opts: BridgeOptions):
        self.opts = opts
        self.typer = _Typer(opts, set())

    # -- driver ---------------------------------------------------------------------------
    def translate(self, tree: exp.Expression) -> exp.Expression:
        if isinstance(tree, exp.Create):
            kind = (tree.args.get("kind") or "").upper()
            if kind != "VIEW":
                raise UnsupportedConstruct(f"CREATE {kind or '?'} (only CREATE [OR REPLACE] VIEW)")
            if tree.args.get("properties") and any(
                    not isinstance(p, exp.ForceProperty) if hasattr(exp, "ForceProperty") else True
                    for p in tree.args["properties"].expressions):
                raise UnsupportedConstruct(
                    f"CREATE VIEW properties: {tree.args['properties'].sql(dialect='oracle')}")
            tree.set("properties", None)
        elif not isinstance(tree, exp.Query):
            raise UnsupportedConstruct(f"statement {tree.key.upper()} (only SELECT/WITH/CREATE VIEW)")
        self._reject_structural(tree)
        self._collect_date_aliases(tree)
        self._rownum_to_limit(tree)
        tree = self._outer_joins(tree)
        tree = self._rewrite(tree)
        self._final_check(tree)
        return tree

    def _reject_structural(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, exp.Connect):
                raise UnsupportedConstruct("CONNECT BY (hierarchical query)")
            if isinstance(node, exp.Prior):
                raise UnsupportedConstruct("PRIOR")
            if isinstance(node, (exp.Pivot,)):
                raise UnsupportedConstruct("PIVOT/UNPIVOT")
            if isinstance(node, exp.Lock):
                raise UnsupportedConstruct("FOR UPDATE")
            if isinstance(node, exp.Concat):
                # sqlglot joins adjacent string literals ('a' 'b'); Oracle rejects them
                # (ORA-00907 / ORA-00917): almost always a missing comma in a list
                raise UnsupportedConstruct(
                    f"adjacent string literals {node.sql(dialect='oracle')} (Oracle rejects this: missing comma?)")
            if isinstance(node, exp.Column) and not node.table:
                if node.name.upper() in _PSEUDO_COLUMNS - {"ROWNUM", "SYSDATE"} and not node.this.quoted:
                    raise UnsupportedConstruct(f"pseudo-column {node.name.upper()}")
            if isinstance(node, exp.Column) and node.table and node.name.upper() in ("NEXTVAL", "CURRVAL"):
                raise UnsupportedConstruct(f"sequence {node.sql(dialect='oracle')}")
            if isinstance(node, exp.Fetch):
                opts = node.args.get("limit_options")
                if node.args.get("percent") or node.args.get("with_ties") or (
                        opts is not None and (opts.args.get("percent") or opts.args.get("with_ties"))):
                    raise UnsupportedConstruct("FETCH FIRST ... PERCENT / WITH TIES")

    def _collect_date_aliases(self, tree: exp.Expression) -> None:
        """Aliases of DATE expressions are DATE columns for outer query blocks."""
        for _ in range(3):
            before = set(self.typer.dates)
            for alias in tree.find_all(exp.Alias):
                if self.typer.kind(alias.this) == DATE:
                    self.typer.dates.add(alias.alias.lower())
            if self.typer.dates == before:
                break

    # -- ROWNUM ---------------------------------------------------------------------------
    def _rownum_to_limit(self, tree: exp.Expression) -> None:
        """``WHERE ... AND ROWNUM <= n`` in a plain query block -> LIMIT n.
        https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/ROWNUM-Pseudocolumn.html
        (ROWNUM is assigned before ORDER BY/GROUP BY; only blocks without them are supported)."""
        for col in list(tree.find_all(exp.Column)):
            if col.table or col.name.upper() != "ROWNUM" or col.this.quoted:
                continue
            cmp = col.parent
            select = cmp.find_ancestor(exp.Select) if cmp else None
            where = select.args.get("where") if select else None
            conjuncts = list(where.this.flatten()) if where and isinstance(where.this, exp.And) \
                else ([where.this] if where else [])
            if cmp not in conjuncts or not isinstance(cmp, (exp.LTE, exp.LT, exp.EQ)) \
                    or cmp.this is not col:
                raise UnsupportedConstruct("ROWNUM (only a top-level WHERE ROWNUM <= n is supported)")
            n = _const(cmp.expression)
            if n is None:
                raise UnsupportedConstruct("ROWNUM compared with a non-constant")
            if select.args.get("order") or select.args.get("group") or select.args.get("distinct") \
                    or select.args.get("limit") or any(select.find_all(exp.AggFunc)):
                raise UnsupportedConstruct("ROWNUM together with ORDER BY/GROUP BY/DISTINCT/aggregates")
            import math
            if isinstance(cmp, exp.LTE):
                limit = math.floor(n)
            elif isinstance(cmp, exp.LT):
                limit = math.ceil(n) - 1
            else:
                if n != 1:
                    raise UnsupportedConstruct("ROWNUM = n with n != 1 (never true in Oracle)")
                limit = 1
            rest = [c for c in conjuncts if c is not cmp]
            if rest:
                where.set("this", exp.and_(*[c.copy() for c in rest]))
            else:
                select.set("where", None)
            select.set("limit", exp.Limit(expression=_num(max(limit, 0))))

    # -- (+) outer joins ------------------------------------------------------------------
    def _outer_joins(self, tree: exp.Expression) -> exp.Expression:
        """Oracle ``(+)`` join marks -> ANSI LEFT JOIN (sqlglot's eliminate_join_marks).
        https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Joins.html"""
        if not any(c.args.get("join_mark") for c in tree.find_all(exp.Column)):
            return tree
        from sqlglot.transforms import eliminate_join_marks
        try:
            tree = eliminate_join_marks(tree)
        except Exception as err:  # pragma: no cover - depends on sqlglot internals
            raise UnsupportedConstruct(f"Oracle outer join (+): {err}") from err
        if any(c.args.get("join_mark") for c in tree.find_all(exp.Column)):
            raise UnsupportedConstruct("Oracle outer join (+) in this position")
        return tree

    # -- generic post-order rewrite -------------------------------------------------------
    def _rewrite(self, node: exp.Expression) -> exp.Expression:
        for key, value in list(node.args.items()):
            if isinstance(value, exp.Expression):
                new = self._rewrite(value)
                if new is not value:
                    node.set(key, new)
            elif isinstance(value, list):
                new_list = [self._rewrite(v) if isinstance(v, exp.Expression) else v for v in value]
                if any(a is not b for a, b in zip(new_list, value)):
                    node.set(key, new_list)
        handler = _NODE_HANDLERS.get(type(node))
        if isinstance(node, exp.Anonymous):
            handler = _FUNCTION_HANDLERS.get(_fname(node), _h_anonymous)
        if handler is None:
            return node
        kind = self.typer.kind(node) if not isinstance(node, exp.Anonymous) else None
        out = handler(self, node)
        if out is not node and _KIND not in out.meta and kind not in (None, UNKNOWN):
            out.meta[_KIND] = kind
        return out

    def _final_check(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, exp.Func) and not isinstance(node, _ALLOWED_TYPED_FUNCS) \
                    and not isinstance(node, (exp.Binary, exp.Unary, exp.Condition)) \
                    and not node.meta.get("bridge_ok"):
                raise UnsupportedConstruct(f"function {node.sql_name()} ({node.sql(dialect='oracle')[:60]})")
            if isinstance(node, exp.Kwarg):
                raise UnsupportedConstruct(f"named notation in {node.parent.sql(dialect='oracle')[:60]}")

    # -- kind helpers ---------------------------------------------------------------------
    def kind(self, node: exp.Expression) -> str:
        return self.typer.kind(node)

    def require_not_ambiguous(self, node: exp.Expression, where: str) -> None:
        for operand in (node.this, node.expression) if isinstance(node, exp.Binary) else (node,):
            if self.kind(operand) == AMBIGUOUS:
                raise UnsupportedConstruct(
                    f"{where}: cannot tell whether {operand.sql(dialect='oracle')} is a DATE "
                    f"(declare it in date_columns)")


# ---------------------------------------------------------------------------------------------
# Node handlers (one per construct)
# ---------------------------------------------------------------------------------------------

def _h_literal(t: _Translator, node: exp.Literal) -> exp.Expression:
    """'' is NULL in Oracle.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Nulls.html"""
    if node.is_string and node.this == "":
        return _with_kind(exp.Null(), NULL)
    return node


def _h_sysdate(t: _Translator, node: exp.CurrentTimestamp) -> exp.Expression:
    """SYSDATE -> ora_sysdate() (TIMESTAMP, whole seconds; pinnable via install_support).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SYSDATE.html"""
    if node.args.get("sysdate"):
        return _with_kind(_fn("ora_sysdate"), DATE)
    raise UnsupportedConstruct("CURRENT_TIMESTAMP (session time zone semantics)")


def _h_systimestamp(t: _Translator, node: exp.Expression) -> exp.Expression:
    """SYSTIMESTAMP -> ora_systimestamp() (TIMESTAMP, local clock; time zone dropped).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SYSTIMESTAMP.html"""
    return _with_kind(_fn("ora_systimestamp"), TIMESTAMP)


def _h_current_date(t: _Translator, node: exp.Expression) -> exp.Expression:
    raise UnsupportedConstruct("CURRENT_DATE (session time zone; use SYSDATE)")


def _h_column(t: _Translator, node: exp.Column) -> exp.Expression:
    if not node.table and node.name.upper() == "SYSDATE" and not node.this.quoted:
        return _with_kind(_fn("ora_sysdate"), DATE)
    return node


def _h_add_sub(t: _Translator, node: exp.Binary) -> exp.Expression:
    """Oracle DATE arithmetic: date +/- n days, date - date = days.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Datetime-Interval-Arithmetic.html"""
    left, right = node.this, node.expression
    kl, kr = t.kind(left), t.kind(right)
    temporal = (DATE, TIMESTAMP)
    if AMBIGUOUS in (kl, kr) and (kl in temporal + (AMBIGUOUS, UNKNOWN, NUMBER, NULL)
                                  and kr in temporal + (AMBIGUOUS, UNKNOWN, NUMBER, NULL)):
        t.require_not_ambiguous(node, "date arithmetic")
    is_sub = isinstance(node, exp.Sub)
    if kl not in temporal and kr not in temporal:
        return node
    if INTERVAL in (kl, kr):
        return node  # date/timestamp +/- interval: native
    if kl in temporal and kr in temporal:
        if not is_sub:
            raise UnsupportedConstruct("DATE + DATE")
        if kl == kr == DATE:
            return _with_kind(_fn("ora_days_between", left, right), NUMBER)
        return _with_kind(node, INTERVAL)  # TIMESTAMP - x: INTERVAL DAY TO SECOND
    date_side, other, k_other = (left, right, kr) if kl in temporal else (right, left, kl)
    if is_sub and date_side is right:
        raise UnsupportedConstruct("NUMBER - DATE")
    if (kl if date_side is left else kr) == TIMESTAMP:
        raise UnsupportedConstruct("TIMESTAMP +/- NUMBER (Oracle converts to DATE)")
    if k_other == UNKNOWN and is_sub:
        raise UnsupportedConstruct(
            f"date - {other.sql(dialect='oracle')}: cannot tell DATE from NUMBER "
            f"(declare date columns via date_columns)")
    if k_other not in (NUMBER, UNKNOWN, NULL):
        raise UnsupportedConstruct(f"DATE {'-' if is_sub else '+'} {k_other}")
    days = _const(other)
    if days is not None:
        iv = _days_to_interval(days, "date arithmetic")
        cls = exp.Sub if is_sub else exp.Add
        return _with_kind(cls(this=date_side, expression=iv), DATE)
    if is_sub:
        other = exp.Neg(this=exp.Paren(this=other))
    return _with_kind(_fn("ora_date_add", date_side, other), DATE)


def _h_div(t: _Translator, node: exp.Div) -> exp.Expression:
    """Oracle raises ORA-01476 on x/0; DuckDB returns inf or NULL -> ora_div unless the divisor
    is a non-zero constant."""
    t.require_not_ambiguous(node, "division")
    d = _const(node.expression)
    if d is not None and d != 0:
        return node
    return _with_kind(_fn("ora_div", node.this, node.expression), NUMBER)


def _h_mul(t: _Translator, node: exp.Mul) -> exp.Expression:
    t.require_not_ambiguous(node, "multiplication")
    return node


def _h_compare(t: _Translator, node: exp.Binary) -> exp.Expression:
    """DATE compared with a string relies on NLS_DATE_FORMAT in Oracle -> unsupported."""
    kinds = {t.kind(node.this), t.kind(node.expression)}
    if kinds & {DATE, TIMESTAMP} and STRING in kinds:
        raise UnsupportedConstruct(
            f"implicit string-to-DATE conversion in {node.sql(dialect='oracle')[:80]} (use TO_DATE)")
    return node


def _h_between(t: _Translator, node: exp.Between) -> exp.Expression:
    kinds = {t.kind(node.this), t.kind(node.args.get("low")), t.kind(node.args.get("high"))}
    if kinds & {DATE, TIMESTAMP} and STRING in kinds:
        raise UnsupportedConstruct("implicit string-to-DATE conversion in BETWEEN (use TO_DATE)")
    return node


def _h_dpipe(t: _Translator, node: exp.DPipe) -> exp.Expression:
    """a || b: Oracle ignores NULL operands and '' is NULL -> NULLIF(concat(...), '').
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Concatenation-Operator.html"""
    operands: list[exp.Expression] = []

    def collect(n: exp.Expression) -> None:
        if isinstance(n, exp.DPipe) and not n.meta.get(_KIND):
            collect(n.this)
            collect(n.expression)
        else:
            operands.append(n)

    collect(node)
    operands = [_date_default_to_char(t, o) for o in operands]
    return _nullif_empty(_fn("concat", *operands))


def _date_default_to_char(t: _Translator, node: exp.Expression) -> exp.Expression:
    if t.kind(node) == DATE:
        return _date_to_char(node, t.opts.nls_date_format)
    if t.kind(node) in (TIMESTAMP, AMBIGUOUS):
        raise UnsupportedConstruct(f"implicit conversion of {node.sql()} to text (use TO_CHAR)")
    return node


def _h_cast(t: _Translator, node: exp.Cast) -> exp.Expression:
    """CAST: VARCHAR2(n)->VARCHAR, NUMBER->DOUBLE, NUMBER(p[,s])->DECIMAL (rounded half away
    from zero first), DATE->TIMESTAMP (whole seconds).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/CAST.html"""
    to = node.to
    src_kind = t.kind(node.this)
    T = exp.DataType.Type
    if to.is_type(T.DATE):
        if src_kind == STRING or src_kind == UNKNOWN and isinstance(node.this, exp.Literal):
            raise UnsupportedConstruct("CAST(string AS DATE) depends on NLS_DATE_FORMAT (use TO_DATE)")
        if src_kind == NULL:
            return _with_kind(exp.Cast(this=node.this, to=exp.DataType.build("TIMESTAMP")), DATE)
        if src_kind not in (DATE, TIMESTAMP):
            raise UnsupportedConstruct(f"CAST({node.this.sql()} AS DATE) of unknown type")
        return _with_kind(_fn("date_trunc", _str("second"),
                              exp.Cast(this=node.this, to=exp.DataType.build("TIMESTAMP"))), DATE)
    if to.is_type(*exp.DataType.TEXT_TYPES):
        if src_kind == DATE:
            return _date_to_char(node.this, t.opts.nls_date_format)
        if src_kind == TIMESTAMP:
            raise UnsupportedConstruct("CAST(TIMESTAMP AS VARCHAR2) depends on NLS_TIMESTAMP_FORMAT")
        node.set("to", exp.DataType.build("VARCHAR"))
        return _with_kind(node, STRING)
    if to.is_type(T.DECIMAL, T.DOUBLE, T.FLOAT, T.INT, T.BIGINT, T.SMALLINT, T.TINYINT) \
            or to.this == T.DECIMAL:
        params = [e.this.this if isinstance(e.this, exp.Literal) else None
                  for e in to.expressions] if to.expressions else []
        if to.is_type(T.DOUBLE, T.FLOAT) or (to.is_type(T.DECIMAL) and not params):
            node.set("to", exp.DataType.build("DOUBLE"))
            return _with_kind(node, NUMBER)
        if to.is_type(T.INT, T.BIGINT, T.SMALLINT, T.TINYINT):
            precision, scale = "38", "0"
        else:
            precision = str(params[0]) if params and params[0] not in (None, "*") else "38"
            scale = str(params[1]) if len(params) > 1 else "0"
        rounded = _fn("round", exp.Cast(this=node.this, to=exp.DataType.build("DOUBLE")), _num(scale))
        return _with_kind(exp.Cast(this=rounded, to=exp.DataType.build(f"DECIMAL({precision},{scale})")),
                          NUMBER)
    if to.is_type(T.TIMESTAMP):
        if src_kind == STRING:
            raise UnsupportedConstruct("CAST(string AS TIMESTAMP) depends on NLS_TIMESTAMP_FORMAT")
        node.set("to", exp.DataType.build("TIMESTAMP"))
        return _with_kind(node, TIMESTAMP)
    raise UnsupportedConstruct(f"CAST to {to.sql(dialect='oracle')}")


def _h_ordered(t: _Translator, node: exp.Ordered) -> exp.Expression:
    """Oracle: NULLS LAST for ASC, NULLS FIRST for DESC by default; sqlglot records the Oracle
    ordering in ``nulls_first`` and the DuckDB generator spells it out where DuckDB differs.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SELECT.html (order_by_clause)"""
    if node.args.get("nulls_first") is None:
        node.set("nulls_first", bool(node.args.get("desc")))
    return node


def _h_from(t: _Translator, node: exp.From) -> exp.Expression:
    return node


def _h_select(t: _Translator, node: exp.Select) -> exp.Expression:
    """FROM dual -> no FROM (DuckDB has no DUAL; a FROM-less SELECT returns one row)."""
    frm = node.args.get("from_") or node.args.get("from")
    if frm is not None and isinstance(frm.this, exp.Table) and frm.this.name.upper() == "DUAL" \
            and (not frm.this.db or frm.this.db.upper() == "SYS") and not node.args.get("joins"):
        node.set("from_" if "from_" in node.args else "from", None)
    return node


def _h_group_concat(t: _Translator, node: exp.GroupConcat) -> exp.Expression:
    """LISTAGG(x[, sep]) WITHIN GROUP (ORDER BY ...) -> string_agg(x, sep ORDER BY ...);
    Oracle's default separator is none (DuckDB's is ',').
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LISTAGG.html"""
    if node.args.get("on_overflow"):
        raise UnsupportedConstruct("LISTAGG ... ON OVERFLOW")
    sep = node.args.get("separator")
    if sep is None or isinstance(sep, exp.Null):
        node.set("separator", _str(""))
    this = node.this
    if isinstance(this, exp.Distinct):
        raise UnsupportedConstruct("LISTAGG(DISTINCT ...)")
    out = _fn("string_agg", this if not isinstance(this, exp.Order) else this.this,
              node.args["separator"])
    if isinstance(this, exp.Order):
        order = exp.Order(expressions=this.expressions)
        out.set("expressions", [out.expressions[0], exp.Order(this=node.args["separator"],
                                                              expressions=order.expressions)])
    return _with_kind(out, STRING)


def _h_window_spec(t: _Translator, node: exp.WindowSpec) -> exp.Expression:
    """RANGE frames with a numeric offset over a DATE order key: n days -> INTERVAL.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Analytic-Functions.html
    (windowing_clause: for a DATE sort key value_expr is a number of days or an interval)."""
    if (node.args.get("kind") or "").upper() != "RANGE":
        return node
    window = node.parent
    order = window.args.get("order") if isinstance(window, exp.Window) else None
    keys = order.expressions if order else []
    date_key = len(keys) == 1 and t.kind(keys[0].this) in (DATE, TIMESTAMP)
    for arg in ("start", "end"):
        value = node.args.get(arg)
        if not isinstance(value, exp.Expression) or isinstance(value, exp.Var):
            continue
        if t.kind(value) == INTERVAL:
            continue
        days = _const(value)
        if days is None:
            raise UnsupportedConstruct("RANGE frame offset that is not a constant")
        if date_key:
            node.set(arg, _days_to_interval(days, "RANGE frame offset"))
        elif len(keys) == 1 and t.kind(keys[0].this) == AMBIGUOUS:
            raise UnsupportedConstruct(
                f"RANGE frame over {keys[0].this.sql()}: DATE or NUMBER? (declare date_columns)")
    return node


def _h_interval(t: _Translator, node: exp.Interval) -> exp.Expression:
    """INTERVAL '5' MINUTE etc.; DAY TO SECOND spans are not translated.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Literals.html (Interval Literals)"""
    unit = node.args.get("unit")
    if not isinstance(unit, exp.Var) or unit.name.upper() not in (
            "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"):
        raise UnsupportedConstruct(f"interval literal {node.sql(dialect='oracle')}")
    if not (isinstance(node.this, exp.Literal) and re.fullmatch(r"\d+", node.this.name)):
        raise UnsupportedConstruct(f"interval literal {node.sql(dialect='oracle')}")
    return _with_kind(node, INTERVAL)


def _h_trim(t: _Translator, node: exp.Trim) -> exp.Expression:
    """TRIM([LEADING|TRAILING|BOTH] [c FROM] s); LTRIM/RTRIM arrive as raw calls.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TRIM.html"""
    position = (node.args.get("position") or "BOTH").upper()
    chars = node.args.get("expression")
    name = {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(position, "trim")
    if isinstance(chars, exp.Null):
        return _with_kind(exp.Null(), NULL)
    # the default set is the blank alone; DuckDB's trim(s) would also remove U+00A0, U+3000, ...
    chars = chars if chars is not None else _str(" ")
    return _trim_result(_fn(name, node.this, chars), node.this, chars)


_TRIMMED = "lsnr_trimmed"


def _trim_result(call: exp.Expression, text: exp.Expression, chars: exp.Expression) -> exp.Expression:
    """The translated TRIM/LTRIM/RTRIM (Oracle: an empty result is NULL), remembering what was
    trimmed of what for ``_h_is``."""
    out = _nullif_empty(call)
    out.meta[_TRIMMED] = (text, chars)
    return out


def _h_is(t: _Translator, node: exp.Is) -> exp.Expression:
    """``TRIM(s [, set]) IS NULL`` (LTRIM/RTRIM too; the trim already translated, see
    ``_trim_result``) is true when ``s`` is NULL or holds only characters of the set:
    written ``(s IS NULL OR ltrim(s, set) = '')``, since DuckDB expands the nullif into a CASE
    that runs the trim twice, and its trim decodes the whole string where ltrim stops at the
    first character outside the set (the events view asks "is this line blank?" of every line).
    Only for a column or a literal ``s``, which may be read twice at no cost."""
    trimmed = node.this.meta.get(_TRIMMED) if isinstance(node.expression, exp.Null) else None
    if trimmed is None or not isinstance(trimmed[0], (exp.Column, exp.Literal)):
        return node
    text, chars = trimmed
    blank = exp.EQ(this=_fn("ltrim", text.copy(), chars.copy()), expression=_str(""))
    return exp.Paren(this=exp.or_(exp.Is(this=text.copy(), expression=exp.Null()), blank))


def _h_regexp_like_typed(t: _Translator, node: exp.Expression) -> exp.Expression:
    return node


def _h_kwarg(t: _Translator, node: exp.Kwarg) -> exp.Expression:
    return node


# ---------------------------------------------------------------------------------------------
# Function handlers (raw Oracle calls)
# ---------------------------------------------------------------------------------------------

def _h_anonymous(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """Unknown function: user function / engine macro (named notation resolved), or an Oracle
    built-in we do not translate."""
    name = _fname(node)
    if name in _UNSUPPORTED_BUILTINS:
        raise UnsupportedConstruct(f"Oracle function {name}")
    args = list(node.expressions)
    if any(isinstance(a, exp.Kwarg) for a in args):
        sig = {k.lower(): tuple(p.lower() for p in v) for k, v in t.opts.functions.items()}.get(name.lower())
        if sig is None:
            raise UnsupportedConstruct(f"named notation for unknown function {name}")
        positional: list[Optional[exp.Expression]] = [None] * len(sig)
        seen_named = False
        for i, a in enumerate(args):
            if isinstance(a, exp.Kwarg):
                seen_named = True
                pname = a.this.name.lower()
                if pname not in sig:
                    raise UnsupportedConstruct(f"{name}: no parameter {pname}")
                positional[sig.index(pname)] = a.expression
            else:
                if seen_named:
                    raise UnsupportedConstruct(f"{name}: positional argument after named one")
                positional[i] = a
        while positional and positional[-1] is None:
            positional.pop()
        if any(p is None for p in positional):
            raise UnsupportedConstruct(f"{name}: omitted parameter in the middle (defaults)")
        node.set("expressions", positional)
    return node


def _h_parse_listener_log_line(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """parse_listener_log_line(x, 'KEY'): a literal key is checked here (an unknown one raises the
    function's own error, as Oracle does when the call runs) and the call stays, on the engine's
    macro, which can then be non-volatile (DuckDB treats a macro that calls ``error()`` as volatile,
    and refuses volatile expressions in a window's PARTITION BY / ORDER BY). Any other key (a
    column, NULL) goes to the checking macro ``functions.CHECKED_MACRO``, which raises at run time.
    See lsnrmine.parse for the contract."""
    from .. import parse as twin
    from .functions import CHECKED_MACRO

    node = _h_anonymous(t, node)
    args = list(node.expressions)
    if len(args) != 2:
        return node  # DuckDB reports the wrong number of arguments
    key = args[1]
    if isinstance(key, exp.Literal) and key.is_string:
        try:
            twin.normalize_key(key.this)
        except twin.UnknownKeyError as exc:
            raise InvalidCall(str(exc)) from None
        return node
    return exp.Anonymous(this=CHECKED_MACRO, expressions=args)


def _h_to_char(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """TO_CHAR(date[, fmt[, nls]]) / TO_CHAR(number) / TO_CHAR(string).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_CHAR-datetime.html
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_CHAR-number.html"""
    args = _args(node, 1, 3)
    value = args[0]
    kind = t.kind(value)
    if len(args) == 3:
        _check_nls_param(args[2], "TO_CHAR")
    if len(args) >= 2:
        if isinstance(args[1], exp.Null):
            return _with_kind(exp.Null(), NULL)
        mask = _const_str(args[1], "TO_CHAR format")
        if kind == NUMBER or re.search(r"[09]", mask.replace('"', "")) and kind not in (DATE, TIMESTAMP):
            raise UnsupportedConstruct(f"TO_CHAR number format {mask!r}")
        if kind == TIMESTAMP and re.search(r"FF", mask, re.IGNORECASE):
            raise UnsupportedConstruct("TO_CHAR FF (fractional seconds)")
        if kind in (STRING,):
            raise UnsupportedConstruct("TO_CHAR(string, format)")
        return _date_to_char(value, mask)
    if kind == DATE:
        return _date_to_char(value, t.opts.nls_date_format)
    if kind in (TIMESTAMP, AMBIGUOUS):
        raise UnsupportedConstruct(f"TO_CHAR({value.sql()}) without a format (NLS dependent)")
    if kind == NUMBER:
        return _with_kind(_fn("ora_num_to_char", value), STRING)
    if kind in (STRING, NULL):
        return _with_kind(value, STRING)
    # unknown column: text passes unchanged; numbers print via CAST (integers identical)
    return _with_kind(exp.Cast(this=value, to=exp.DataType.build("VARCHAR")), STRING)


_LANGUAGE_TO_DATE_MASKS = {"DD-MON-YYYY HH24:MI:SS", "DD-MON-YYYY"}


def _nls_date_language(node: exp.Expression, fname: str) -> str:
    """Canonical engine language (engine/dates.py) of a 'NLS_DATE_LANGUAGE=x' nlsparam."""
    from . import dates

    text = _const_str(node, f"{fname} nlsparam").strip()
    m = re.fullmatch(r"NLS_DATE_LANGUAGE\s*=\s*'?\"?(\w+)\"?'?", text, re.IGNORECASE)
    try:
        return dates.normalize_language(m.group(1) if m else "")
    except ValueError:
        raise UnsupportedConstruct(f"{fname} nlsparam {text!r} (NLS_DATE_LANGUAGE of "
                                   f"{', '.join(dates.DATE_LANGUAGES)} only)") from None


def _h_to_date(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """TO_DATE(char[, fmt[, 'NLS_DATE_LANGUAGE=...']]), also with DEFAULT NULL ON CONVERSION ERROR.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_DATE.html
    A date language other than AMERICAN, or DEFAULT NULL, with the listener log's mask
    'DD-MON-YYYY HH24:MI:SS' uses the ora_to_date_<lang> macro (engine/dates.py rules); DEFAULT
    NULL with another mask uses try_strptime."""
    or_null = str(node.this) == _TO_DATE_OR_NULL
    args = _args(node, 1, 3)
    language = _nls_date_language(args[2], "TO_DATE") if len(args) == 3 else "AMERICAN"
    if (language != "AMERICAN" or or_null) and len(args) >= 2 and not isinstance(args[1], exp.Null):
        mask = " ".join(_const_str(args[1], "TO_DATE format").upper().split())
        if t.kind(args[0]) in (DATE,):
            raise UnsupportedConstruct("TO_DATE(date) (implicit conversion through NLS_DATE_FORMAT)")
        if mask in _LANGUAGE_TO_DATE_MASKS:
            value = _fn(f"ora_to_date_{language.lower()}", args[0])
            if or_null:
                return _with_kind(value, DATE)
            check = exp.Case(ifs=[exp.If(
                this=exp.and_(exp.Not(this=exp.Is(this=args[0].copy(), expression=exp.Null())),
                              exp.Is(this=value.copy(), expression=exp.Null())),
                true=_fn("error", _str("ORA-01858: a non-numeric character was found where a "
                                       "numeric was expected (TO_DATE)")))], default=value)
            return _with_kind(check, DATE)
        if language != "AMERICAN":
            raise UnsupportedConstruct(f"TO_DATE mask {mask!r} with NLS_DATE_LANGUAGE={language}")
        converted = _str_to_date(args[0], mask)
        for call in converted.find_all(exp.Anonymous):
            if str(call.this).lower() == "strptime":
                call.set("this", "try_strptime")
        return _with_kind(converted, DATE)
    if or_null:
        node = exp.Anonymous(this="TO_DATE", expressions=args)
    if len(args) == 3:
        _check_nls_param(args[2], "TO_DATE")
    if len(args) >= 2 and isinstance(args[1], exp.Null):
        return _with_kind(exp.Null(), NULL)
    if t.kind(args[0]) in (DATE,):
        raise UnsupportedConstruct("TO_DATE(date) (implicit conversion through NLS_DATE_FORMAT)")
    mask = _const_str(args[1], "TO_DATE format") if len(args) >= 2 else t.opts.nls_date_format
    return _str_to_date(args[0], mask)


def _h_to_timestamp(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    raise UnsupportedConstruct("TO_TIMESTAMP")


def _h_to_number(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """TO_NUMBER(str) -> CAST AS DOUBLE (raises on bad input, like ORA-01722).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_NUMBER.html"""
    args = _args(node, 1, 3)
    if len(args) > 1:
        raise UnsupportedConstruct("TO_NUMBER with a format model")
    if t.kind(args[0]) in (DATE, TIMESTAMP):
        raise UnsupportedConstruct("TO_NUMBER(date)")
    return _with_kind(exp.Cast(this=_fn("trim", exp.Cast(this=args[0], to=exp.DataType.build("VARCHAR"))),
                               to=exp.DataType.build("DOUBLE")), NUMBER)


def _h_trunc(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """TRUNC(date[, fmt]) -> date_trunc; TRUNC(n[, m]) numeric.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TRUNC-date.html
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TRUNC-number.html"""
    args = _args(node, 1, 2)
    kind = t.kind(args[0])
    fmt_kind = t.kind(args[1]) if len(args) == 2 else None
    if kind == AMBIGUOUS or (kind == UNKNOWN and fmt_kind is None):
        if kind == AMBIGUOUS:
            raise UnsupportedConstruct(
                f"TRUNC({args[0].sql()}): DATE or NUMBER? (declare date_columns)")
    if kind in (DATE, TIMESTAMP) or fmt_kind == STRING:
        if kind in (NUMBER, STRING):
            raise UnsupportedConstruct("TRUNC(non-date, format)")
        fmt = "DD" if len(args) == 1 else _const_str(args[1], "TRUNC format").upper()
        unit = _TRUNC_UNITS.get(fmt)
        if unit is None:
            raise UnsupportedConstruct(f"TRUNC date format {fmt!r}")
        return _with_kind(_fn("date_trunc", _str(unit),
                              exp.Cast(this=args[0], to=exp.DataType.build("TIMESTAMP"))), DATE)
    if fmt_kind not in (None, NUMBER, NULL):
        raise UnsupportedConstruct("TRUNC(x, non-constant)")
    return _with_kind(_fn("trunc", *args), NUMBER)


def _h_round(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """ROUND(n[, d]): half away from zero (DuckDB round does the same for DECIMAL and DOUBLE).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/ROUND-number.html"""
    args = _args(node, 1, 2)
    if t.kind(args[0]) in (DATE, TIMESTAMP, AMBIGUOUS) or (len(args) == 2 and t.kind(args[1]) == STRING):
        raise UnsupportedConstruct("ROUND(date)")
    return _with_kind(_fn("round", *args), NUMBER)


def _h_nvl(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """NVL(a, b) -> COALESCE(a, b).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/NVL.html"""
    args = _args(node, 2, 2)
    return exp.Coalesce(this=args[0], expressions=[args[1]])


def _h_coalesce(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    args = _args(node, 2, 1000)
    return exp.Coalesce(this=args[0], expressions=args[1:])


def _h_nullif(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    args = _args(node, 2, 2)
    return exp.Nullif(this=args[0], expression=args[1])


def _h_nvl2(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """NVL2(e, a, b) -> CASE WHEN e IS NOT NULL THEN a ELSE b END.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/NVL2.html"""
    e, a, b = _args(node, 3, 3)
    return exp.Case(ifs=[exp.If(this=exp.Not(this=exp.Is(this=e, expression=exp.Null())), true=a)],
                    default=b)


def _h_decode(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """DECODE(e, s1, r1, ..., [default]): NULL matches NULL -> IS NOT DISTINCT FROM.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/DECODE.html"""
    args = _args(node, 3, 255)
    e, rest = args[0], args[1:]
    default = rest.pop() if len(rest) % 2 else None
    ifs = [exp.If(this=exp.NullSafeEQ(this=e.copy(), expression=s), true=r)
           for s, r in zip(rest[::2], rest[1::2])]
    return exp.Case(ifs=ifs, default=default)


def _h_greatest_least(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """GREATEST/LEAST return NULL if any argument is NULL in Oracle (DuckDB skips NULLs).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/GREATEST.html"""
    args = _args(node, 1, 1000)
    name = _fname(node).lower()
    any_null = exp.or_(*[exp.Is(this=a.copy(), expression=exp.Null()) for a in args])
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=_fn(name, *args))


def _h_mod(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """MOD(m, n): m when n = 0.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/MOD.html"""
    args = _args(node, 2, 2)
    return _with_kind(_fn("ora_mod", *args), NUMBER)


def _h_instr(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """INSTR(s, sub[, pos[, occ]]) -> ora_instr macro.
    https://docs.oracle.com/en/database/oracle/oracle-database/18/sqlrf/INSTR.html"""
    args = _args(node, 2, 4)
    return _with_kind(_fn("ora_instr", *args), NUMBER)


def _h_substr(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """SUBSTR(s, pos[, len]) -> ora_substr macro.
    https://docs.oracle.com/cd/E24693_01/server.11203/e17118/functions181.htm"""
    args = _args(node, 2, 3)
    return _with_kind(_fn("ora_substr", *args), STRING)


def _h_length(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """LENGTH -> length (characters); LENGTHB -> strlen (UTF-8 bytes = AL32UTF8).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LENGTH.html"""
    (arg,) = _args(node, 1, 1)
    if t.kind(arg) in (DATE, TIMESTAMP):
        raise UnsupportedConstruct("LENGTH(date)")
    name = "strlen" if _fname(node) == "LENGTHB" else "length"
    return _with_kind(_fn(name, exp.Cast(this=arg, to=exp.DataType.build("VARCHAR"))), NUMBER)


def _h_upper_lower(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    (arg,) = _args(node, 1, 1)
    return _nullif_empty(_fn(_fname(node).lower(), arg))


def _h_initcap(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """INITCAP: https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/INITCAP.html"""
    (arg,) = _args(node, 1, 1)
    return _with_kind(_fn("ora_initcap", arg), STRING)


def _h_ltrim_rtrim(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """LTRIM/RTRIM(s[, set]): removes characters in set (default blank).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LTRIM.html"""
    args = _args(node, 1, 2)
    if len(args) == 2 and isinstance(args[1], exp.Null):
        return _with_kind(exp.Null(), NULL)
    # the default set is the blank alone (DuckDB's default adds Unicode spaces)
    text, chars = args[0], args[1] if len(args) == 2 else _str(" ")
    return _trim_result(_fn(_fname(node).lower(), text, chars), text, chars)


def _h_pad(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """LPAD/RPAD(s, n[, pad]): default pad blank, truncates to n, n < 1 -> NULL.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LPAD.html"""
    args = _args(node, 2, 3)
    s, n = args[0], args[1]
    pad = args[2] if len(args) == 3 else _str(" ")
    if isinstance(pad, exp.Null):
        return _with_kind(exp.Null(), NULL)
    n_int = exp.Cast(this=_fn("trunc", n), to=exp.DataType.build("INT"))
    return _nullif_empty(_fn(_fname(node).lower(),
                             exp.Cast(this=s, to=exp.DataType.build("VARCHAR")), n_int, pad))


def _h_replace(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """REPLACE(s, search[, repl]): NULL/omitted repl removes; NULL search returns s.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REPLACE.html"""
    args = _args(node, 2, 3)
    s, search = args[0], args[1]
    repl = args[2] if len(args) == 3 else exp.Null()
    if isinstance(search, exp.Null):
        return _with_kind(s, STRING)
    repl_expr = repl if not isinstance(repl, exp.Null) else _str("")
    if not isinstance(repl, (exp.Literal, exp.Null)):
        repl_expr = exp.Coalesce(this=repl, expressions=[_str("")])
    body = _fn("replace", s, search, repl_expr)
    if not isinstance(search, exp.Literal):
        body = exp.Case(ifs=[exp.If(this=exp.Is(this=search.copy(), expression=exp.Null()),
                                    true=s.copy())], default=body)
    return _nullif_empty(body)


def _h_concat(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """CONCAT(a, b): as ||.  https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/CONCAT.html"""
    args = _args(node, 2, 2)
    return _nullif_empty(_fn("concat", *[_date_default_to_char(t, a) for a in args]))


_RE_BACKREF = re.compile(r"\\[1-9]")


def _regex_pattern(t: _Translator, pattern: exp.Expression, flags: Optional[exp.Expression],
                   fname: str) -> exp.Expression:
    """Oracle regex (POSIX ERE + Perl-ish extensions) -> RE2 with inline flags.
    Flags: i (ignore case), c (case sensitive), n (. matches newline), m (multiline);
    later i/c win.  x and back-references in the pattern are not supported by RE2.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_LIKE.html
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Oracle-Regular-Expression-Support.html"""
    inline = ""
    if flags is not None and not isinstance(flags, exp.Null):
        text = _const_str(flags, f"{fname} match_parameter")
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
        return _str((f"(?{inline})" if inline else "") + pattern.this)
    if isinstance(pattern, exp.Null):
        return pattern
    if inline:
        return exp.DPipe(this=_str(f"(?{inline})"), expression=pattern)
    return pattern


def _int_const(node: Optional[exp.Expression], default: int, what: str) -> int:
    if node is None or isinstance(node, exp.Null):
        return default
    value = _const(node)
    if value is None or value.denominator != 1:
        raise UnsupportedConstruct(f"{what} must be an integer constant")
    return int(value)


def _from_position(s: exp.Expression, pos: int) -> exp.Expression:
    return s if pos == 1 else _fn("substring", s, _num(pos))


def _h_regexp_like(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_LIKE(s, pat[, flags]) -> regexp_matches (partial match, as Oracle)."""
    args = _args(node, 2, 3)
    pat = _regex_pattern(t, args[1], args[2] if len(args) == 3 else None, "REGEXP_LIKE")
    return _fn("regexp_matches", args[0], pat)


def _h_regexp_substr(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_SUBSTR(s, pat[, pos[, occ[, flags[, subexpr]]]]); no match / empty -> NULL.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_SUBSTR.html"""
    args = _args(node, 2, 6)
    args += [None] * (6 - len(args))
    s, pat, pos, occ, flags, sub = args
    pos_i = _int_const(pos, 1, "REGEXP_SUBSTR position")
    occ_i = _int_const(occ, 1, "REGEXP_SUBSTR occurrence")
    sub_i = _int_const(sub, 0, "REGEXP_SUBSTR subexpression")
    if pos_i < 1 or occ_i < 1 or not 0 <= sub_i <= 9:
        raise UnsupportedConstruct("REGEXP_SUBSTR argument out of range")
    for a in (pos, occ, sub):
        if isinstance(a, exp.Null):
            return _with_kind(exp.Null(), NULL)
    pattern = _regex_pattern(t, pat, flags, "REGEXP_SUBSTR")
    subject = _from_position(s, pos_i)
    if occ_i == 1:
        body = _fn("regexp_extract", subject, pattern, _num(sub_i))
    else:
        # list_extract is 1-based (an exp.Bracket would be re-based by the generator)
        body = _fn("list_extract", _fn("regexp_extract_all", subject, pattern, _num(sub_i)),
                   _num(occ_i))
    return _nullif_empty(body)


def _h_regexp_count(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_COUNT(s, pat[, pos[, flags]]).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_COUNT.html"""
    args = _args(node, 2, 4)
    args += [None] * (4 - len(args))
    s, pat, pos, flags = args
    pos_i = _int_const(pos, 1, "REGEXP_COUNT position")
    if pos_i < 1:
        raise UnsupportedConstruct("REGEXP_COUNT position < 1")
    pattern = _regex_pattern(t, pat, flags, "REGEXP_COUNT")
    return _with_kind(_fn("length", _fn("regexp_extract_all", _from_position(s, pos_i), pattern)),
                      NUMBER)


def _h_regexp_replace(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """REGEXP_REPLACE(s, pat[, repl[, pos[, occ[, flags]]]]); occurrence 0 = all, 1 = first.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_REPLACE.html"""
    args = _args(node, 2, 6)
    args += [None] * (6 - len(args))
    s, pat, repl, pos, occ, flags = args
    pos_i = _int_const(pos, 1, "REGEXP_REPLACE position")
    occ_i = _int_const(occ, 0, "REGEXP_REPLACE occurrence")
    if pos_i < 1 or occ_i not in (0, 1):
        raise UnsupportedConstruct("REGEXP_REPLACE position < 1 or occurrence > 1")
    pattern = _regex_pattern(t, pat, flags, "REGEXP_REPLACE")
    if repl is None or isinstance(repl, exp.Null):
        repl = _str("")
    elif not isinstance(repl, exp.Literal):
        repl = exp.Coalesce(this=repl, expressions=[_str("")])
    opts = [_str("g")] if occ_i == 0 else []
    tail = _fn("regexp_replace", _from_position(s, pos_i), pattern, repl, *opts)
    body = tail if pos_i == 1 else exp.DPipe(
        this=_fn("substring", s.copy(), _num(1), _num(pos_i - 1)), expression=tail)
    return _nullif_empty(body)


def _h_numtodsinterval(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    """NUMTODSINTERVAL(n, 'DAY'|'HOUR'|'MINUTE'|'SECOND') -> interval (microsecond precision).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/NUMTODSINTERVAL.html"""
    n, unit = _args(node, 2, 2)
    unit_s = _const_str(unit, "NUMTODSINTERVAL unit").strip().upper()
    factor = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}.get(unit_s)
    if factor is None:
        raise UnsupportedConstruct(f"NUMTODSINTERVAL unit {unit_s!r}")
    value = _const(n)
    if value is not None and (value * factor).denominator == 1:
        return _interval_seconds(int(value * factor))
    micros = exp.Cast(this=_fn("round", exp.Mul(this=exp.Paren(this=n),
                                                expression=_num(factor * 1_000_000))),
                      to=exp.DataType.build("BIGINT"))
    return _with_kind(_fn("to_microseconds", micros), INTERVAL)


def _unsupported_fn(t: _Translator, node: exp.Anonymous) -> exp.Expression:
    raise UnsupportedConstruct(f"Oracle function {_fname(node)}")


_FUNCTION_HANDLERS: dict[str, Callable[[_Translator, exp.Anonymous], exp.Expression]] = {
    "PARSE_LISTENER_LOG_LINE": _h_parse_listener_log_line,
    "TO_CHAR": _h_to_char,
    "TO_DATE": _h_to_date,
    _TO_DATE_OR_NULL: _h_to_date,
    "TO_TIMESTAMP": _h_to_timestamp,
    "TO_NUMBER": _h_to_number,
    "TRUNC": _h_trunc,
    "ROUND": _h_round,
    "NVL": _h_nvl,
    "NVL2": _h_nvl2,
    "DECODE": _h_decode,
    "COALESCE": _h_coalesce,
    "NULLIF": _h_nullif,
    "GREATEST": _h_greatest_least,
    "LEAST": _h_greatest_least,
    "MOD": _h_mod,
    "INSTR": _h_instr,
    "SUBSTR": _h_substr,
    "LENGTH": _h_length,
    "LENGTHB": _h_length,
    "UPPER": _h_upper_lower,
    "LOWER": _h_upper_lower,
    "INITCAP": _h_initcap,
    "LTRIM": _h_ltrim_rtrim,
    "RTRIM": _h_ltrim_rtrim,
    "LPAD": _h_pad,
    "RPAD": _h_pad,
    "REPLACE": _h_replace,
    "CONCAT": _h_concat,
    "REGEXP_LIKE": _h_regexp_like,
    "REGEXP_SUBSTR": _h_regexp_substr,
    "REGEXP_COUNT": _h_regexp_count,
    "REGEXP_REPLACE": _h_regexp_replace,
    "NUMTODSINTERVAL": _h_numtodsinterval,
    **{name: _unsupported_fn for name in _UNSUPPORTED_BUILTINS},
}

_NODE_HANDLERS: dict[type, Callable[[_Translator, exp.Expression], exp.Expression]] = {
    exp.Literal: _h_literal,
    exp.CurrentTimestamp: _h_sysdate,
    exp.Systimestamp: _h_systimestamp,
    exp.Localtimestamp: _h_systimestamp,  # one clock offline: session time zone = OS time zone
    exp.CurrentDate: _h_current_date,
    exp.Column: _h_column,
    exp.Add: _h_add_sub,
    exp.Sub: _h_add_sub,
    exp.Div: _h_div,
    exp.Mul: _h_mul,
    exp.EQ: _h_compare,
    exp.NEQ: _h_compare,
    exp.LT: _h_compare,
    exp.LTE: _h_compare,
    exp.GT: _h_compare,
    exp.GTE: _h_compare,
    exp.Between: _h_between,
    exp.DPipe: _h_dpipe,
    exp.Cast: _h_cast,
    exp.Ordered: _h_ordered,
    exp.Select: _h_select,
    exp.GroupConcat: _h_group_concat,
    exp.WindowSpec: _h_window_spec,
    exp.Interval: _h_interval,
    exp.Trim: _h_trim,
    exp.Is: _h_is,
}


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def transpile_statement(tree: exp.Expression, options: Optional[BridgeOptions] = None) -> exp.Expression:
    """Rewrite a parsed Oracle statement (from :func:`parse_oracle`) into a DuckDB-ready tree."""
    return _Translator(options or BridgeOptions()).translate(tree)


def to_duckdb(oracle_sql: str, *, date_columns: Optional[Iterable[str]] = None,
              functions: Optional[Mapping[str, Sequence[str]]] = None,
              nls_date_format: str = "DD-MON-RR", pretty: bool = False) -> str:
    """Translate ONE Oracle SELECT/WITH query or CREATE [OR REPLACE] VIEW to DuckDB SQL.

    ``date_columns`` extends :data:`DEFAULT_DATE_COLUMNS`; ``functions`` extends
    :data:`KNOWN_FUNCTION_SIGNATURES` (for named notation).  A trailing ``;`` or SQL*Plus ``/``
    line is accepted.  Raises :class:`UnsupportedConstruct` for anything not translatable.
    The result needs the macros from :func:`install_support`.
    """
    opts = BridgeOptions(
        date_columns=DEFAULT_DATE_COLUMNS | {c.lower() for c in (date_columns or ())},
        functions={**KNOWN_FUNCTION_SIGNATURES, **{k.lower(): tuple(v) for k, v in (functions or {}).items()}},
        nls_date_format=nls_date_format,
    )
    tree = transpile_statement(parse_oracle(oracle_sql), opts)
    try:
        return tree.sql(dialect="duckdb", pretty=pretty, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as err:
        raise UnsupportedConstruct(str(err)) from err
