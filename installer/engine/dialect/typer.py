"""Options of a translation and the Oracle type (DATE, NUMBER, STRING ...) of an expression.

Type knowledge (needed for DATE arithmetic)
--------------------------------------------
A column is a DATE when its (unqualified, case-insensitive) name is in ``date_columns``
(default :data:`DEFAULT_DATE_COLUMNS`) or it is a select-list alias of a DATE expression.
SYSDATE, TO_DATE, TRUNC(date[, fmt]), CAST(.. AS DATE), ``date +/- number`` and
LAG/LEAD/MIN/MAX/FIRST_VALUE/LAST_VALUE/NVL/COALESCE of a date are DATEs.  A column whose
name looks like a date (``date``/``time``/``stamp`` ...) but is not declared is *ambiguous*:
arithmetic on it raises UnsupportedConstruct (declare it via ``date_columns``).
``date - x`` with ``x`` of unknown type raises as well (it may be a day difference or a date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

from sqlglot import exp


DEFAULT_DATE_COLUMNS: frozenset[str] = frozenset({"log_date", "timestamp", "logoff_time"})

#: Formal parameter names of functions that may be called with Oracle named notation.
KNOWN_FUNCTION_SIGNATURES: dict[str, tuple[str, ...]] = {
    "parse_listener_log_line": ("p_in", "p_param"),
}

_DATE_LIKE_NAME = re.compile(r"(date|time|stamp|_ts$|^ts_|_dt$)", re.IGNORECASE)


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

KIND_META = "ora_kind"


def with_kind(node: exp.Expression, kind: str) -> exp.Expression:
    node.meta[KIND_META] = kind
    return node


def function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).upper()
    return node.sql_name() if isinstance(node, exp.Func) else node.key.upper()


_NUMBER_FUNCS = {"LENGTH", "LENGTHB", "INSTR", "INSTRB", "REGEXP_COUNT", "REGEXP_INSTR", "MOD",
                 "TO_NUMBER", "MONTHS_BETWEEN", "ORA_INSTR", "ORA_MOD", "ORA_DIV",
                 "ORA_DAYS_BETWEEN", "STRPOS", "STRLEN"}
_STRING_FUNCS = {"TO_CHAR", "SUBSTR", "UPPER", "LOWER", "INITCAP", "LTRIM", "RTRIM", "LPAD",
                 "RPAD", "REPLACE", "CONCAT", "REGEXP_SUBSTR", "REGEXP_REPLACE", "TRANSLATE",
                 "ORA_SUBSTR", "ORA_INITCAP", "STRFTIME"}
#: kind of a node by its class, whatever its arguments
_FIXED_KINDS: dict[type, str] = {
    exp.Null: NULL,
    exp.Interval: INTERVAL,
    exp.Systimestamp: TIMESTAMP,
    exp.Localtimestamp: TIMESTAMP,
    **dict.fromkeys((exp.Mul, exp.Div, exp.Neg, exp.Mod, exp.Count, exp.Sum, exp.Avg, exp.RowNumber,
                     exp.Rank, exp.DenseRank, exp.Abs, exp.Ceil, exp.Floor, exp.Extract), NUMBER),
}
#: classes of the kind of their first operand (``this``)
_PASS_KIND_CLASSES = (exp.Paren, exp.Window, exp.Max, exp.Min, exp.Lag, exp.Lead, exp.FirstValue,
                      exp.LastValue, exp.AnyValue)


class Typer:
    def __init__(self, opts: BridgeOptions, extra_dates: set[str]):
        self.opts = opts
        self.dates = {c.lower() for c in opts.date_columns} | extra_dates

    def kind(self, node: Optional[exp.Expression]) -> str:
        """The Oracle kind of ``node``: the one a handler recorded, else by its class (the most
        specific class of the tables here that it is an instance of)."""
        if node is None:
            return UNKNOWN
        if KIND_META in node.meta:
            return node.meta[KIND_META]
        for cls in type(node).__mro__:
            if cls in _FIXED_KINDS:
                return _FIXED_KINDS[cls]
            if cls in _PASS_KIND_CLASSES:
                return self.kind(node.this)
            rule = _RULES.get(cls)
            if rule is not None:
                return rule(self, node)
        return UNKNOWN

    def _column(self, node: exp.Column) -> str:
        name = node.name.lower()
        if name in self.dates:
            return DATE
        if _DATE_LIKE_NAME.search(name):
            return AMBIGUOUS
        return UNKNOWN

    def _literal(self, node: exp.Literal) -> str:
        return STRING if node.is_string else NUMBER

    def _current_timestamp(self, node: exp.CurrentTimestamp) -> str:
        return DATE if node.args.get("sysdate") else TIMESTAMP

    def _cast(self, node: exp.Cast) -> str:
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

    def _add_sub(self, node: exp.Binary) -> str:
        left, right = self.kind(node.this), self.kind(node.expression)
        if DATE in (left, right) or TIMESTAMP in (left, right):
            if isinstance(node, exp.Sub) and left in (DATE, TIMESTAMP) and right in (DATE, TIMESTAMP):
                return NUMBER if left == right == DATE else INTERVAL
            return left if left in (DATE, TIMESTAMP) else right
        if left == right == NUMBER:
            return NUMBER
        return UNKNOWN

    def _case(self, node: exp.Case) -> str:
        for branch in node.args.get("ifs") or []:
            k = self.kind(branch.args.get("true"))
            if k not in (NULL, UNKNOWN):
                return k
        return self.kind(node.args.get("default"))

    def _function(self, node: exp.Anonymous) -> str:
        name = function_name(node)
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


#: kind of a node by its class, from its arguments
_RULES: dict[type, Callable[[Typer, Any], str]] = {
    exp.Column: Typer._column,
    exp.Literal: Typer._literal,
    exp.CurrentTimestamp: Typer._current_timestamp,
    exp.Cast: Typer._cast,
    exp.Add: Typer._add_sub,
    exp.Sub: Typer._add_sub,
    exp.Case: Typer._case,
    exp.Anonymous: Typer._function,
}
