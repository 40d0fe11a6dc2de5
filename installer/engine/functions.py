"""DuckDB macros of the embedded engine: ``parse_listener_log_line(p_in, p_param)``, ``CHECKED_MACRO``
(the same, raising the twin's error for an unknown key) and the SQL of their two stages for the
pushdown (``key_value_sql``).

Same contract as the Python twin ``lsnrmine.parse.parse_listener_log_line`` (read its docstring),
vectorised with RE2 regular expressions, no Python UDF. The value runs to the ``)`` that closes
``(KEY=``, inner parentheses balanced up to ``BALANCED_DEPTH`` levels (RE2 has no recursion: a
value nested deeper runs to the end of the input, where the twin stops at its ``)``; real connect
strings nest 4-5 levels). Empty value -> NULL; PASSWORD -> ``********`` when non-empty.
"""

from __future__ import annotations

import duckdb

from ..identifiers import sql_string as _sql_str
from ..parse import ALLOWED_KEYS, MESSAGE_KEY_MAX_CHARS, PASSWORD_MASK, key_pattern

__all__ = ["BALANCED_DEPTH", "CHECKED_MACRO", "balanced_regex", "key_value_sql", "macro_sql", "register_functions"]

BALANCED_DEPTH = 12

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()


def balanced_regex(depth: int = BALANCED_DEPTH) -> str:
    """RE2 pattern of a balanced parenthesised group nested at most ``depth`` levels."""
    pattern = r"\([^()]*\)"
    for _ in range(depth - 1):
        pattern = r"\((?:[^()]|" + pattern + r")*\)"
    return pattern


def _value_tail(depth: int = BALANCED_DEPTH) -> str:
    """RE2 pattern after ``(KEY=``: group 1 is the value when its closing ``)`` exists, group 2
    the rest of the input otherwise."""
    return r"(?:((?:[^()]|" + balanced_regex(depth) + r")*)\)|(.*))"


def match_sql(p_in: str, kp: str) -> str:
    """The cheap regexp: the text from the first ``(KEY=`` of ``p_in`` up to and including the
    first parenthesis after ``=`` (or to the end), as group 0 (no capture groups); '' when there
    is no ``(KEY=``. ``kp``: SQL giving ``key_pattern(key)``."""
    return f"regexp_extract({p_in}, '(?s)' || {kp} || '[^()]*[()]?', 0)"


def value_from_match_sql(m: str, p_in: str, kp: str, k: str) -> str:
    """The value of the key from ``m`` (``match_sql`` of ``p_in``; referenced several times: a
    column or a lambda variable), NULL when empty. ``k``: SQL giving the position of the value in
    ``m`` (the key is ASCII, so ``(KEY=`` is length(key) + 2 characters and the value starts at
    length(key) + 3). ``m`` is '' (no ``(KEY=``), ``(KEY=`` + value + ``)`` (the common case),
    ``(KEY=`` + text + ``(`` (the full regexp decides) or ``(KEY=`` + the rest of the input (no
    parenthesis after ``=``)."""
    # Full regex (rare rows): the whole input replaced by group 1 (the value closed by its ")")
    # and group 2 (the rest of the input when there is no closing ")"); exactly one of them takes
    # part in the match, and ``^.*?`` keeps it at the first ``(KEY=`` (only reached when the cheap
    # regex found that ``(KEY=`` followed by ``(``, so the full pattern matches).
    full_pattern = f"'(?s)^.*?' || {kp} || {_sql_str(_value_tail() + '.*$')}"
    full = f"regexp_replace({p_in}, {full_pattern}, '\\1\\2')"
    # No nullif() around an expression: DuckDB expands nullif(x, '') to a CASE that evaluates x
    # twice; empty values are mapped to NULL by the branches instead.
    return (f"CASE {_closed_value_sql(m, k)} "
            f"WHEN ends_with({m}, '(') THEN {full} "
            f"WHEN length({m}) >= {k} THEN substr({m}, {k}) END")


def _closed_value_sql(m: str, k: str) -> str:
    """The WHEN branch of the common case: ``m`` ends with the ``)`` closing the value (NULL when
    empty), which starts at position ``k``."""
    return (f"WHEN ends_with({m}, ')') THEN CASE WHEN length({m}) > {k} "
            f"THEN substr({m}, {k}, length({m}) - {k}) END")


def key_value_sql(raw: str, trimmed: str, key: str, m: str) -> tuple[str, str]:
    """(match, value) SQL of ``parse_listener_log_line(<trimmed>, key)`` for a constant known
    ``key`` other than PASSWORD, where ``raw`` is the field before LRTRIM (a column) and
    ``trimmed`` the SQL of its LRTRIM: select the match as column ``m``, then the value from it
    (two stages: the regexp runs once per row, no lambda, no trim). Trimming removes no character
    of ``(KEY=`` or of a value closed by its ``)``, so the match on ``raw`` gives the value in the
    common case; the others (a nested list, no closing parenthesis: the value runs to the end of
    the trimmed text) call the macro on ``trimmed``, for those rows only."""
    value = (f"CASE {_closed_value_sql(m, str(len(key) + 3))} "
             f"WHEN {m} IS NULL OR {m} = '' THEN NULL "
             f"ELSE parse_listener_log_line({trimmed}, {_sql_str(key)}) END")
    return match_sql(raw, _sql_str(key_pattern(key))), value


#: the macro for calls whose key is not a literal (a column, NULL): it raises the unknown-key error
#: at run time. DuckDB treats it as volatile (``error()``), so the dialect bridge sends only those
#: calls to it and checks literal keys itself (dialect.function_handlers)
CHECKED_MACRO = "lsnrmine_parse_listener_log_line_checked"


def macro_sql(checked: bool = False) -> str:
    """The CREATE MACRO statement of ``parse_listener_log_line`` (for keys checked beforehand: an
    unknown key gives NULL; not volatile, so usable in a window's PARTITION BY / ORDER BY) or,
    ``checked``, of ``CHECKED_MACRO`` (an unknown key raises the twin's error). Both are also
    usable with the duckdb CLI."""
    key_map = ", ".join(f"{_sql_str(k)}: {_sql_str(key_pattern(k))}" for k in ALLOWED_KEYS)
    up = f"translate(p_param, '{_LOWER}', '{_UPPER}')"
    kp = f"(MAP {{{key_map}}})[{up}]"
    # list_transform binds the match once (a macro repeats its argument expression)
    value = (f"list_transform([{match_sql('p_in', kp)}], lambda __m: "
             f"{value_from_match_sql('__m', 'p_in', kp, '(length(p_param) + 3)')})[1]")
    allowed = ", ".join(ALLOWED_KEYS)
    message = (f"'parse_listener_log_line: unknown key \"' || coalesce(left(p_param, "
               f"{MESSAGE_KEY_MAX_CHARS}), '') || {_sql_str(chr(34) + '; allowed keys: ' + allowed)}")
    unknown = f"error({message})" if checked else "NULL"
    return (
        f"CREATE OR REPLACE MACRO {CHECKED_MACRO if checked else 'parse_listener_log_line'}(p_in, p_param) AS\n"
        f"  CASE WHEN {kp} IS NULL THEN {unknown}\n"
        f"       WHEN {up} = 'PASSWORD' THEN (CASE WHEN {value} IS NOT NULL "
        f"THEN {_sql_str(PASSWORD_MASK)} END)\n"
        f"       ELSE {value} END"
    )


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Create the engine's macros in ``con`` (idempotent)."""
    con.execute(macro_sql())
    con.execute(macro_sql(checked=True))
