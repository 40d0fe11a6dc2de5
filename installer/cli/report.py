"""``lsnrmine report``: a report of the catalogue, or the HTML dashboard (``--html``), on log files
(``--log``, the embedded engine) or on the database (``--dsn``, as the owner schema).

Both sides run the statements ``lsnrmine render`` writes for SQL*Plus (``report_catalogue.statements``,
with the same period condition) and print their rows through the same canonical values
(lsnrmine.report_rows), so online and offline print the same text for the same events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Optional

from .. import alerts, dashboard, report_catalogue
from ..connect import connect
from ..errors import EXIT_OK, UserError
from ..engine import reading
from ..report_rows import (Batches, as_query, connection_batches, database_alert_summary, database_alerts,
                           engine_batches, q_lines, write_per_source, write_report)
from .common import (CONNECTION_HELP, DATETIME_METAVAR, connection_options, engine_errors, format_option,
                     input_options, open_engine, owner_session, parse_datetime, progress_ticker, run_guarded, secrets,
                     settings_from)
from .sql import audit_options


def _cmd_report(args: argparse.Namespace) -> int:
    if args.list:
        for report in report_catalogue.catalogue():
            print(f"{report.name:36} {report.description}")
        return EXIT_OK
    time_from = parse_datetime("--from", args.time_from)
    time_to = parse_datetime("--to", args.time_to)
    if args.logs and args.dsn:
        raise UserError("give either --log FILE (offline, embedded engine) or --dsn (the database), not both")
    if args.html:
        if args.per_source:
            raise UserError("--per-source runs a report per host and listener, not the dashboard (it has the "
                            "breakdown per host and listener, as the report listener_hosts)")
        if args.listener or args.host:
            raise UserError("--listener/--host restrict a report, not the dashboard (its breakdown per host and "
                            "listener is the report listener_hosts)")
        return _cmd_dashboard(args, time_from, time_to)
    if not args.name:
        raise UserError("give a report name, or --list to see them")
    if not args.logs and not args.dsn:
        raise UserError("give --log FILE (offline, embedded engine) or --dsn (the database)")
    try:
        report = report_catalogue.find(args.name)
        statements = report_catalogue.statements(report, settings_from(args), time_from=time_from, time_to=time_to,
                                                 listener=args.listener, host=args.host)
        pairs_sql = (report_catalogue.pairs_statement(report, settings_from(args), time_from=time_from,
                                                      time_to=time_to, listener=args.listener, host=args.host)
                     if args.per_source else None)
    except (KeyError, ValueError) as exc:
        raise UserError(str(exc.args[0])) from None
    if pairs_sql is not None:
        def emit(batches: Batches, write: Any) -> None:
            _write_per_source(args, report, batches, pairs_sql, time_from, time_to, write)
        statements = [pairs_sql, *statements]  # the engine translates them all before reading the log
    else:
        def emit(batches: Batches, write: Any) -> None:
            write_report(batches, statements, args.format, write)
    if args.dsn:
        return _online_report(args, emit)
    with progress_ticker(args) as ticker:
        engine = open_engine(args, statements, audit_csv=args.audit_csv, unified_audit_csv=args.unified_audit_csv)

        def write(text: str) -> None:
            ticker.stop()  # the status line is erased before the first row (stop is idempotent)
            sys.stdout.write(text)

        with engine_errors():
            # canonical values (report_rows): the same text as the --dsn path for the same data
            emit(engine_batches(engine), write)
    return EXIT_OK


def _write_per_source(args: argparse.Namespace, report: report_catalogue.Report, batches: Batches, pairs_sql: str,
                      time_from: Optional[dt.datetime], time_to: Optional[dt.datetime], write: Any) -> None:
    """``--per-source``: the report once per (host, listener) pair of the period's events, each row led
    by HOST and LISTENER (report_rows.write_per_source)."""
    pairs = [(row[0], row[1]) for row in as_query(batches)(pairs_sql)[1]]
    settings = settings_from(args)

    def statements_of(host: Optional[str], listener: Optional[str]) -> list[str]:
        try:
            return report_catalogue.pair_statements(report, settings, host, listener, time_from=time_from,
                                                    time_to=time_to)
        except ValueError as exc:
            raise UserError(str(exc.args[0])) from None

    write_per_source(batches, pairs, statements_of, args.format, write)


def _cmd_dashboard(args: argparse.Namespace, time_from: Optional[dt.datetime], time_to: Optional[dt.datetime]) -> int:
    if args.name:
        raise UserError("--html writes the dashboard; give no report name with it")
    if not args.logs and not args.dsn:
        raise UserError("give --log FILE (offline, embedded engine) or --dsn (the database) for the dashboard")
    dashboard.check_output(args.html)  # before the log is read or the database asked
    settings = settings_from(args)
    try:
        scripts = dashboard.report_scripts(settings, time_from, time_to)
    except (KeyError, ValueError) as exc:
        raise UserError(str(exc.args[0])) from None
    if args.dsn:
        return _online_dashboard(args, time_from, time_to)
    with progress_ticker(args):
        engine = open_engine(args, list(scripts.values()), audit_csv=args.audit_csv,
                             unified_audit_csv=args.unified_audit_csv)
        with engine_errors():
            data = dashboard.gather(as_query(engine_batches(engine)), settings,
                                    sources=engine.stats.sources if engine.stats else [],
                                    lines=engine.stats.lines if engine.stats else 0,
                                    alerts=_offline_alerts(engine, time_from, time_to),
                                    time_from=time_from, time_to=time_to)
    return _write_dashboard(dashboard.render(data), Path(args.html))


def _offline_alerts(engine: Any, time_from: Optional[dt.datetime], time_to: Optional[dt.datetime]) -> list:
    """What the alert job would raise over the loaded log (lsnrmine.alerts.evaluate, a fresh
    store), overlapping the period, latest first: all of them (the page orders, lists and counts)."""
    try:
        with engine_errors():
            result = alerts.evaluate(engine, alerts.AlertStore())
    except (alerts.AlertError, UserError) as exc:
        reading.clear_line()
        print(f"lsnrmine: alert rules not evaluated, the page has no alert list: {exc}", file=sys.stderr)
        return []
    shown = [a for a in result.touched
             if (time_from is None or a.last_time >= time_from) and (time_to is None or a.first_time < time_to)]
    shown.sort(key=lambda a: (a.last_time, a.alert_id), reverse=True)
    return [dashboard.alert_entry(a.rule_id, a.severity, a.first_time, a.last_time, a.alert_key, a.cnt, a.status,
                                  a.evidence, a.listener, a.host) for a in shown]


def _offline_only(args: argparse.Namespace) -> None:
    for flag, value in (("--now", args.now), ("--audit-csv", args.audit_csv),
                        ("--unified-audit-csv", args.unified_audit_csv)):
        if value:
            raise UserError(f"{flag} applies to --log (the embedded engine), not to --dsn")


def _online_report(args: argparse.Namespace, emit: Any) -> int:
    """The rendered statements of one report on the database (``emit(batches, write)``), printed in
    ``args.format``."""
    _offline_only(args)
    _, options, owner = owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            emit(connection_batches(conn), sys.stdout.write)
        return EXIT_OK

    return run_guarded(work, secrets(owner))


def _online_dashboard(args: argparse.Namespace, time_from: Optional[dt.datetime],
                      time_to: Optional[dt.datetime]) -> int:
    _offline_only(args)
    settings, options, owner = owner_session(args)
    out = Path(args.html)

    def work() -> int:
        with connect(options, owner) as conn:
            query = as_query(connection_batches(conn))
            lines = query(q_lines(settings))[1][0][0] or 0
            listed = database_alerts(conn, settings, time_from, time_to)
            summary = [dashboard.RuleSummary(*row)
                       for row in database_alert_summary(conn, settings, time_from, time_to)]
            data = dashboard.gather(
                query, settings, lines=int(lines), alerts=listed, alert_summary=summary,
                time_from=time_from, time_to=time_to,
                sources=[f"{settings.schema}@{options.dsn}: {', '.join(settings.log_files)}"])
        return _write_dashboard(dashboard.render(data), out)

    return run_guarded(work, secrets(owner))


def _write_dashboard(page: str, out: Path) -> int:
    """Write the dashboard page (online and offline), one clear line if the file cannot be written."""
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{out}: cannot write the dashboard ({exc.strerror})") from None
    print(f"lsnrmine: dashboard written to {out}", file=sys.stderr)
    return EXIT_OK


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report", parents=[settings, connection_options()], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run a shipped report on log files (offline) or on the database",
        description="Run one of lsnrmine's reports (see --list) on listener logs with the embedded engine "
        "(--log), or on the installed objects in the database as the owner schema (--dsn): the same "
        "statements as the SQL*Plus scripts, the same output for the same events.",
        epilog=CONNECTION_HELP,
    )
    report.add_argument("name", nargs="?", metavar="NAME", help="report name (see --list)")
    report.add_argument("--list", action="store_true", help="list the reports and exit")
    report.add_argument("--from", dest="time_from", metavar=DATETIME_METAVAR,
                        help="only rows at or after this time (on the report's time column)")
    report.add_argument("--to", dest="time_to", metavar=DATETIME_METAVAR,
                        help="only rows before this time (exclusive)")
    report.add_argument("--listener", metavar="NAME",
                        help="only the events of this listener (e.g. LISTENER_SCAN1; reports over the events)")
    report.add_argument("--host", metavar="HOST",
                        help="only the events logged on this host (RAC node; reports over the events)")
    report.add_argument("--per-source", action="store_true",
                        help="run the report once per (host, listener) pair of the period's events (NULL host "
                        "last), each row led by HOST and LISTENER; with --listener/--host only those pairs "
                        "(reports over the events)")
    report.add_argument("--html", metavar="OUT.html",
                        help="write the HTML dashboard (one self-contained file) instead of a report")
    group = input_options(report)
    audit_options(group)
    format_option(group)
    report.set_defaults(handler=_cmd_report)
