"""``lsnrmine sql``: Oracle-dialect SQL on log files, on the embedded engine (``--follow``: a live view)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import EXIT_OK, UserError
from ..follow import follow
from ..output import VisibleCsv, format_rows
from ..runner import ScriptError, split_script
from .common import engine_errors, format_option, input_options, open_engine, progress_ticker


class _Output:
    """stdout for the results: ``before`` (the status line's stop) runs at the first write."""

    def __init__(self, before: Optional[Callable[[], None]]) -> None:
        self._before = before

    def write(self, text: str) -> int:
        if self._before is not None:
            self._before()
            self._before = None
        return sys.stdout.write(text)


def run_statements(engine: Any, statements: list[str], fmt: str,
                   before_output: Optional[Callable[[], None]] = None) -> None:
    """Run ``statements`` on ``engine`` and write each result to stdout in ``fmt`` (csv streamed;
    every format with hidden characters made visible, lsnrmine.output.visible).
    ``before_output``: called once, before the first result text is written."""
    out = _Output(before_output)
    with engine_errors():
        for statement in statements:
            if fmt == "csv":  # streamed: memory flat whatever the result size
                engine.write_csv(statement, VisibleCsv(out.write))
                continue
            result = engine.query(statement)
            out.write(format_rows(result.columns, result.rows, fmt))


def _cmd_sql(args: argparse.Namespace) -> int:
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
    with progress_ticker(args) as ticker:
        engine = open_engine(args, statements, rerun=args.follow, audit_csv=args.audit_csv,
                             unified_audit_csv=args.unified_audit_csv)
        if args.follow:
            ticker.stop()
            return _follow(args, engine, statements)
        run_statements(engine, statements, args.format, before_output=ticker.stop)
    return EXIT_OK


def _follow(args: argparse.Namespace, engine: Any, statements: list[str]) -> int:
    """--follow: re-run the query whenever lines are appended (lsnrmine.follow)."""

    def refresh() -> None:
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[H\x1b[2J")  # clear the terminal: a live view
        sys.stdout.write(f"-- {time.strftime('%Y-%m-%d %H:%M:%S')} (Ctrl-C stops)\n")
        run_statements(engine, statements, args.format)
        sys.stdout.flush()

    try:
        with engine_errors():
            follow(engine, interval=args.interval, polls=args.polls, encoding=args.encoding, on_refresh=refresh)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return EXIT_OK


def audit_options(group: Any) -> None:
    """The audit trail exports the article's and lsnrmine's audit views read offline."""
    group.add_argument("--audit-csv", metavar="FILE",
                       help="CSV export of DBA_AUDIT_TRAIL for the article's audit joins")
    group.add_argument("--unified-audit-csv", metavar="FILE",
                       help="CSV export of UNIFIED_AUDIT_TRAIL logons for the audit views (docs/audit.md)")


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    sql = commands.add_parser(
        "sql", parents=[settings], help="run Oracle-dialect SQL on log files, offline",
        description="Load listener logs into the embedded engine (tables listener_log and "
        "listener_log_lines, the function parse_listener_log_line and lsnrmine's views) and run an "
        "Oracle-dialect query, e.g. one of the article's. QUERY may be @script.sql.",
    )
    sql.add_argument("query", metavar="QUERY", help="SQL text, or @FILE for a SQL*Plus script")
    group = input_options(sql, required=True)
    audit_options(group)
    format_option(group)
    live = sql.add_argument_group("live view")
    live.add_argument("--follow", action="store_true",
                      help="keep reading lines appended to the log files and re-run the query (Ctrl-C stops)")
    live.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                      help="seconds between two reads with --follow (default 2)")
    live.add_argument("--polls", type=int, default=0, metavar="N",
                      help="stop after N reads with --follow (default 0: until Ctrl-C)")
    sql.set_defaults(handler=_cmd_sql)
