"""The literal prefilter of a streamed listener_log (engine.prefilter): which WHERE terms give
required literals, and that a prefiltered query returns exactly what the unfiltered one returns."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from lsnrmine.engine import prefilter
from lsnrmine.engine.session import EngineError, OfflineEngine

from conftest import REPO_ROOT as REPO

FIXTURES = Path(__file__).parent / "fixtures"


def groups(oracle_sql: str):
    tree = sqlglot.parse_one(OfflineEngine().translate(oracle_sql), read="duckdb")
    table, found = prefilter.line_literals(tree)
    return None if table is None else found


P = "parse_listener_log_line"


@pytest.mark.parametrize("where, expected", [
    (f"{P}(connect_string, 'HOST') = '__jdbc__'", [["__jdbc__"]]),
    (f"'__jdbc__' = {P}(connect_string, 'host')", [["__jdbc__"]]),            # either side, any key case
    (f"{P}({P}(connect_string, 'CID'), 'PROGRAM') = 'sqlplus'", [["sqlplus"]]),  # nested parse
    ("action = 'establish' and return_code = '12514'", [["establish"], ["12514"]]),
    ("l.service_name in ('b', 'a', 'a')", [["a", "b"]]),
    ("protocol_info like '%10.1_.3%'", [["10.1"]]),
    ("(action = 'stop')", [["stop"]]),
    # nothing derived: the WHERE clause alone decides
    (f"{P}(connect_string, 'PASSWORD') = '********'", []),     # the mask is not in the line
    ("action = ''", []),
    ("action = 'a' or service_name = 'b'", []),
    ("not action = 'a'", []),
    ("upper(action) = 'STOP'", []),
    ("action <> 'stop'", []),
    ("action like 'a\\%'", []),
    ("log_date = date '2005-11-06'", []),
    ("other.action = 'stop'", []),
    ("action in ('a', null)", []),
])
def test_terms(where, expected):
    assert groups(f"select count(*) from listener_log l where {where}") == expected


@pytest.mark.parametrize("query", [
    "select count(*) from listener_log a, listener_log b where a.action = 'stop'",        # read twice
    "select count(*) from listener_log a join dual d on 1 = 1 where a.action = 'stop'",  # joined
    "select count(*) from listener_log where action in (select action from listener_log where action = 'x')",
])
def test_not_applied(query):
    assert groups(query) is None


def test_inside_a_cte_and_a_union_branch():
    assert groups("with x as (select * from listener_log where action = 'stop') select count(*) from x") == [["stop"]]
    assert groups("select action from listener_log where action = 'ping' union all select 'x' from dual") == [["ping"]]


QUERIES = [
    f"select {P}(connect_string, 'SERVICE_NAME') sn, {P}(protocol_info, 'HOST') host, count(1) cnt "
    f"from listener_log where {P}(connect_string, 'PROGRAM') = 'sqlplus' group by "
    f"{P}(connect_string, 'SERVICE_NAME'), {P}(protocol_info, 'HOST') order by 1, 2",
    "select log_date, action, return_code from listener_log where return_code = '12514' order by 1",
    "select action, count(*) from listener_log where action in ('establish', '1190', '12537') group by action order by 1",
    f"select count(*) from listener_log where {P}(connect_string, 'HOST') like '%a%'",
    f"with x as (select * from listener_log where {P}(connect_string, 'SID') = 'PROPRD') select count(*) from x",
    "select count(*) from listener_log where service_name = 'no such text anywhere'",
]
LOGS = [FIXTURES / "article.log", FIXTURES / "reports.log", REPO / "installer" / "samples" / "listener.log"]


@pytest.mark.parametrize("query", QUERIES)
def test_prefiltered_equals_unfiltered(query):
    streamed = OfflineEngine()
    streamed.load([str(p) for p in LOGS], progress=False, query=query)
    assert streamed.streamed
    # the engine reads the prefiltered relation for these queries
    assert "contains(line, " in streamed._runnable(query)
    tables = OfflineEngine()
    tables.load([str(p) for p in LOGS], progress=False)
    assert not tables.streamed
    assert streamed.query(query).rows == tables.query(query).rows


def test_unknown_key_raises_before_the_load():
    query = f"select count(*) from listener_log where {P}(connect_string, 'NOPE') = 'x'"
    with pytest.raises(EngineError, match="unknown key"):
        OfflineEngine().load([str(LOGS[0])], progress=False, query=query)


def test_star_inside_a_value_still_filtered_by_the_whole_line(tmp_path):
    # a '*' in a connect string shifts the fields: the literal is looked for in the whole line,
    # so the shifted row is kept and the WHERE clause sees what it would see unfiltered
    log = tmp_path / "l.log"
    log.write_text("06-NOV-2005 09:00:01 * (CID=(PROGRAM=a*b)) * zz * establish * S * 0\n"
                   "06-NOV-2005 09:00:02 * (CID=(PROGRAM=c)) * p * establish * zz * 0\n", encoding="utf-8")
    query = "select count(*) from listener_log where protocol_info = 'zz'"
    engine = OfflineEngine()
    engine.load([str(log)], progress=False, query=query)
    assert engine.query(query).rows == [(0,)]  # field 3 of line 1 is "b))"
    query = "select log_date from listener_log where action = 'zz'"
    engine.load([str(log)], progress=False, query=query)
    assert [str(r[0]) for r in engine.query(query).rows] == ["2005-11-06 09:00:01"]
