"""Oracle's dialect as users type it into `lsnrmine sql` (the real CLI in a subprocess, on the shipped
sample log): datetime literals, TO_DATE with the default NLS_DATE_FORMAT (DD-MON-RR), and the column
headers Oracle gives unaliased expressions (docs/oracle-facts.md, "Offline engine sandbox and Oracle
dialect"). Expected counts are computed here from the log text itself, not by the engine."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "installer" / "samples" / "listener.log"


def lsnrmine(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def sql_csv(query: str, cwd: Path) -> list[list[str]]:
    """Header and rows of `lsnrmine sql --format csv` on the sample."""
    result = lsnrmine("sql", "--log", str(SAMPLE), "--quiet", "--format", "csv", query, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


def sample_dates() -> list[dt.datetime]:
    """log_date of every dated line of the sample (field 1 in the listener's DD-MON-YYYY HH24:MI:SS)."""
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"(\d\d-[A-Z]{3}-\d{4} \d\d:\d\d:\d\d) \*", line)
        if m:
            out.append(dt.datetime.strptime(m.group(1), "%d-%b-%Y %H:%M:%S"))
    return out


def test_datetime_literals_and_default_to_date(tmp_path: Path) -> None:
    table = sql_csv("select timestamp '2005-11-06 14:05:00' t, date '2005-11-06' d, "
                    "to_date('06-NOV-2005') four_digits, to_date('06-nov-05') rr_05, "
                    "to_date('06-NOV-75') rr_75, to_date('6-NOV-2005', 'DD-MON-RR') rrrr "
                    "from dual", tmp_path)
    assert table == [["T", "D", "FOUR_DIGITS", "RR_05", "RR_75", "RRRR"],
                     ["2005-11-06 14:05:00", "2005-11-06 00:00:00", "2005-11-06 00:00:00",
                      "2005-11-06 00:00:00", "1975-11-06 00:00:00", "2005-11-06 00:00:00"]]


def test_literals_compare_with_log_dates(tmp_path: Path) -> None:
    dates = sample_dates()
    since = dt.datetime(2005, 11, 6, 14, 5)
    expected = [str(sum(d >= since for d in dates)), str(sum(d >= dt.datetime(2005, 11, 6) for d in dates)),
                str(sum(d < dt.datetime(2005, 11, 6) for d in dates))]
    assert 0 < int(expected[0]) < int(expected[1]) < len(dates)  # the sample straddles both bounds
    table = sql_csv("select (select count(*) from listener_log where log_date >= timestamp '2005-11-06 14:05:00') a, "
                    "(select count(*) from listener_log where log_date >= date '2005-11-06') b, "
                    "(select count(*) from listener_log where log_date < to_date('06-NOV-2005')) c from dual",
                    tmp_path)
    assert table == [["A", "B", "C"], expected]
    days = sql_csv("select date '2005-11-07' - date '2005-11-06' days, "
                   "to_char(date '2005-11-06' + 1, 'YYYY-MM-DD HH24:MI:SS') next_day from dual", tmp_path)
    assert days == [["DAYS", "NEXT_DAY"], ["1.0", "2005-11-07 00:00:00"]]


def test_unaliased_expressions_are_named_as_oracle_names_them(tmp_path: Path) -> None:
    table = sql_csv("select count(*), count( distinct action ), max(log_date), upper( action ), "
                    "nvl(service_name, 'no service'), 1 + 1, action, l.return_code, count(*) n "
                    "from listener_log l where action = 'establish' group by upper(action), "
                    "nvl(service_name, 'no service'), action, l.return_code "
                    "order by count(*) desc, 5 fetch first 1 rows only", tmp_path)
    assert table[0] == ["COUNT(*)", "COUNT(DISTINCTACTION)", "MAX(LOG_DATE)", "UPPER(ACTION)",
                        "NVL(SERVICE_NAME,'NOSERVICE')", "1+1", "ACTION", "RETURN_CODE", "N"]
    assert table[1][3] == "ESTABLISH" and table[1][5] == "2" and table[1][0] == table[1][8]


def test_names_seen_through_a_subquery_and_a_union(tmp_path: Path) -> None:
    # Oracle: the inner query's column is named COUNT(*); the outer query sees it by that name
    inner = sql_csv('select "COUNT(*)" + 0, x.* from (select count(*) from listener_log) x', tmp_path)
    total = str(len(sample_dates()))
    assert inner == [['"COUNT(*)"+0', "COUNT(*)"], [total, total]]
    union = sql_csv("select count(*) from listener_log union all select 0 from dual", tmp_path)
    assert union == [["COUNT(*)"], [total], ["0"]]
    literal = sql_csv("select 'a b', sysdate - sysdate, trunc( to_date('06-NOV-2005 10:00:00', "
                      "'DD-MON-YYYY HH24:MI:SS') ) from dual", tmp_path)
    assert literal[0] == ["'AB'", "SYSDATE-SYSDATE",
                          "TRUNC(TO_DATE('06-NOV-200510:00:00','DD-MON-YYYYHH24:MI:SS'))"]
    assert literal[1] == ["a b", "0.0", "2005-11-06 00:00:00"]


def test_quoted_aliases_keep_their_case(tmp_path: Path) -> None:
    table = sql_csv('select count(*) "Total", count(*) total, action "Action" from listener_log '
                    "where action = 'establish' group by action", tmp_path)
    assert table[0] == ["Total", "TOTAL", "Action"] and table[1][2] == "establish"
    union = sql_csv('select count(*) "n" from listener_log union all select 1 from dual', tmp_path)
    assert union[0] == ["n"]


def test_json_keys_are_the_oracle_names(tmp_path: Path) -> None:
    result = lsnrmine("sql", "--log", str(SAMPLE), "--quiet", "--format", "json",
                      "select count(*), date '2005-11-06' from dual", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"COUNT(*)": 1, "DATE'2005-11-06'": "2005-11-06 00:00:00"}]


@pytest.mark.parametrize(("query", "message"), [
    ("select date '2005-13-06' from dual", "DATE literal '2005-13-06': not a valid date"),
    ("select timestamp '2005-11-06' from dual", "TIMESTAMP literal '2005-11-06'"),
    ("select timestamp '2005-11-06 14:05:00 +02:00' from dual", "no time zone"),
    ("select to_date('6.11.2005') from dual", "Could not parse"),
])
def test_bad_literals_fail_with_one_line(tmp_path: Path, query: str, message: str) -> None:
    result = lsnrmine("sql", "--log", str(SAMPLE), "--quiet", "--format", "csv", query, cwd=tmp_path)
    assert result.returncode != 0 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip() and "rejected from listener_log" not in line]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
