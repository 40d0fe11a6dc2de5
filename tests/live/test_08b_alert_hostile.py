"""Alert robustness against the database: the acceptance log of tests/test_alerts.py
(tests/fixtures/alerts/hostile_flood_part1.log, part2.log: 50 connects from 50 public IPs whose
PROGRAM/USER/HOST are 4,000-byte strings of 4-byte characters, an SID scan with 4,000-byte SIDs,
a registration refused by valid node checking (TNS-01182), a log_file redirection and a listener stop
refused in part 1 and successful in part 2) through the ingest job and the alert job, twice, in an install of its own
(a third owner over ``hostile18.log`` in the scratch directory, so the other live files' alerts
are not touched).

Run 1 (part 1): the alert job ends SUCCEEDED, every alert is stored within its column's bytes, no
rule failed. The LOG_REDIRECTION and LISTENER_STOP alerts are acknowledged. Run 2 (part 2 appended): SUCCEEDED again,
the redirection alert escalated to critical, re-opened (status new) and delivered again at
critical. The package's byte helpers (fit_bytes, one_line, log_text) return what their Python
twins return for the same hostile text, and ``lsnrmine alerts --log`` offline raises the same
(rule, key, count) set as the job.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest

from lsnrmine import alerts as alerts_mod

from .conftest import (OWNER, Cli, Install, LiveDb, _drop_test_objects, _password, _user_exists, query, run_job,
                       write_config)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "alerts"
PART1 = (FIXTURES / "hostile_flood_part1.log").read_bytes()
PART2 = (FIXTURES / "hostile_flood_part2.log").read_bytes()
HOSTILE_OWNER = os.environ.get("LSNRMINE_TEST_HOSTILE_OWNER", f"{OWNER}_H").upper()
HOSTILE_DIRECTORY = f"{HOSTILE_OWNER}_DIR"
HOSTILE_LOG = "hostile18.log"
PUBLIC_IPS = {f"198.51.100.{10 + i}" for i in range(25)} | {f"203.0.113.{10 + i}" for i in range(25, 50)}


@pytest.fixture(scope="module")
def hostile(live_db: LiveDb, system_conn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """lsnrmine installed (both phases, through the CLI) as HOSTILE_OWNER over hostile18.log in the
    scratch directory (part 1 written first). Dropped at the end (user, directory, file)."""
    live_db.require_scratch()
    if _user_exists(system_conn, HOSTILE_OWNER):
        pytest.fail(f"user {HOSTILE_OWNER} already exists in {live_db.dsn}; drop it or set LSNRMINE_TEST_HOSTILE_OWNER")
    live_db.write_scratch(HOSTILE_LOG, PART1)
    cli = Cli(tmp_path_factory.mktemp("lsnrmine_hostile"))
    write_config(cli.workdir, schema=HOSTILE_OWNER, directory=HOSTILE_DIRECTORY, log_dir=live_db.scratch_dir,
                 log_file=[HOSTILE_LOG], create_schema=True)
    install = Install(live_db, cli, HOSTILE_OWNER, _password(), HOSTILE_DIRECTORY, admin_run=None, owner_run=None)  # type: ignore[arg-type]
    try:
        install.admin_run = install.as_admin("install", "--phase", "admin")
        if install.admin_run.returncode != 0:
            pytest.fail("hostile install, phase admin failed:\n" + install.admin_run.describe())
        install.owner_run = install.as_owner("install", "--phase", "owner")
        if install.owner_run.returncode != 0:
            pytest.fail("hostile install, phase owner failed:\n" + install.owner_run.describe())
        yield install
    finally:
        _drop_test_objects(system_conn, HOSTILE_OWNER, HOSTILE_DIRECTORY)
        live_db.remove_scratch(HOSTILE_LOG)


def run_alert_job_in_background(con, job_name: str, *, timeout: float = 600) -> list[tuple]:
    """DBMS_SCHEDULER.RUN_JOB(use_current_session => FALSE): the job runs as the scheduler runs it
    (its own session, its own session time zone); waits until a new USER_SCHEDULER_JOB_RUN_DETAILS
    row of the job exists and the job is no longer running. Returns every run-details row written
    since (status, error#, additional_info): a background scheduled run counts as well."""
    import oracledb

    _, before = query(con, "select nvl(max(log_id), 0) from user_scheduler_job_run_details where job_name = :j", j=job_name)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with con.cursor() as cur:
                cur.execute("begin sys.dbms_scheduler.run_job(job_name => :j, use_current_session => false); end;", j=job_name)
            break
        except oracledb.DatabaseError as exc:
            if exc.args[0].code != 27478 or time.monotonic() > deadline:  # ORA-27478: job is running
                raise
            time.sleep(2)
    while time.monotonic() < deadline:
        _, rows = query(con, "select status, error#, additional_info from user_scheduler_job_run_details "
                             "where job_name = :j and log_id > :b order by log_id", j=job_name, b=before[0][0])
        _, running = query(con, "select count(*) from user_scheduler_running_jobs where job_name = :j", j=job_name)
        if rows and running[0][0] == 0:
            return rows
        time.sleep(2)
    pytest.fail(f"job {job_name}: no run-details row within {timeout}s")


def _alerts(con, settings) -> list[dict]:
    columns, rows = query(con, "select alert_id, rule_id, severity, alert_key, cnt, status, evidence, delivered_severity, "
                               "delivered_at, lengthb(alert_key) key_bytes, lengthb(evidence) evidence_bytes "
                               f'from "{settings.object_name("ALERTS")}" order by alert_id')
    return [dict(zip((c.lower() for c in columns), row)) for row in rows]


def _rule_state(con, settings) -> dict[str, tuple]:
    _, rows = query(con, f'select rule_id, last_status, last_error from "{settings.object_name("ALERT_RULES")}"')
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture(scope="module")
def two_runs(hostile: Install, live_db: LiveDb) -> dict:
    settings = hostile.settings()
    job = settings.object_name("ALERT_JOB")
    with hostile.connect_owner(program="lsnrmine_it_hostile") as con:
        run_job(con, settings.object_name("INGEST_JOB"))
        run1 = run_alert_job_in_background(con, job)
        alerts1, rules1 = _alerts(con, settings), _rule_state(con, settings)
        acked = [a for a in alerts1 if a["rule_id"] in ("LOG_REDIRECTION", "LISTENER_STOP")]
        for alert in acked:
            with con.cursor() as cur:
                cur.callproc(f'"{settings.object_name("ALERT_PKG")}".acknowledge', [alert["alert_id"]])
        _, clock = query(con, "select sysdate from dual")
        live_db.write_scratch(HOSTILE_LOG, PART2, append=True)
        run_job(con, settings.object_name("INGEST_JOB"))
        run2 = run_alert_job_in_background(con, job)
        alerts2, rules2 = _alerts(con, settings), _rule_state(con, settings)
    return {"run1": run1, "alerts1": alerts1, "rules1": rules1, "run2": run2, "alerts2": alerts2,
            "rules2": rules2, "before_run2": clock[0][0]}


def test_alert_job_succeeds_on_both_runs(two_runs: dict) -> None:
    for run in ("run1", "run2"):
        assert two_runs[run] and all(status == "SUCCEEDED" for status, _, _ in two_runs[run]), two_runs[run]
    for state in ("rules1", "rules2"):
        failed = {rule: s for rule, s in two_runs[state].items() if s[0] == "failed"}
        assert not failed, failed


def test_hostile_alerts_are_stored_within_their_bytes(two_runs: dict) -> None:
    stored = two_runs["alerts1"]
    assert not [a for a in stored if a["rule_id"] == "HEALTH"], [a for a in stored if a["rule_id"] == "HEALTH"]
    new_ip = {a["alert_key"]: a for a in stored if a["rule_id"] == "NEW_CLIENT_IP"}
    assert PUBLIC_IPS <= set(new_ip) and {new_ip[ip]["severity"] for ip in PUBLIC_IPS} == {"high"}
    assert all(a["key_bytes"] <= 400 and (a["evidence_bytes"] or 0) <= 1000 for a in stored), stored[:3]
    # a 4,000-byte USER/HOST/PROGRAM: the evidence was cut near 1000 bytes on a character boundary
    assert new_ip["198.51.100.10"]["evidence_bytes"] > 990
    assert "\ufffd" not in new_ip["198.51.100.10"]["evidence"]
    poison = [a for a in stored if a["rule_id"] == "TNS_POISON"]
    assert [(a["severity"], a["evidence"][:55]) for a in poison] == [
        ("critical", "registration refused by valid node checking (TNS-01182)")], poison
    assert [(a["alert_key"], a["severity"]) for a in stored if a["rule_id"] == "SID_ENUMERATION"] == [("192.0.2.77", "high")]


def test_escalation_after_acknowledgement_is_delivered_again(two_runs: dict) -> None:
    first = [a for a in two_runs["alerts1"] if a["rule_id"] == "LOG_REDIRECTION"]
    assert [(a["severity"], a["status"]) for a in first] == [("high", "new")], first
    second = [a for a in two_runs["alerts2"] if a["rule_id"] == "LOG_REDIRECTION"]
    assert [(a["alert_id"], a["severity"], a["status"], a["cnt"]) for a in second] == [
        (first[0]["alert_id"], "critical", "new", 2)], second
    # no mail configured: delivery is the table; the run delivered it again at its new severity
    assert second[0]["delivered_severity"] == "critical" and second[0]["delivered_at"] >= two_runs["before_run2"]


def test_refused_then_successful_stop_is_delivered_again(two_runs: dict) -> None:
    # part 1: stop refused (1190) for mallory@jump01, acknowledged; part 2: the same user@host's
    # successful stop (outside the allow-list: critical) re-opens and escalates it
    first = [a for a in two_runs["alerts1"] if a["rule_id"] == "LISTENER_STOP" and a["alert_key"] == "mallory@jump01"]
    assert [(a["severity"], a["status"], a["cnt"]) for a in first] == [("high", "new", 1)], first
    second = [a for a in two_runs["alerts2"] if a["rule_id"] == "LISTENER_STOP" and a["alert_key"] == "mallory@jump01"]
    assert [(a["alert_id"], a["severity"], a["status"], a["cnt"]) for a in second] == [
        (first[0]["alert_id"], "critical", "new", 2)], second
    assert second[0]["delivered_severity"] == "critical" and second[0]["delivered_at"] >= two_runs["before_run2"]


def test_byte_helpers_equal_their_python_twins(hostile: Install) -> None:
    texts = ["\U00020000" * 1000, "界" * 1333, "a" + "\U0001F600" * 2, "ORA-00600\u202e x\u2028y\r\nz ora-7445",
             "é" * 2000, "<script>&</script>"]
    # at most 4000 bytes each: the functions are called from SQL (MAX_STRING_SIZE = STANDARD)
    assert all(len(text.encode("utf-8")) <= 4000 for text in texts)
    package = f'"{hostile.settings().object_name("ALERT_PKG")}"'
    with hostile.connect_owner(program="lsnrmine_it_hostile_twins") as con:
        for text in texts:
            for limit in (4, 200, 400, 1000):
                _, rows = query(con, f"select {package}.fit_bytes(:t, :n), {package}.one_line(:t, :n), "
                                     f"{package}.log_text(:t, :n) from dual", t=text, n=limit)
                assert rows[0] == (alerts_mod.fit_bytes(text, limit), alerts_mod.one_line(text, limit),
                                   alerts_mod.log_text(text, limit)), (text[:20], limit, rows[0])


def test_offline_twin_raises_the_same_alerts(hostile: Install, two_runs: dict, tmp_path: Path) -> None:
    log = tmp_path / "hostile18.log"
    log.write_bytes(PART1 + PART2)
    run = hostile.cli.run("alerts", "--log", str(log), "--format", "json", "--quiet")
    assert run.returncode == 0, run.describe()
    offline = json.loads(run.stdout) if run.stdout.strip() else []
    on = Counter((a["rule_id"], a["alert_key"], a["cnt"]) for a in two_runs["alerts2"] if a["rule_id"] != "HEALTH")
    off = Counter((r["RULE"], r["KEY"], r["COUNT"]) for r in offline if r["RULE"] != "HEALTH")
    assert on == off, (f"only online: {sorted((on - off).elements())[:5]}; "
                       f"only offline: {sorted((off - on).elements())[:5]}")
