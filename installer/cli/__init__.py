"""The ``lsnrmine`` command line: one module per command (render, install/uninstall,
verify/status, sql, report, alerts), their shared pieces in :mod:`lsnrmine.cli.common`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from .. import __version__
from ..errors import EXIT_BROKEN_PIPE, EXIT_USAGE, UserError
from ..identifiers import SettingError
from . import alerts, install, render, report, signals, sources, sql, verify
from .common import settings_options


def build_parser() -> argparse.ArgumentParser:
    settings = settings_options()
    parser = argparse.ArgumentParser(
        prog="lsnrmine",
        description="Mine the Oracle TNS listener log: render and install the database objects, "
        "or analyse log files offline on an embedded engine.",
    )
    parser.add_argument("--version", action="version", version=f"lsnrmine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for command in (render, install, verify, sql, report, alerts, sources):
        command.register(commands, settings)
    return parser


def _escape_unencodable_output() -> None:
    """Log text the terminal's encoding cannot show (a Japanese log on a Latin-1 terminal) is
    written as backslash escapes instead of stopping the command with UnicodeEncodeError;
    PYTHONIOENCODING=utf-8 keeps it as it is."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            reconfigure(errors="backslashreplace")


def main(argv: Optional[Sequence[str]] = None) -> int:
    _escape_unencodable_output()
    with signals.guarded() as guard:
        try:
            args = build_parser().parse_args(argv)
            return args.handler(args)
        except BaseException as exc:
            # Ctrl-C or SIGTERM, whatever it became on the way (DuckDB's "Query interrupted", an
            # engine error of the stopped query): one line and 128 + the signal, no traceback
            if not isinstance(exc, SystemExit) and guard.stopped_by(exc):
                return guard.report()
            return _failure(exc)


def _failure(exc: BaseException) -> int:
    """The exit status of a command that ended with ``exc`` (its one line on stderr); anything
    that is not the user's error is raised again."""
    if isinstance(exc, SettingError):
        print(f"lsnrmine: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, UserError):
        print(f"lsnrmine: {exc}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):
        # nothing to report: the reader stopped reading. Point stdout at /dev/null so that the
        # interpreter's final flush does not fail again (Python docs, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    raise exc
