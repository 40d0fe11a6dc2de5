"""Alert rules (issue 6) through `lsnrmine alerts --log`: one fixture per rule that must fire and a
benign twin that must not, dedup across runs with --state, escaping of hostile log text, rule
edits without reinstall, a failing rule as a HEALTH alert, and the SQL through render and the gate.

The rules are the same Oracle-dialect views the alert job runs (views/alert_r*.sql,
views/alert_episodes.sql), executed here by the embedded engine on the events it builds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from lsnrmine import alerts as alerts_mod
from lsnrmine.cli import main

ALERT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "alerts"


def run_alerts(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, list[dict], str]:
    code = main(["alerts", "--quiet", "--format", "json", *args])
    out, err = capsys.readouterr()
    rows = json.loads(out) if code == 0 and out.strip() else []
    return code, rows, err


def fixture(name: str) -> str:
    return str(ALERT_FIXTURES / name)


def of_rule(rows: list[dict], rule: str) -> list[dict]:
    return [r for r in rows if r["RULE"] == rule]


def rank(severity: str) -> int:
    return alerts_mod.severity_rank(severity)


@pytest.fixture(autouse=True)
def _clean(clean_env: Path) -> None:
    """No LSNRMINE_* variables, no lsnrmine.toml in the working directory."""


# -- one fixture per rule: fires; its benign twin does not ------------------------------------


def test_rule1_article_five_stop_attempts_are_one_high_alert(capsys) -> None:
    code, rows, _ = run_alerts(capsys, "--log", fixture("password_burst.log"))
    assert code == 0
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


def test_rule1_threshold_is_editable_without_reinstall(capsys) -> None:
    # the same log, with the rule's threshold raised as an UPDATE of LSNR_ALERT_RULES would
    code, rows, _ = run_alerts(capsys, "--log", fixture("password_burst.log"),
                               "--rule-set", "PASSWORD_FAILURES.threshold=6")
    assert code == 0
    assert [(r["SEVERITY"], r["COUNT"]) for r in of_rule(rows, "PASSWORD_FAILURES")] == [("low", 5)]
    code, rows, _ = run_alerts(capsys, "--log", fixture("password_burst.log"),
                               "--rule-set", "PASSWORD_FAILURES.enabled=N")
    assert code == 0 and not of_rule(rows, "PASSWORD_FAILURES")


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


def test_rule4_stop_by_allow_listed_user_is_info_by_others_high(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("stop.log"))
    assert {(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "LISTENER_STOP")} == {
        ("oracle@prolin01", "info"), ("mallory@laptop7", "high")}
    _, rows, _ = run_alerts(capsys, "--log", fixture("stop_benign.log"))
    assert rows and all(r["SEVERITY"] == "info" for r in rows)
    # the allow-list is the rule's params
    _, rows, _ = run_alerts(capsys, "--log", fixture("stop.log"), "--rule-set", "LISTENER_STOP.params=oracle, mallory")
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


def test_rule7_handler_exhaustion_and_rate(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("storm.log"))
    found = of_rule(rows, "CONNECTION_STORM")
    assert [(r["COUNT"], r["EVIDENCE"][:15]) for r in found] == [(3, "refused: 12519 ")]
    # 40 establishes in one minute: an alert once the per-minute threshold is 30
    _, rows, _ = run_alerts(capsys, "--log", fixture("storm.log"), "--rule-set", "CONNECTION_STORM.threshold=30")
    found = of_rule(rows, "CONNECTION_STORM")
    assert sorted(r["COUNT"] for r in found) == [3, 40]
    _, rows, _ = run_alerts(capsys, "--log", fixture("storm_benign.log"), "--rule-set", "CONNECTION_STORM.threshold=30")
    assert not of_rule(rows, "CONNECTION_STORM")


def test_rule8_new_ip_after_learning_and_public_ip(capsys) -> None:
    _, rows, _ = run_alerts(capsys, "--log", fixture("new_ip.log"))
    found = {(r["KEY"], r["SEVERITY"]) for r in of_rule(rows, "NEW_CLIENT_IP")}
    assert found == {("10.20.199.60", "medium"), ("203.0.113.77", "high")}
    _, rows, _ = run_alerts(capsys, "--log", fixture("new_ip_benign.log"))
    assert rows == []
    # a longer learning period: the new private IP is still learned, the public one still fires
    _, rows, _ = run_alerts(capsys, "--log", fixture("new_ip.log"), "--rule-set", "NEW_CLIENT_IP.threshold=30")
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
def test_hostile_program_and_user_reach_evidence_escaped(capsys, fmt: str) -> None:
    code = main(["alerts", "--quiet", "--format", fmt, "--log", fixture("hostile.log")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "LISTENER_STOP" in out and "PASSWORD_FAILURES" in out
    for raw in ("<script>", "</b>", "<b>", "\x1b", "\r"):
        assert raw not in out, f"{raw!r} reached the output unescaped"
    assert "&lt;script&gt;" in out and "&lt;b&gt;eve" in out


def test_hostile_text_is_escaped_in_the_state_file_evidence(capsys, tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    run_alerts(capsys, "--log", fixture("hostile.log"), "--state", str(state))
    evidence = [a["evidence"] for a in json.loads(state.read_text())["alerts"]]
    assert evidence and all("<" not in e and "\x1b" not in e and "\r" not in e for e in evidence)
    assert all(len(e) <= 400 for e in evidence)


def test_escape_text() -> None:
    assert alerts_mod.escape_text("<a href='x'>\x1b[31m\r\n\u202e", 100) == "&lt;a href=&#39;x&#39;&gt;?[31m???"
    assert alerts_mod.escape_text("x" * 50, 10) == "xxxxxxx..."


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
    assert "grant execute on sys.dbms_system to \"LSNRMINE\"" in admin
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
