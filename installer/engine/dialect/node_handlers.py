"""Handlers of sqlglot nodes (operators, the '' literal, SYSDATE, CAST, ORDER BY, LISTAGG, window
frames, intervals, TRIM), one per construct, and their table ``NODE_HANDLERS``."""

from __future__ import annotations

import re
from typing import Optional

from sqlglot import exp

from .errors import UnsupportedConstruct
from .masks import date_to_char
from .nodes import const_value, days_to_interval, fn, nullif_empty, num_lit, str_lit
from .translator import Handler, Translator
from .typer import AMBIGUOUS, DATE, INTERVAL, KIND_META, NULL, NUMBER, STRING, TIMESTAMP, UNKNOWN, with_kind


def _h_literal(t: Translator, node: exp.Literal) -> exp.Expression:
    """'' is NULL in Oracle.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Nulls.html"""
    if node.is_string and node.this == "":
        return with_kind(exp.Null(), NULL)
    return node


def _h_sysdate(t: Translator, node: exp.CurrentTimestamp) -> exp.Expression:
    """SYSDATE -> ora_sysdate() (TIMESTAMP, whole seconds; pinnable via install_support).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SYSDATE.html"""
    if node.args.get("sysdate"):
        return with_kind(fn("ora_sysdate"), DATE)
    raise UnsupportedConstruct("CURRENT_TIMESTAMP (session time zone semantics)")


def _h_systimestamp(t: Translator, node: exp.Expression) -> exp.Expression:
    """SYSTIMESTAMP -> ora_systimestamp() (TIMESTAMP, local clock; time zone dropped).
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SYSTIMESTAMP.html"""
    return with_kind(fn("ora_systimestamp"), TIMESTAMP)


def _h_current_date(t: Translator, node: exp.Expression) -> exp.Expression:
    raise UnsupportedConstruct("CURRENT_DATE (session time zone; use SYSDATE)")


def _h_column(t: Translator, node: exp.Column) -> exp.Expression:
    if not node.table and node.name.upper() == "SYSDATE" and not node.this.quoted:
        return with_kind(fn("ora_sysdate"), DATE)
    return node


def _h_add_sub(t: Translator, node: exp.Binary) -> exp.Expression:
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
            return with_kind(fn("ora_days_between", left, right), NUMBER)
        return with_kind(node, INTERVAL)  # TIMESTAMP - x: INTERVAL DAY TO SECOND
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
    days = const_value(other)
    if days is not None:
        iv = days_to_interval(days, "date arithmetic")
        cls = exp.Sub if is_sub else exp.Add
        return with_kind(cls(this=date_side, expression=iv), DATE)
    if is_sub:
        other = exp.Neg(this=exp.Paren(this=other))
    return with_kind(fn("ora_date_add", date_side, other), DATE)


def _h_div(t: Translator, node: exp.Div) -> exp.Expression:
    """Oracle raises ORA-01476 on x/0; DuckDB returns inf or NULL -> ora_div unless the divisor
    is a non-zero constant."""
    t.require_not_ambiguous(node, "division")
    d = const_value(node.expression)
    if d is not None and d != 0:
        return node
    return with_kind(fn("ora_div", node.this, node.expression), NUMBER)


def _h_mul(t: Translator, node: exp.Mul) -> exp.Expression:
    t.require_not_ambiguous(node, "multiplication")
    return node


def _h_compare(t: Translator, node: exp.Binary) -> exp.Expression:
    """DATE compared with a string relies on NLS_DATE_FORMAT in Oracle -> unsupported."""
    kinds = {t.kind(node.this), t.kind(node.expression)}
    if kinds & {DATE, TIMESTAMP} and STRING in kinds:
        raise UnsupportedConstruct(
            f"implicit string-to-DATE conversion in {node.sql(dialect='oracle')[:80]} (use TO_DATE)")
    return node


def _h_between(t: Translator, node: exp.Between) -> exp.Expression:
    kinds = {t.kind(node.this), t.kind(node.args.get("low")), t.kind(node.args.get("high"))}
    if kinds & {DATE, TIMESTAMP} and STRING in kinds:
        raise UnsupportedConstruct("implicit string-to-DATE conversion in BETWEEN (use TO_DATE)")
    return node


def _h_dpipe(t: Translator, node: exp.DPipe) -> exp.Expression:
    """a || b: Oracle ignores NULL operands and '' is NULL -> NULLIF(concat(...), '').
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Concatenation-Operator.html"""
    operands: list[exp.Expression] = []

    def collect(n: exp.Expression) -> None:
        if isinstance(n, exp.DPipe) and not n.meta.get(KIND_META):
            collect(n.this)
            collect(n.expression)
        elif concat_operands(n) is not None:
            operands.extend(concat_operands(n))
        else:
            operands.append(n)

    collect(node)
    operands = [date_default_to_char(t, o) for o in operands]
    return nullif_empty(fn("concat", *operands))


def concat_operands(node: exp.Expression) -> Optional[list[exp.Expression]]:
    """The operands of a translated ``||`` (``NULLIF(concat(...), '')``, in parentheses or not),
    else None. A chain ``a || b || c`` is translated bottom-up, so each ``||`` meets the ones below
    it already translated: their operands join its own concat. The same value (concat skips a
    NULL, and NULLIF only made '' NULL), but one NULLIF instead of one per operator: DuckDB's plan
    time grew fast with that nesting (rule 6's 10-operand evidence: 0.95 s against 0.13 s)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if (isinstance(node, exp.Nullif) and isinstance(node.this, exp.Anonymous)
            and node.this.name.lower() == "concat" and isinstance(node.expression, exp.Literal)
            and node.expression.is_string and node.expression.this == ""):
        return list(node.this.expressions)
    return None


def date_default_to_char(t: Translator, node: exp.Expression) -> exp.Expression:
    if t.kind(node) == DATE:
        return date_to_char(node, t.opts.nls_date_format)
    if t.kind(node) in (TIMESTAMP, AMBIGUOUS):
        raise UnsupportedConstruct(f"implicit conversion of {node.sql()} to text (use TO_CHAR)")
    return node


def _h_cast(t: Translator, node: exp.Cast) -> exp.Expression:
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
            return with_kind(exp.Cast(this=node.this, to=exp.DataType.build("TIMESTAMP")), DATE)
        if src_kind not in (DATE, TIMESTAMP):
            raise UnsupportedConstruct(f"CAST({node.this.sql()} AS DATE) of unknown type")
        return with_kind(fn("date_trunc", str_lit("second"),
                            exp.Cast(this=node.this, to=exp.DataType.build("TIMESTAMP"))), DATE)
    if to.is_type(*exp.DataType.TEXT_TYPES):
        if src_kind == DATE:
            return date_to_char(node.this, t.opts.nls_date_format)
        if src_kind == TIMESTAMP:
            raise UnsupportedConstruct("CAST(TIMESTAMP AS VARCHAR2) depends on NLS_TIMESTAMP_FORMAT")
        node.set("to", exp.DataType.build("VARCHAR"))
        return with_kind(node, STRING)
    if to.is_type(T.DECIMAL, T.DOUBLE, T.FLOAT, T.INT, T.BIGINT, T.SMALLINT, T.TINYINT) \
            or to.this == T.DECIMAL:
        params = [e.this.this if isinstance(e.this, exp.Literal) else None
                  for e in to.expressions] if to.expressions else []
        if to.is_type(T.DOUBLE, T.FLOAT) or (to.is_type(T.DECIMAL) and not params):
            node.set("to", exp.DataType.build("DOUBLE"))
            return with_kind(node, NUMBER)
        if to.is_type(T.INT, T.BIGINT, T.SMALLINT, T.TINYINT):
            precision, scale = "38", "0"
        else:
            precision = str(params[0]) if params and params[0] not in (None, "*") else "38"
            scale = str(params[1]) if len(params) > 1 else "0"
        rounded = fn("round", exp.Cast(this=node.this, to=exp.DataType.build("DOUBLE")), num_lit(scale))
        return with_kind(exp.Cast(this=rounded, to=exp.DataType.build(f"DECIMAL({precision},{scale})")),
                         NUMBER)
    if to.is_type(T.TIMESTAMP):
        if src_kind == STRING:
            raise UnsupportedConstruct("CAST(string AS TIMESTAMP) depends on NLS_TIMESTAMP_FORMAT")
        node.set("to", exp.DataType.build("TIMESTAMP"))
        return with_kind(node, TIMESTAMP)
    raise UnsupportedConstruct(f"CAST to {to.sql(dialect='oracle')}")


def _h_ordered(t: Translator, node: exp.Ordered) -> exp.Expression:
    """Oracle: NULLS LAST for ASC, NULLS FIRST for DESC by default; sqlglot records the Oracle
    ordering in ``nulls_first`` and the DuckDB generator spells it out where DuckDB differs.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SELECT.html (order_by_clause)"""
    if node.args.get("nulls_first") is None:
        node.set("nulls_first", bool(node.args.get("desc")))
    return node


def _h_select(t: Translator, node: exp.Select) -> exp.Expression:
    """FROM dual -> no FROM (DuckDB has no DUAL; a FROM-less SELECT returns one row)."""
    frm = node.args.get("from_") or node.args.get("from")
    if frm is not None and isinstance(frm.this, exp.Table) and frm.this.name.upper() == "DUAL" \
            and (not frm.this.db or frm.this.db.upper() == "SYS") and not node.args.get("joins"):
        node.set("from_" if "from_" in node.args else "from", None)
    return node


def _h_group_concat(t: Translator, node: exp.GroupConcat) -> exp.Expression:
    """LISTAGG(x[, sep]) WITHIN GROUP (ORDER BY ...) -> string_agg(x, sep ORDER BY ...);
    Oracle's default separator is none (DuckDB's is ',').
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LISTAGG.html"""
    if node.args.get("on_overflow"):
        raise UnsupportedConstruct("LISTAGG ... ON OVERFLOW")
    sep = node.args.get("separator")
    if sep is None or isinstance(sep, exp.Null):
        node.set("separator", str_lit(""))
    this = node.this
    if isinstance(this, exp.Distinct):
        raise UnsupportedConstruct("LISTAGG(DISTINCT ...)")
    out = fn("string_agg", this if not isinstance(this, exp.Order) else this.this,
             node.args["separator"])
    if isinstance(this, exp.Order):
        order = exp.Order(expressions=this.expressions)
        out.set("expressions", [out.expressions[0], exp.Order(this=node.args["separator"],
                                                              expressions=order.expressions)])
    return with_kind(out, STRING)


def _h_window_spec(t: Translator, node: exp.WindowSpec) -> exp.Expression:
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
        days = const_value(value)
        if days is None:
            raise UnsupportedConstruct("RANGE frame offset that is not a constant")
        if date_key:
            node.set(arg, days_to_interval(days, "RANGE frame offset"))
        elif len(keys) == 1 and t.kind(keys[0].this) == AMBIGUOUS:
            raise UnsupportedConstruct(
                f"RANGE frame over {keys[0].this.sql()}: DATE or NUMBER? (declare date_columns)")
    return node


def _h_interval(t: Translator, node: exp.Interval) -> exp.Expression:
    """INTERVAL '5' MINUTE etc.; DAY TO SECOND spans are not translated.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Literals.html (Interval Literals)"""
    unit = node.args.get("unit")
    if not isinstance(unit, exp.Var) or unit.name.upper() not in (
            "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"):
        raise UnsupportedConstruct(f"interval literal {node.sql(dialect='oracle')}")
    if not (isinstance(node.this, exp.Literal) and re.fullmatch(r"\d+", node.this.name)):
        raise UnsupportedConstruct(f"interval literal {node.sql(dialect='oracle')}")
    return with_kind(node, INTERVAL)


def _h_trim(t: Translator, node: exp.Trim) -> exp.Expression:
    """TRIM([LEADING|TRAILING|BOTH] [c FROM] s); LTRIM/RTRIM arrive as raw calls.
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TRIM.html"""
    position = (node.args.get("position") or "BOTH").upper()
    chars = node.args.get("expression")
    name = {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(position, "trim")
    if isinstance(chars, exp.Null):
        return with_kind(exp.Null(), NULL)
    # the default set is the blank alone; DuckDB's trim(s) would also remove U+00A0, U+3000, ...
    chars = chars if chars is not None else str_lit(" ")
    return trim_result(fn(name, node.this, chars), node.this, chars)


_TRIMMED = "lsnr_trimmed"


def trim_result(call: exp.Expression, text: exp.Expression, chars: exp.Expression) -> exp.Expression:
    """The translated TRIM/LTRIM/RTRIM (Oracle: an empty result is NULL), remembering what was
    trimmed of what for ``_h_is``."""
    out = nullif_empty(call)
    out.meta[_TRIMMED] = (text, chars)
    return out


def _h_is(t: Translator, node: exp.Is) -> exp.Expression:
    """``TRIM(s [, set]) IS NULL`` (LTRIM/RTRIM too; the trim already translated, see
    ``trim_result``) is true when ``s`` is NULL or holds only characters of the set:
    written ``(s IS NULL OR ltrim(s, set) = '')``, since DuckDB expands the nullif into a CASE
    that runs the trim twice, and its trim decodes the whole string where ltrim stops at the
    first character outside the set (the events view asks "is this line blank?" of every line).
    Only for a column or a literal ``s``, which may be read twice at no cost."""
    trimmed = node.this.meta.get(_TRIMMED) if isinstance(node.expression, exp.Null) else None
    if trimmed is None or not isinstance(trimmed[0], (exp.Column, exp.Literal)):
        return node
    text, chars = trimmed
    blank = exp.EQ(this=fn("ltrim", text.copy(), chars.copy()), expression=str_lit(""))
    return exp.Paren(this=exp.or_(exp.Is(this=text.copy(), expression=exp.Null()), blank))


NODE_HANDLERS: dict[type, Handler] = {
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
