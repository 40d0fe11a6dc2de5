"""Every query of the article (../shared/seed) runs on the embedded engine over the article's
log lines (tests/fixtures/article.log) and returns the article's rows.

The queries are read verbatim from the article. Two carry typos (`from listener log` and a
missing comma after 'spawn'; `1.log_date`): verbatim they fail with a clear one-line error, as
they would in Oracle, and our shipped, typo-fixed scripts (reports/article_*.sql) return the rows.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES, REPO_ROOT, shared_file
from lsnrmine.cli import main

ARTICLE_LOG = str(FIXTURES / "article.log")
AUDIT_CSV = str(FIXTURES / "audit_trail.csv")
_SQLPLUS_LINE = re.compile(r"^\s*(col|column|set)\s", re.IGNORECASE)


def article_queries() -> list[str]:
    text = shared_file("seed/mining-listener-log-part3.md").read_text(encoding="utf-8")
    queries = []
    for block in re.findall(r"```\n(.*?)```", text, flags=re.DOTALL):
        lines = [line for line in block.splitlines() if not _SQLPLUS_LINE.match(line)]
        body = "\n".join(lines).strip()
        body = re.sub(r"\n/\s*$", "", body)
        if body.lower().startswith("select"):
            queries.append(body)
    return queries


def run_sql(capsys: pytest.CaptureFixture, query: str, *extra: str) -> tuple[int, list[dict], str]:
    code = main(["sql", "--log", ARTICLE_LOG, "--audit-csv", AUDIT_CSV, "--format", "json", "--quiet", *extra, query])
    captured = capsys.readouterr()
    rows = json.loads(captured.out) if code == 0 else []
    return code, rows, captured.err


def as_set(rows: list[dict]) -> set[tuple]:
    return {tuple(row.values()) for row in rows}


STOPS = [
    {"LOGDATE": "10/16/05 05:35:41", "HOST": "prolin01", "L_USER": "oraprol", "SERVICE": "LISTENER_PROLIN01", "RC": "0"},
    {"LOGDATE": "10/27/05 21:04:50", "HOST": "prolin01", "L_USER": "oraprol", "SERVICE": "LISTENER_PROLIN01", "RC": "0"},
    {"LOGDATE": "11/06/05 13:45:06", "HOST": "prolin01", "L_USER": "ananda", "SERVICE": "LISTENER_PROLIN01", "RC": "1190"},
    {"LOGDATE": "11/06/05 13:46:00", "HOST": "prolin01", "L_USER": "ananda", "SERVICE": "LISTENER_PROLIN01", "RC": "0"},
]
JDBC = {("SLC", "10.20.214.170", 3), ("OMT", "10.20.191.60", 2), ("omt", "10.20.191.60", 1), (None, "10.20.214.170", 2)}
BREAKUP = {(None, "SLC", "10.20.214.170", 3), (None, "OMT", "10.20.191.60", 2), (None, "omt", "10.20.191.60", 1),
           ("ROPRD1", None, "10.20.214.170", 2)}
# the article's admin-restricted output: 16 rows, in log order
ADMIN = [("change_password", "0"), ("save_config", "0"), ("log_file", "12508"), ("trc_level", "12508"),
         ("save_config_on_stop", "12508"), ("log_directory", "12508"), ("log_directory", "12508"),
         ("stop", "1169"), ("stop", "1169"), ("services", "1169"), ("status", "1169"), ("reload", "1169"),
         ("status", "1169"), ("stop", "1169"), ("status", "1169"), ("stop", "1169")]


def test_the_article_has_seven_queries() -> None:
    assert len(article_queries()) == 7


def test_verbatim_queries(capsys: pytest.CaptureFixture) -> None:
    jdbc, breakup, stops, admin, failed, audit_dba, audit_jdbc = article_queries()

    code, rows, err = run_sql(capsys, jdbc)
    assert code == 0, err
    assert [list(r) for r in rows][0] == ["SN", "HOST", "CNT"]
    assert as_set(rows) == JDBC

    code, rows, err = run_sql(capsys, breakup)
    assert code == 0, err
    assert as_set(rows) == BREAKUP

    code, rows, err = run_sql(capsys, stops)
    assert code == 0, err
    assert rows == STOPS

    code, rows, err = run_sql(capsys, admin)
    assert code == 0, err
    assert [(r["COMMAND"], r["RETURN_CODE"]) for r in rows] == ADMIN
    assert rows[3] == {"LOG_DATE": "2005-11-06 14:10:20", "COMMAND": "trc_level", "RETURN_CODE": "12508"}

    code, rows, err = run_sql(capsys, audit_dba)
    assert code == 0, err
    assert len(rows) == 1 and rows[0]["USERNAME"] == "SCOTIGERA"
    assert rows[0]["COMMENT_TEXT"].startswith("Authenticated by: DATABASE; Client address:")

    # the two queries with the article's typos fail with one clear line, no traceback
    for query in (failed, audit_jdbc):
        code, rows, err = run_sql(capsys, query)
        assert code == 2
        error_lines = [line for line in err.strip().splitlines() if "rejected from listener_log" not in line]
        assert len(error_lines) == 1 and "Traceback" not in err
        assert error_lines[0].startswith("lsnrmine: ")


def test_typo_fixed_scripts(capsys: pytest.CaptureFixture) -> None:
    code, rows, err = run_sql(capsys, "@" + str(REPO_ROOT / "reports/article_failed_commands.sql"))
    assert code == 0, err
    assert rows == [{"LOG_DATE": "2005-11-06 13:45:06", "L_USER": "ananda", "COMMAND": "stop", "RETURN_CODE": "1190"}]

    code, rows, err = run_sql(capsys, "@" + str(REPO_ROOT / "reports/article_audit_jdbc_users.sql"))
    assert code == 0, err
    assert as_set(rows) == {("SLC", "APPUSER", 2), (None, "REPORTS", 2)}


def test_log_file_report(capsys: pytest.CaptureFixture) -> None:
    code, rows, err = run_sql(capsys, "@" + str(REPO_ROOT / "reports/article_log_redirection.sql"))
    assert code == 0, err
    # the article prints HOST prolin01 for this row, but the log line it quotes says prolin02
    assert rows == [
        {"LOGDATE": "11/06/05 13:52:33", "HOST": "prolin02", "L_USER": "ananda", "SERVICE": "LISTENER_PROLIN01", "RC": "1190"},
        {"LOGDATE": "11/06/05 14:01:45", "HOST": "prolin02", "L_USER": "ananda", "SERVICE": "LISTENER_PROLIN01", "RC": "1190"},
    ]


@pytest.mark.parametrize("script", sorted(p.name for p in (REPO_ROOT / "reports").glob("article_*.sql")))
def test_every_article_script_runs(capsys: pytest.CaptureFixture, script: str) -> None:
    code, rows, err = run_sql(capsys, "@" + str(REPO_ROOT / "reports" / script))
    assert code == 0, err
    assert rows, f"{script} returned no rows on the article's lines"


def test_views_equal_scripts(capsys: pytest.CaptureFixture) -> None:
    code, rows, err = run_sql(capsys, "select sn, host, cnt from lsnr_jdbc_service_hosts")
    assert code == 0, err
    assert as_set(rows) == JDBC
    code, rows, err = run_sql(capsys, "select * from lsnr_sid_service_breakup")
    assert as_set(rows) == BREAKUP
    code, rows, err = run_sql(
        capsys, "select to_char(log_date,'mm/dd/yy hh24:mi:ss') logdate, host, l_user, service, rc "
        "from lsnr_listener_commands where command = 'stop' order by log_date")
    assert rows == STOPS
    code, rows, err = run_sql(capsys, "select command, return_code from lsnr_admin_restricted")
    assert [tuple(r.values()) for r in rows] == ADMIN
    code, rows, err = run_sql(capsys, "select l_user, command, return_code from lsnr_failed_commands")
    assert as_set(rows) == {("ananda", "stop", "1190")}


def test_report_command_runs_article_script(capsys: pytest.CaptureFixture) -> None:
    code = main(["report", "article_listener_stops", "--log", ARTICLE_LOG, "--format", "csv", "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.splitlines()[0] == "LOGDATE,HOST,L_USER,SERVICE,RC"
    assert "11/06/05 13:45:06,prolin01,ananda,LISTENER_PROLIN01,1190" in out.out.splitlines()
    assert "rejected from listener_log" in out.err  # banners and TNS- lines are counted, not hidden
