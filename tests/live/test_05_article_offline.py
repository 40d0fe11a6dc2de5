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

import pytest

from lsnrmine.manifest import MANIFEST
from lsnrmine.runner import split_script
from lsnrmine.templates import template_root

from .conftest import ARTICLE_VIEW_NAMES, Cli, Install, LiveDb, query
from .traffic import TrafficReport

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
# oracle, by OS user nobody (refused, TNS-01190) and under ADMIN_RESTRICTIONS (TNS-12508)
# (traffic.generate; container mode only).
NONEMPTY_BECAUSE = {
    "JDBC_SERVICE_HOSTS": "connects", "article_jdbc_service_hosts.sql": "connects",
    "SID_SERVICE_BREAKUP": "connects", "article_sid_service_breakup.sql": "connects",
    "LISTENER_COMMANDS": "lsnrctl",  # status, services, reload, set log_status by oracle
    "ADMIN_RESTRICTED": "lsnrctl", "article_admin_restricted.sql": "lsnrctl",  # set ... refused, 12508
    "FAILED_COMMANDS": "lsnrctl", "article_failed_commands.sql": "lsnrctl",  # status/services/stop as nobody
    "article_log_redirection.sql": "lsnrctl",  # set log_file / log_directory as nobody
    "article_listener_stops.sql": "lsnrctl",  # stop as nobody
}


def require_rows(name: str, online: Counter, offline: Counter, traffic: TrafficReport) -> None:
    """After an equal comparison: the rows must not be empty. When the traffic that makes them could
    not be sent (DSN mode: no lsnrctl), the test is skipped, not passed."""
    because = NONEMPTY_BECAUSE.get(name)
    assert because is not None, f"{name}: no traffic is declared for it in NONEMPTY_BECAUSE"
    if because == "lsnrctl" and traffic.commands_skipped and not online:
        pytest.skip(f"{name}: {sum(online.values())} = {sum(offline.values())} rows, not counted: the lsnrctl "
                    f"traffic that fills it was not sent ({traffic.commands_skipped})")
    assert sum(online.values()) > 0, f"{name}: 0 rows online and offline although the suite sent {because} traffic for it"


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
    require_rows(logical, online, offline, traffic)


@pytest.mark.parametrize("report", ARTICLE_REPORTS)
def test_article_report_equals_offline(report: str, installed: Install, owner_conn, live_db: LiveDb,
                                       traffic: TrafficReport, tmp_path, checklist) -> None:
    checklist("article", report, ran=False, matched=None, detail="did not run")
    (sql,) = split_script((REPORTS_DIR / report).read_text(encoding="utf-8"))
    online, offline = _compare(installed, owner_conn, live_db, sql, tmp_path)
    checklist("article", report, ran=True, matched=online == offline and bool(online),
              detail=f"{sum(online.values())} rows online, {sum(offline.values())} offline")
    _assert_equal(report, online, offline)
    require_rows(report, online, offline, traffic)
