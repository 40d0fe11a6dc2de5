"""What the commands share: the option groups (settings, connection, offline input), settings from
the flags, the owner session and the guarded run of the database commands, the one way to open
the embedded engine, and the one parser of date-time arguments."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
from typing import Any, Callable, Iterator, Optional, Sequence

from ..connect import (ENV_OWNER_PASSWORD, ENV_PASSWORD, ConnectOptions, Credentials, one_line, options_from,
                       read_password)
from ..engine import reading
from ..errors import EXIT_FAILURE, UserError
from ..install import InstallFailed, PreflightFailed
from ..output import FORMATS
from ..settings import Settings, load_settings

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

#: the metavar of every date-time argument (--now, --since, --from, --to); see parse_datetime
DATETIME_METAVAR = "'YYYY-MM-DD[ HH:MI:SS]'"
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


# -- option groups ------------------------------------------------------------------------------
def settings_options() -> argparse.ArgumentParser:
    """The settings flags every command takes (a parent parser)."""
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


def connection_options() -> argparse.ArgumentParser:
    """The connection flags of the commands that reach a database (a parent parser)."""
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


def input_options(parser: argparse.ArgumentParser, *, title: str = "input (offline, embedded engine)",
                  required: bool = False) -> Any:
    """The input group of the commands that run the embedded engine (sql, report, alerts):
    --log, --encoding, --now, --quiet, --memory-limit. Returns the group: a command adds its own
    input options to it."""
    group = parser.add_argument_group(title)
    group.add_argument("--log", dest="logs", action="append", metavar="FILE", required=required,
                       help="listener log to read: a file, .gz, a glob (** for any folder depth), or - for stdin; repeat for several")
    group.add_argument("--encoding", default="utf-8",
                       help="character set of the log files (Python codec name; default utf-8, "
                       "invalid bytes replaced), e.g. shift_jis")
    group.add_argument("--now", metavar=DATETIME_METAVAR,
                       help="value of SYSDATE (default: the clock), to replay a log as of a time")
    group.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    group.add_argument("--memory-limit", metavar="SIZE",
                       help="memory the embedded engine may use before it spills to a temporary "
                       "directory: a share (50%%) or a size (800MB, the default); setting engine_memory_limit")
    return group


def format_option(group: Any) -> None:
    group.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")


# -- settings, date-times -----------------------------------------------------------------------
def settings_from(args: argparse.Namespace, *, engine_memory_limit: Optional[str] = None) -> Settings:
    """The settings: defaults < config file < LSNRMINE_* variables < the flags (SettingError: exit 2)."""
    cli_values = {
        "schema": args.schema,
        "directory": args.directory,
        "log_dir": args.log_dir,
        "log_files": tuple(args.log_files) if args.log_files else None,
        "date_language": args.date_language,
        "prefix": args.prefix,
        "engine_memory_limit": engine_memory_limit,
    }
    return load_settings(cli_values, config_path=args.config)


def parse_datetime(option: str, value: Optional[str]) -> Optional[dt.datetime]:
    """A date-time argument: 'YYYY-MM-DD[ HH:MI[:SS]]' (or with T); None when not given."""
    if value is None or value == "":
        return None
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    raise UserError(f"{option} {value!r}: use 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MI:SS'")


# -- the embedded engine ------------------------------------------------------------------------
@contextlib.contextmanager
def engine_errors() -> Iterator[None]:
    """The engine's one-line errors (a bad query, unusable input) as the user's error, exit 2."""
    from ..engine.session import EngineError  # duckdb: loaded only by the commands that run the engine

    try:
        yield
    except EngineError as exc:
        raise UserError(str(exc)) from None


def open_engine(args: argparse.Namespace, statements: Sequence[str], *, rerun: bool = False,
                audit_csv: Optional[str] = None, unified_audit_csv: Optional[str] = None) -> Any:
    """The embedded engine loaded with ``--log`` for ``statements`` (translated before any input is
    read: a query the engine cannot run fails first); its load statistics on stderr. ``rerun``: the
    statements run again on changed lines (``sql --follow``)."""
    from ..engine.session import OfflineEngine  # duckdb: loaded only by the commands that run the engine

    settings = settings_from(args, engine_memory_limit=args.memory_limit)
    now = parse_datetime("--now", args.now)
    with engine_errors():
        engine = OfflineEngine.for_statements(settings, args.logs, statements, encoding=args.encoding, now=now,
                                              progress=False if args.quiet else None, rerun=rerun)
        if audit_csv:
            engine.load_audit_csv(audit_csv)
        if unified_audit_csv:
            engine.load_unified_audit_csv(unified_audit_csv)
    report_load(engine.stats)
    with engine_errors():
        report_hints(engine, statements, encoding=args.encoding, audit_csv=audit_csv,
                     unified_audit_csv=unified_audit_csv)
    return engine


def progress_ticker(args: argparse.Namespace) -> reading.Ticker:
    """The status line of a long offline command (``with progress_ticker(args):``): on stderr when it
    is a terminal, none with --quiet; it says what is done, MB read of the ``--log`` inputs'
    total, the events and the elapsed time once the work has run ``reading.TICKER_DELAY`` seconds."""
    total = 0
    for path in getattr(args, "logs", None) or ():
        try:
            total += sum(os.path.getsize(p) for p in reading.resolve_paths([path]) if p != "-")
        except (reading.LoadError, OSError):
            pass  # the load names the problem
    return reading.Ticker(not args.quiet and sys.stderr.isatty(), total or None)


def report_load(stats: Any) -> None:
    """What a load leaves out or keeps that the user should know, one line each on stderr. A
    log.xml source is not counted: its lines are XML, never listener_log rows (report_hints)."""
    reading.clear_line()
    text = [f for f in stats.files if not is_xml_source(f.source)]
    rejected = sum(f.rejected or 0 for f in text)
    if rejected:
        lines = sum(f.lines or 0 for f in text)
        too_long = sum(f.too_long for f in text)
        if too_long:
            print(f"lsnrmine: {rejected} of {lines} lines rejected from listener_log: {too_long} with a field over "
                  f"4,000 bytes (CHAR(4000), as ORACLE_LOADER rejects them), {rejected - too_long} not a dated "
                  "log record (banners, headers, error lines, bad dates); all lines are in listener_log_lines",
                  file=sys.stderr)
        else:
            print(f"lsnrmine: {rejected} of {lines} lines rejected from listener_log "
                  "(not a dated log record: banners, headers, error lines, bad dates); "
                  "all lines are in listener_log_lines", file=sys.stderr)
    if stats.nul_bytes:
        print(f"lsnrmine: {stats.nul_bytes} NUL bytes in the input (kept in the text)", file=sys.stderr)


def is_xml_source(source: str) -> bool:
    """An ADR log.xml (or a segment log_<n>.xml): the same rule as views/events.sql."""
    return source.lower().endswith(".xml")


#: a line that starts like a dated record: DD-MON-YYYY HH24:MI:SS, the month in any language or
#: character set (group 1); the Japanese month is padded with a blank (14-1月 -2012)
_DATED_LOOKING = r"^[ \t]*[0-9]{1,2}-([^-* \t]+)[ ]*-[0-9]{4}[ \t]+[0-9]{1,2}:[0-9]{2}:[0-9]{2}"


def report_hints(engine: Any, statements: Sequence[str], *, encoding: str, audit_csv: Optional[str],
                 unified_audit_csv: Optional[str]) -> None:
    """One line on stderr for each input the command probably lacks or misreads: log.xml sources
    when the statements read listener_log, no dated row at all (the setting that probably fixes
    it), an audit trail read without its CSV export."""
    text = " ".join(statements).lower()
    stats = engine.stats
    xml = [f.source for f in stats.files if is_xml_source(f.source)]
    if xml and re.search(r"\blistener_log\b", text):
        print(f"lsnrmine: {', '.join(xml)}: ADR log.xml, whose records feed the events (lsnr_events, the reports, "
              "the alerts), not listener_log, which reads the text listener.log format; "
              "the lines are in listener_log_lines", file=sys.stderr)
    if any(f.rejected for f in stats.files if not is_xml_source(f.source)):
        hint = _date_hint(engine, encoding)
        if hint:
            print(f"lsnrmine: {hint}", file=sys.stderr)
    for hint in _audit_hints(text, engine.settings.prefix, audit_csv, unified_audit_csv):
        print(f"lsnrmine: {hint}", file=sys.stderr)


def _date_hint(engine: Any, encoding: str) -> Optional[str]:
    """When listener_log has no dated row although lines start like dated records: why (the
    month names of another date language, bytes of another character set) and the flag to pass."""
    from ..engine import dates  # lsnrmine.engine: loaded only by the commands that run the engine

    if engine.execute_duckdb("SELECT 1 FROM listener_log WHERE log_date IS NOT NULL LIMIT 1"):
        return None
    months = engine.execute_duckdb(
        "SELECT regexp_extract(line, ?, 1) AS month, count(*) AS n FROM listener_log_lines "
        "WHERE regexp_matches(line, ?) AND NOT lower(source) LIKE '%.xml' GROUP BY month ORDER BY n DESC, month",
        [_DATED_LOOKING, _DATED_LOOKING])
    if not months:
        return None
    lines = sum(n for _, n in months)
    language = engine.settings.date_language
    shown = ", ".join(repr(m) for m, _ in months[:3])
    said = f"none of the {lines} lines that start with a date converted (months {shown})"
    if any("\ufffd" in m for m, _ in months):
        return (f"{said}, no row or event has a time: their bytes are not {encoding}; pass --encoding with the "
                "log's character set "
                "(e.g. shift_jis or euc_jp for a Japanese log, cp1252 for a Western one), and --date-language "
                "if its month names are not English")
    fits = [lang for lang in sorted(dates.DATE_LANGUAGES)
            if lang != "ENGLISH" and all(m.upper() in dates.month_names(lang) for m, _ in months)]
    said = f"{said} with date_language {language}, no row or event has a time"
    if fits:
        return f"{said}: pass --date-language {' or '.join(fits)}"
    return (f"{said}: pass --date-language with the log's NLS date language "
            f"(one of {', '.join(sorted(dates.DATE_LANGUAGES))}), or --encoding if it is not {encoding}")


def _audit_hints(text: str, prefix: str, audit_csv: Optional[str], unified_audit_csv: Optional[str]) -> list[str]:
    """The audit trail a statement reads that is empty offline (no CSV export given)."""
    hints = []
    if not audit_csv and re.search(r"\bdba_audit_trail\b", text):
        hints.append("the query reads DBA_AUDIT_TRAIL, empty offline: give --audit-csv FILE, a CSV export of "
                     "DBA_AUDIT_TRAIL (the article's audit joins match its logons to the listener's connects)")
    if not unified_audit_csv and re.search(r"\bunified_audit_trail\b", text):
        hints.append("the query reads UNIFIED_AUDIT_TRAIL, empty offline: give --unified-audit-csv FILE, "
                     "a CSV export of its logons (docs/audit.md)")
    if not (audit_csv or unified_audit_csv) and re.search(
            rf"\b{re.escape(prefix.lower())}audit_(?:unified_|traditional_)?match\b", text):
        hints.append("the audit match views read the audit trails, empty offline: give --unified-audit-csv FILE "
                     "or --audit-csv FILE (CSV exports of the logons, docs/audit.md); without one no connect has "
                     "a matching logon")
    return hints


# -- the database commands ----------------------------------------------------------------------
def admin_credentials(options: ConnectOptions) -> Credentials:
    if not options.user:
        raise UserError("phase admin connects as a DBA account: give --user (or set LSNRMINE_USER); "
                        "or run --phase owner as the owner")
    password = read_password(ENV_PASSWORD, f"Password for {options.user} on {options.dsn}: ")
    return Credentials(options.user, password, options.sysdba)


def owner_credentials(args: argparse.Namespace, settings: Settings, options: ConnectOptions) -> Credentials:
    explicit_user = getattr(args, "user", None)
    if explicit_user and explicit_user.upper() != settings.schema and getattr(args, "phase", "owner") == "owner":
        raise UserError(f"--phase owner connects as the owner {settings.schema}, not {explicit_user}: "
                        f"drop --user and set LSNRMINE_OWNER_PASSWORD")
    password = read_password(ENV_OWNER_PASSWORD, f"Password for the owner {settings.schema} on {options.dsn}: ")
    return Credentials(settings.schema, password, False)


def owner_session(args: argparse.Namespace) -> tuple[Settings, ConnectOptions, Credentials]:
    """Settings, connection options and the owner's credentials of a command that connects as
    the owner schema (verify, status, report/alerts --dsn)."""
    settings = settings_from(args)
    options = options_from(args)
    explicit_user = getattr(args, "user", None)
    if explicit_user and explicit_user.upper() != settings.schema:
        raise UserError(f"{args.command} connects as the owner {settings.schema}, not {explicit_user}: "
                        "drop --user and set LSNRMINE_OWNER_PASSWORD")
    return settings, options, owner_credentials(args, settings, options)


def secrets(*credentials: Optional[Credentials]) -> tuple[str, ...]:
    """The passwords an error text must not show."""
    return tuple(c.password for c in credentials if c is not None and c.password)


def _fail(message: str, hidden: tuple[str, ...]) -> None:
    print(f"lsnrmine: {one_line(message, hidden)}", file=sys.stderr)


def run_guarded(work: Callable[[], int], hidden: tuple[str, ...]) -> int:
    """Run ``work()``; turn the installer's failures and database errors into the report the DBA
    reads (exit 1), with the ``hidden`` secrets masked."""
    import oracledb  # a heavy import, paid only by the commands that connect

    try:
        return work()
    except PreflightFailed as exc:
        _fail(f"{exc.phase} phase preflight failed, nothing was created; fix these and run again:", hidden)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILURE
    except InstallFailed as exc:
        _fail(f"{exc.phase} phase failed: {exc.reason}", hidden)
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
        _fail(f"database error: {exc}", hidden)
        return EXIT_FAILURE
