"""Small helpers over a DB-API connection (python-oracledb), shared by install, verify and audit.

Statements passed here are fixed texts with bind variables; object names enter them only through
:func:`identifiers.quote_identifier`.
"""

from __future__ import annotations

from typing import Any, Iterable


def rows(conn: Any, sql: str, **binds: Any) -> list[tuple]:
    """Every row of a query, values bound by name."""
    with conn.cursor() as cursor:
        cursor.execute(sql, binds) if binds else cursor.execute(sql)
        return list(cursor.fetchall())


def scalar(conn: Any, sql: str, **binds: Any) -> Any:
    """The first column of the first row, or None when the query returns no row."""
    found = rows(conn, sql, **binds)
    return found[0][0] if found else None


def first_line(text: object) -> str:
    """The first non-blank line of an error text (Oracle's ORA-nnnnn line), stripped."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
