"""Split rendered SQL*Plus scripts into statements and execute them with python-oracledb.

Splitting follows SQL*Plus: a statement ends at a line holding only ``/``.
Between statements, SQL*Plus commands (``set``, ``prompt``, ``spool``,
``whenever``, ``@@``, ``show errors``, ``--`` comments, blank lines) are skipped;
inside a statement every line is kept verbatim, so ``/`` or ``;`` inside
strings, comments or expressions never split anything.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping, Optional

from .db import first_line, mask

_TERMINATOR = re.compile(r"^\s*/\s*$")
_SQLPLUS_COMMAND = re.compile(
    r"^\s*(?:@@?\S|--|rem(?:ark)?\b|set\s|prompt\b|pro\b|spool\b|whenever\s|show\s+err|"
    r"sho\s+err|define\s|undefine\s|accept\s|exit\b|quit\b|column\s|col\s|ttitle\s|btitle\s|"
    r"break\s|compute\s|clear\s|pause\b|host\s|connect\s|conn\s|var(?:iable)?\s)",
    re.IGNORECASE,
)
_PLSQL_UNIT = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:(?:editionable|noneditionable)\s+)?"
    r"(package\s+body|package|function|procedure|trigger|type\s+body|type)\s+"
    r"(?:\"?[A-Za-z][\w$#]*\"?\s*\.\s*)?(\"[^\"]+\"|[A-Za-z][\w$#]*)",
    re.IGNORECASE,
)


class ScriptError(RuntimeError):
    """A statement failed; the message names the object, line and Oracle's text."""

    detail: str = ""  # the driver's full error text (all lines), secrets masked


_DEFINE = re.compile(r"&&?([A-Za-z][A-Za-z0-9_]*)\.?")


def substitute(statement: str, values: Optional[Mapping[str, str]]) -> str:
    """Replace SQL*Plus substitution variables ``&name`` / ``&&name`` (optional ``.`` terminator)
    whose lower-case name is in ``values``; any other ``&`` text is left alone (the scripts run
    with ``set define off`` except around the ``accept`` of a secret)."""
    if not values:
        return statement
    known = {k.lower(): v for k, v in values.items()}

    def repl(match: "re.Match[str]") -> str:
        name = match.group(1).lower()
        return known[name] if name in known else match.group(0)

    return _DEFINE.sub(repl, statement)


def split_script(text: str) -> list[str]:
    """Return the statements of a rendered script, without their ``/`` lines."""
    statements: list[str] = []
    buffer: list[str] = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _TERMINATOR.match(raw_line):
            statement = "\n".join(buffer).strip("\n")
            if statement.strip():
                statements.append(statement)
            buffer = []
            continue
        if not buffer and (not raw_line.strip() or _SQLPLUS_COMMAND.match(raw_line)):
            continue
        buffer.append(raw_line.rstrip())
    leftover = "\n".join(buffer).strip()
    if leftover:
        raise ScriptError(f"statement not terminated by a '/' line: {leftover[:80]!r}")
    return statements


def plsql_unit(statement: str) -> Optional[tuple[str, str]]:
    """(USER_ERRORS type, name) when the statement creates a PL/SQL unit."""
    match = _PLSQL_UNIT.match(_strip_leading_comments(statement))
    if not match:
        return None
    unit_type = " ".join(match.group(1).upper().split())
    name = match.group(2)
    name = name[1:-1] if name.startswith('"') else name.upper()
    return unit_type, name


def _statement_head(statement: str) -> str:
    """The statement's first line after leading comments, at most 100 characters (for messages)."""
    return _strip_leading_comments(statement).split("\n", 1)[0][:100]


def _strip_leading_comments(statement: str) -> str:
    lines = statement.split("\n")
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines)


def execute_statements(
    connection: Any,
    statements: Iterable[str],
    *,
    label: str,
    on_statement: Optional[Callable[[str], None]] = None,
    substitutions: Optional[Mapping[str, str]] = None,
) -> int:
    """Execute statements in order; after each PL/SQL CREATE check warnings and USER_ERRORS.

    python-oracledb does not raise on "created with compilation errors": it sets
    ``cursor.warning`` (DPY-7000), so the errors are read from USER_ERRORS here
    (python-oracledb user guide, "PL/SQL Compilation Warnings").

    ``substitutions`` fills SQL*Plus ``&name`` variables (e.g. the owner password of
    admin/create_schema.sql) just before execution; ``on_statement`` and every error
    message see the statement as rendered, and substituted values are masked in errors.
    """
    secrets = [v for v in (substitutions or {}).values() if v]
    count = 0
    with connection.cursor() as cursor:
        for statement in statements:
            if on_statement:
                on_statement(statement)
            try:
                cursor.execute(substitute(statement, substitutions) if substitutions else statement)
            except Exception as exc:  # oracledb.DatabaseError; keep the driver optional here
                first = _statement_head(statement)
                reason = mask(first_line(exc) if str(exc).strip() else type(exc).__name__, secrets)
                error = ScriptError(f"{label}: {reason} (statement: {first})")
                error.detail = mask(str(exc), secrets)  # every line: KUP-xxxxx follows ORA-29913
                raise error from None  # no chained traceback that could quote a substituted secret
            # Cursor.warning belongs to the LAST execute: read it now, before the USER_ERRORS query
            # below replaces it (python-oracledb API, Cursor.warning; DPY-7000 "created with
            # compilation errors").
            warning = getattr(cursor, "warning", None)
            count += 1
            unit = plsql_unit(statement)
            if unit is None:
                if warning is not None:
                    first = _statement_head(statement)
                    raise ScriptError(f"{label}: {warning} (statement: {first})")
                continue
            unit_type, name = unit
            cursor.execute(
                "select line, position, text from user_errors "
                "where name = :name and type = :type and attribute = 'ERROR' order by sequence",
                name=name, type=unit_type,
            )
            errors = cursor.fetchall()
            if errors or warning is not None:
                detail = "; ".join(f"line {line}, col {pos}: {text.strip()}" for line, pos, text in errors[:5])
                raise ScriptError(
                    f"{label}: {unit_type.lower()} {name} compiled with errors: {detail or warning}"
                )
    return count
