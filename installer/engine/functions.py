"""DuckDB macros of the embedded engine: ``parse_listener_log_line(p_in, p_param)``.

Same contract as the Python twin ``lsnrmine.parse.parse_listener_log_line`` (read its docstring),
vectorised: one ``regexp_extract`` (RE2) per call, no Python UDF.

- The key is upper-cased on ASCII letters only (``translate``), looked up in a constant MAP of
  ``key_pattern(key)`` fragments (``\\([Ss][Ii][Dd]=``); an unknown/NULL key raises an error whose
  message is the twin's ``unknown_key_message`` (contains ``unknown key``).
  When ``p_param`` is a constant (the usual case) the pattern folds to a constant and RE2 compiles it
  once per query.
- A cheap regex takes the text up to the next ``)``; when it starts with ``(`` the value regex
  (``value_regex``) runs instead: ``(KEY=`` followed by, in order of preference: a balanced parenthesised list
  (``BALANCED_DEPTH`` levels of nesting at most: RE2 has no recursion), or ``(`` and everything to
  the end of the input (unbalanced list), or everything up to the next ``)`` (or the end). A list
  nested deeper than ``BALANCED_DEPTH`` therefore runs to the end of the input, where the twin
  (unbounded) stops at the matching ``)``; real connect strings nest 4-5 levels.
- Empty value -> NULL; PASSWORD -> ``********`` when non-empty.
"""

from __future__ import annotations

import duckdb

from ..parse import ALLOWED_KEYS, MESSAGE_KEY_MAX_CHARS, PASSWORD_MASK, key_pattern

__all__ = ["BALANCED_DEPTH", "balanced_regex", "register_functions", "value_regex"]

BALANCED_DEPTH = 12

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()


def balanced_regex(depth: int = BALANCED_DEPTH) -> str:
    """RE2 pattern of a balanced parenthesised group nested at most ``depth`` levels."""
    pattern = r"\([^()]*\)"
    for _ in range(depth - 1):
        pattern = r"\((?:[^()]|" + pattern + r")*\)"
    return pattern


def value_regex(key: str, depth: int = BALANCED_DEPTH) -> str:
    """Full RE2 pattern for ``key``; group 1 is the value (possibly empty)."""
    return "(?s)" + key_pattern(key) + "(" + balanced_regex(depth) + r"|\(.*|[^)]*)"


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def macro_sql() -> str:
    """The CREATE MACRO statement (also usable with the duckdb CLI)."""
    key_map = ", ".join(f"{_sql_str(k)}: {_sql_str(key_pattern(k))}" for k in ALLOWED_KEYS)
    up = f"translate(p_param, '{_LOWER}', '{_UPPER}')"
    kp = f"(MAP {{{key_map}}})[{up}]"
    tail = "(" + balanced_regex() + r"|\(.*|[^)]*)"
    # Cheap regex first (text up to the next ')'); the balanced-list regex only when the value
    # starts with '(' (CASE evaluates it for those rows only).
    simple = f"regexp_extract(p_in, '(?s)' || {kp} || '([^)]*)', 1)"
    full = f"regexp_extract(p_in, '(?s)' || {kp} || {_sql_str(tail)}, 1)"
    # list_transform binds the cheap result once (a macro repeats its argument expression).
    value = (f"nullif(list_transform([{simple}], lambda __v: CASE WHEN starts_with(__v, '(') "
             f"THEN {full} ELSE __v END)[1], '')")
    allowed = ", ".join(ALLOWED_KEYS)
    message = (f"'parse_listener_log_line: unknown key \"' || coalesce(left(p_param, "
               f"{MESSAGE_KEY_MAX_CHARS}), '') || {_sql_str(chr(34) + '; allowed keys: ' + allowed)}")
    return (
        "CREATE OR REPLACE MACRO parse_listener_log_line(p_in, p_param) AS\n"
        f"  CASE WHEN {kp} IS NULL THEN error({message})\n"
        f"       WHEN {up} = 'PASSWORD' THEN (CASE WHEN {value} IS NOT NULL "
        f"THEN {_sql_str(PASSWORD_MASK)} END)\n"
        f"       ELSE {value} END"
    )


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Create the engine's macros in ``con`` (idempotent)."""
    con.execute(macro_sql())
