"""Alert rules through `lsnrmine alerts --log`: one fixture per rule that must fire and a
benign twin that must not, dedup across runs with --state, escaping of hostile log text, rule
edits without reinstall, a failing rule as a HEALTH alert, and the SQL through render and the gate.

The rules are the same Oracle-dialect views the alert job runs (views/alert_r*.sql,
views/alert_episodes.sql), executed here by the embedded engine on the events it builds.

A log evaluated by several tests is loaded once per module (conftest.shared_engine) and its rule
views re-run on that engine (``shared_rows``: the CLI's steps after the load, pinned to the CLI by
test_shared_engine_rows_are_the_cli_rows); the tests of the CLI itself (formats, filters, --state,
stderr, errors) run it whole.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

import pytest

from lsnrmine import alerts as alerts_mod
from lsnrmine.cli import main
from lsnrmine.output import format_rows

ALERT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "alerts"


def run_alerts(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, list[dict], str]:
    code = main(["alerts", "--quiet", "--format", "json", *args])
    out, err = capsys.readouterr()
    rows = json.loads(out) if code == 0 and out.strip() else []
    return code, rows, err


def fixture(name: str) -> str:
    return str(ALERT_FIXTURES / name)


@pytest.fixture(scope="module")
def shared_rows(shared_engine) -> Callable[..., list[dict]]:
    """``shared_rows(NAME, *rule_sets)``: what ``lsnrmine alerts --quiet --format json --log NAME
    [--rule-set ...]`` prints, with the rule views re-run on the module's engine for NAME instead
    of a new engine: a new alert store, the overrides in the rules table (``evaluate`` re-creates
    the rules, alerts and candidate tables on each run), the alerts shown in the CLI's order. Each
    (log, overrides) is evaluated once per module; every caller gets its own copy of the rows."""
    done: dict[tuple[str, tuple[str, ...]], str] = {}

    def rows(name: str, *rule_sets: str) -> list[dict]:
        if (name, rule_sets) not in done:
            result = alerts_mod.evaluate(shared_engine(fixture(name)), alerts_mod.AlertStore(),
                                         overrides=alerts_mod.parse_rule_overrides(rule_sets))
            shown = sorted(result.touched, key=lambda a: (a.first_time, a.alert_id))
            done[name, rule_sets] = format_rows(alerts_mod.DISPLAY_COLUMNS, alerts_mod.display_rows(shown), "json")
        out = done[name, rule_sets]
        return json.loads(out) if out.strip() else []

    return rows


def of_rule(rows: list[dict], rule: str) -> list[dict]:
    return [r for r in rows if r["RULE"] == rule]


def rank(severity: str) -> int:
    return alerts_mod.severity_rank(severity)


@pytest.fixture(autouse=True)
def _clean(clean_env: Path) -> None:
    """No LSNRMINE_* variables, no lsnrmine.toml in the working directory."""


# -- one fixture per rule: fires; its benign twin does not ------------------------------------


def test_shared_engine_rows_are_the_cli_rows(capsys, shared_rows) -> None:
    # the CLI in full and the rule views re-run on a shared engine give the same rows, value for
    # value, the override included (two alerts, one of them from the changed rule)
    code, rows, err = run_alerts(capsys, "--log", fixture("storm.log"), "--rule-set", "CONNECTION_STORM.threshold=30")
    assert code == 0, err
    assert len(rows) == 2 and shared_rows("storm.log", "CONNECTION_STORM.threshold=30") == rows


def test_rule1_article_five_stop_attempts_are_one_high_alert(shared_rows) -> None:
    rows = shared_rows("password_burst.log")
    found = of_rule(rows, "PASSWORD_FAILURES")
    assert len(found) == 1
    alert = found[0]
    assert (alert["SEVERITY"], alert["KEY"], alert["COUNT"]) == ("high", "ananda@prolin01", 5)
    assert (alert["FIRST_TIME"], alert["LAST_TIME"]) == ("2005-11-06 13:45:06", "2005-11-06 13:47:05")
    assert alert["EVIDENCE"].startswith("stop refused (1190) for ananda@prolin01: 06-NOV-2005 13:45:06")


def test_rule1_benign_twin_one_failure_then_success_is_low_only(capsys) -> None:
    code, rows, _ = run_alerts(capsys, "--log", fixture("password_benign.log"))
    assert code == 0
    found = of_rule(rows, "PASSWORD_FAILURES")
    assert [(r["SEVERITY"], r["COUNT"]) for r in found] == [("low", 1)]


def test_rule1_threshold_is_editable_without_reinstall(shared_rows) -> None:
    # the same log, with the rule's threshold raised as an UPDATE of LSNR_ALERT_RULES would
    rows = shared_rows("password_burst.log", "PASSWORD_FAILURES.threshold=6")
    assert [(r["SEVERITY"], r["COUNT"]) for r in of_rule(rows, "PASSWORD_FAILURES")] == [("low", 5)]
    rows = shared_rows("password_burst.log", "PASSWORD_FAILURES.enabled=N")
    assert not of_rule(rows, "PASSWORD_FAILURES")


def test_rule2_log_redirection_fires_and_success_is_critical(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("redirection.log"))
    found = {(r["KEY"], r["SEVERITY"], r["COUNT"]) for r in of_rule(rows, "LOG_REDIRECTION")}
    assert found == {("ananda@prolin02", "high", 2), ("oraprol@prolin02", "critical", 1)}
    _, rows, _ = run_alerts(capsys, "--log", fixture("redirection_benign.log"))
    assert not of_rule(rows, "LOG_REDIRECTION")


def test_rule3_admin_restricted(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("restricted.log"))
    found = of_rule(rows, "ADMIN_RESTRICTED")
    assert [(r["SEVERITY"], r["COUNT"]) for r in found] == [("medium", 2)]
    assert found[0]["EVIDENCE"].startswith("trc_level refused (12508)")
    _, rows, _ = run_alerts(capsys, "--log", fixture("restricted_benign.log"))
    assert rows == []


def test_rule4_stop_by_allow_listed_user_is_info_by_others_critical(capsys, shared_rows) -> None:
    rows = shared_rows("stop.log")
    # a successful stop by a user outside the allow-list: the listener did stop (as rule 2's
    # successful redirect): critical
    assert {(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "LISTENER_STOP")} == {
        ("oracle@prolin01", "info"), ("mallory@laptop7", "critical")}
    _, rows, _ = run_alerts(capsys, "--log", fixture("stop_benign.log"))
    assert rows and all(r["SEVERITY"] == "info" for r in rows)
    # the allow-list is the rule's params
    rows = shared_rows("stop.log", "LISTENER_STOP.params=oracle, mallory")
    assert {r["SEVERITY"] for r in of_rule(rows, "LISTENER_STOP")} == {"info"}


def test_rule5_remote_service_register_nsgr_and_tns_01185(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("poison.log"))
    found = of_rule(rows, "TNS_POISON")
    assert {r["SEVERITY"] for r in found} == {"critical"}
    assert any(r["KEY"] == "203.0.113.50" and "service_register_NSGR" in r["EVIDENCE"] for r in found)
    assert any("TNS-01185" in r["EVIDENCE"] for r in found)
    _, rows, _ = run_alerts(capsys, "--log", fixture("poison_benign.log"))
    assert not of_rule(rows, "TNS_POISON")


def test_rule6_twenty_sids_from_one_ip(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("enumeration.log"))
    found = of_rule(rows, "SID_ENUMERATION")
    assert [(r["KEY"], r["SEVERITY"], r["COUNT"]) for r in found] == [("198.51.100.23", "high", 20)]
    assert "20 distinct names" in found[0]["EVIDENCE"]
    _, rows, _ = run_alerts(capsys, "--log", fixture("enumeration_benign.log"))
    assert not of_rule(rows, "SID_ENUMERATION")


def test_rule7_handler_exhaustion_and_rate(capsys, shared_rows) -> None:
    rows = shared_rows("storm.log")
    found = of_rule(rows, "CONNECTION_STORM")
    assert [(r["COUNT"], r["EVIDENCE"][:15]) for r in found] == [(3, "refused: 12519 ")]
    # 40 establishes in one minute: an alert once the per-minute threshold is 30
    rows = shared_rows("storm.log", "CONNECTION_STORM.threshold=30")
    found = of_rule(rows, "CONNECTION_STORM")
    assert sorted(r["COUNT"] for r in found) == [3, 40]
    _, rows, _ = run_alerts(capsys, "--log", fixture("storm_benign.log"), "--rule-set", "CONNECTION_STORM.threshold=30")
    assert not of_rule(rows, "CONNECTION_STORM")


def test_rule8_new_ip_after_learning_and_public_ip(capsys, shared_rows) -> None:
    rows = shared_rows("new_ip.log")
    found = {(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "NEW_CLIENT_IP")}
    assert found == {("10.20.199.60", "medium"), ("203.0.113.77", "high")}
    _, rows, _ = run_alerts(capsys, "--log", fixture("new_ip_benign.log"))
    assert rows == []
    # a longer learning period: the new private IP is still learned, the public one still fires
    rows = shared_rows("new_ip.log", "NEW_CLIENT_IP.threshold=30")
    assert {(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "NEW_CLIENT_IP")} == {("203.0.113.77", "high")}


def test_rule9_jdbc_by_sid_and_service_name_case(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("hygiene.log"))
    found = {(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "CLIENT_HYGIENE")}
    assert found == {("10.20.214.170", "info"), ("SERVICE_NAME=OMT", "info")}
    _, rows, _ = run_alerts(capsys, "--log", fixture("hygiene_benign.log"))
    assert rows == []


def test_every_shipped_rule_has_a_firing_fixture() -> None:
    from lsnrmine.engine.session import OfflineEngine

    engine = OfflineEngine()
    # the defaults view is created at load; load the smallest fixture
    engine.load([fixture("restricted.log")], progress=False)
    rules = {r[0] for r in engine.query("select rule_id from lsnr_alert_rule_defaults where view_name is not null").rows}
    tested = {"PASSWORD_FAILURES", "LOG_REDIRECTION", "ADMIN_RESTRICTED", "LISTENER_STOP", "TNS_POISON",
              "SID_ENUMERATION", "CONNECTION_STORM", "NEW_CLIENT_IP", "CLIENT_HYGIENE"}
    assert rules == tested


# -- dedup --------------------------------------------------------------------------------------


def test_burst_split_over_two_runs_is_one_alert_with_the_full_count(capsys, tmp_path: Path) -> None:
    state = tmp_path / "alerts.json"
    _, rows, _ = run_alerts(capsys, "--log", fixture("password_burst_part1.log"), "--state", str(state))
    first = of_rule(rows, "PASSWORD_FAILURES")
    assert [(r["COUNT"], r["SEVERITY"]) for r in first] == [(3, "high")]
    _, rows, _ = run_alerts(capsys, "--log", fixture("password_burst_part2.log"), "--state", str(state))
    second = of_rule(rows, "PASSWORD_FAILURES")
    assert [(r["ALERT_ID"], r["COUNT"], r["LAST_TIME"]) for r in second] == [
        (first[0]["ALERT_ID"], 5, "2005-11-06 13:47:05")]
    stored = json.loads(state.read_text())["alerts"]
    assert len([a for a in stored if a["rule_id"] == "PASSWORD_FAILURES"]) == 1


def test_growing_log_read_again_counts_each_event_once(capsys, tmp_path: Path) -> None:
    # the job's case: the second run sees the old events again (scan overlap) plus new ones
    state = tmp_path / "alerts.json"
    run_alerts(capsys, "--log", fixture("password_burst_part1.log"), "--state", str(state))
    _, rows, _ = run_alerts(capsys, "--log", fixture("password_burst.log"), "--state", str(state))
    assert [(r["COUNT"], r["SEVERITY"]) for r in of_rule(rows, "PASSWORD_FAILURES")] == [(5, "high")]
    # a third run over the same log raises nothing new
    _, rows, _ = run_alerts(capsys, "--log", fixture("password_burst.log"), "--state", str(state))
    assert rows == []
    stored = json.loads(state.read_text())["alerts"]
    assert [a["cnt"] for a in stored if a["rule_id"] == "PASSWORD_FAILURES"] == [5]


def test_merge_starts_a_new_alert_after_the_window() -> None:
    import datetime as dt

    t = dt.datetime(2024, 1, 1, 10, 0, 0)
    store = alerts_mod.AlertStore()
    ep = alerts_mod.Episode("PASSWORD_FAILURES", "u@h", "low", t, t, 1, 1, "e", 5)
    alerts_mod.merge_episodes(store, [ep], t)
    near = alerts_mod.Episode("PASSWORD_FAILURES", "u@h", "high", t + dt.timedelta(minutes=5),
                              t + dt.timedelta(minutes=6), 3, 4, "e2", 5)
    alerts_mod.merge_episodes(store, [near], t)
    far = alerts_mod.Episode("PASSWORD_FAILURES", "u@h", "low", t + dt.timedelta(minutes=12),
                             t + dt.timedelta(minutes=12), 1, 5, "e3", 5)
    alerts_mod.merge_episodes(store, [far], t)
    assert [(a.cnt, a.severity, a.evidence) for a in store.alerts] == [(4, "high", "e"), (1, "low", "e3")]


# -- hostile text -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_hostile_program_and_user_reach_the_output_as_plain_text_without_controls(capsys, fmt: str) -> None:
    code = main(["alerts", "--quiet", "--format", fmt, "--log", fixture("hostile.log")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "LISTENER_STOP" in out and "PASSWORD_FAILURES" in out
    for raw in ("\x1b", "\r"):
        assert raw not in out, f"{raw!r} reached the output"
    # plain text (C13): no HTML entities in text output; HTML escapes on rendering; control
    # characters as escapes (lsnrmine.output.visible; JSON's own \u escape in json)
    assert "&lt;" not in out and "&#39;" not in out
    esc = "\\u001b" if fmt == "json" else "\\x1b"
    assert "<b>eve" in out and f"[31m</b>@h{esc}[2J" in out


def test_hostile_text_is_plain_in_the_state_file_evidence(capsys, tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    run_alerts(capsys, "--log", fixture("hostile.log"), "--state", str(state))
    evidence = [a["evidence"] for a in json.loads(state.read_text())["alerts"]]
    # stored as the log has it (no entities, controls kept): each output escapes for itself
    assert evidence and all("&lt;" not in e and "@h\x1b[2J" in e for e in evidence)
    assert any("<script>alert(1)</script>" in e for e in evidence)
    assert all(len(e) <= 400 and len(e.encode("utf-8")) <= alerts_mod.EVIDENCE_BYTES for e in evidence)


def test_shorten() -> None:
    assert alerts_mod.shorten("<a href='x'>\x1b[31m\r\n\u202e", 100) == "<a href='x'>\x1b[31m\r\n\u202e"
    assert alerts_mod.shorten("x" * 50, 10) == "xxxxxxx..."


# -- health, errors -----------------------------------------------------------------------------


def test_a_failing_rule_is_a_health_alert_and_the_others_still_run(capsys) -> None:
    code, rows, err = run_alerts(capsys, "--log", fixture("storm.log"), "--rule-set", "CONNECTION_STORM.params=lots")
    assert code == 0
    health = of_rule(rows, "HEALTH")
    assert [(r["KEY"], r["SEVERITY"]) for r in health] == [("CONNECTION_STORM", "high")]
    assert "rule CONNECTION_STORM failed" in health[0]["EVIDENCE"]
    assert "rule CONNECTION_STORM failed" in err


def test_bad_rule_override_is_a_one_line_error(capsys) -> None:
    code = main(["alerts", "--quiet", "--log", fixture("stop.log"), "--rule-set", "LISTENER_STOP.view_name=x"])
    _, err = capsys.readouterr()
    assert code == 2 and "column must be one of" in err
    code = main(["alerts", "--quiet", "--log", fixture("stop.log"), "--rule-set", "NOPE.threshold=1"])
    _, err = capsys.readouterr()
    assert code == 2 and "no rule NOPE" in err


def test_filters_severity_rule_since(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("redirection.log"), "--severity", "critical")
    assert [r["RULE"] for r in rows] == ["LOG_REDIRECTION"]
    _, rows, _ = run_alerts(capsys, "--log", fixture("redirection.log"), "--rule", "password_failures")
    assert {r["RULE"] for r in rows} == {"PASSWORD_FAILURES"}
    _, rows, _ = run_alerts(capsys, "--log", fixture("redirection.log"), "--since", "2005-11-07")
    assert [r["KEY"] for r in rows] == ["oraprol@prolin02"]


def test_alerts_needs_log_or_dsn(capsys) -> None:
    assert main(["alerts"]) == 2
    assert "give --log FILE" in capsys.readouterr().err
    assert main(["alerts", "--log", fixture("stop.log"), "--ack", "3"]) == 2
    assert "--ack works on the database" in capsys.readouterr().err


def test_alerts_dsn_without_password_is_a_one_line_error(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert main(["alerts", "--dsn", "localhost:1521/FREEPDB1"]) == 2
    err = capsys.readouterr().err
    assert "LSNRMINE_OWNER_PASSWORD" in err and len(err.strip().splitlines()) == 1


# -- SQL: render, mail objects only with mail, the gate -----------------------------------------

MAIL = ["--config", "lsnrmine.toml"]


def _mail_config(tmp: Path) -> None:
    (tmp / "lsnrmine.toml").write_text(
        '[lsnrmine]\nmail_host = "smtp.example.com"\nmail_sender = "dba@example.com"\n'
        'mail_recipients = ["ops@example.com", "dba2@example.com"]\nalert_log = true\n', encoding="utf-8")


def test_render_has_alert_objects_and_mail_acl_only_with_mail(clean_env: Path, capsys) -> None:
    out = clean_env / "plain"
    assert main(["render", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"install.sql", "install_admin.sql"} <= names
    assert any(n.endswith("_lsnr_alert_pkg.sql") for n in names)
    assert any(n.endswith("_lsnr_alert_job.sql") for n in names)
    admin = (out / "install_admin.sql").read_text() + "".join(
        (out / n).read_text() for n in names if n.startswith("admin_"))
    assert "append_host_ace" not in admin.lower() and "dbms_system" not in admin.lower()
    package = next((out / n).read_text() for n in names if n.endswith("_lsnr_alert_pkg.sql"))
    assert "utl_smtp." not in package.lower()  # no reference to UTL_SMTP without mail

    _mail_config(clean_env)
    out = clean_env / "mail"
    assert main(["render", "--out", str(out), *MAIL]) == 0
    names = {p.name for p in out.iterdir()}
    admin = "".join((out / n).read_text() for n in names if n.startswith("admin_"))
    assert "sys.dbms_network_acl_admin.append_host_ace" in admin
    assert "host       => 'smtp.example.com'" in admin and "lower_port => 25" in admin
    assert "grant execute on sys.utl_smtp to \"LSNRMINE\"" in admin
    # alert_log: DBMS_SYSTEM goes to the schema-only wrapper account, the owner gets the wrapper only
    assert "grant execute on sys.dbms_system to \"LSNRMINE_ALERT_LOG\"" in admin
    assert "grant execute on \"LSNRMINE_ALERT_LOG\".\"WRITE_ALERT_LOG\" to \"LSNRMINE\"" in admin
    assert "grant execute on sys.dbms_system to \"LSNRMINE\"" not in admin
    assert "remove_host_ace" in (out / "uninstall_admin.sql").read_text()
    settings = next((out / n).read_text() for n in names if n.endswith("_lsnr_settings.sql"))
    assert "'ops@example.com,dba2@example.com'" in settings
    package = next((out / n).read_text() for n in names if n.endswith("_lsnr_alert_pkg.sql"))
    assert "sys.utl_smtp.open_connection" in package


@pytest.mark.parametrize("bad", [
    'mail_host = "smtp.example.com"\nmail_sender = "dba@example.com"\nmail_recipients = ["x@y.z\\r\\nBcc: e@v.il"]',
    'mail_host = "smtp example"\nmail_sender = "dba@example.com"\nmail_recipients = ["a@b.c"]',
    'mail_sender = "dba@example.com"',
    'mail_host = "smtp.example.com"',
])
def test_mail_settings_are_validated(clean_env: Path, capsys, bad: str) -> None:
    (clean_env / "lsnrmine.toml").write_text("[lsnrmine]\n" + bad + "\n", encoding="utf-8")
    assert main(["render", "--stdout", *MAIL]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lsnrmine: setting mail_") and len(err.strip().splitlines()) == 1


@pytest.mark.slow  # sqlfluff over the alert objects of three settings sets
def test_alert_sql_passes_the_gate_with_and_without_mail(clean_env: Path) -> None:
    from gate import sqlgate
    from lsnrmine.settings import Settings

    # our objects' files, and the admin/uninstall statements that are ours (mail, alert log);
    # the job's revert comes from plsql/revert_drop.sql (not checked here)
    ours = ("utl_smtp", "dbms_system", "network_acl")
    checked = 0
    for settings in (Settings(), Settings(prefix="LM$", schema="LM_OWNER", jobs_enabled=False),
                     Settings(mail_host="smtp.example.com", mail_sender="dba@example.com",
                              mail_recipients=("ops@example.com",), alert_log=True)):
        statements = [(label, st) for label, st in sqlgate.rendered_statements(settings)
                      if ("alert" in label.lower() or "settings" in label.lower()
                          or (label.startswith(("admin_", "install_admin", "uninstall_admin"))
                              and any(m in st.lower() for m in ours)))]
        failures = sqlgate.run_gate(statements)
        assert not failures, sqlgate.format_failures(failures)
        checked += len(statements)
    assert checked > 40


# -- hostile volume, byte limits, failure isolation, escalation, detections ----------
#
# The acceptance log (tests/fixtures/alerts/hostile_flood_part1.log, part2.log): 50 connects from
# 50 public IPs whose PROGRAM/USER/HOST are 4,000-byte strings of 4-byte characters (CJK
# Extension B, emoji; half the HOSTs start with "ORA-00600" and a RIGHT-TO-LEFT OVERRIDE), an SID
# scan with 4,000-byte SIDs, a registration refused by valid node checking (TNS-01182, no client
# address), and a log_file redirection refused in part 1 that succeeds in part 2.

import contextlib
import datetime as dt
import io
import os

FLOOD = [fixture("hostile_flood_part1.log"), fixture("hostile_flood_part2.log")]
FLOOD_NOW = "2026-12-03 07:00:00"
FLOOD_IPS = {f"198.51.100.{10 + i}" for i in range(25)} | {f"203.0.113.{10 + i}" for i in range(25, 50)}


def _main_captured(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["alerts", "--quiet", "--format", "json", "--now", FLOOD_NOW, *args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def flood(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The acceptance log through the CLI as the job sees it (run 1: part 1; the redirection alert
    acknowledged; run 2: parts 1 and 2 again, the overlapping re-scan) and through the Python API
    (one run over both parts). Module-scoped: the tests only read it."""
    from lsnrmine.engine.session import OfflineEngine

    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("LSNRMINE_"):
                mp.delenv(key)
        work = tmp_path_factory.mktemp("flood")
        mp.chdir(work)
        state = work / "state.json"
        code1, out1, err1 = _main_captured("--log", FLOOD[0], "--state", str(state))
        after1 = json.loads(state.read_text(encoding="utf-8"))
        data = json.loads(state.read_text(encoding="utf-8"))
        for alert in data["alerts"]:
            if alert["rule_id"] in ("LOG_REDIRECTION", "LISTENER_STOP"):
                alert["status"] = "acknowledged"  # what ALERT_PKG.acknowledge does to the row
        state.write_text(json.dumps(data), encoding="utf-8")
        code2, out2, err2 = _main_captured("--log", FLOOD[0], "--log", FLOOD[1], "--state", str(state))
        after2 = json.loads(state.read_text(encoding="utf-8"))
        now = dt.datetime.strptime(FLOOD_NOW, "%Y-%m-%d %H:%M:%S")
        engine = OfflineEngine(now=now)
        engine.load(FLOOD, progress=False)
        store = alerts_mod.AlertStore()
        api = alerts_mod.evaluate(engine, store, now=now)
    return {"run1": (code1, json.loads(out1) if out1.strip() else [], err1), "state1": after1,
            "run2": (code2, json.loads(out2) if out2.strip() else [], err2), "state2": after2,
            "api": api, "api_store": store}


def test_flood_every_rule_raises_what_it_should_and_nothing_fails(flood: dict) -> None:
    code, rows, err = flood["run1"]
    assert code == 0 and "failed" not in err
    assert not of_rule(rows, "HEALTH")
    new_ip = of_rule(rows, "NEW_CLIENT_IP")
    assert {r["KEY"] for r in new_ip} == FLOOD_IPS | {"192.0.2.77"}
    assert {r["SEVERITY"] for r in new_ip} == {"high"}
    assert [(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "SID_ENUMERATION")] == [("192.0.2.77", "high")]
    poison = of_rule(rows, "TNS_POISON")
    assert [(r["KEY"], r["SEVERITY"]) for r in poison] == [("registration refused (no client address)", "critical")]
    assert poison[0]["EVIDENCE"].startswith("registration refused by valid node checking (TNS-01182)")
    assert [(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "LOG_REDIRECTION")] == [("mallory@jump01", "high")]
    assert [(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "LISTENER_STOP")] == [("mallory@jump01", "high")]
    assert flood["api"].failed_rules == []


def test_flood_values_fit_their_columns_by_bytes_on_character_boundaries(flood: dict) -> None:
    stored = flood["state2"]["alerts"]
    assert len(stored) >= 55
    for alert in stored:
        key, evidence = alert["alert_key"], alert["evidence"]
        assert 0 < len(key.encode("utf-8")) <= alerts_mod.KEY_BYTES
        assert len(evidence.encode("utf-8")) <= alerts_mod.EVIDENCE_BYTES
        assert "\ufffd" not in key + evidence  # no character cut in half
    public = [a for a in stored if a["rule_id"] == "NEW_CLIENT_IP" and a["alert_key"] == "198.51.100.10"]
    # 4,000-byte USER/HOST/PROGRAM: the evidence was cut near its byte limit, by whole characters
    assert len(public[0]["evidence"].encode("utf-8")) > alerts_mod.EVIDENCE_BYTES - 4
    assert public[0]["evidence"].startswith("public client IP 198.51.100.10 (\U00020000")


def test_flood_escalation_after_acknowledgement_is_delivered_again(flood: dict) -> None:
    first = [a for a in flood["state1"]["alerts"] if a["rule_id"] == "LOG_REDIRECTION"]
    assert [(a["severity"], a["status"], a["cnt"]) for a in first] == [("high", "new", 1)]
    code, rows, _ = flood["run2"]
    assert code == 0
    assert [(r["ALERT_ID"], r["SEVERITY"], r["STATUS"], r["COUNT"]) for r in of_rule(rows, "LOG_REDIRECTION")] == [
        (first[0]["alert_id"], "critical", "new", 2)]
    # a refused stop (part 1, acknowledged) followed by a successful one from the same user@host:
    # high -> critical, re-opened
    stop = [a for a in flood["state1"]["alerts"] if a["rule_id"] == "LISTENER_STOP"]
    assert [(a["alert_key"], a["severity"], a["cnt"]) for a in stop] == [("mallory@jump01", "high", 1)]
    assert [(r["ALERT_ID"], r["SEVERITY"], r["STATUS"], r["COUNT"]) for r in of_rule(rows, "LISTENER_STOP")] == [
        (stop[0]["alert_id"], "critical", "new", 2)]
    # the re-scan of part 1 adds nothing else
    assert {r["RULE"] for r in rows} == {"LOG_REDIRECTION", "LISTENER_STOP"}


def test_flood_python_api_gives_the_same_alerts_as_the_cli(flood: dict) -> None:
    def summary(items: list[tuple]) -> set[tuple]:
        return set(items)

    cli = summary((a["rule_id"], a["alert_key"], a["severity"], a["cnt"], a["evidence"]) for a in flood["state2"]["alerts"])
    api = summary((a.rule_id, a.alert_key, a.severity, a.cnt, a.evidence) for a in flood["api_store"].alerts)
    assert cli == api


# -- byte helpers (twins of ALERT_PKG.fit_bytes / one_line / log_text) -------------------------


@pytest.mark.parametrize("text,limit,expected", [
    ("abc", 400, "abc"),
    ("界" * 200, 400, "界" * 133),             # 3-byte CJK: 133 characters = 399 bytes
    ("\U0001F600" * 1000, 1000, "\U0001F600" * 250),  # 4-byte emoji
    ("a" + "\U0001F600" * 2, 4, "a"),          # the emoji that does not fit is dropped whole
    ("", 10, None),                            # '' is NULL
])
def test_fit_bytes_cuts_whole_characters_within_the_byte_limit(text: str, limit: int, expected) -> None:
    assert alerts_mod.fit_bytes(text, limit) == expected


def test_one_line_and_log_text_strip_controls_separators_bidi_and_ora() -> None:
    assert alerts_mod.one_line("a\r\nb\tc\x1b\u0085d\u2028e\u2029f\u202eg\u2066h\u200fi", 100) == "a  b c  d e f g h i"
    assert alerts_mod.log_text("key=ORA-00600 ora-7445", 100) == "key=ORA_00600 ORA_7445"
    # N10: every C1 control, ALM, zero-width and invisible format characters, BOM
    hidden = "".join(chr(c) for c in range(0x80, 0xA0)) + "\u061c\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
    assert alerts_mod.one_line("x" + hidden + "y", 400) == "x" + " " * len(hidden) + "y"
    assert alerts_mod.log_text("OR\u200bA-00600 ORA\ufeff-1", 100) == "OR A-00600 ORA -1"
    assert len(alerts_mod.one_line("é" * 4000, 401).encode()) == 400


# -- failure isolation, escalation, HEALTH row (the merge twin) --------------------------------


def test_an_episode_the_store_refuses_is_a_health_alert_and_the_others_are_stored() -> None:
    t = dt.datetime(2026, 12, 3, 6, 0, 0)
    store = alerts_mod.AlertStore()
    bad = alerts_mod.Episode("NEW_CLIENT_IP", "\U00020000" * 101, "high", t, t, 1, 1, "e", 1440)  # 404 bytes
    good = alerts_mod.Episode("NEW_CLIENT_IP", "203.0.113.5", "high", t, t, 1, 2, "e2", 1440)
    failed: list[str] = []
    touched = alerts_mod.merge_episodes(store, [bad, good], t, failed)
    assert failed == ["NEW_CLIENT_IP"]
    assert {(a.rule_id, a.alert_key) for a in store.alerts} == {("HEALTH", "NEW_CLIENT_IP"), ("NEW_CLIENT_IP", "203.0.113.5")}
    health = [a for a in store.alerts if a.rule_id == "HEALTH"]
    assert "could not be stored: ORA-12899" in health[0].evidence and len(touched) == 2


def test_an_escalation_reopens_an_acknowledged_alert_a_repeat_does_not() -> None:
    t = dt.datetime(2026, 12, 3, 6, 0, 0)
    store = alerts_mod.AlertStore()
    alerts_mod.merge_episodes(store, [alerts_mod.Episode("PASSWORD_FAILURES", "m@j", "low", t, t, 1, 1, "e", 60)], t)
    store.alerts[0].status = "acknowledged"
    later = t + dt.timedelta(minutes=10)
    alerts_mod.merge_episodes(store, [alerts_mod.Episode("PASSWORD_FAILURES", "m@j", "low", later, later, 1, 2, "e", 60)], t)
    assert store.alerts[0].status == "acknowledged"
    later = t + dt.timedelta(minutes=20)
    alerts_mod.merge_episodes(store, [alerts_mod.Episode("PASSWORD_FAILURES", "m@j", "high", later, later, 1, 3, "e", 60)], t)
    assert [(a.severity, a.status, a.cnt) for a in store.alerts] == [("high", "new", 3)]


@pytest.mark.parametrize("rule", ["LOG_REDIRECTION", "LISTENER_STOP"])
def test_a_redirect_or_stop_after_acknowledgement_reopens_at_the_same_severity(rule: str) -> None:
    # a second successful log_file (critical -> critical) after the acknowledgement is not silent;
    # a lower one (a refused attempt after an acknowledged successful one) does not re-open
    t = dt.datetime(2026, 12, 3, 6, 0, 0)
    store = alerts_mod.AlertStore()
    alerts_mod.merge_episodes(store, [alerts_mod.Episode(rule, "m@j", "critical", t, t, 1, 1, "e", 60)], t)
    store.alerts[0].status = "acknowledged"
    later = t + dt.timedelta(minutes=10)
    alerts_mod.merge_episodes(store, [alerts_mod.Episode(rule, "m@j", "high", later, later, 1, 2, "e", 60)], t)
    assert [(a.severity, a.status, a.cnt) for a in store.alerts] == [("critical", "acknowledged", 2)]
    later = t + dt.timedelta(minutes=20)
    alerts_mod.merge_episodes(store, [alerts_mod.Episode(rule, "m@j", "critical", later, later, 1, 3, "e", 60)], t)
    assert [(a.severity, a.status, a.cnt) for a in store.alerts] == [("critical", "new", 3)]


def test_health_honours_its_rule_row(capsys, shared_rows) -> None:
    rows = shared_rows("storm.log", "CONNECTION_STORM.params=lots", "HEALTH.severity=critical")
    assert [(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "HEALTH")] == [("CONNECTION_STORM", "critical")]
    code, rows, err = run_alerts(capsys, "--log", fixture("storm.log"), "--rule-set", "CONNECTION_STORM.params=lots",
                                 "--rule-set", "HEALTH.enabled=N")
    assert code == 0 and not of_rule(rows, "HEALTH") and "rule CONNECTION_STORM failed" in err


def test_view_names_resolve_as_the_data_dictionary_does() -> None:
    # DBMS_ASSERT.ENQUOTE_NAME(.., capitalize => TRUE): unquoted upper-cased, quoted kept
    assert alerts_mod.view_name_in_dictionary("lsnr_alert_r1_password") == "LSNR_ALERT_R1_PASSWORD"
    assert alerts_mod.view_name_in_dictionary('"MyRule"') == "MyRule"


# -- detections (C5 in the flood above; C12, C13 here) ------------------------------------------


@pytest.fixture(scope="module")
def detections(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("LSNRMINE_"):
                mp.delenv(key)
        mp.chdir(tmp_path_factory.mktemp("detections"))
        code, out, err = _main_captured("--log", fixture("password_rotating.log"), "--log", fixture("stop_refused_spoofed.log"),
                                        "--log", fixture("new_ip_mapped.log"))
    assert code == 0, err
    return json.loads(out)


def test_rule1_guesser_rotating_its_claimed_user_and_host_reaches_the_threshold(detections: list[dict]) -> None:
    found = of_rule(detections, "PASSWORD_FAILURES")
    # four claimed identities within a minute: each is high although none repeats; the single
    # refusal half an hour later (stop_refused_spoofed.log) stays low
    assert {(r["KEY"], r["SEVERITY"]) for r in found} == {
        ("oracle@db01", "high"), ("grid@db02", "high"), ("root@kali", "high"), ("admin@win7", "high"),
        ("oracle@kali", "low")}


def test_rule4_refused_stop_is_not_downgraded_by_a_claimed_allow_listed_user(detections: list[dict]) -> None:
    found = {(r["KEY"], r["SEVERITY"], r["FIRST_TIME"]) for r in of_rule(detections, "LISTENER_STOP")}
    # refused stops claiming USER=oracle (allow-listed) keep the rule's severity; the successful
    # stop by oracle@db01 at 05:45 joins the alert its refused 05:00 attempt opened (stop.log
    # covers a successful allow-listed stop alone: info)
    assert ("oracle@kali", "high", "2026-12-03 05:30:00") in found
    assert ("oracle@db01", "high", "2026-12-03 05:00:00") in found


def test_rule8_ipv4_mapped_addresses_are_classified_like_ipv4(detections: list[dict]) -> None:
    found = {(r["KEY"], r["SEVERITY"]) for r in of_rule(detections, "NEW_CLIENT_IP")}
    # private: 10/8 and 192.168/16 mapped in both spellings, fd12: (fc00::/7), fe80::/10 (fe80,
    # fe9a); public: the mapped 203.0.113.99 / 198.51.100.200, fc::1 (= 00fc::1, not fc00::/7),
    # fec0::1 (outside fe80::/10)
    assert found == {("::ffff:203.0.113.99", "high"), ("0:0:0:0:0:ffff:198.51.100.200", "high"), ("fc::1", "high"),
                     ("fec0::1", "high")}


# -- the Oracle side: what the package and tables render -----------------------------------------


def test_package_renders_the_robustness_parts(clean_env: Path, capsys) -> None:
    _mail_config(clean_env)
    out = clean_env / "mail"
    assert main(["render", "--out", str(out), *MAIL]) == 0
    names = {p.name for p in out.iterdir()}
    package = next((out / n).read_text() for n in names if n.endswith("_lsnr_alert_pkg.sql"))
    table = next((out / n).read_text() for n in names if n.endswith("_lsnr_alerts.sql"))
    # C1/C2: byte-safe copies and stores; C3: no whole-body buffer; C13: headers, plain text
    assert '"LSNR_ALERT_PKG".fit_bytes(alert_key, \' || co_key_bytes' in package
    assert "fit_bytes(in_evidence, co_evidence_bytes)" in package
    assert "l_body" not in package and "in_lines(i) || co_crlf" in package
    assert "'Date: '" in package and "'Message-ID: <'" in package
    # C10/N3: after a failure (DATA mode included) the connection is closed without a reply;
    # any other error of the mail path is returned (DELIVERY HEALTH alert), not raised
    assert "sys.utl_smtp.close_connection(c => io_conn);" in package
    send_mail = package[package.index("procedure send_mail"):package.index("end send_mail;")]
    assert "when others then\n         out_problem := substr(sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace" in send_mail
    assert send_mail.count("close_mail(io_conn => l_conn, in_open => l_open);") == 2
    deliver = package[package.index("procedure deliver"):package.index("end deliver;")]
    # N3: the alert-log record is committed before the mail is tried; N11: the mailed severity
    assert deliver.index("commit;") < deliver.index("send_mail(")
    assert "set delivered_severity = l_sevs(i)" in deliver
    # N2: the most severe first
    assert "else 1 end desc,\n                   last_time, alert_id" in deliver
    # N9: infrastructure errors are re-raised before the per-episode catch-all
    merge = package[package.index("procedure merge_episodes"):package.index("end merge_episodes;")]
    assert merge.index("raise;") < merge.index("when others then") and "e_deadlock" in merge
    # N13: named notation, a Gregorian Date: header whatever NLS_CALENDAR
    assert "sys.utl_smtp.helo(c => l_conn, domain => l_domain);" in package
    assert "date '2001-01-01', 7) * 3 + 1, 3)" in package and "'Dy, DD Mon YYYY" not in package
    # C13: lower-case view names; C9: per-channel delivery; C4: escalation re-opens
    assert "capitalize => true" in package and "capitalize => false" not in package
    assert "set logged_severity = a.severity" in package and "l_status := 'new';" in package
    assert "an alert could not be stored: " in package and "last_error = substr('alert not stored (key '" in package
    assert "logged_severity    varchar2(10 byte)" in table and "add (logged_severity varchar2(10 byte))" in table
    # N8: the upgrade marks what the old package already wrote to the alert log, once
    assert ("add (logged_severity varchar2(10 byte))';\n  -- once" in table
            and "set logged_severity = delivered_severity where delivered_severity is not null" in table)
    # N7: transaction-specific scratch table; an old session-specific one is recreated
    candidates = next((out / n).read_text() for n in names if n.endswith("_lsnr_alert_candidates.sql"))
    assert candidates.count(") on commit delete rows]';") == 2 and "preserve rows" not in candidates
    assert "if l_duration = 'SYS$SESSION' or (l_duration is not null and l_columns < 2) then" in candidates
    uninstall = (out / "uninstall.sql").read_text()
    assert "is still bound to a session that ran the alert job" in uninstall
