"""``lsnrmine report NAME --dsn`` and ``report --html OUT --dsn``: the catalogue on the database.

The statements are the ones ``lsnrmine render`` writes for SQL*Plus (``reports.statements``, with
the same period condition), sent as they are over a python-oracledb connection as the owner schema
(the connection conventions of ``verify``/``status``: ``cli_db._owner_session``, password from
LSNRMINE_OWNER_PASSWORD or a prompt, never printed). Rows go through the same canonical values
and ``output.format_rows`` as the offline path (lsnrmine.report_source), so online and offline
print the same text for the same events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Optional

from . import identifiers as ids
from .cli import EXIT_OK, UserError

_ALERTS_SQL = """select rule_id, severity, first_time, last_time, alert_key, cnt, status, evidence
  from {alerts}
 where (:time_from is null or last_time >= :time_from)
   and (:time_to is null or first_time < :time_to)
 order by last_time desc, alert_id desc
 fetch first :max_rows rows only"""

_LINES_SQL = "select nvl(sum(lines), 0) from {load_state}"


def q_alerts(settings: Any) -> str:
    return _ALERTS_SQL.format(alerts=ids.quote_identifier(settings.object_name("ALERTS")))


def q_lines(settings: Any) -> str:
    return _LINES_SQL.format(load_state=ids.quote_identifier(settings.object_name("LOAD_STATE")))


def _offline_only(args: argparse.Namespace) -> None:
    for flag, value in (("--now", args.now), ("--audit-csv", args.audit_csv),
                        ("--unified-audit-csv", args.unified_audit_csv)):
        if value:
            raise UserError(f"{flag} applies to --log (the embedded engine), not to --dsn")


def run_report(args: argparse.Namespace, statements: list[str]) -> int:
    """The rendered statements of one report on the database, printed in ``args.format``."""
    from .cli_db import _owner_session, _run_guarded, _secrets
    from .connect import connect
    from .report_source import connection_batches, write_report

    _offline_only(args)
    _, options, owner = _owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            write_report(connection_batches(conn), statements, args.format, sys.stdout.write)
        return EXIT_OK

    return _run_guarded(work, _secrets(owner))


def database_alerts(conn: Any, settings: Any, time_from: Optional[dt.datetime],
                    time_to: Optional[dt.datetime]) -> list[dict[str, Any]]:
    """LSNR_ALERTS rows overlapping the period, latest first, as dashboard entries."""
    from .dashboard import MAX_ALERTS, alert_entry
    from .report_source import canonical_value

    cursor = conn.cursor()
    try:
        cursor.execute(q_alerts(settings), time_from=time_from, time_to=time_to, max_rows=MAX_ALERTS)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [alert_entry(*(canonical_value(v) for v in row)) for row in rows]


def run_dashboard(args: argparse.Namespace, time_from: Optional[dt.datetime], time_to: Optional[dt.datetime]) -> int:
    from . import dashboard
    from .cli_db import _owner_session, _run_guarded, _secrets
    from .connect import connect
    from .report_source import as_query, connection_batches

    _offline_only(args)
    settings, options, owner = _owner_session(args)
    out = Path(args.html)

    def work() -> int:
        with connect(options, owner) as conn:
            query = as_query(connection_batches(conn))
            lines = query(q_lines(settings))[1][0][0] or 0
            alerts = database_alerts(conn, settings, time_from, time_to)
            data = dashboard.gather(
                query, settings, lines=int(lines), alerts=alerts, time_from=time_from, time_to=time_to,
                sources=[f"{settings.schema}@{options.dsn}: {', '.join(settings.log_files)}"])
        return write_dashboard(dashboard.render(data), out)

    return _run_guarded(work, _secrets(owner))


def write_dashboard(page: str, out: Path) -> int:
    """Write the dashboard page (online and offline), one clear line if the file cannot be written."""
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{out}: cannot write the dashboard ({exc.strerror})") from None
    print(f"lsnrmine: dashboard written to {out}", file=sys.stderr)
    return EXIT_OK
