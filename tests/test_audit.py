"""Audit: listener connects matched to logon audit records, offline on the embedded engine.

Fixtures (tests/fixtures/audit/): ``listener.log`` (13 connects on 2024-03-05), ``unified.csv`` (an
export of UNIFIED_AUDIT_TRAIL logons, both AUTHENTICATION_TYPE forms: 18c's nested ADDRESS= and the
plain one with LOGON_INFO), ``traditional.csv`` (an export of DBA_AUDIT_TRAIL, with and without the
client address in COMMENT_TEXT). Near misses asserted: a port reused by a later connect, a logon
3 s after the listener line (window 2 s), a logon 2 s before it, an address whose port differs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from lsnrmine.cli import main
from lsnrmine.engine.session import EngineError, OfflineEngine
from lsnrmine.identifiers import SettingError
from lsnrmine.render import render_objects
from lsnrmine.settings import Settings
from lsnrmine.templates import render_template

AUDIT = FIXTURES / "audit"
LOG = str(AUDIT / "listener.log")
UNIFIED = str(AUDIT / "unified.csv")
TRADITIONAL = str(AUDIT / "traditional.csv")


def engine(settings: Settings | None = None, *, unified: bool = True, traditional: bool = True) -> OfflineEngine:
    eng = OfflineEngine(settings)
    eng.load([LOG], progress=False)
    if unified:
        eng.load_unified_audit_csv(UNIFIED)
    if traditional:
        eng.load_audit_csv(TRADITIONAL)
    return eng


@pytest.fixture(scope="module")
def both() -> OfflineEngine:
    return engine()


def rows(eng: OfflineEngine, sql: str) -> list[tuple]:
    return [tuple(int(v) if isinstance(v, float) and v.is_integer() else v for v in row)
            for row in eng.query(sql).rows]


UNIFIED_MATCHES = [
    # (listener time, port, db user, delay s, logon rc)
    ("10:00:00", 50001, "APP", 1, 0),      # 18c form: (CLIENT ADDRESS=((ADDRESS=(PROTOCOL=tcp)(HOST=..)(PORT=..))))
    ("10:00:05", 50002, "APP", 0, 0),      # form without ADDRESS=, LOGON_INFO after it; same second
    ("10:00:30", 50001, "APP", 1, 0),      # port 50001 reused: its own logon, not 10:00:00's
    ("10:00:50", 50010, "APP", 1, 0),
    ("10:01:00", 50011, "APP", 2, 1017),   # failed logon (ORA-01017) at the window's edge
    ("10:01:10", 50020, "APP", 1, 0),      # two connects from one IP in the same second: the port decides
    ("10:01:10", 50021, "REPORTS", 1, 0),
]


def test_unified_matches_with_near_misses(both: OfflineEngine) -> None:
    got = rows(both, "select to_char(event_time, 'HH24:MI:SS'), audit_port, db_user, delay_seconds, logon_rc "
                     "from lsnr_audit_unified_match order by event_time, audit_port")
    assert got == UNIFIED_MATCHES
    # near misses: the 3-s delay (10:00:10), the logon 2 s before the connect (10:00:20), and the
    # LOGOFF record at 10:00:32 (not a logon) match nothing
    assert rows(both, "select count(*) from lsnr_audit_unified_match "
                      "where event_time in (to_date('2024-03-05 10:00:10', 'YYYY-MM-DD HH24:MI:SS'), "
                      "to_date('2024-03-05 10:00:20', 'YYYY-MM-DD HH24:MI:SS'))") == [(0,)]
    # the reused port: each connect gets its own logon, one row per connect
    assert rows(both, "select to_char(logon_time, 'HH24:MI:SS') from lsnr_audit_unified_match "
                      "where audit_port = 50001 order by event_time") == [("10:00:01",), ("10:00:31",)]


def test_traditional_matches_by_address_then_host(both: OfflineEngine) -> None:
    got = rows(both, "select to_char(event_time, 'HH24:MI:SS'), db_user, delay_seconds, match_method, userhost "
                     "from lsnr_audit_traditional_match order by event_time")
    assert got == [
        ("10:00:00", "APP", 1, "address", "apphost"),   # LOGOFF-updated session row: TIMESTAMP is the logon
        ("10:02:00", "SCOTT", 2, "host", "CORP\\WS02"),  # CID HOST WS02 = USERHOST without DOMAIN\
    ]
    # 10:00:30: the audit row's client address has port 50099 -> no match although the time fits;
    # WS03 logged on 3 s late, WS04 1 s before the connect
    assert rows(both, "select count(*) from lsnr_audit_traditional_match where event_time > "
                      "to_date('2024-03-05 10:00:00', 'YYYY-MM-DD HH24:MI:SS') and match_method = 'address'") == [(0,)]


def test_combined_view_prefers_unified_and_lists_every_connect(both: OfflineEngine) -> None:
    got = rows(both, "select to_char(event_time, 'HH24:MI:SS'), service, audit_source, db_user, matched "
                     "from lsnr_audit_match order by event_id")
    assert len(got) == 13  # every establish event, once
    assert got[0] == ("10:00:00", "APPSVC", "unified", "APP", 1)  # both trails match: unified wins
    unmatched = [(t, s) for t, s, _, _, m in got if m == 0]
    assert unmatched == [("10:00:10", "REPSVC"), ("10:00:20", "APPSVC"), ("10:00:40", "BADSVC"),
                         ("10:02:10", "REPSVC"), ("10:02:20", "REPSVC")]
    assert ("10:02:00", "REPSVC", "traditional", "SCOTT", 1) in got


def test_window_is_a_setting() -> None:
    eng = engine(Settings(audit_window_seconds=3), traditional=False)
    got = rows(eng, "select to_char(event_time, 'HH24:MI:SS'), delay_seconds from lsnr_audit_unified_match "
                    "where db_user = 'REPORTS'")
    assert ("10:00:10", 3) in got  # the 3-s delay is inside a 3-s window
    assert ("10:01:10", 1) in got


def test_no_audit_data_means_nothing_matches() -> None:
    """Auditing off (no logon policy): the views exist and every connect is 'no matching logon'."""
    eng = engine(unified=False, traditional=False)
    assert rows(eng, "select count(*), sum(matched) from lsnr_audit_match") == [(13, 0)]


def _report(capsys: pytest.CaptureFixture, name: str, *extra: str) -> list[dict]:
    code = main(["report", name, "--log", LOG, "--unified-audit-csv", UNIFIED, "--audit-csv", TRADITIONAL,
                 "--format", "json", "--quiet", *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_report_service_user_client(capsys: pytest.CaptureFixture) -> None:
    got = {(r["SERVICE"], r["DB_USER"], r["CLIENT_IP"], r["CLIENT_HOST"]): (r["CONNECTIONS"], r["FAILED_LOGONS"])
           for r in _report(capsys, "audit_service_user_client")}
    assert got[("APPSVC", "APP", "192.0.2.10", "__jdbc__")] == (4, 1)
    assert got[("REPSVC", "REPORTS", "192.0.2.13", "__jdbc__")] == (1, 0)
    assert got[("ADMSVC", "APP", "192.0.2.10", "ws01")] == (1, 0)
    assert got[("REPSVC", "SCOTT", "192.0.2.20", "WS02")] == (1, 0)
    assert sum(c for c, _ in got.values()) == 8


def test_report_unmatched_connects(capsys: pytest.CaptureFixture) -> None:
    got = [(r["SERVICE"], r["CLIENT_PORT"], r["REASON"]) for r in _report(capsys, "audit_unmatched_connects")]
    assert [g[1] for g in got] == [50003, 50004, 50005, 50031, 50032]
    assert got[2] == ("BADSVC", 50005, "refused by the listener (TNS-12514)")
    assert got[0][2] == "no audited logon within the window"
    # --from/--to apply on event_time
    later = _report(capsys, "audit_unmatched_connects", "--from", "2024-03-05 10:02:00")
    assert [r["CLIENT_PORT"] for r in later] == [50031, 50032]


def test_report_unexpected_services(capsys: pytest.CaptureFixture) -> None:
    got = [(r["DB_USER"], r["SERVICE"], r["CONNECTIONS"], r["USUAL_SERVICE"], r["IS_USUAL"])
           for r in _report(capsys, "audit_unexpected_services")]
    # APP: usually APPSVC (5 connects), once through ADMSVC; REPORTS and SCOTT use one service each
    assert got == [("APP", "APPSVC", 5, "APPSVC", 1), ("APP", "ADMSVC", 1, "APPSVC", 0)]


def test_sql_command_with_unified_csv(capsys: pytest.CaptureFixture) -> None:
    code = main(["sql", "--log", LOG, "--unified-audit-csv", UNIFIED, "--format", "json", "--quiet",
                 "select count(*) n from lsnr_audit_unified_match"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out) == [{"N": 7}]


def test_unified_csv_errors(tmp_path: Path) -> None:
    eng = OfflineEngine()
    with pytest.raises(EngineError, match="not a readable file"):
        eng.load_unified_audit_csv(str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("EVENT_TIMESTAMP,NOT_A_COLUMN\n2024-03-05 10:00:00,x\n", encoding="utf-8")
    with pytest.raises(EngineError, match="unknown column 'not_a_column'.*UNIFIED_AUDIT_TRAIL"):
        eng.load_unified_audit_csv(str(bad))


# -- settings, manifest, grants ----------------------------------------------------------------
def test_audit_settings() -> None:
    s = Settings()
    assert s.audit_mode == "none" and s.audit_window_seconds == 2
    assert not (s.audit_unified or s.audit_traditional or s.audit_enabled)
    assert Settings(audit_mode="Both").audit_mode == "both"
    assert Settings(audit_mode="unified").audit_unified and not Settings(audit_mode="unified").audit_traditional
    for bad in ("auto", "unified; drop", "yes"):
        with pytest.raises(SettingError, match="audit_mode"):
            Settings(audit_mode=bad)
    for bad in (0, -1, "2/0", 3601):
        with pytest.raises(SettingError, match="audit_window_seconds"):
            Settings(audit_window_seconds=bad)


@pytest.mark.parametrize("mode,views", [
    ("none", set()),
    ("unified", {"LSNR_AUDIT_UNIFIED_MATCH", "LSNR_AUDIT_MATCH"}),
    ("traditional", {"LSNR_AUDIT_TRADITIONAL_MATCH", "LSNR_AUDIT_MATCH"}),
    ("both", {"LSNR_AUDIT_UNIFIED_MATCH", "LSNR_AUDIT_TRADITIONAL_MATCH", "LSNR_AUDIT_MATCH"}),
])
def test_manifest_deploys_the_views_of_the_mode(mode: str, views: set[str]) -> None:
    s = Settings(audit_mode=mode)
    owner = {r.name for r in render_objects(s, "owner") if "AUDIT" in r.name}
    assert owner == views
    admin = [r for r in render_objects(s, "admin") if r.obj.logical == "AUDIT_GRANTS"]
    assert bool(admin) == (mode != "none")
    if admin:
        code = "\n".join(line for line in admin[0].deploy.lower().splitlines() if not line.startswith("--"))
        assert ("unified_audit_trail" in code) == (mode in ("unified", "both"))
        assert ('grant select on sys.dba_audit_trail to "lsnrmine"' in code) == (mode in ("traditional", "both"))
        # a direct object grant: no role (definer's-rights views ignore roles), no ANY privilege
        assert "audit_viewer" not in code and " any " not in code


def test_window_renders_as_whole_seconds() -> None:
    text = render_template("views/audit_unified_match.sql", Settings(audit_window_seconds=5),
                           name='"LSNR_AUDIT_UNIFIED_MATCH"')
    assert "e.event_time + 5/86400" in text


def test_audit_times_are_shifted_from_the_session_time_zone_to_the_listener_clock() -> None:
    """C6: DBA_AUDIT_TRAIL.TIMESTAMP and CAST(EVENT_TIMESTAMP AS DATE) are in the session
    time zone; both views add SYSDATE - LOCALTIMESTAMP (OS time minus session time, rounded to a
    quarter hour) before the window. Offline there is one clock: the shift is 0 (the matches above
    hold with it)."""
    import datetime as dt

    for template in ("views/audit_unified_match.sql", "views/audit_traditional_match.sql"):
        text = render_template(template, Settings(), name='"X"')
        assert "round((sysdate - cast(localtimestamp as date)) * 96) / 96 shift_days" in text
        assert "+ tz.shift_days logon_time" in text and "cross join tz" in text
    eng = OfflineEngine(now=dt.datetime(2024, 7, 31, 2, 0, 0))
    shift = eng.query("select round((sysdate - cast(localtimestamp as date)) * 96) / 96 from dual").rows
    assert [float(v) for (v,) in shift] == [0.0]


# -- installer preflight (recording stand-in: decisions and error text only; Oracle's answers are live) --
def test_admin_preflight_notes_compare_audit_mode_with_the_trails() -> None:
    from lsnrmine import audit
    from lsnrmine import install as inst
    from lsnrmine import install_sql as isql
    from test_installer import FakeConnection, admin_answers

    s = Settings(audit_mode="traditional")
    # run as SYS: SELECT on SYS.DBA_AUDIT_TRAIL can only be granted by SYS or with the grant option
    answers = admin_answers(s, **{audit.Q_UNIFIED_OPTION: [("TRUE",)], audit.Q_UNIFIED_LOGONS: [(1,)],
                                  audit.Q_TRADITIONAL_LOGONS: [(0,)], isql.Q_SESSION_USER: [("SYS",)]})
    notes, _ = inst.Installer(s, out=lambda _l: None).preflight_admin(FakeConnection(answers))
    text = "\n".join(notes)
    assert "pure unified auditing" in text and "use audit_mode = unified" in text
    assert "DBA_AUDIT_TRAIL holds no logon records yet" in text
    assert "consider audit_mode = unified" in text
    # audit off: the trails are not read at all
    conn = FakeConnection(admin_answers(Settings()))
    inst.Installer(Settings(), out=lambda _l: None).preflight_admin(conn)
    assert not any("audit_trail" in sql or "v$option" in sql for sql in conn.statements)


def test_detection_suggests_a_mode() -> None:
    from lsnrmine.audit import Detection

    assert Detection(False, True, True).suggested_mode == "both"  # mixed mode, both trails filled
    assert Detection(True, True, True).suggested_mode == "unified"  # pure unified: old rows are history
    assert Detection(False, False, True).suggested_mode == "traditional"
    assert Detection(None, None, None).suggested_mode == "none"


def test_owner_preflight_needs_direct_select_grants() -> None:
    from lsnrmine import audit
    from lsnrmine import install as inst
    from lsnrmine import install_sql as isql
    from test_installer import FakeConnection, owner_answers

    s = Settings(audit_mode="both")
    granted = {audit.Q_DIRECT_SELECT: lambda binds: [(1 if binds["table_name"] == "DBA_AUDIT_TRAIL" else 0,)]}
    with pytest.raises(inst.PreflightFailed) as info:
        inst.Installer(s, out=lambda _l: None).preflight_owner(FakeConnection(owner_answers(s, **granted)))
    assert "SELECT on UNIFIED_AUDIT_TRAIL (a direct grant" in info.value.problems[0]
    assert "DBA_AUDIT_TRAIL" not in info.value.problems[0]
    everything = {audit.Q_DIRECT_SELECT: [(1,)]}
    inst.Installer(s, out=lambda _l: None).preflight_owner(FakeConnection(owner_answers(s, **everything)))


def test_audit_reports_declare_their_metadata() -> None:
    import re

    from lsnrmine import report_catalogue as reports

    audit_reports = [r for r in reports.catalogue() if r.name.startswith("audit_")]
    assert {r.name for r in audit_reports} == {"audit_service_user_client", "audit_unmatched_connects",
                                                "audit_unexpected_services"}
    for report in audit_reports:
        assert report.description and len(report.description) < 140, report
        assert report.time_column == "event_time", report
        text = (reports.template_root() / report.template).read_text(encoding="utf-8")
        assert "{{ period }}" in text and re.search(r"^col \w+ format ", text, re.MULTILINE), report
