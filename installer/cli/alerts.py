"""``lsnrmine alerts``: offline (``--log``: the rules on the embedded engine, what the alert job
would raise) or online (``--dsn``: list LSNR_ALERTS, acknowledge one with ``--ack``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import alerts
from .. import identifiers as ids
from ..connect import connect
from ..errors import EXIT_OK, UserError
from ..output import format_rows
from .common import (DATETIME_METAVAR, connection_options, engine_errors, format_option, input_options, open_engine,
                     owner_session, parse_datetime, progress_ticker, run_guarded, secrets, settings_from)


def _filter(found: list[alerts.Alert], args: argparse.Namespace) -> list[alerts.Alert]:
    since = parse_datetime("--since", args.since)
    rules = {r.upper() for r in args.rules or ()}
    floor = alerts.severity_rank(args.severity) if args.severity else 0
    return [a for a in found
            if (since is None or a.last_time >= since)
            and (not rules or a.rule_id in rules)
            and alerts.severity_rank(a.severity) >= floor]


def _cmd_offline(args: argparse.Namespace) -> int:
    if args.ack is not None:
        raise UserError("--ack works on the database (--dsn); offline alerts live in the --state file")
    try:
        overrides = alerts.parse_rule_overrides(args.rule_set or ())
        state = Path(args.state) if args.state else None
        if state is not None and state.is_dir():
            raise UserError(f"--state {state}: is a directory; give a file path")
        store = alerts.AlertStore.load(state)
        with progress_ticker(args):
            engine = open_engine(args, [])
            with engine_errors():
                result = alerts.evaluate(engine, store, now=parse_datetime("--now", args.now), overrides=overrides)
        if state is not None:
            store.save(state)
    except alerts.AlertError as exc:
        raise UserError(str(exc)) from None
    for rule in result.failed_rules:
        print(f"lsnrmine: rule {rule} failed on the embedded engine (reported as a HEALTH alert)", file=sys.stderr)
    shown = _filter(result.touched, args)
    shown.sort(key=lambda a: (a.first_time, a.alert_id))
    sys.stdout.write(format_rows(alerts.DISPLAY_COLUMNS, alerts.display_rows(shown, args.format == "table"),
                                 args.format))
    return EXIT_OK


_LIST_SQL = """select alert_id, rule_id, severity, alert_key, cnt, first_time, last_time, status, evidence,
       listener, host
  from {alerts}
 where (:since is null or last_time >= :since)
   and (:rule is null or instr(:rule, ',' || rule_id || ',') > 0)
   and (:severities is null or instr(:severities, ',' || severity || ',') > 0)
 order by last_time desc, alert_id desc
 fetch first :max_rows rows only"""


def _cmd_online(args: argparse.Namespace) -> int:
    settings, options, owner = owner_session(args)

    def work() -> int:
        with connect(options, owner) as conn:
            with conn.cursor() as cursor:
                if args.ack is not None:
                    package = ids.quote_identifier(settings.object_name("ALERT_PKG"))
                    cursor.callproc(f"{package}.acknowledge", [args.ack])
                    print(f"alert {args.ack} acknowledged")
                    return EXIT_OK
                rules = "," + ",".join(r.upper() for r in args.rules) + "," if args.rules else None
                severities = alerts.severities_from(args.severity)
                cursor.execute(_LIST_SQL.format(alerts=ids.quote_identifier(settings.object_name("ALERTS"))),
                               since=parse_datetime("--since", args.since), rule=rules,
                               severities="," + ",".join(severities) + "," if severities else None,
                               max_rows=args.limit)
                rows = [alerts.Alert(r[0], r[1], r[2], r[3], r[5], r[6], int(r[4]), None, r[8] or "", r[7],
                                     listener=r[9], host=r[10])
                        for r in cursor.fetchall()]
        sys.stdout.write(format_rows(alerts.DISPLAY_COLUMNS,
                                     alerts.display_rows(rows, args.format == "table"), args.format))
        return EXIT_OK

    return run_guarded(work, secrets(owner))


def _cmd_alerts(args: argparse.Namespace) -> int:
    if args.logs and args.dsn:
        raise UserError("give either --log FILE (offline) or --dsn (the database), not both")
    if args.logs:
        return _cmd_offline(args)
    if args.dsn or args.ack is not None:
        return _cmd_online(args)
    settings_from(args)
    raise UserError("give --log FILE to evaluate the rules offline, or --dsn to list the database's alerts")


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "alerts", parents=[settings, connection_options()],
        help="evaluate the alert rules on log files, or list/acknowledge the database's alerts",
        description="Offline (--log): run the alert rules (LSNR_ALERT_RULES defaults, the same SQL as the "
        "alert job) on listener logs and print the alerts the job would raise; --state FILE keeps the "
        "alerts between runs so a continuing burst updates its alert. Online (--dsn): list LSNR_ALERTS, "
        "--ack ID acknowledges one. Keys and evidence are printed as the log has them, whole in csv and "
        "json (the table view cuts them), control, bidi and other invisible characters as escapes "
        "(\\x1b, \\u202e); values are cut to the job's byte limits.",
    )
    group = input_options(parser, title="offline (embedded engine)")
    group.add_argument("--state", metavar="FILE",
                       help="JSON file holding the alerts between runs (created if missing)")
    group.add_argument("--rule-set", dest="rule_set", action="append", metavar="RULE.column=value",
                       help="change a rule for this run, as an UPDATE of LSNR_ALERT_RULES would "
                       "(columns enabled, threshold, window_minutes, severity, params)")
    filters = parser.add_argument_group("filters and output")
    filters.add_argument("--since", metavar=DATETIME_METAVAR, help="alerts whose last event is at or after this time")
    filters.add_argument("--severity", choices=alerts.SEVERITIES, help="this severity or higher")
    filters.add_argument("--rule", dest="rules", action="append", metavar="RULE_ID", help="only this rule; repeatable")
    filters.add_argument("--ack", type=int, metavar="ID", help="acknowledge alert ID in the database (with --dsn)")
    filters.add_argument("--limit", type=int, default=200, help="most rows listed from the database (default 200)")
    format_option(filters)
    parser.set_defaults(handler=_cmd_alerts)
