"""Each article view and each reports/article_*.sql query (the audit joins excepted) returns online,
over the database's own listener log, the same rows as the embedded engine returns offline
(`lsnrmine sql --log FILE --format json`) for a copy of the same bytes, and that result has rows
(review F7: the traffic fixture makes them; the audit joins run in test_06_audit)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

import pytest

from lsnrmine.manifest import MANIFEST
from lsnrmine.runner import split_script
from lsnrmine.templates import template_root

from .conftest import ARTICLE_VIEW_NAMES, Cli, Install, LiveDb, query
from .traffic import TrafficReport, log_evidence

# the article's queries shipped as views (Seed-core issue); other views (events, alerts) have their
# own checks
ARTICLE_VIEWS = [o.logical for o in MANIFEST if o.object_type == "VIEW" and o.logical in ARTICLE_VIEW_NAMES]
REPORTS_DIR = template_root() / "reports"
ARTICLE_REPORTS = sorted(p.name for p in REPORTS_DIR.glob("article_*.sql") if not p.name.startswith("article_audit_"))

_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.0+)?$")
_VIEW = re.compile(r"^\s*create\s+or\s+replace\s+view\s+\S+\s*(?:\([^)]*\))?\s+as\s+(.*)$", re.I | re.S)


def _norm(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        match = _TIMESTAMP.match(value)
        return f"{match.group(1)} {match.group(2)}" if match else value
    if isinstance(value, (float, decimal.Decimal)) and value == int(value):
        return int(value)
    return value


def _offline(cli: Cli, log: Path, sql: str) -> tuple[list[str], list[tuple]]:
    run = cli.run("sql", "--log", str(log), "--format", "json", sql)
    if run.returncode != 0:
        pytest.fail("offline engine failed:\n" + run.describe())
    data = json.loads(run.stdout)  # an array of objects (Embedded-engine issue, CLI contract)
    columns = list(data[0]) if data else []
    return [c.upper() for c in columns], [tuple(_norm(v) for v in row.values()) for row in data]


# Review F7: what makes each query's rows, so that no comparison passes with 0 = 0 rows.
# "connects": python-oracledb connects (both modes); "lsnrctl": lsnrctl run in the container by
# oracle (status, services, reload, set log_status) and under ADMIN_RESTRICTIONS (TNS-12508);
# "refused": the privileged commands refused to OS user nobody (TNS-01190: set trc_level,
# set log_file, set log_directory, stop; review R1/R2) (traffic.generate; container mode only).
NONEMPTY_BECAUSE = {
    "JDBC_SERVICE_HOSTS": "connects", "article_jdbc_service_hosts.sql": "connects",
    "SID_SERVICE_BREAKUP": "connects", "article_sid_service_breakup.sql": "connects",
    "LISTENER_COMMANDS": "lsnrctl",  # status, services, reload, set log_status by oracle
    "ADMIN_RESTRICTED": "lsnrctl", "article_admin_restricted.sql": "lsnrctl",  # set ... refused, 12508
    "FAILED_COMMANDS": "refused", "article_failed_commands.sql": "refused",  # stop as nobody, 1190
    "article_log_redirection.sql": "refused",  # set log_file / log_directory as nobody
    "article_listener_stops.sql": "refused",  # stop as nobody
}
# the lines behind a query, shown when it has no rows (the 23ai shape of a TNS-12508 line is
# unverified: review R5)
EVIDENCE_NEEDLES = {
    "ADMIN_RESTRICTED": ("12508",), "article_admin_restricted.sql": ("12508",),
    "FAILED_COMMANDS": ("1190",), "article_failed_commands.sql": ("1190",),
    "article_log_redirection.sql": ("log_file", "log_directory"),
    "article_listener_stops.sql": ("COMMAND=stop",),
    "LISTENER_COMMANDS": ("COMMAND=",),
}


def why_rows_may_be_missing(name: str, traffic: TrafficReport) -> Optional[str]:
    """None when the query must have rows in this run, else why the traffic that fills it was not sent."""
    because = NONEMPTY_BECAUSE[name]
    if because == "lsnrctl":
        return traffic.commands_skipped
    if because == "refused":
        return traffic.unauthorized_skipped
    return None


def require_rows(name: str, online: Counter, offline: Counter, traffic: TrafficReport,
                 evidence: Callable[[tuple[str, ...]], str] = lambda needles: "") -> None:
    """After an equal comparison: the rows must not be empty. When the traffic that makes them could
    not be sent (DSN mode: no lsnrctl; OS user nobody cannot run lsnrctl), the test is skipped, not
    passed. ``evidence(needles)``: the log's lines for the failure message."""
    because = NONEMPTY_BECAUSE.get(name)
    assert because is not None, f"{name}: no traffic is declared for it in NONEMPTY_BECAUSE"
    reason = why_rows_may_be_missing(name, traffic)
    if reason and not online:
        pytest.skip(f"{name}: {sum(online.values())} = {sum(offline.values())} rows, not counted: the {because} "
                    f"traffic that fills it was not sent ({reason})")
    if not online:
        needles = EVIDENCE_NEEDLES.get(name)
        pytest.fail(f"{name}: 0 rows online and offline although the suite sent {because} traffic for it"
                    + (f"\n{evidence(needles)}" if needles else ""))


def _compare(installed: Install, owner_conn, live_db: LiveDb, sql: str, tmp_path: Path) -> tuple[Counter, Counter]:
    _, (columns, rows), data = live_db.stable_snapshot(lambda: query(owner_conn, sql), with_bytes=True)
    log = tmp_path / "listener.log"
    log.write_bytes(data)
    off_columns, off_rows = _offline(installed.cli, log, sql)
    online = Counter(tuple(_norm(v) for v in row) for row in rows)
    offline = Counter(off_rows)
    if off_rows:
        assert off_columns == [c.upper() for c in columns]
    return online, offline


def _assert_equal(name: str, online: Counter, offline: Counter) -> None:
    assert online == offline, (f"{name}: {sum(online.values())} rows online, {sum(offline.values())} offline; "
                               f"only online: {list((online - offline).elements())[:3]}; "
                               f"only offline: {list((offline - online).elements())[:3]}")


def _view_select(installed: Install, logical: str) -> str:
    from lsnrmine.render import render_objects

    for item in render_objects(installed.settings(), "owner"):
        if item.obj.logical == logical:
            (statement,) = split_script(item.deploy)
            match = _VIEW.match(statement)
            assert match, statement[:200]
            return match.group(1)
    raise AssertionError(f"{logical} not in the manifest")


@pytest.mark.parametrize("logical", ARTICLE_VIEWS)
def test_article_view_equals_offline(logical: str, installed: Install, owner_conn, live_db: LiveDb,
                                     traffic: TrafficReport, tmp_path, checklist) -> None:
    # online: the installed view itself; offline: the view's defining query on the engine
    name = installed.settings().object_name(logical)
    entry = f"view {logical}"
    checklist("article", entry, ran=False, matched=None, detail="did not run")
    _, (columns, rows), data = live_db.stable_snapshot(
        lambda: query(owner_conn, f'select * from "{name}"'), with_bytes=True)
    log = tmp_path / "listener.log"
    log.write_bytes(data)
    _, off_rows = _offline(installed.cli, log, _view_select(installed, logical))
    online = Counter(tuple(_norm(v) for v in row) for row in rows)
    offline = Counter(off_rows)
    checklist("article", entry, ran=True, matched=online == offline and bool(online),
              detail=f"{sum(online.values())} rows online, {sum(offline.values())} offline")
    _assert_equal(name, online, offline)
    require_rows(logical, online, offline, traffic, lambda needles: log_evidence(live_db, needles))


@pytest.mark.parametrize("report", ARTICLE_REPORTS)
def test_article_report_equals_offline(report: str, installed: Install, owner_conn, live_db: LiveDb,
                                       traffic: TrafficReport, tmp_path, checklist) -> None:
    checklist("article", report, ran=False, matched=None, detail="did not run")
    (sql,) = split_script((REPORTS_DIR / report).read_text(encoding="utf-8"))
    online, offline = _compare(installed, owner_conn, live_db, sql, tmp_path)
    checklist("article", report, ran=True, matched=online == offline and bool(online),
              detail=f"{sum(online.values())} rows online, {sum(offline.values())} offline")
    _assert_equal(report, online, offline)
    require_rows(report, online, offline, traffic, lambda needles: log_evidence(live_db, needles))
