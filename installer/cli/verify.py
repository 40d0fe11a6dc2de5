"""``lsnrmine verify`` and ``lsnrmine status``: read-only checks as the owner schema."""

from __future__ import annotations

import argparse
from typing import Any

from ..connect import connect
from ..verify import run_status, run_verify
from .common import CONNECTION_HELP, connection_options, owner_session, run_guarded, secrets


def _cmd_verify(args: argparse.Namespace) -> int:
    settings, options, owner = owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            return run_verify(conn, settings)

    return run_guarded(work, secrets(owner))


def _cmd_status(args: argparse.Namespace) -> int:
    settings, options, owner = owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            return run_status(conn, settings, options.dsn)

    return run_guarded(work, secrets(owner))


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    connection = connection_options()
    for name, text, handler in (
        ("verify", "check every installed object, job and log file; exit 1 with one line per problem and its fix",
         _cmd_verify),
        ("status", "one-screen summary of an installation (with [[sources]]: per node and source, the ingest jobs "
                   "and their instance affinity)", _cmd_status),
    ):
        sub = commands.add_parser(name, parents=[settings, connection], formatter_class=argparse.RawDescriptionHelpFormatter,
                                  help=text, description=text + ". Connects as the owner schema.",
                                  epilog=CONNECTION_HELP)
        sub.set_defaults(handler=handler)
