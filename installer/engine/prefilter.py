"""Literal prefilter for a query on the streamed ``listener_log`` (loader ``stream=True``).

A conjunct ``parse_listener_log_line(connect_string, 'HOST') = '__jdbc__'`` can only hold on a row
whose log line contains the text ``__jdbc__``: every text column of LISTENER_LOG is a trimmed piece
of its line, and every value ``parse_listener_log_line`` returns is a piece of its input (except the
PASSWORD mask). So the lines without that text can be dropped before they are split, trimmed,
date-checked and parsed.

``line_literals(tree)`` finds, in the WHERE clause of the SELECT that reads ``listener_log``, the
top-level AND terms of these forms (``x`` a text column of listener_log or
``parse_listener_log_line(x, 'KEY')`` over one, KEY a known key other than PASSWORD):

- ``x = 'lit'`` (either side): the line contains ``lit``;
- ``x IN ('a', 'b', ...)``: the line contains ``a`` or ``b`` or ...;
- ``x LIKE 'pat'`` (no ESCAPE, no backslash in ``pat``): the line contains the longest run of
  ``pat`` without ``%``/``_``.

It returns one any-of group per term (the line must contain a literal of every group) and applies
only when ``listener_log`` is read exactly once in the statement, in the FROM of a SELECT with no
join, so replacing that one reference by the filtered relation changes which lines reach the
WHERE clause and nothing else: the rows it removes are rows that clause rejects (false or NULL).
Anything else (OR across columns, functions of the column, NOT, subqueries) is left alone: no
group, no filter, the same result.
"""

from __future__ import annotations

from typing import Optional

from sqlglot import exp

from ..parse import UnknownKeyError, normalize_key

__all__ = ["LINE_COLUMNS", "PARSE_FUNCTION", "known_key", "line_literals", "listener_log_reference", "reference_names"]

#: listener_log columns whose value is a trimmed piece of the log line (log_date is converted)
LINE_COLUMNS = frozenset({"connect_string", "protocol_info", "action", "service_name", "return_code"})
PARSE_FUNCTION = "PARSE_LISTENER_LOG_LINE"
#: at most this many groups and literals per group (a longer IN list is left to the WHERE clause)
MAX_GROUPS = 8
MAX_LITERALS = 32


def listener_log_reference(tree: exp.Expression) -> Optional[exp.Table]:
    """The one ``listener_log`` table node of ``tree`` when it is the whole FROM of a SELECT
    without joins; None otherwise (read twice, joined, or not read)."""
    tables = [t for t in tree.find_all(exp.Table) if t.name.lower() == "listener_log" and not t.args.get("db")]
    if len(tables) != 1:
        return None
    table = tables[0]
    source = table.parent
    select = source.parent if isinstance(source, exp.From) else None
    if not isinstance(select, exp.Select) or select.args.get("joins"):
        return None
    return table


def reference_names(table: exp.Table) -> set[str]:
    """The qualifier that names ``table``'s columns: its alias when it has one (then its own name
    refers to some outer relation, as in Oracle), else its name; lower case."""
    return {(table.alias or table.name).lower()}


def line_literals(tree: exp.Expression) -> tuple[Optional[exp.Table], list[list[str]]]:
    """(the listener_log table node, the any-of literal groups its line must satisfy); no groups
    when nothing can be derived (then the table node does not matter)."""
    table = listener_log_reference(tree)
    if table is None:
        return None, []
    select = table.parent.parent
    where = select.args.get("where")
    if where is None:
        return table, []
    names = reference_names(table)
    groups = []
    for term in _conjuncts(where.this):
        group = _term_literals(term, names)
        if group:
            groups.append(group)
    return table, groups[:MAX_GROUPS]


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _term_literals(term: exp.Expression, names: set[str]) -> Optional[list[str]]:
    if isinstance(term, exp.EQ):
        for value, other in ((term.this, term.expression), (term.expression, term.this)):
            text = _string(other)
            if text and _from_line(value, names):
                return [text]
        return None
    if isinstance(term, exp.In) and _from_line(term.this, names):
        if term.args.get("query") or term.args.get("unnest") or term.args.get("field"):
            return None
        texts = [_string(e) for e in term.expressions]
        if not texts or len(texts) > MAX_LITERALS or not all(texts):
            return None
        return sorted(set(texts))  # type: ignore[arg-type]
    if isinstance(term, exp.Like) and _from_line(term.this, names):
        pattern = _string(term.expression)
        if not pattern or "\\" in pattern:
            return None
        runs = [run for part in pattern.split("%") for run in part.split("_")]
        longest = max(runs, key=len)
        return [longest] if longest else None
    return None


def _string(node: exp.Expression) -> Optional[str]:
    """The text of a non-empty string literal, else None."""
    if isinstance(node, exp.Literal) and node.is_string and node.this:
        return node.this
    return None


def _from_line(node: exp.Expression, names: set[str]) -> bool:
    """True when every non-NULL value of ``node`` is a piece of the row's log line."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column):
        return node.name.lower() in LINE_COLUMNS and (not node.table or node.table.lower() in names)
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == PARSE_FUNCTION and len(node.expressions) == 2:
        source, key = node.expressions
        return known_key(key) is not None and _from_line(source, names)
    return False


def known_key(node: exp.Expression) -> Optional[str]:
    """The key a string literal names (upper case), when it is a known key other than PASSWORD
    (whose values are masked: not a piece of the line); None otherwise."""
    text = _string(node)
    if text is None:
        return None
    try:
        key = normalize_key(text)
    except UnknownKeyError:
        return None
    return key if key != "PASSWORD" else None
