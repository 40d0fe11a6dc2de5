"""``parse_listener_log_line`` calls of a query on the streamed ``listener_log``, computed in its view.

The macro (engine.functions) binds the cheap regexp's match to a lambda variable, which costs about
as much as the regexp itself, for every call on every row. In a query that reads the streamed
listener_log once (``prefilter.listener_log_reference``), a call ``parse_listener_log_line(x, 'KEY')``
with ``x`` a text column of listener_log and KEY a constant known key other than PASSWORD, in the
SELECT that reads it (its list, WHERE, GROUP BY, HAVING, ORDER BY, not a subquery), is replaced by a
column of the query's own listener_log view, computed there in two stages
(``functions.key_value_sql``: the regexp, then the value from its match): the same value, no lambda,
and one computation per row however often the query repeats the call.

Left alone (the macro runs, same result): a SELECT with ``*`` (the extra columns would show), an
output column alias equal to a listener_log column (it could shadow the column in ORDER BY), any
other call (an expression as input, an unknown or non-constant key: the macro raises its error).
An unaliased output column that contains a call keeps the name DuckDB gives the original
expression (``alias_names``: from DESCRIBE of the original SELECT); when DESCRIBE cannot tell, the
calls are not pushed down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from sqlglot import exp

from . import functions
from .prefilter import LINE_COLUMNS, PARSE_FUNCTION, known_key

__all__ = ["ParseColumn", "parse_calls", "needs_names", "push_down", "view_sql"]

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
    root = select.root()
    if any(i.name.lower().startswith(PREFIX) for i in root.find_all(exp.Identifier)):
        return []
    names = {table.name.lower()} | ({table.alias.lower()} if table.alias else set())
    return [call for call in select.find_all(exp.Anonymous)
            if _eligible(call, names) and call.find_ancestor(exp.Select) is select]


def _eligible(call: exp.Anonymous, names: set[str]) -> bool:
    if str(call.this).upper() != PARSE_FUNCTION or len(call.expressions) != 2:
        return False
    source, key = call.expressions
    return (isinstance(source, exp.Column) and source.name.lower() in LINE_COLUMNS
            and (not source.table or source.table.lower() in names) and known_key(key) is not None)


def needs_names(calls: Sequence[exp.Anonymous]) -> bool:
    """True when an unaliased output column contains one of ``calls`` (its name must be kept)."""
    return any(not isinstance(_projection(call), (exp.Alias, type(None))) for call in calls)


def _projection(node: exp.Expression) -> Optional[exp.Expression]:
    """The output column of its SELECT that ``node`` is part of; None when it is elsewhere."""
    select = node.find_ancestor(exp.Select)
    while node.parent is not None and node.parent is not select:
        node = node.parent
    return node if node.parent is select and node.arg_key == "expressions" else None


def push_down(table: exp.Table, calls: Sequence[exp.Anonymous],
              output_names: Optional[Sequence[str]]) -> list[ParseColumn]:
    """Replace ``calls`` (from ``parse_calls``) in the tree by columns of the view; return them.
    ``output_names``: the SELECT's output column names as DuckDB gives them (needed when
    ``needs_names``; None: unknown, nothing is pushed down then)."""
    if not calls or (needs_names(calls) and output_names is None):
        return []
    select = table.parent.parent
    if output_names is not None and needs_names(calls):
        if len(output_names) != len(select.expressions):
            return []
        for index, projection in enumerate(list(select.expressions)):
            if not isinstance(projection, exp.Alias) and any(_projection(c) is projection for c in calls):
                name = exp.to_identifier(output_names[index], quoted=True)
                projection.replace(exp.alias_(projection.copy(), name))
        calls = parse_calls(table)  # the copies under the aliases replaced the originals
    columns: dict[tuple[str, str], ParseColumn] = {}
    for call in calls:
        source, key = call.expressions
        pair = (source.name.lower(), known_key(key) or "")
        if pair not in columns:
            columns[pair] = ParseColumn(f"{PREFIX}{len(columns) + 1}", *pair)
        call.replace(exp.column(columns[pair].name, table=source.table or None))
    return list(columns.values())


def view_sql(relation_sql: str, columns: Sequence[ParseColumn]) -> str:
    """SELECT of listener_log's six columns and ``columns`` over ``relation_sql`` (listener_log's
    rows): the matches in one stage, the values from them in the next."""
    matches, values = [], []
    for i, column in enumerate(columns, start=1):
        match, value = functions.key_value_sql(column.source, column.key, f"lsnrmine_m{i}")
        matches.append(f"{match} AS lsnrmine_m{i}")
        values.append(f"{value} AS {column.name}")
    return (f"SELECT {_SIX}, {', '.join(values)} FROM "
            f"(SELECT {_SIX}, {', '.join(matches)} FROM ({relation_sql}) AS lsnrmine_rows) AS lsnrmine_matches")
