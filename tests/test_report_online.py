"""`lsnrmine report NAME --dsn` and `report --html OUT --dsn`: the WIRING only.

STAND-IN, stated plainly: the database side here is a recording stand-in for a python-oracledb
connection (``FakeConnection`` of tests/test_installer.py, with a cursor that also has
``description``/``fetchmany``). It returns the rows we give it, typed as python-oracledb returns
them (DATE -> datetime, NUMBER -> int or float). It only lets us check that the SQL sent is exactly
the rendered report statements (the SQL*Plus text, same period condition), that the password never
appears in any output, the exit codes, and that rows typed like Oracle's print the same text as the
embedded engine's rows for the same data. Whether Oracle runs those statements and returns those
rows is the live suite's job (tests/live/test_09_reports.py: online == offline JSON per report).
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import oracledb
import pytest

from conftest import FIXTURES
from lsnrmine import dashboard
from lsnrmine import report_catalogue as reports
from lsnrmine.cli import main
from lsnrmine.report_rows import canonical_value, q_alert_summary, q_alerts, q_lines
from lsnrmine.settings import Settings
from test_installer import FakeConnection, FakeCursor

REPORTS_LOG = str(FIXTURES / "reports.log")
PASSWORD = "Ow-SECRET-5d1e"


class DescribingCursor(FakeCursor):
    """FakeCursor plus the DB-API parts a report needs; answers are (columns, rows)."""

    arraysize = 100

    def execute(self, sql: str, binds: Optional[dict] = None, **kwargs: Any) -> None:
        super().execute(sql, binds, **kwargs)
        answer = self.conn.answers.get(sql)
        self.description = [(c,) for c in (answer[0] if isinstance(answer, tuple) else [])]
        self._rows = list(answer[1]) if isinstance(answer, tuple) else self._rows

    def fetchmany(self, size: int) -> list:
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def close(self) -> None:
        self.conn.closed_cursors += 1


class DescribingConnection(FakeConnection):
    closed_cursors = 0

    def cursor(self) -> DescribingCursor:
        return DescribingCursor(self)


def oracle_typed(rows: list) -> list:
    """Rows as python-oracledb returns NUMBER columns: int when integral, else float."""
    def one(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v
    return [tuple(one(v) for v in row) for row in rows]


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> dict:
    """oracledb.connect answers with a DescribingConnection; records the connect parameters."""
    state: dict = {"conn": DescribingConnection(), "params": []}

    def fake_connect(**params: Any) -> DescribingConnection:
        state["params"].append(params)
        return state["conn"]

    monkeypatch.setattr(oracledb, "connect", fake_connect)
    monkeypatch.setenv("LSNRMINE_OWNER_PASSWORD", PASSWORD)
    return state


def _offline(capsys: pytest.CaptureFixture, name: str, fmt: str) -> str:
    assert main(["report", name, "--log", REPORTS_LOG, "--quiet", "--format", fmt]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["failure_ratio_service", "tns_errors", "jdbc_service_clients"])
def test_online_sends_the_rendered_statements_and_prints_like_offline(
        stand_in: dict, capsys: pytest.CaptureFixture, name: str) -> None:
    from test_reports import EXPECTED

    columns, rows = EXPECTED[name]
    statements = reports.statements(reports.find(name), Settings())
    assert len(statements) == 1
    conn = stand_in["conn"]
    conn.answers[statements[0]] = (list(columns), oracle_typed(rows))
    for fmt in ("table", "csv", "json"):
        conn.log.clear()
        assert main(["report", name, "--dsn", "db:1521/pdb", "--format", fmt]) == 0
        online = capsys.readouterr()
        assert conn.statements == statements  # exactly the SQL*Plus text, nothing else
        assert PASSWORD not in online.out + online.err
        assert online.out == _offline(capsys, name, fmt), f"{name} {fmt}"
    assert stand_in["params"][0]["user"] == "LSNRMINE" and stand_in["params"][0]["password"] == PASSWORD


def test_online_period_is_the_same_condition(stand_in: dict, capsys: pytest.CaptureFixture) -> None:
    expected = reports.statements(reports.find("connections_per_day"), Settings(),
                                  time_from=dt.datetime(2024, 7, 30), time_to=dt.datetime(2024, 7, 31))
    assert main(["report", "connections_per_day", "--dsn", "db/pdb", "--from", "2024-07-30", "--to", "2024-07-31"]) == 0
    assert stand_in["conn"].statements == expected
    assert "event_time >= to_date('2024-07-30 00:00:00', 'YYYY-MM-DD HH24:MI:SS')" in expected[0]
    assert capsys.readouterr().out.rstrip().endswith("(0 rows)")


def test_canonical_values_make_both_sides_equal() -> None:
    pairs = [(100.0, 100), (decimal.Decimal("33.30"), 33.3), (0.1 + 0.2, 0.3), ("", None),
             (dt.date(2024, 7, 1), dt.datetime(2024, 7, 1)), (decimal.Decimal("7"), 7)]
    for engine_value, oracle_value in pairs:
        assert canonical_value(engine_value) == canonical_value(oracle_value)
        assert type(canonical_value(engine_value)) is type(canonical_value(oracle_value))


def test_usage_errors_before_any_connection(stand_in: dict, capsys: pytest.CaptureFixture) -> None:
    cases = [
        (["report", "tns_errors"], "give --log FILE (offline, embedded engine) or --dsn (the database)"),
        (["report", "tns_errors", "--log", REPORTS_LOG, "--dsn", "db/pdb"], "not both"),
        (["report", "--html", "x.html"], "or --dsn (the database) for the dashboard"),
        (["report", "tns_errors", "--dsn", "db/pdb", "--now", "2024-07-31 00:00:00"], "--now applies to --log"),
        (["report", "no_such", "--dsn", "db/pdb"], "report 'no_such' does not exist"),
        (["report", "tns_errors", "--dsn", "db/pdb", "--user", "system"], "connects as the owner LSNRMINE"),
    ]
    for argv, words in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, (argv, err)
    assert stand_in["params"] == []


def test_database_error_is_one_line_exit_1_without_password(stand_in: dict, capsys: pytest.CaptureFixture) -> None:
    conn = stand_in["conn"]
    conn.errors = {"LSNR_REPORT_TNS_ERRORS": oracledb.DatabaseError(f"ORA-00942: table or view does not exist {PASSWORD}")}
    assert main(["report", "tns_errors", "--dsn", "db/pdb"]) == 1
    captured = capsys.readouterr()
    assert PASSWORD not in captured.out + captured.err
    assert captured.err.startswith("lsnrmine: database error: ORA-00942") and captured.err.count("\n") == 1


def test_dashboard_online_queries_and_alert_list(stand_in: dict, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    from test_reports import EXPECTED, HOSTILE

    settings = Settings()
    conn = stand_in["conn"]
    scripts = dashboard.report_scripts(settings)
    for name, sql in scripts.items():
        conn.answers[sql] = (list(EXPECTED[name][0]), oracle_typed(EXPECTED[name][1]))
    conn.answers[q_lines(settings)] = (["LINES"], [(26,)])
    conn.answers['select count(*), min(event_time), max(event_time) from "LSNR_EVENTS"'] = (
        ["C", "A", "B"], [(18, dt.datetime(2024, 7, 1, 8), dt.datetime(2024, 7, 31, 2, 10))])
    # evidence is stored as the log has it (ALERT_EPISODES): the page escapes it exactly once
    stored = HOSTILE + " o'brien&lt;b&gt;"
    conn.answers[q_alerts(settings)] = (["RULE_ID"], [("PRIVILEGED_USER", "high", dt.datetime(2024, 7, 31, 2),
                                                       dt.datetime(2024, 7, 31, 2), "10.1.1.5", 1, "new", stored)])
    # the true total and the per-rule summary come from their own query over all alerts
    conn.answers[q_alert_summary(settings)] = (["RULE_ID"], [
        ("PRIVILEGED_USER", "high", 1, 1, dt.datetime(2024, 7, 31, 2), dt.datetime(2024, 7, 31, 2)),
        ("CLIENT_HYGIENE", "info", 7774, 9000, dt.datetime(2024, 7, 1, 8), dt.datetime(2024, 7, 31, 2))])
    out = tmp_path / "d.html"
    assert main(["report", "--html", str(out), "--dsn", "db/pdb"]) == 0
    captured = capsys.readouterr()
    assert PASSWORD not in captured.out + captured.err
    sent = conn.statements
    # the service tables are asked only of a database without connection requests
    assert {sql for name, sql in scripts.items() if name not in dict(dashboard.QUIET_TABLES)} <= set(sent)
    assert q_alerts(settings) in sent and scripts['service_timeline'] not in sent
    assert dict(conn.log)[q_alerts(settings)] == {"time_from": None, "time_to": None, "max_rows": dashboard.MAX_ALERTS,
                                                  "max_urgent": dashboard.MAX_URGENT_ALERTS}
    assert dict(conn.log)[q_alert_summary(settings)] == {"time_from": None, "time_to": None}
    page = out.read_text(encoding="utf-8")
    assert 'id="alerts"' in page and "PRIVILEGED_USER" in page and "<svg" in page
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "o&#x27;brien&amp;lt;b&amp;gt;" in page  # the log's literal entity, shown as the log has it
    assert "<b>7,775</b><span>alerts, 1 shown</span>" in page and 'id="alert-rules"' in page
    assert "<b>26</b><span>log lines</span>" in page and "LSNRMINE@db/pdb: listener.log" in page
    assert PASSWORD not in page


def test_no_password_no_tty_is_exit_2(clean_env: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    result = subprocess.run([sys.executable, "-m", "lsnrmine", "report", "tns_errors", "--dsn", "127.0.0.1:9/X"],
                            cwd=clean_env, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "LSNRMINE_OWNER_PASSWORD" in result.stderr
    env["LSNRMINE_OWNER_PASSWORD"] = PASSWORD
    result = subprocess.run([sys.executable, "-m", "lsnrmine", "report", "tns_errors", "--dsn", "127.0.0.1:9/X"],
                            cwd=clean_env, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and PASSWORD not in result.stdout + result.stderr
    assert result.stderr.startswith("lsnrmine: cannot connect to 127.0.0.1:9/X: ")
