"""Reports issue against the database: every catalogue report (`lsnrmine report --list`) run online
(`report NAME --dsn ... --format json`, as the owner) equals its offline result (`report NAME --log
<copy> --format json`) for the same bytes: the scratch install's events come from scratch.log, a
file the suite wrote and that does not grow, so both sides see exactly the same lines. The HTML
dashboard online has its charts; `verify` passes after the ingest and alert jobs ran."""

from __future__ import annotations

import decimal
import json
import re
from collections import Counter
from pathlib import Path
from typing import Optional

import pytest

from lsnrmine.report_catalogue import catalogue

from .conftest import ENV_DSN, Install, LiveDb, query
from .traffic import TrafficReport

REPORTS = [r.name for r in catalogue()]
_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.0+)?$")


def _norm(value):
    if isinstance(value, str):
        match = _TIMESTAMP.match(value)
        return f"{match.group(1)} {match.group(2)}" if match else value
    if isinstance(value, (float, decimal.Decimal)):
        return int(value) if value == int(value) else round(float(value), 6)
    return value


def _rows(run) -> tuple[list[str], Counter]:
    assert run.returncode == 0, run.describe()
    data = json.loads(run.stdout) if run.stdout.strip() else []
    columns = [c.upper() for c in data[0]] if data else []
    return columns, Counter(tuple(_norm(v) for v in row.values()) for row in data)


# Review F7: what fills each report over scratch.log (the real log + crafted lines), so that no
# comparison passes with 0 = 0 rows:
#   "connects"  python-oracledb connects of traffic.generate (both modes)
#   "crafted"   the crafted alert lines appended to scratch.log (both modes) and, in a container,
#               the real lsnrctl traffic (refused commands, ADMIN_RESTRICTIONS, log_file attempts)
#   "fresh"     every client is new when the log starts with the session (a fresh container);
#               a shared DSN log may have seen them all before the window
#   "public"    connects from the container's address on the 198.18.x network
#   "audit"     joins the audit trail: no offline twin, test_06_audit covers it
REPORT_ROWS_FROM = {
    "admin_restricted": "crafted", "article_admin_restricted": "crafted", "article_failed_commands": "crafted",
    "article_listener_stops": "crafted", "article_log_redirection": "crafted", "failed_commands": "crafted",
    "listener_commands": "crafted",
    "article_jdbc_service_hosts": "connects", "article_sid_service_breakup": "connects",
    "connections_per_day": "connects", "connections_per_hour": "connects", "failure_ratio_client": "connects",
    "failure_ratio_service": "connects", "jdbc_service_clients": "connects", "privileged_os_users": "connects",
    "service_name_cases": "connects", "service_timeline": "connects", "sid_clients": "connects",
    "sid_vs_service": "connects", "tns_errors": "connects", "top_client_hosts": "connects",
    "top_client_ips": "connects", "top_os_users": "connects", "top_programs": "connects", "top_services": "connects",
    "listener_hosts": "connects",
    "new_clients": "fresh",
    "public_ips": "public",
    "article_audit_jdbc_users": "audit", "article_audit_service_user": "audit", "audit_service_user_client": "audit",
    "audit_unexpected_services": "audit", "audit_unmatched_connects": "audit",
}


def why_rows_may_be_missing(name: str, live_db: LiveDb, traffic: TrafficReport) -> Optional[str]:
    """None when the report must have rows in this run, else why it may be empty here."""
    source = REPORT_ROWS_FROM[name]
    if source == "fresh" and live_db.mode != "container":
        return f"{ENV_DSN} mode: the clients of a shared log may be older than the new-client window"
    if source == "public" and traffic.public_ip is None:
        return f"no connect from a public address was made ({traffic.public_skipped})"
    return None


def _without(columns: list[str], rows: Counter, column: str, *, expect: object = "any") -> Counter:
    """``rows`` without ``column``; ``expect=None``: that column is NULL in every row."""
    if not rows:
        return rows
    index = columns.index(column)
    if expect is None:
        assert all(row[index] is None for row in rows), f"{column} is not NULL online: {list(rows)[:3]}"
    return Counter({row[:index] + row[index + 1:]: n for row, n in rows.items()})


def column_values(columns: list[str], rows: Counter, column: str) -> set:
    """The values of ``column`` (by name, upper case) over the rows of a report."""
    assert column in columns, f"no column {column} in {columns}"
    index = columns.index(column)
    return {row[index] for row in rows}


@pytest.mark.parametrize("name", REPORTS)
def test_report_online_equals_offline(name: str, scratch: Install, scratch_evaluated: bytes, tmp_path: Path,
                                      live_db: LiveDb, traffic: TrafficReport, checklist) -> None:
    if REPORT_ROWS_FROM[name] == "audit":
        pytest.skip("audit reports join the database's audit trail, which the offline engine only has from a "
                    "CSV export; test_06_audit checks the audit matching online")
    checklist("report", name, ran=False, matched=None, detail="did not run")
    log = tmp_path / "scratch.log"
    log.write_bytes(scratch_evaluated)
    on_run = scratch.as_owner("report", name, "--format", "json")
    on_columns, online = _rows(on_run)
    off_columns, offline = _rows(scratch.cli.run("report", name, "--log", str(log), "--format", "json", "--quiet"))
    if name == "listener_hosts":
        # the scratch install is the one-source shorthand: the database knows no host (NULL), while
        # offline the host comes from the header the listener wrote into the log (issue 22)
        online, offline = _without(on_columns, online, "HOST", expect=None), _without(off_columns, offline, "HOST")
    checklist("report", name, ran=True, matched=online == offline and bool(online),
              detail=f"{sum(online.values())} rows online, {sum(offline.values())} offline")
    if online and offline:
        assert on_columns == off_columns
    assert online == offline, (f"{name}: {sum(online.values())} rows online, {sum(offline.values())} offline; "
                               f"only online: {list((online - offline).elements())[:3]}; "
                               f"only offline: {list((offline - online).elements())[:3]}")
    if not online:
        reason = why_rows_may_be_missing(name, live_db, traffic)
        if reason:
            pytest.skip(f"{name}: 0 = 0 rows, not counted as a match: {reason}")
        pytest.fail(f"{name}: 0 rows online and offline although the suite made {REPORT_ROWS_FROM[name]} traffic for it")
    if REPORT_ROWS_FROM[name] == "public":
        # host-side connects through docker-proxy come from the network's 198.18.n.1 gateway, which
        # is public too: the rows must hold the SQL*Plus client's own address (review R7)
        reason = why_rows_may_be_missing(name, live_db, traffic)
        if reason:
            pytest.skip(f"{name}: {sum(online.values())} rows, not counted: {reason}")
        ips = column_values(on_columns, online, "CLIENT_IP")
        assert traffic.public_ip in ips, (f"{name}: the SQL*Plus client {traffic.public_ip} is not among "
                                          f"the public client IPs {sorted(map(str, ips))}")


def test_report_list_names_every_catalogue_report(scratch: Install) -> None:
    run = scratch.cli.run("report", "--list")
    assert run.returncode == 0, run.describe()
    assert [line.split()[0] for line in run.stdout.splitlines() if line.strip()] == REPORTS


def test_html_dashboard_online_has_charts(scratch: Install, scratch_evaluated: bytes, tmp_path: Path) -> None:
    out = tmp_path / "dashboard.html"
    run = scratch.as_owner("report", "--html", str(out))
    assert run.returncode == 0, run.describe()
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html, html[:500]
    # the alert part (issue 20): the true total in the card, one summary row per (rule, severity)
    # with LSNR_ALERTS' counts, every critical and high alert listed, most severe first
    from test_dashboard_priorities import card, parse, section_table, table_rows

    settings = scratch.settings()
    with scratch.connect_owner(program="lsnrmine_it_dashboard") as con:
        _, counts = query(con, f'select rule_id, severity, count(*) from "{settings.object_name("ALERTS")}" '
                               "group by rule_id, severity")
    assert counts, "the alert job raised nothing over scratch.log"
    root, _ = parse(html)
    assert card(root, "alerts")[0] == f"{sum(n for _, _, n in counts):,}"
    _, summary = table_rows(section_table(root, "alert-rules"))
    assert {(r[0].text(), r[1].text(), int(r[2].text())) for r in summary} == {tuple(c) for c in counts}
    _, listed = table_rows(section_table(root, "alerts"))
    ranks = [("info", "low", "medium", "high", "critical").index(r[1].text()) for r in listed]
    assert ranks == sorted(ranks, reverse=True)
    urgent = sum(n for _, sev, n in counts if sev in ("critical", "high"))
    assert sum(1 for r in listed if r[1].text() in ("critical", "high")) == urgent


def test_verify_passes_after_ingest_and_alerts(installed: Install, main_evaluated, owner_conn, live_db: LiveDb) -> None:
    settings = installed.settings()
    run = installed.as_owner("verify")
    assert run.returncode == 0, run.describe()
    assert run.stdout.startswith("ok:"), run.describe()
    # what verify relies on, checked directly: the ingest state of the log file and the rules'
    # last evaluation (no rule failed)
    _, state = query(owner_conn, f'select status, health from "{settings.object_name("LOAD_STATE")}" '
                                 "where file_name = :f", f=live_db.log_file)
    assert state == [("OK", None)], state
    _, rules = query(owner_conn, f'select rule_id, last_status, last_error from "{settings.object_name("ALERT_RULES")}" '
                                 "where enabled = 'Y' and view_name is not null")
    assert rules and all(status in ("ok", "idle") for _, status, _ in rules), rules
    status = installed.as_owner("status")
    assert status.returncode == 0, status.describe()
    for job in ("INGEST_JOB", "ALERT_JOB"):
        assert settings.object_name(job) in status.stdout, status.describe()


@pytest.mark.parametrize("name", ["connections_per_day", "listener_commands"])
def test_report_per_source_online(name: str, scratch: Install, scratch_evaluated: bytes, tmp_path: Path) -> None:
    """`report NAME --per-source` on the database (issue 22): the pairs query and the pair's restriction
    run through the connection. The scratch install is the one-source shorthand, so its events hold
    one pair: no host (NULL: the restriction is `host is null`) and the listener_name setting; each
    row is led by that pair, and the rest of the rows equal the unrestricted report online and
    --per-source offline over the same bytes (whose host comes from the log's header)."""
    settings = scratch.settings()
    columns, per_source = _rows(scratch.as_owner("report", name, "--per-source", "--format", "json"))
    assert per_source, f"{name} --per-source: no rows online although the suite made traffic for it"
    assert columns[:2] == ["HOST", "LISTENER"], columns
    assert column_values(columns, per_source, "HOST") == {None}
    assert column_values(columns, per_source, "LISTENER") == {settings.listener_name}
    plain_columns, plain = _rows(scratch.as_owner("report", name, "--format", "json"))
    assert columns[2:] == plain_columns
    assert Counter({row[2:]: n for row, n in per_source.items()}) == plain
    log = tmp_path / "scratch.log"
    log.write_bytes(scratch_evaluated)
    off_columns, offline = _rows(scratch.cli.run("report", name, "--per-source", "--log", str(log),
                                                 "--format", "json", "--quiet"))
    assert off_columns == columns
    assert _without(off_columns, offline, "HOST") == _without(columns, per_source, "HOST", expect=None)
