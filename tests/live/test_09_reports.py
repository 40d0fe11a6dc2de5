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

import pytest

from lsnrmine.reports import catalogue

from .conftest import Install, LiveDb, query

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


@pytest.mark.parametrize("name", REPORTS)
def test_report_online_equals_offline(name: str, scratch: Install, scratch_evaluated: bytes, tmp_path: Path) -> None:
    if name.startswith(("audit_", "article_audit_")):
        pytest.skip("audit reports join the database's audit trail, which the offline engine only has from a "
                    "CSV export; test_06_audit checks the audit matching online")
    log = tmp_path / "scratch.log"
    log.write_bytes(scratch_evaluated)
    on_columns, online = _rows(scratch.as_owner("report", name, "--format", "json"))
    off_columns, offline = _rows(scratch.cli.run("report", name, "--log", str(log), "--format", "json", "--quiet"))
    if online and offline:
        assert on_columns == off_columns
    assert online == offline, (f"{name}: {sum(online.values())} rows online, {sum(offline.values())} offline; "
                               f"only online: {list((online - offline).elements())[:3]}; "
                               f"only offline: {list((offline - online).elements())[:3]}")


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
