"""Reports: every catalogue report over LSNR_EVENTS runs on the embedded engine over
tests/fixtures/reports.log with asserted columns and rows; the time range; the settings the report
views read; `lsnrmine report NAME --format csv|json|table` for every report; the HTML dashboard's
escaping (tests/test_dashboard_browser.py opens it in Chromium). The report queries share one
engine per module; each report goes through the CLI in full in one format (rotating), equal to
the shared engine's output in that format, and its other two formats come from the shared engine
through the CLI's own writer."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest

from conftest import FIXTURES
from lsnrmine import dashboard
from lsnrmine import report_catalogue as reports
from lsnrmine.cli.common import parse_datetime
from lsnrmine.errors import UserError
from lsnrmine.cli import main
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.identifiers import SettingError
from lsnrmine.manifest import MANIFEST
from lsnrmine.settings import Settings
from lsnrmine.report_rows import engine_batches, write_report  # the writer the CLI calls

REPORTS_LOG = str(FIXTURES / "reports.log")
HOSTILE = "<script>document.title='pwned'</script>"

# report -> (columns, rows), whole fixture (no time range)
EXPECTED = {
    'admin_restricted': (('EVENT_TIME', 'COMMAND', 'CLIENT_USER', 'CLIENT_HOST', 'RETURN_CODE'),
        [(datetime(2024, 7, 31, 2, 4), 'trc_level', None, None, 12508)]),
    'connections_per_day': (('DAY_START', 'CONNECTIONS', 'FAILURES'),
        [(datetime(2024, 7, 1, 0, 0), 1, 0), (datetime(2024, 7, 30, 0, 0), 2, 0), (datetime(2024, 7, 31, 0, 0), 7, 2)]),
    'connections_per_hour': (('HOUR_START', 'CONNECTIONS', 'FAILURES'),
        [(datetime(2024, 7, 1, 8, 0), 1, 0), (datetime(2024, 7, 30, 23, 0), 2, 0), (datetime(2024, 7, 31, 1, 0), 5, 1), (datetime(2024, 7, 31, 2, 0), 2, 1)]),
    'failed_commands': (('EVENT_TIME', 'COMMAND', 'CLIENT_USER', 'CLIENT_HOST', 'RETURN_CODE', 'ERROR_TEXT'),
        [(datetime(2024, 7, 31, 2, 2), 'stop', 'ananda', 'db1', 1190, 'TNS-01190: The user is not authorized to execute the requested listener command'), (datetime(2024, 7, 31, 2, 4), 'trc_level', None, None, 12508, 'TNS-12508: TNS:listener could not resolve the COMMAND given')]),
    'failure_ratio_client': (('CLIENT_IP', 'CONNECTIONS', 'FAILURES', 'FAILURE_PCT'),
        [('192.168.5.9', 1, 1, 100.0), ('203.0.113.7', 2, 1, 50.0), ('10.1.1.5', 1, 0, 0.0), ('10.20.191.60', 3, 0, 0.0), ('10.20.214.170', 3, 0, 0.0)]),
    'failure_ratio_service': (('SERVICE', 'CONNECTIONS', 'FAILURES', 'FAILURE_PCT'),
        [('NOSUCH', 1, 1, 100.0), ('ORCL', 3, 1, 33.3), ('OMT', 2, 0, 0.0), ('ROPRD1', 1, 0, 0.0), ('SLC', 2, 0, 0.0), ('omt', 1, 0, 0.0)]),
    'jdbc_service_clients': (('SERVICE_NAME', 'CLIENT_IP', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('OMT', '10.20.191.60', 2, 0, datetime(2024, 7, 31, 1, 5), datetime(2024, 7, 31, 1, 7)), ('SLC', '10.20.214.170', 2, 0, datetime(2024, 7, 1, 8, 0, 5), datetime(2024, 7, 30, 23, 10)), ('omt', '10.20.191.60', 1, 0, datetime(2024, 7, 31, 1, 6), datetime(2024, 7, 31, 1, 6)), (None, '10.20.214.170', 1, 0, datetime(2024, 7, 30, 23, 20), datetime(2024, 7, 30, 23, 20))]),
    'listener_commands': (('EVENT_TIME', 'COMMAND', 'CLIENT_USER', 'CLIENT_HOST', 'RETURN_CODE'),
        [(datetime(2024, 7, 31, 2, 2), 'stop', 'ananda', 'db1', 1190), (datetime(2024, 7, 31, 2, 3), 'status', 'oracle', 'db1', 0), (datetime(2024, 7, 31, 2, 4), 'trc_level', None, None, 12508)]),
    # one listener, no host (reports.log names no ADR home): the connections, failures and commands of the
    # rows above, plus its service registrations, ping and error-only events
    'listener_hosts': (('HOST', 'LISTENER', 'EVENTS', 'CONNECTIONS', 'FAILURES', 'COMMANDS', 'LOG_FILES', 'FIRST_TIME', 'LAST_TIME'),
        [(None, 'LISTENER', 19, 10, 2, 3, 1, datetime(2024, 7, 1, 8, 0), datetime(2024, 7, 31, 2, 11))]),
    'new_clients': (('CLIENT_IP', 'FIRST_SEEN', 'LAST_SEEN', 'CONNECTIONS', 'FAILURES'),
        [('10.20.191.60', datetime(2024, 7, 31, 1, 5), datetime(2024, 7, 31, 1, 7), 3, 0), ('203.0.113.7', datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31), 2, 1), ('10.1.1.5', datetime(2024, 7, 31, 2, 0), datetime(2024, 7, 31, 2, 0), 1, 0), ('192.168.5.9', datetime(2024, 7, 31, 2, 1), datetime(2024, 7, 31, 2, 1), 1, 1)]),
    'privileged_os_users': (('EVENT_TIME', 'CLIENT_USER', 'CLIENT_HOST', 'CLIENT_IP', 'PROGRAM', 'SERVICE', 'RETURN_CODE'),
        [(datetime(2024, 7, 31, 1, 30), 'root', 'kali', '203.0.113.7', 'sqlplus', 'NOSUCH', 12514), (datetime(2024, 7, 31, 1, 31), 'root', 'kali', '203.0.113.7', 'sqlplus', 'ORCL', 0), (datetime(2024, 7, 31, 2, 0), 'Administrator', 'evil', '10.1.1.5', "<script>document.title='pwned'</script>", 'ORCL', 0)]),
    'public_ips': (('CLIENT_IP', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('203.0.113.7', 2, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31))]),
    'service_name_cases': (('SERVICE_KEY', 'SPELLINGS', 'VARIANTS', 'CONNECTIONS'),
        [('OMT', 2, 'OMT, omt', 3)]),
    'service_timeline': (('HOUR_START', 'SERVICE', 'REGISTERS', 'UPDATES', 'DEATHS'),
        [(datetime(2024, 7, 1, 8, 0), 'ORCL', 1, 0, 0), (datetime(2024, 7, 31, 1, 0), 'ORCL', 0, 1, 0), (datetime(2024, 7, 31, 2, 0), 'ORCL', 1, 0, 1)]),
    'sid_clients': (('CLIENT_IP', 'CLIENT_HOST', 'PROGRAM', 'SID', 'CONNECTIONS', 'LAST_TIME'),
        [('10.20.214.170', '__jdbc__', 'JDBC Thin Client', 'ROPRD1', 1, datetime(2024, 7, 30, 23, 20)), ('203.0.113.7', 'kali', 'sqlplus', 'ORCL', 1, datetime(2024, 7, 31, 1, 31))]),
    'sid_vs_service': (('CLIENT_IP', 'CLIENT_HOST', 'BY_SID', 'BY_SERVICE_NAME', 'BY_NEITHER'),
        [('10.1.1.5', 'evil', 0, 1, 0), ('10.20.191.60', '__jdbc__', 0, 3, 0), ('10.20.214.170', '__jdbc__', 1, 2, 0), ('192.168.5.9', 'etl1', 0, 1, 0), ('203.0.113.7', 'kali', 1, 1, 0)]),
    'tns_errors': (('RETURN_CODE', 'MESSAGE', 'EVENTS', 'FIRST_TIME', 'LAST_TIME'),
        [(1190, 'The user is not authorized to execute the requested listener command', 1, datetime(2024, 7, 31, 2, 2), datetime(2024, 7, 31, 2, 2)), (12502, 'TNS:listener received no CONNECT_DATA from client', 1, datetime(2024, 7, 31, 2, 5), datetime(2024, 7, 31, 2, 5)), (12508, 'TNS:listener could not resolve the COMMAND given', 1, datetime(2024, 7, 31, 2, 4), datetime(2024, 7, 31, 2, 4)), (12514, 'TNS:listener does not currently know of service requested in connect descriptor', 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 30)), (12518, 'TNS:listener could not hand off client connection', 1, datetime(2024, 7, 31, 2, 1), datetime(2024, 7, 31, 2, 1)), (12537, 'TNS:connection closed', 1, datetime(2024, 7, 31, 2, 10), datetime(2024, 7, 31, 2, 10))]),
    'top_client_hosts': (('CLIENT_HOST', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('__jdbc__', 6, 0, datetime(2024, 7, 1, 8, 0, 5), datetime(2024, 7, 31, 1, 7)), ('kali', 2, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31)), ('etl1', 1, 1, datetime(2024, 7, 31, 2, 1), datetime(2024, 7, 31, 2, 1)), ('evil', 1, 0, datetime(2024, 7, 31, 2, 0), datetime(2024, 7, 31, 2, 0))]),
    'top_client_ips': (('CLIENT_IP', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('10.20.191.60', 3, 0, datetime(2024, 7, 31, 1, 5), datetime(2024, 7, 31, 1, 7)), ('10.20.214.170', 3, 0, datetime(2024, 7, 1, 8, 0, 5), datetime(2024, 7, 30, 23, 20)), ('203.0.113.7', 2, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31)), ('10.1.1.5', 1, 0, datetime(2024, 7, 31, 2, 0), datetime(2024, 7, 31, 2, 0)), ('192.168.5.9', 1, 1, datetime(2024, 7, 31, 2, 1), datetime(2024, 7, 31, 2, 1))]),
    'top_os_users': (('CLIENT_USER', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('appsrv', 3, 0, datetime(2024, 7, 1, 8, 0, 5), datetime(2024, 7, 30, 23, 20)), ('omtapp', 3, 0, datetime(2024, 7, 31, 1, 5), datetime(2024, 7, 31, 1, 7)), ('root', 2, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31)), ('Administrator', 1, 0, datetime(2024, 7, 31, 2, 0), datetime(2024, 7, 31, 2, 0)), ('etl', 1, 1, datetime(2024, 7, 31, 2, 1), datetime(2024, 7, 31, 2, 1))]),
    'top_programs': (('PROGRAM', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('JDBC Thin Client', 6, 0, datetime(2024, 7, 1, 8, 0, 5), datetime(2024, 7, 31, 1, 7)), ('sqlplus', 2, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31)), ("<script>document.title='pwned'</script>", 1, 0, datetime(2024, 7, 31, 2, 0), datetime(2024, 7, 31, 2, 0)), ('python3', 1, 1, datetime(2024, 7, 31, 2, 1), datetime(2024, 7, 31, 2, 1))]),
    'top_services': (('SERVICE', 'CONNECTIONS', 'FAILURES', 'FIRST_TIME', 'LAST_TIME'),
        [('ORCL', 3, 1, datetime(2024, 7, 31, 1, 31), datetime(2024, 7, 31, 2, 1)), ('OMT', 2, 0, datetime(2024, 7, 31, 1, 5), datetime(2024, 7, 31, 1, 7)), ('SLC', 2, 0, datetime(2024, 7, 1, 8, 0, 5), datetime(2024, 7, 30, 23, 10)), ('NOSUCH', 1, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 30)), ('ROPRD1', 1, 0, datetime(2024, 7, 30, 23, 20), datetime(2024, 7, 30, 23, 20)), ('omt', 1, 0, datetime(2024, 7, 31, 1, 6), datetime(2024, 7, 31, 1, 6))]),
}


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    eng = OfflineEngine(Settings())
    eng.load([REPORTS_LOG], progress=False)
    return eng


def run(engine: OfflineEngine, name: str, **period) -> tuple[tuple[str, ...], list[tuple]]:
    statements = reports.statements(reports.find(name), engine.settings, **period)
    assert len(statements) == 1
    result = engine.query(statements[0])
    return tuple(result.columns), result.rows


def event_reports() -> list[reports.Report]:
    # article_* run on LISTENER_LOG (tests/test_article.py); audit_* need audit exports (tests/test_audit.py)
    return [r for r in reports.catalogue() if not r.name.startswith(("article_", "audit_"))]


def test_every_event_report_is_asserted_and_declares_its_metadata() -> None:
    names = {r.name for r in event_reports()}
    assert names == set(EXPECTED)
    for report in event_reports():
        assert report.description and len(report.description) < 140, report
        assert report.time_column in ("event_time", "first_seen"), report
        text = (reports.template_root() / report.template).read_text(encoding="utf-8")
        assert "{{ period }}" in text, f"{report.name} does not apply the time range"
        assert re.search(r"^col \w+ format ", text, re.MULTILINE), f"{report.name} has no column formats"
    assert all(r.time_column is None for r in reports.catalogue() if r.name.startswith("article_"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_report_rows_and_columns(engine: OfflineEngine, name: str) -> None:
    columns, rows = run(engine, name)
    assert (columns, rows) == EXPECTED[name]


def test_report_views_are_in_the_manifest_and_offline() -> None:
    logical = [o.logical for o in MANIFEST]
    for name in ("TNS_ERROR_TEXT", "REPORT_CONNECTIONS", "REPORT_COMMANDS", "REPORT_TNS_ERRORS",
                 "REPORT_SERVICE_EVENTS", "REPORT_NEW_CLIENTS"):
        obj = MANIFEST[logical.index(name)]
        assert obj.object_type == "VIEW" and obj.offline and logical.index(name) > logical.index("EVENTS")
    assert logical.index("TNS_ERROR_TEXT") < logical.index("REPORT_TNS_ERRORS")
    assert logical.index("REPORT_CONNECTIONS") < logical.index("REPORT_NEW_CLIENTS")


def test_tns_error_text_has_the_common_codes(engine: OfflineEngine) -> None:
    rows = dict(engine.query("select code, message from lsnr_tns_error_text").rows)
    assert set(rows) == {1158, 1169, 1180, 1182, 1185, 1189, 1190, 12170, 12502, 12505, 12508, 12514, 12516,
                         12518, 12519, 12520, 12521, 12526, 12528, 12535, 12537, 12541, 12547, 12560}
    assert rows[12537] == "TNS:connection closed" and rows[12547] == "TNS:lost contact"
    assert rows[12514] == "TNS:listener does not currently know of service requested in connect descriptor"


def test_time_range_is_applied_before_grouping(engine: OfflineEngine) -> None:
    frm, to = datetime(2024, 7, 31, 1, 0), datetime(2024, 7, 31, 2, 0)
    assert run(engine, "connections_per_hour", time_from=frm, time_to=to)[1] == [(datetime(2024, 7, 31, 1, 0), 5, 1)]
    assert run(engine, "top_client_ips", time_from=frm, time_to=to)[1] == [
        ("10.20.191.60", 3, 0, datetime(2024, 7, 31, 1, 5), datetime(2024, 7, 31, 1, 7)),
        ("203.0.113.7", 2, 1, datetime(2024, 7, 31, 1, 30), datetime(2024, 7, 31, 1, 31))]
    # from inclusive, to exclusive
    rows = run(engine, "listener_commands", time_from=datetime(2024, 7, 31, 2, 3))[1]
    assert [r[1] for r in rows] == ["status", "trc_level"]
    assert run(engine, "listener_commands", time_to=datetime(2024, 7, 31, 2, 3))[1][0][1] == "stop"
    assert [r[0] for r in run(engine, "new_clients", time_from=datetime(2024, 7, 31, 2, 0))[1]] == ["10.1.1.5", "192.168.5.9"]


def test_time_range_errors() -> None:
    with pytest.raises(ValueError, match="no time column"):
        reports.statements(reports.find("article_jdbc_service_hosts"), Settings(), time_from=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="before --to"):
        reports.statements(reports.find("tns_errors"), Settings(), time_from=datetime(2024, 1, 2), time_to=datetime(2024, 1, 1))
    assert parse_datetime("--from", "2024-07-31") == datetime(2024, 7, 31)
    assert parse_datetime("--from", "2024-07-31T02:03:04") == datetime(2024, 7, 31, 2, 3, 4)
    with pytest.raises(UserError, match="--to '31-JUL-2024'"):
        parse_datetime("--to", "31-JUL-2024")


def test_privileged_users_and_new_client_days_settings() -> None:
    eng = OfflineEngine(Settings(privileged_os_users="ETL, root", report_new_client_days=40))
    eng.load([REPORTS_LOG], progress=False)
    rows = run(eng, "privileged_os_users")[1]
    assert [(r[1], r[3]) for r in rows] == [("root", "203.0.113.7"), ("root", "203.0.113.7"), ("etl", "192.168.5.9")]
    # 40 days back from the newest event reaches the first connection of 1 July
    assert run(eng, "new_clients")[1][0][0] == "10.20.214.170"
    assert Settings(privileged_os_users=("Root", "root")).privileged_os_users == ("root",)
    for bad in ("root'--", "a b", ""):
        with pytest.raises(SettingError, match="privileged_os_users"):
            Settings(privileged_os_users=bad)
    with pytest.raises(SettingError, match="report_new_client_days"):
        Settings(report_new_client_days=0)


def _cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["report", "--log", REPORTS_LOG, "--quiet", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


FORMATS = ("json", "csv", "table")


def _shared_report(engine: OfflineEngine, name: str, fmt: str) -> str:
    """What ``lsnrmine report NAME --format FMT --log reports.log`` prints, from the module's engine:
    the report's statements (default settings, as the CLI's with a clean environment) through the
    writer the CLI calls."""
    parts: list[str] = []
    write_report(engine_batches(engine), reports.statements(reports.find(name), engine.settings), fmt, parts.append)
    return "".join(parts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_formats(capsys: pytest.CaptureFixture, clean_env, engine: OfflineEngine, name: str) -> None:
    columns, rows = EXPECTED[name]
    # one format through the CLI in full (json, csv, table in turn over the reports): the same
    # text as the shared engine's; all three formats checked on the shared engine's output
    outputs = {fmt: _shared_report(engine, name, fmt) for fmt in FORMATS}
    through_cli = FORMATS[sorted(EXPECTED).index(name) % len(FORMATS)]
    code, out, err = _cli(capsys, name, "--format", through_cli)
    assert code == 0, err
    assert out == outputs[through_cli]
    data = json.loads(outputs["json"])
    assert len(data) == len(rows) and all(list(d) == list(columns) for d in data)
    parsed = list(csv.reader(io.StringIO(outputs["csv"])))
    assert tuple(parsed[0]) == columns and len(parsed) == len(rows) + 1
    out = outputs["table"]
    assert out.split()[: len(columns)] == list(columns)
    assert out.rstrip().endswith(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def test_cli_time_range_and_errors(capsys: pytest.CaptureFixture, clean_env) -> None:
    code, out, err = _cli(capsys, "connections_per_day", "--format", "json", "--from", "2024-07-30", "--to", "2024-07-31")
    assert code == 0, err
    assert json.loads(out) == [{"DAY_START": "2024-07-30 00:00:00", "CONNECTIONS": 2, "FAILURES": 0}]
    code, out, err = _cli(capsys, "connections_per_day", "--from", "yesterday")
    assert code != 0 and "--from 'yesterday'" in err
    code, out, err = _cli(capsys, "article_jdbc_service_hosts", "--from", "2024-07-30")
    assert code != 0 and "no time column" in err
    code = main(["report", "--list"])
    listing = capsys.readouterr().out
    assert "new_clients" in listing and "Client IPs first seen" in listing


def test_dashboard_escapes_everything_from_the_log(capsys: pytest.CaptureFixture, clean_env, tmp_path) -> None:
    out = tmp_path / "d.html"
    code, _, err = _cli(capsys, "--html", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert HOSTILE not in page and "<script" not in page.lower()
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "<svg" in page and 'id="top_client_ips"' in page and "TNS:listener could not hand off client connection" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    # offline the alert list is what the alert rules raise over the log (lsnrmine.alerts.evaluate)
    assert 'id="alerts"' in page
    code, _, err = _cli(capsys, "--html", str(out), "--dsn", "db:1521/orcl")
    assert code == 2 and "not both" in err  # --log and --dsn (tests/test_report_online.py: the --dsn wiring)


def test_dashboard_alert_list_is_escaped() -> None:
    data = dashboard.DashboardData(
        sources=["a<b>.log"], lines=3, events=2, connections=1, failures=1,
        period_start=datetime(2024, 7, 31), period_end=datetime(2024, 7, 31, 1),
        per_hour=dashboard.Table(["HOUR_START", "CONNECTIONS", "FAILURES"], [(datetime(2024, 7, 31), 1, 1)]),
        tops={name: dashboard.Table(["X"], []) for name, _ in dashboard.TOP_TABLES},
        tns_errors=dashboard.Table(["RETURN_CODE"], [(12514,)]),
        alerts=[{"rule": "NEW_CLIENT_IP", "severity": "high", "key": '"><img src=x onerror=alert(1)>',
                 "count": 1, "evidence": HOSTILE, "status": "open"}])
    page = dashboard.render(data, generated=datetime(2024, 8, 1))
    assert 'id="alerts"' in page and "NEW_CLIENT_IP" in page
    assert "<img" not in page and HOSTILE not in page and "a&lt;b&gt;.log" in page
