"""``parse_listener_log_line`` calls of a query on the streamed ``listener_log``, computed as columns
of the query's own listener_log relation instead of by the macro.

In a query that reads the streamed listener_log once (``prefilter.listener_log_reference``), a call
``parse_listener_log_line(x, 'KEY')`` with ``x`` a text column of listener_log and KEY a constant
known key other than PASSWORD, in the SELECT that reads it (not in a subquery), becomes a column
computed in two stages (``functions.key_value_sql``: the regexp, then the value from its match,
from the field before LRTRIM): the same value, without the macro's lambda and trim, once per row
however often the query repeats the call (measurements: benchmarks/README.md). Calls with the same
column and the same key text share a column.

In a grouped SELECT (GROUP BY, HAVING or an aggregate) a call is replaced only where it is a row
value: in WHERE, inside an aggregate's arguments, or when the same call is a term of a plain GROUP
BY list. Elsewhere it stays (``parse_listener_log_line(connect_string, ...)`` is valid when
connect_string is grouped; a view column would not be).

Left alone (the macro runs, same result): a SELECT with ``*`` (the extra columns would show), an
output column alias equal to a listener_log column (it could shadow the column in ORDER BY), any
other call. The caller (OfflineEngine._prefiltered) runs the rewritten statement only when it binds
with the original's output column names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlglot import exp

from . import functions, loader
from .prefilter import LINE_COLUMNS, PARSE_FUNCTION, known_key, reference_names

__all__ = ["ParseColumn", "parse_calls", "push_down", "view_sql"]

#: names of the view's parse columns: lsnrmine_pll_1, ... (a query naming one is left alone)
PREFIX = "lsnrmine_pll_"
_SIX = "log_date, connect_string, protocol_info, action, service_name, return_code"


@dataclass(frozen=True)
class ParseColumn:
    """A column of the view: ``parse_listener_log_line(source, key)``."""

    name: str
    source: str
    key: str


def parse_calls(table: exp.Table) -> list[exp.Anonymous]:
    """The calls of the SELECT reading ``table`` (the one listener_log reference) that can be
    computed in the view; [] when the SELECT rules it out (see the module docstring)."""
    select = table.parent.parent
    if not isinstance(select, exp.Select):
        return []
    for projection in select.expressions:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)):
            return []
        if isinstance(projection, exp.Alias) and projection.alias.lower() in LINE_COLUMNS:
            return []
    if any(i.name.lower().startswith(PREFIX) for i in select.root().find_all(exp.Identifier)):
        return []
    names = reference_names(table)
    calls = [call for call in select.find_all(exp.Anonymous)
             if _eligible(call, names) and call.find_ancestor(exp.Select) is select]
    if not _grouped(select):
        return calls
    group = select.args.get("group")
    grouped = set()
    if group is not None and not any(group.args.get(k) for k in ("rollup", "cube", "grouping_sets", "totals")):
        grouped = {_identity(term) for term in group.expressions
                   if isinstance(term, exp.Anonymous) and _eligible(term, names)}
    return [call for call in calls if _row_value(call, select) or _identity(call) in grouped]


def _eligible(call: exp.Anonymous, names: set[str]) -> bool:
    if str(call.this).upper() != PARSE_FUNCTION or len(call.expressions) != 2:
        return False
    source, key = call.expressions
    return (isinstance(source, exp.Column) and source.name.lower() in LINE_COLUMNS
            and (not source.table or source.table.lower() in names) and known_key(key) is not None)


def _identity(call: exp.Anonymous) -> tuple[str, str]:
    """Calls that are the same expression to DuckDB: the same column (qualified or not) and the
    same key text (``'SID'`` and ``'sid'`` give the same values but are different expressions,
    for GROUP BY as in Oracle)."""
    source, key = call.expressions
    return source.name.lower(), key.this


def _grouped(select: exp.Select) -> bool:
    if select.args.get("group") is not None or select.args.get("having") is not None:
        return True
    return any(not isinstance(agg.parent, exp.Window) and agg.find_ancestor(exp.Select) is select
               for agg in select.find_all(exp.AggFunc))


def _row_value(call: exp.Anonymous, select: exp.Select) -> bool:
    """True when ``call`` is evaluated per row of a grouped ``select``: in its WHERE, or in the
    arguments of an aggregate (not of a window function: those see the groups)."""
    node: exp.Expression = call
    while node.parent is not None and node.parent is not select:
        parent = node.parent
        if isinstance(parent, exp.AggFunc):
            return not isinstance(parent.parent, exp.Window)
        node = parent
    return node.arg_key == "where"


def push_down(calls: Sequence[exp.Anonymous]) -> list[ParseColumn]:
    """Replace ``calls`` (from ``parse_calls``) in their tree by columns of the view; return the
    columns."""
    columns: dict[tuple[str, str], ParseColumn] = {}
    for call in calls:
        identity = _identity(call)
        if identity not in columns:
            source, key = call.expressions
            columns[identity] = ParseColumn(f"{PREFIX}{len(columns) + 1}", identity[0], known_key(key) or "")
        call.replace(exp.column(columns[identity].name, table=call.expressions[0].table or None))
    return list(columns.values())


def view_sql(relation_sql: str, columns: Sequence[ParseColumn]) -> str:
    """SELECT of listener_log's six columns and ``columns`` over ``relation_sql`` (listener_log's
    rows from ``loader.stream_select(raw=True)``): the matches on the untrimmed fields in one stage,
    the values from them in the next (a query that only parses a column never trims it)."""
    matches, values = [], []
    for i, column in enumerate(columns, start=1):
        raw = f"raw_{column.source}"
        match, value = functions.key_value_sql(raw, loader.lrtrim_sql(raw, "raw_trim"), column.key, f"lsnrmine_m{i}")
        matches.append(f"{match} AS lsnrmine_m{i}")
        values.append(f"{value} AS {column.name}")
    raws = ", ".join(f"raw_{c}" for c in sorted({c.source for c in columns}))
    return (f"SELECT {_SIX}, {', '.join(values)} FROM "
            f"(SELECT {_SIX}, {raws}, raw_trim, {', '.join(matches)} FROM ({relation_sql}) AS lsnrmine_rows) AS lsnrmine_matches")
