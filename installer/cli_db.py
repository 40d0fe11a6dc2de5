"""Commands that need a database: install, verify, status, uninstall (the Installer issue fills them in)."""

from __future__ import annotations

import argparse
from typing import Any, Callable

from .cli import EXIT_FAILURE, UserError, settings_from


def _not_yet(command: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        settings_from(args)  # settings are still validated before anything else
        raise UserError(
            f"lsnrmine {command}: not available in this version; use `lsnrmine render` and run the scripts with SQL*Plus",
            exit_code=EXIT_FAILURE,
        )

    return handler


def register(commands: Any, settings_parent: argparse.ArgumentParser) -> None:
    for name, text in (
        ("install", "install or upgrade the objects in a database"),
        ("verify", "check every installed object, job and log file"),
        ("status", "one-screen summary of an installation"),
        ("uninstall", "drop every object lsnrmine owns"),
    ):
        sub = commands.add_parser(name, parents=[settings_parent], help=text, description=text + ".")
        sub.set_defaults(handler=_not_yet(name))
