"""``lsnrmine alerts``: offline (``--log``: the rules on the embedded engine, what the alert job
would raise) or online (``--dsn``: list LSNR_ALERTS, acknowledge one with ``--ack``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Optional

from .cli import EXIT_OK, UserError, settings_from
from .output import FORMATS, format_rows

_SEVERITIES = ("info", "low", "medium", "high", "critical")


def _since(text: Optional[str]) -> Optional[dt.datetime]:
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise UserError(f"--since {text!r}: use 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MI:SS'")


def _now(text: Optional[str]) -> Optional[dt.datetime]:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise UserError(f"--now {text!r}: use the form 'YYYY-MM-DD HH:MI:SS'") from None


def _load_engine(args: argparse.Namespace, now: Optional[dt.datetime]) -> Any:
    """The embedded engine loaded with the logs (and their events)."""
    from .engine.session import OfflineEngine

    engine = OfflineEngine(settings_from(args), now=now)
    stats = engine.load(args.logs, encoding=args.encoding, progress=False if args.quiet else None)
    if getattr(stats, "nul_bytes", 0):
        print(f"lsnrmine: {stats.nul_bytes} NUL bytes in the input were replaced", file=sys.stderr)
    return engine


def _filter(alerts: list[Any], args: argparse.Namespace) -> list[Any]:
    from .alerts import severity_rank

    since = _since(args.since)
    rules = {r.upper() for r in args.rules or ()}
    floor = severity_rank(args.severity) if args.severity else 0
    return [a for a in alerts
            if (since is None or a.last_time >= since)
            and (not rules or a.rule_id in rules)
            and severity_rank(a.severity) >= floor]


def _cmd_offline(args: argparse.Namespace) -> int:
    from . import alerts
    from .engine.session import EngineError

    if args.ack is not None:
        raise UserError("--ack works on the database (--dsn); offline alerts live in the --state file")
    try:
        overrides = alerts.parse_rule_overrides(args.rule_set or ())
        state = Path(args.state) if args.state else None
        if state is not None and state.is_dir():
            raise UserError(f"--state {state}: is a directory; give a file path")
        store = alerts.AlertStore.load(state)
        now = _now(args.now)
        engine = _load_engine(args, now)
        result = alerts.evaluate(engine, store, now=now, overrides=overrides)
        if state is not None:
            store.save(state)
    except alerts.AlertError as exc:
        raise UserError(str(exc)) from None
    except EngineError as exc:
        raise UserError(str(exc)) from None
    for rule in result.failed_rules:
        print(f"lsnrmine: rule {rule} failed on the embedded engine (reported as a HEALTH alert)", file=sys.stderr)
    shown = _filter(result.touched, args)
    shown.sort(key=lambda a: (a.first_time, a.alert_id))
    sys.stdout.write(format_rows(alerts.DISPLAY_COLUMNS, alerts.display_rows(shown), args.format))
    return EXIT_OK


_LIST_SQL = """select alert_id, rule_id, severity, alert_key, cnt, first_time, last_time, status, evidence
  from {alerts}
 where (:since is null or last_time >= :since)
   and (:rule is null or instr(:rule, ',' || rule_id || ',') > 0)
   and case severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end
       >= :floor
 order by last_time desc, alert_id desc
 fetch first :max_rows rows only"""


def _cmd_online(args: argparse.Namespace) -> int:
    from . import alerts
    from . import identifiers as ids
    from .cli_db import _owner_session, _run_guarded, _secrets
    from .connect import connect

    settings, options, owner = _owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            with conn.cursor() as cursor:
                if args.ack is not None:
                    package = ids.quote_identifier(settings.object_name("ALERT_PKG"))
                    cursor.callproc(f"{package}.acknowledge", [args.ack])
                    print(f"alert {args.ack} acknowledged")
                    return EXIT_OK
                rules = "," + ",".join(r.upper() for r in args.rules) + "," if args.rules else None
                cursor.execute(_LIST_SQL.format(alerts=ids.quote_identifier(settings.object_name("ALERTS"))),
                               since=_since(args.since), rule=rules,
                               floor=alerts.severity_rank(args.severity) if args.severity else 0,
                               max_rows=args.limit)
                rows = [alerts.Alert(r[0], r[1], r[2], r[3], r[5], r[6], int(r[4]), None, r[8] or "", r[7])
                        for r in cursor.fetchall()]
        sys.stdout.write(format_rows(alerts.DISPLAY_COLUMNS, alerts.display_rows(rows), args.format))
        return EXIT_OK

    return _run_guarded(work, _secrets(owner))


def _cmd_alerts(args: argparse.Namespace) -> int:
    if args.logs and args.dsn:
        raise UserError("give either --log FILE (offline) or --dsn (the database), not both")
    if args.logs:
        return _cmd_offline(args)
    if args.dsn or args.ack is not None:
        return _cmd_online(args)
    settings_from(args)
    raise UserError("give --log FILE to evaluate the rules offline, or --dsn to list the database's alerts")


def register(commands: Any, settings_parent: argparse.ArgumentParser) -> None:
    from .cli_db import _connection_parent
    from .cli_offline import add_memory_limit_option

    alerts = commands.add_parser(
        "alerts", parents=[settings_parent, _connection_parent()],
        help="evaluate the alert rules on log files, or list/acknowledge the database's alerts",
        description="Offline (--log): run the alert rules (LSNR_ALERT_RULES defaults, the same SQL as the "
        "alert job) on listener logs and print the alerts the job would raise; --state FILE keeps the "
        "alerts between runs so a continuing burst updates its alert. Online (--dsn): list LSNR_ALERTS, "
        "--ack ID acknowledges one. Keys and evidence are plain text: control, line-separator and bidi "
        "characters are shown as ?, values are cut to the job's byte limits and for display.",
    )
    group = alerts.add_argument_group("offline (embedded engine)")
    group.add_argument("--log", dest="logs", action="append", metavar="FILE",
                       help="listener log to evaluate: a file, .gz, a glob, or - for stdin; repeat for several")
    group.add_argument("--encoding", default="utf-8", help="character set of the log files (default utf-8)")
    group.add_argument("--now", metavar="'YYYY-MM-DD HH:MI:SS'", help="value of SYSDATE (default: the clock)")
    group.add_argument("--state", metavar="FILE",
                       help="JSON file holding the alerts between runs (created if missing)")
    group.add_argument("--rule-set", dest="rule_set", action="append", metavar="RULE.column=value",
                       help="change a rule for this run, as an UPDATE of LSNR_ALERT_RULES would "
                       "(columns enabled, threshold, window_minutes, severity, params)")
    group.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    add_memory_limit_option(group)
    filters = alerts.add_argument_group("filters and output")
    filters.add_argument("--since", metavar="'YYYY-MM-DD[ HH:MI:SS]'", help="alerts whose last event is at or after this time")
    filters.add_argument("--severity", choices=_SEVERITIES, help="this severity or higher")
    filters.add_argument("--rule", dest="rules", action="append", metavar="RULE_ID", help="only this rule; repeatable")
    filters.add_argument("--ack", type=int, metavar="ID", help="acknowledge alert ID in the database (with --dsn)")
    filters.add_argument("--limit", type=int, default=200, help="most rows listed from the database (default 200)")
    filters.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    alerts.set_defaults(handler=_cmd_alerts)
