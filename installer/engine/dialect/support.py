"""The ``ora_*`` DuckDB macros the translated SQL calls, created once per connection by
:func:`install_support`: the fixed ones from ``macros.sql``, one TO_DATE macro per date language
(``engine.dates``) and the clock (SYSDATE/SYSTIMESTAMP, pinnable)."""

from __future__ import annotations

import re
from importlib import resources
from typing import Optional

from .. import dates


def _statements(text: str) -> tuple[str, ...]:
    """The statements of a macro file: each ends with a line ending in ``;``; ``--`` lines dropped."""
    statements, current = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    return tuple(statements)


#: DuckDB macros the translated SQL relies on (``macros.sql``).  ``ora_sysdate``/``ora_systimestamp``
#: are created by :func:`install_support` (pinnable "now").
SUPPORT_MACROS: tuple[str, ...] = _statements(
    resources.files(__package__).joinpath("macros.sql").read_text(encoding="utf-8"))


def _to_date_language_macros() -> list[str]:
    """``ora_to_date_<lang>(x)``: TO_DATE(x, 'DD-MON-YYYY HH24:MI:SS', 'NLS_DATE_LANGUAGE=<lang>')
    with Oracle's lenient string-to-date rules and the month names of ``engine/dates.py``; NULL
    when x does not convert (the caller raises, or not for DEFAULT NULL ON CONVERSION ERROR).
    (dates.to_date_sql: strptime fast path, then one regexp per row.)"""
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
