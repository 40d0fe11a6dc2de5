"""The ``lsnrmine`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import __version__
from .identifiers import SettingError
from .settings import Settings, load_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
#: the reader of our standard output went away (``lsnrmine sql ... | head``): 128 + SIGPIPE, as a
#: shell reports a command killed by it
EXIT_BROKEN_PIPE = 141


class UserError(Exception):
    """An error with a one-line message for the user (exit code 2 unless given)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _settings_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("settings (override lsnrmine.toml and LSNRMINE_* variables)")
    group.add_argument("--config", metavar="FILE", help="settings file (default: ./lsnrmine.toml if present)")
    group.add_argument("--schema", help="owner schema of the lsnrmine objects (default LSNRMINE)")
    group.add_argument("--directory", help="directory object over the log folder (default LISTENER_LOG_DIR)")
    group.add_argument("--log-dir", dest="log_dir", metavar="PATH",
                       help="absolute path of the listener log folder on the database server")
    group.add_argument("--log-file", dest="log_files", action="append", metavar="NAME",
                       help="log file name in that folder; repeat for rotated segments (default listener.log)")
    group.add_argument("--date-language", dest="date_language", metavar="LANG",
                       help="NLS date language of the log's month names (default AMERICAN)")
    group.add_argument("--prefix", help="name prefix of lsnrmine's own objects (default LSNR_)")
    return parent


def settings_from(args: argparse.Namespace) -> Settings:
    cli_values = {
        "schema": args.schema,
        "directory": args.directory,
        "log_dir": args.log_dir,
        "log_files": tuple(args.log_files) if args.log_files else None,
        "date_language": args.date_language,
        "prefix": args.prefix,
        "engine_memory_limit": getattr(args, "memory_limit", None),  # offline commands only
    }
    return load_settings(cli_values, config_path=args.config)


def _cmd_render(args: argparse.Namespace) -> int:
    from .render import render_scripts, write_scripts

    settings = settings_from(args)
    if args.stdout:
        scripts = render_scripts(settings, force=args.force)
        for file_name, text in scripts.items():
            sys.stdout.write(f"-- ===== {file_name} =====\n{text}\n")
        return EXIT_OK
    out_dir = Path(args.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: exists and is not a directory; give a directory path")
    written = write_scripts(settings, out_dir, force=args.force)
    print(f"wrote {len(written)} files to {out_dir}: run install_admin.sql as a DBA, then install.sql as {settings.schema}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    settings_parent = _settings_parent()
    parser = argparse.ArgumentParser(
        prog="lsnrmine",
        description="Mine the Oracle TNS listener log: render and install the database objects, "
        "or analyse log files offline on an embedded engine.",
    )
    parser.add_argument("--version", action="version", version=f"lsnrmine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    render = commands.add_parser(
        "render", parents=[settings_parent],
        help="write the SQL*Plus install/uninstall scripts",
        description="Write install_admin.sql (phase 1, a DBA), install.sql (phase 2, the owner), the uninstall "
        "scripts and one file per object: exactly the statements `lsnrmine install` executes.",
    )
    target = render.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="DIR", help="folder to write the scripts into")
    target.add_argument("--stdout", action="store_true", help="print every script to standard output")
    render.add_argument("--force", action="store_true",
                        help="scripts that repoint/drop an existing directory object pointing at another folder")
    render.set_defaults(handler=_cmd_render)

    from . import cli_alerts, cli_db, cli_offline

    cli_db.register(commands, settings_parent)
    cli_offline.register(commands, settings_parent)
    cli_alerts.register(commands, settings_parent)
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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SettingError as exc:
        print(f"lsnrmine: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(f"lsnrmine: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lsnrmine: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # nothing to report: the reader stopped reading. Point stdout at /dev/null so that the
        # interpreter's final flush does not fail again (Python docs, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
