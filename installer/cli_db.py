"""Commands that need a database: install, verify, status, uninstall.

Order in every handler: settings are validated first (a bad value exits 2 before any
connection is attempted), then ``--dry-run`` prints and exits without connecting, then the
passwords are read (environment or prompt), then the connections are opened.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .cli import EXIT_FAILURE, EXIT_OK, UserError, settings_from

PHASES = ("admin", "owner", "all")

CONNECTION_HELP = """\
connections:
  phase admin connects as the --user account (a DBA such as SYSTEM; or LSNRMINE_USER) with the
  password from LSNRMINE_PASSWORD, else a prompt; --sysdba connects it AS SYSDBA.
  phase owner, verify and status connect as the owner schema (--schema, default LSNRMINE) with
  LSNRMINE_OWNER_PASSWORD, else a prompt. With create_schema = true phase admin creates the owner
  with that same password.
  A DBA can run `--phase admin` alone (as SYSTEM) and the owner `--phase owner` later; --phase all
  (the default) runs both and needs both passwords.
  The DSN is --dsn or LSNRMINE_DSN: Easy Connect (host:1521/service) or a tnsnames.ora alias in
  --tns-admin. --wallet-dir holds ewallet.pem for TLS (password, if any: LSNRMINE_WALLET_PASSWORD);
  in python-oracledb Thin mode a wallet does not replace the database password.
  Passwords are never flags, never printed, never written into scripts. Without a terminal and
  without the variable, lsnrmine stops with exit code 2.
exit codes: 0 done, 1 failed (preflight problems, a failed statement, cannot connect), 2 usage or settings.
"""


def _connection_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection (passwords come from the environment or a prompt, never from flags)")
    group.add_argument("--dsn", help="Easy Connect string host:port/service, or a TNS alias (default: LSNRMINE_DSN)")
    group.add_argument("--user", help="the DBA account of phase admin (default: LSNRMINE_USER); "
                       "its password: LSNRMINE_PASSWORD or a prompt")
    group.add_argument("--sysdba", action="store_true", help="connect the --user account AS SYSDBA")
    group.add_argument("--tns-admin", dest="tns_admin", metavar="DIR", help="folder holding tnsnames.ora (python-oracledb config_dir)")
    group.add_argument("--wallet-dir", dest="wallet_dir", metavar="DIR",
                       help="folder holding ewallet.pem for TLS (python-oracledb wallet_location)")
    return parent


def _phases(phase: str, *, reverse: bool = False) -> tuple[str, ...]:
    if phase == "all":
        return ("owner", "admin") if reverse else ("admin", "owner")
    return (phase,)


def _admin_credentials(options: Any) -> Any:
    from .connect import ENV_PASSWORD, Credentials, read_password

    if not options.user:
        raise UserError("phase admin connects as a DBA account: give --user (or set LSNRMINE_USER); "
                        "or run --phase owner as the owner")
    password = read_password(ENV_PASSWORD, f"Password for {options.user} on {options.dsn}: ")
    return Credentials(options.user, password, options.sysdba)


def _owner_credentials(args: argparse.Namespace, settings: Any, options: Any) -> Any:
    from .connect import ENV_OWNER_PASSWORD, Credentials, read_password

    explicit_user = getattr(args, "user", None)
    if explicit_user and explicit_user.upper() != settings.schema and getattr(args, "phase", "owner") == "owner":
        raise UserError(f"--phase owner connects as the owner {settings.schema}, not {explicit_user}: "
                        f"drop --user and set LSNRMINE_OWNER_PASSWORD")
    password = read_password(ENV_OWNER_PASSWORD, f"Password for the owner {settings.schema} on {options.dsn}: ")
    return Credentials(settings.schema, password, False)


def _secrets(*credentials: Any) -> tuple[str, ...]:
    return tuple(c.password for c in credentials if c is not None and c.password)


def _fail(message: str, secrets: tuple[str, ...]) -> None:
    from .connect import one_line

    print(f"lsnrmine: {one_line(message, secrets)}", file=sys.stderr)


def _run_guarded(work: Any, secrets: tuple[str, ...]) -> int:
    """Run ``work()``; turn the installer's failures into the report the DBA reads (exit 1)."""
    import oracledb

    from .install import InstallFailed, PreflightFailed

    try:
        return work()
    except PreflightFailed as exc:
        _fail(f"{exc.phase} phase preflight failed, nothing was created; fix these and run again:", secrets)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILURE
    except InstallFailed as exc:
        _fail(f"{exc.phase} phase failed: {exc.reason}", secrets)
        if exc.done:
            print("done before the failure:", file=sys.stderr)
            for line in exc.done:
                print(f"  {line}", file=sys.stderr)
        else:
            print("nothing was created or changed in this phase", file=sys.stderr)
        for note in exc.notes:
            print(f"note: {note}", file=sys.stderr)
        print("fix the cause and run the command again (existing objects are replaced or kept), "
              "or remove everything with `lsnrmine uninstall`", file=sys.stderr)
        return EXIT_FAILURE
    except oracledb.Error as exc:
        _fail(f"database error: {exc}", secrets)
        return EXIT_FAILURE


def _cmd_install(args: argparse.Namespace) -> int:
    from .connect import check_new_password, connect, options_from
    from .install import Installer, dry_run_install

    settings = settings_from(args)
    if args.dry_run:
        sys.stdout.write(dry_run_install(settings, args.phase, force=args.force))
        return EXIT_OK
    options = options_from(args)
    phases = _phases(args.phase)
    admin = _admin_credentials(options) if "admin" in phases else None
    owner = None
    if "owner" in phases or settings.create_schema:
        owner = _owner_credentials(args, settings, options)
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

    return _run_guarded(work, _secrets(admin, owner))


def _cmd_uninstall(args: argparse.Namespace) -> int:
    from .connect import connect, options_from
    from .install import Installer, dry_run_uninstall

    settings = settings_from(args)
    if args.dry_run:
        sys.stdout.write(dry_run_uninstall(settings, args.phase, args.keep_data, force=args.force))
        return EXIT_OK
    options = options_from(args)
    phases = _phases(args.phase, reverse=True)
    owner = _owner_credentials(args, settings, options) if "owner" in phases else None
    admin = _admin_credentials(options) if "admin" in phases else None
    installer = Installer(settings, force=args.force)

    def work() -> int:
        for phase in phases:
            credentials = owner if phase == "owner" else admin
            print(f"== uninstall phase {phase} as {credentials.user} on {options.dsn}")
            with connect(options, credentials) as conn:
                installer.uninstall(conn, phase, args.keep_data)
        print(f"lsnrmine: uninstall ({args.phase}) complete")
        return EXIT_OK

    return _run_guarded(work, _secrets(admin, owner))


def _owner_session(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from .connect import options_from

    settings = settings_from(args)
    options = options_from(args)
    explicit_user = getattr(args, "user", None)
    if explicit_user and explicit_user.upper() != settings.schema:
        raise UserError(f"{args.command} connects as the owner {settings.schema}, not {explicit_user}: "
                        "drop --user and set LSNRMINE_OWNER_PASSWORD")
    return settings, options, _owner_credentials(args, settings, options)


def _cmd_verify(args: argparse.Namespace) -> int:
    from .connect import connect
    from .verify import run_verify

    settings, options, owner = _owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            return run_verify(conn, settings)

    return _run_guarded(work, _secrets(owner))


def _cmd_status(args: argparse.Namespace) -> int:
    from .connect import connect
    from .verify import run_status

    settings, options, owner = _owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            return run_status(conn, settings, options.dsn)

    return _run_guarded(work, _secrets(owner))


def register(commands: Any, settings_parent: argparse.ArgumentParser) -> None:
    connection = _connection_parent()
    formatter = argparse.RawDescriptionHelpFormatter

    install = commands.add_parser(
        "install", parents=[settings_parent, connection], formatter_class=formatter,
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
        "uninstall", parents=[settings_parent, connection], formatter_class=formatter,
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

    for name, text, handler in (
        ("verify", "check every installed object, job and log file; exit 1 with one line per problem and its fix",
         _cmd_verify),
        ("status", "one-screen summary of an installation", _cmd_status),
    ):
        sub = commands.add_parser(name, parents=[settings_parent, connection], formatter_class=formatter,
                                  help=text, description=text + ". Connects as the owner schema.",
                                  epilog=CONNECTION_HELP)
        sub.set_defaults(handler=handler)
