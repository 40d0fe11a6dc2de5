"""Offline commands on the embedded DuckDB engine: ``sql`` and ``report``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Optional

from .cli import EXIT_OK, UserError, settings_from
from .output import FORMATS, format_rows


def _input_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_argument_group("input (offline, embedded engine)")
    group.add_argument("--log", dest="logs", action="append", metavar="FILE", required=required,
                       help="listener log to read: a file, .gz, a glob, or - for stdin; repeat for several")
    group.add_argument("--encoding", default="utf-8",
                       help="character set of the log files (Python codec name; default utf-8, "
                       "invalid bytes replaced), e.g. shift_jis")
    group.add_argument("--audit-csv", metavar="FILE",
                       help="CSV export of DBA_AUDIT_TRAIL for the article's audit joins")
    group.add_argument("--unified-audit-csv", metavar="FILE",
                       help="CSV export of UNIFIED_AUDIT_TRAIL logons for the audit views (docs/audit.md)")
    group.add_argument("--now", metavar="'YYYY-MM-DD HH:MI:SS'",
                       help="value of SYSDATE (default: the clock), to replay a log as of a time")
    group.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    group.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    add_memory_limit_option(group)


def add_memory_limit_option(group: Any) -> None:
    """--memory-limit of the commands that run the embedded engine (setting engine_memory_limit)."""
    group.add_argument("--memory-limit", metavar="SIZE",
                       help="memory the embedded engine may use before it spills to a temporary "
                       "directory: a share (50%%, the default) or a size (4GB); setting engine_memory_limit")


def _may_stream(statement: str, prefix: str) -> bool:
    """True when ``statement`` names listener_log and none of the other log relations or
    lsnrmine's (prefixed) views: the engine will likely stream it."""
    text = statement.lower()
    return ("listener_log" in text and "listener_log_lines" not in text and "listener_log_src" not in text
            and prefix.lower() not in text)


def _engine(args: argparse.Namespace, statements: list[str]) -> Any:
    """An engine loaded with the input; the statements are translated first, so a query the
    engine cannot run fails before any input is read."""
    from .engine.loader import RejectCounter

    settings = settings_from(args)
    now: Optional[dt.datetime] = None
    if args.now:
        try:
            now = dt.datetime.strptime(args.now, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise UserError(f"--now {args.now!r}: use the form 'YYYY-MM-DD HH:MI:SS'") from None
    # one statement, no --follow: the engine may stream listener_log (OfflineEngine.load); its
    # reject count then starts now, in DuckDB, while Python imports and translates (a guess from
    # the text: the load stops the count if the statement turns out to need the tables)
    single = statements[0] if len(statements) == 1 and not getattr(args, "follow", False) else None
    counter = (RejectCounter.start(args.logs, args.encoding, settings.date_language)
               if single and _may_stream(single, settings.prefix) else None)
    from .engine.session import EngineError, OfflineEngine

    try:
        try:
            engine = OfflineEngine(settings, now=now)
            for statement in statements:
                engine.translate(statement)
        except BaseException:
            if counter is not None:
                counter.close()
            raise
        stats = engine.load(args.logs, encoding=args.encoding, progress=False if args.quiet else None,
                            query=single, reject_counter=counter)
        if args.audit_csv:
            engine.load_audit_csv(args.audit_csv)
        if args.unified_audit_csv:
            engine.load_unified_audit_csv(args.unified_audit_csv)
    except EngineError as exc:
        raise UserError(str(exc)) from None
    if stats.rejected:
        print(f"lsnrmine: {stats.rejected} of {stats.lines} lines rejected from listener_log "
              "(not a dated log record: banners, headers, error lines, bad dates); "
              "all lines are in listener_log_lines", file=sys.stderr)
    if stats.nul_bytes:
        print(f"lsnrmine: {stats.nul_bytes} NUL bytes in the input (kept in the text)", file=sys.stderr)
    return engine


def _run_statements(engine: Any, statements: list[str], fmt: str) -> None:
    from .engine.session import EngineError

    for statement in statements:
        try:
            if fmt == "csv":  # streamed: memory flat whatever the result size
                engine.write_csv(statement, sys.stdout)
                continue
            result = engine.query(statement)
        except EngineError as exc:
            raise UserError(str(exc)) from None
        sys.stdout.write(format_rows(result.columns, result.rows, fmt))


def _cmd_sql(args: argparse.Namespace) -> int:
    from .runner import ScriptError, split_script

    text = args.query
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise UserError(f"{path}: no such script file; give @path/to/script.sql")
        text = path.read_text(encoding="utf-8")
    try:
        statements = split_script(text) if "\n/" in "\n" + text.replace("\r\n", "\n") else [text.strip().rstrip(";")]
    except ScriptError as exc:
        raise UserError(str(exc)) from None
    if not statements or not statements[0].strip():
        raise UserError("no SQL statement given")
    engine = _engine(args, statements)
    if getattr(args, "follow", False):
        return _follow(args, engine, statements)
    _run_statements(engine, statements, args.format)
    return EXIT_OK


def _follow(args: argparse.Namespace, engine: Any, statements: list[str]) -> int:
    """--follow: re-run the query whenever lines are appended (lsnrmine.events.follow)."""
    import time

    from . import events

    def refresh() -> None:
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[H\x1b[2J")  # clear the terminal: a live view
        sys.stdout.write(f"-- {time.strftime('%Y-%m-%d %H:%M:%S')} (Ctrl-C stops)\n")
        _run_statements(engine, statements, args.format)
        sys.stdout.flush()

    try:
        events.follow(engine, interval=args.interval, polls=args.polls, encoding=args.encoding,
                      on_refresh=refresh)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from . import reports

    if args.list:
        for report in reports.catalogue():
            print(f"{report.name:36} {report.description}")
        return EXIT_OK
    try:
        time_from = reports.parse_time("--from", args.time_from)
        time_to = reports.parse_time("--to", args.time_to)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.logs and args.dsn:
        raise UserError("give either --log FILE (offline, embedded engine) or --dsn (the database), not both")
    if args.html:
        return _cmd_dashboard(args, time_from, time_to)
    if not args.name:
        raise UserError("give a report name, or --list to see them")
    if not args.logs and not args.dsn:
        raise UserError("give --log FILE (offline, embedded engine) or --dsn (the database)")
    try:
        report = reports.find(args.name)
        statements = reports.statements(report, settings_from(args), time_from=time_from, time_to=time_to)
    except (KeyError, ValueError) as exc:
        raise UserError(str(exc.args[0])) from None
    if args.dsn:
        from .report_online import run_report

        return run_report(args, statements)
    engine = _engine(args, statements)
    from .report_source import engine_batches, write_report
    from .engine.session import EngineError

    try:
        # canonical values (report_source): the same text as the --dsn path for the same data
        write_report(engine_batches(engine), statements, args.format, sys.stdout.write)
    except EngineError as exc:
        raise UserError(str(exc)) from None
    return EXIT_OK


def _cmd_dashboard(args: argparse.Namespace, time_from: Optional[dt.datetime], time_to: Optional[dt.datetime]) -> int:
    from . import dashboard

    if args.name:
        raise UserError("--html writes the dashboard; give no report name with it")
    if not args.logs and not args.dsn:
        raise UserError("give --log FILE (offline, embedded engine) or --dsn (the database) for the dashboard")
    settings = settings_from(args)
    try:
        scripts = dashboard.report_scripts(settings, time_from, time_to)
    except (KeyError, ValueError) as exc:
        raise UserError(str(exc.args[0])) from None
    if args.dsn:
        from .report_online import run_dashboard

        return run_dashboard(args, time_from, time_to)
    engine = _engine(args, list(scripts.values()))
    from .engine.session import EngineError
    from .report_source import as_query, engine_batches

    try:
        data = dashboard.gather(as_query(engine_batches(engine)), settings,
                                sources=engine.stats.sources if engine.stats else [],
                                lines=engine.stats.lines if engine.stats else 0,
                                alerts=_offline_alerts(engine, time_from, time_to),
                                time_from=time_from, time_to=time_to)
    except EngineError as exc:
        raise UserError(str(exc)) from None
    from .report_online import write_dashboard

    return write_dashboard(dashboard.render(data), Path(args.html))


def _offline_alerts(engine: Any, time_from: Optional[dt.datetime], time_to: Optional[dt.datetime]) -> list:
    """What the alert job would raise over the loaded log (lsnrmine.alerts.evaluate, a fresh
    store), overlapping the period, latest first: the dashboard's alert list offline."""
    from . import alerts, dashboard
    from .engine.session import EngineError

    try:
        result = alerts.evaluate(engine, alerts.AlertStore())
    except (alerts.AlertError, EngineError) as exc:
        print(f"lsnrmine: alert rules not evaluated, the page has no alert list: {exc}", file=sys.stderr)
        return []
    shown = [a for a in result.touched
             if (time_from is None or a.last_time >= time_from) and (time_to is None or a.first_time < time_to)]
    shown.sort(key=lambda a: (a.last_time, a.alert_id), reverse=True)
    return [dashboard.alert_entry(a.rule_id, a.severity, a.first_time, a.last_time, a.alert_key, a.cnt, a.status,
                                  a.evidence) for a in shown[:dashboard.MAX_ALERTS]]


def register(commands: Any, settings_parent: argparse.ArgumentParser) -> None:
    sql = commands.add_parser(
        "sql", parents=[settings_parent], help="run Oracle-dialect SQL on log files, offline",
        description="Load listener logs into the embedded engine (tables listener_log and "
        "listener_log_lines, the function parse_listener_log_line and lsnrmine's views) and run an "
        "Oracle-dialect query, e.g. one of the article's. QUERY may be @script.sql.",
    )
    sql.add_argument("query", metavar="QUERY", help="SQL text, or @FILE for a SQL*Plus script")
    _input_options(sql, required=True)
    live = sql.add_argument_group("live view")
    live.add_argument("--follow", action="store_true",
                      help="keep reading lines appended to the log files and re-run the query (Ctrl-C stops)")
    live.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                      help="seconds between two reads with --follow (default 2)")
    live.add_argument("--polls", type=int, default=0, metavar="N",
                      help="stop after N reads with --follow (default 0: until Ctrl-C)")
    sql.set_defaults(handler=_cmd_sql)

    from .cli_db import CONNECTION_HELP, _connection_parent

    report = commands.add_parser(
        "report", parents=[settings_parent, _connection_parent()], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run a shipped report on log files (offline) or on the database",
        description="Run one of lsnrmine's reports (see --list) on listener logs with the embedded engine "
        "(--log), or on the installed objects in the database as the owner schema (--dsn): the same "
        "statements as the SQL*Plus scripts, the same output for the same events.",
        epilog=CONNECTION_HELP,
    )
    report.add_argument("name", nargs="?", metavar="NAME", help="report name (see --list)")
    report.add_argument("--list", action="store_true", help="list the reports and exit")
    report.add_argument("--from", dest="time_from", metavar="'YYYY-MM-DD[ HH:MI:SS]'",
                        help="only rows at or after this time (on the report's time column)")
    report.add_argument("--to", dest="time_to", metavar="'YYYY-MM-DD[ HH:MI:SS]'",
                        help="only rows before this time (exclusive)")
    report.add_argument("--html", metavar="OUT.html",
                        help="write the HTML dashboard (one self-contained file) instead of a report")
    _input_options(report, required=False)
    report.set_defaults(handler=_cmd_report)
