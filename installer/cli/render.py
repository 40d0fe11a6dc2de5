"""``lsnrmine render``: the SQL*Plus install/uninstall scripts, written or printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import EXIT_OK, UserError
from ..render import render_scripts, write_scripts
from ..settings import check_script_names
from .common import settings_from


def _cmd_render(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.stdout:
        scripts = render_scripts(settings, force=args.force)
        for file_name, text in scripts.items():
            sys.stdout.write(f"-- ===== {file_name} =====\n{text}\n")
        return EXIT_OK
    out_dir = Path(args.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: exists and is not a directory; give a directory path")
    check_script_names(settings)
    written = write_scripts(settings, out_dir, force=args.force)
    print(f"wrote {len(written)} files to {out_dir}: run install_admin.sql as a DBA, then install.sql as {settings.schema}")
    return EXIT_OK


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    render = commands.add_parser(
        "render", parents=[settings],
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
