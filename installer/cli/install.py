"""``lsnrmine install`` and ``lsnrmine uninstall``.

Order in both handlers: settings are validated first (a bad value exits 2 before any connection
is attempted), then ``--dry-run`` prints and exits without connecting, then the passwords are read
(environment or prompt), then the connections are opened.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..connect import check_new_password, connect, options_from
from ..errors import EXIT_OK
from ..install import Installer, dry_run_install, dry_run_uninstall
from .common import (CONNECTION_HELP, admin_credentials, connection_options, owner_credentials, run_guarded,
                     secrets, settings_from)

PHASES = ("admin", "owner", "all")


def _phases(phase: str, *, reverse: bool = False) -> tuple[str, ...]:
    if phase == "all":
        return ("owner", "admin") if reverse else ("admin", "owner")
    return (phase,)


def _cmd_install(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.dry_run:
        sys.stdout.write(dry_run_install(settings, args.phase, force=args.force))
        return EXIT_OK
    options = options_from(args)
    phases = _phases(args.phase)
    admin = admin_credentials(options) if "admin" in phases else None
    owner = None
    if "owner" in phases or settings.create_schema:
        owner = owner_credentials(args, settings, options)
        if settings.create_schema and "admin" in phases:
            check_new_password(owner.password)
    installer = Installer(settings, force=args.force)

    def work() -> int:
        if admin is not None:
            print(f"== phase admin as {admin.user}{' AS SYSDBA' if admin.sysdba else ''} on {options.dsn}")
            with connect(options, admin) as conn:
                installer.install_admin(conn, owner.password if (owner and settings.create_schema) else None)
        if "owner" in phases:
            print(f"== phase owner as {owner.user} on {options.dsn}")
            with connect(options, owner) as conn:
                installer.install_owner(conn)
        print(f"lsnrmine {installer.version}: install ({args.phase}) complete")
        return EXIT_OK

    return run_guarded(work, secrets(admin, owner))


def _cmd_uninstall(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.dry_run:
        sys.stdout.write(dry_run_uninstall(settings, args.phase, args.keep_data, force=args.force))
        return EXIT_OK
    options = options_from(args)
    phases = _phases(args.phase, reverse=True)
    owner = owner_credentials(args, settings, options) if "owner" in phases else None
    admin = admin_credentials(options) if "admin" in phases else None
    installer = Installer(settings, force=args.force)

    def work() -> int:
        if "admin" in phases and phases[0] != "admin":  # refuse before the owner phase drops anything
            with connect(options, admin) as conn:
                installer.preflight_uninstall_admin(conn)
        for phase in phases:
            credentials = owner if phase == "owner" else admin
            print(f"== uninstall phase {phase} as {credentials.user} on {options.dsn}")
            with connect(options, credentials) as conn:
                installer.uninstall(conn, phase, args.keep_data)
        print(f"lsnrmine: uninstall ({args.phase}) complete")
        return EXIT_OK

    return run_guarded(work, secrets(admin, owner))


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    connection = connection_options()
    formatter = argparse.RawDescriptionHelpFormatter

    install = commands.add_parser(
        "install", parents=[settings, connection], formatter_class=formatter,
        help="install or upgrade the objects in a database",
        description="Install or upgrade lsnrmine: preflight checks (nothing is created when one fails, every "
        "problem is listed), then phase admin (directory, grants, optionally the owner user) and phase owner "
        "(every object; tables only if missing, versioned ALTER steps on upgrade; one INSTALL_HISTORY row per "
        "run). Any invalid object afterwards fails the install.",
        epilog=CONNECTION_HELP,
    )
    install.add_argument("--phase", choices=PHASES, default="all",
                         help="admin: as a DBA (--user); owner: as the owner schema; all (default): both in turn")
    install.add_argument("--dry-run", dest="dry_run", action="store_true",
                         help="print the statements the run would execute (same text as `lsnrmine render`) without "
                         "connecting; the preflight queries, history rows, read probes and invalid-object check are "
                         "not printed, and the owner password stays a &lsnrmine_owner_password placeholder")
    install.add_argument("--force", action="store_true",
                         help="repoint an existing directory object of the configured name that points at another "
                         "folder (without it the admin phase stops and names it)")
    install.set_defaults(handler=_cmd_install)

    uninstall = commands.add_parser(
        "uninstall", parents=[settings, connection], formatter_class=formatter,
        help="drop every object lsnrmine owns",
        description="Drop exactly the objects of the manifest (jobs first, then reverse install order; absent "
        "objects are fine) and nothing else. Phase owner runs as the owner, phase admin as --user "
        "(revokes the grants, drops the directory; never drops the owner user).",
        epilog=CONNECTION_HELP,
    )
    uninstall.add_argument("--keep-data", dest="keep_data", action="store_true",
                           help="keep the tables that hold data (settings, install history, events, alerts)")
    uninstall.add_argument("--phase", choices=PHASES, default="all",
                           help="owner: the owner's objects; admin: directory and grants; all (default): owner then admin")
    uninstall.add_argument("--dry-run", dest="dry_run", action="store_true",
                           help="print the drop statements without connecting")
    uninstall.add_argument("--force", action="store_true",
                           help="drop the directory object even when it no longer points at log_dir")
    uninstall.set_defaults(handler=_cmd_uninstall)
