"""parse_listener_log_line calls computed in a streamed query's listener_log view (engine.pushdown):
which calls are pushed down, and that the query returns what it returns without the pushdown
(the same rows and the same column names as over the materialised tables)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from lsnrmine.engine import prefilter, pushdown
from lsnrmine.engine.session import EngineError, OfflineEngine

from conftest import REPO_ROOT as REPO

FIXTURES = Path(__file__).parent / "fixtures"
P = "parse_listener_log_line"


def pushed(oracle_sql: str) -> list[tuple[str, str]]:
    tree = sqlglot.parse_one(OfflineEngine().translate(oracle_sql), read="duckdb")
    table = prefilter.listener_log_reference(tree)
    if table is None:
        return []
    calls = pushdown.parse_calls(table)
    names = ["x"] * len(table.parent.parent.expressions)  # any names: only their presence matters here
    return [(c.source, c.key) for c in pushdown.push_down(table, calls, names)]


@pytest.mark.parametrize("query, expected", [
    (f"select {P}(connect_string, 'SERVICE_NAME') sn, count(*) from listener_log "
     f"where {P}(connect_string, 'host') = 'h' group by {P}(connect_string, 'Service_Name')",
     [("connect_string", "SERVICE_NAME"), ("connect_string", "HOST")]),   # one column per (column, key)
    (f"select count(*) from listener_log l where {P}(l.protocol_info, 'HOST') like '10.%'", [("protocol_info", "HOST")]),
    (f"select {P}(connect_string, 'HOST') from listener_log", [("connect_string", "HOST")]),   # unaliased: named
    (f"select {P}({P}(connect_string, 'CID'), 'PROGRAM') p from listener_log", [("connect_string", "CID")]),
    (f"select action from listener_log order by {P}(connect_string, 'SID')", [("connect_string", "SID")]),
    # left to the macro
    (f"select * from listener_log where {P}(connect_string, 'HOST') = 'h'", []),          # * would show them
    (f"select l.* from listener_log l where {P}(connect_string, 'HOST') = 'h'", []),
    (f"select action connect_string from listener_log where {P}(connect_string, 'SID') = 'x'", []),  # shadowing alias
    (f"select {P}(connect_string, 'PASSWORD') from listener_log", []),                     # masked
    (f"select {P}(connect_string, 'NOPE') from listener_log", []),                         # the error must come
    (f"select {P}(connect_string, action) from listener_log", []),                          # key not constant
    (f"select {P}(upper(connect_string), 'SID') from listener_log", []),                    # not a column
    (f"select {P}(connect_string, 'SID') from listener_log a, listener_log b", []),          # read twice
    (f"select count(*) from listener_log where exists (select 1 from dual where {P}(connect_string, 'SID') = 'x')", []),
])
def test_which_calls(query, expected):
    assert pushed(query) == expected


def tricky_log(tmp_path: Path) -> Path:
    """Values that take every branch of the staged form: nested lists, no closing parenthesis,
    empty values, key case variants, non-ASCII text, a '*' inside a value (shifted fields)."""
    lines = [
        "06-NOV-2005 09:00:01 * (CONNECT_DATA=(SID=a)(CID=(PROGRAM=p (TNS V1-V3))(HOST=h1)(USER=u))) * "
        "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.1)(PORT=1)) * establish * a * 0",
        "06-NOV-2005 09:00:02 * (connect_data=(sid=b)(cid=(program=)(host=h2)(user=ü))) * "
        "(address=(protocol=tcp)(host=10.0.0.2)(port=2)) * establish * b * 0",
        "06-NOV-2005 09:00:03 * (CONNECT_DATA=(SERVICE_NAME=s.example)(CID=(PROGRAM=月)(HOST=h1) * "
        "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.1 * establish * s * 0",
        "06-NOV-2005 09:00:04 * (CONNECT_DATA=(SID=*)(CID=(HOST=h3))) * (ADDRESS=(HOST=x)) * establish * c * 12514",
        "06-NOV-2005 09:00:05 * service_update * ORCL * 0",
        "06-NOV-2005 09:00:06 * (SID=) * (HOST=) * ping * 0",
        "TNS-12514: TNS:listener does not currently know of service requested",
    ]
    path = tmp_path / "tricky.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


QUERIES = [
    f"select {P}(connect_string, 'SERVICE_NAME') sn, {P}(protocol_info, 'HOST') host, count(1) cnt "
    f"from listener_log where {P}(connect_string, 'HOST') = 'h1' group by "
    f"{P}(connect_string, 'SERVICE_NAME'), {P}(protocol_info, 'HOST') order by 1, 2",
    f"select {P}(connect_string, 'host'), {P}(connect_string, 'CID') cid, {P}(connect_string, 'PROGRAM'), "
    f"{P}(protocol_info, 'PORT') || '!' from listener_log order by log_date nulls last, 1, 2, 3, 4",
    f"select distinct {P}(connect_string, 'SID') from listener_log order by {P}(connect_string, 'SID') nulls first",
    f"select action, count(distinct {P}(connect_string, 'HOST')) hosts from listener_log group by action "
    f"having count(distinct {P}(connect_string, 'HOST')) >= 0 order by 1",
    f"select {P}({P}(connect_string, 'CID'), 'PROGRAM') program, {P}(connect_string, 'PASSWORD') pw, "
    f"case when {P}(l.connect_string, 'USER') is null then 'none' else {P}(l.connect_string, 'USER') end u "
    f"from listener_log l order by 1 nulls first, 3",
    f"with x as (select {P}(connect_string, 'HOST') h from listener_log) select h, count(*) from x group by h order by 1 nulls first",
    f"select {P}(connect_string, 'SID') s from listener_log where {P}(connect_string, 'SID') like 'a%' "
    f"union all select 'z' from dual order by 1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_pushed_down_equals_tables(tmp_path, query):
    logs = [str(tricky_log(tmp_path)), str(FIXTURES / "article.log"), str(REPO / "installer" / "samples" / "listener.log")]
    streamed = OfflineEngine()
    streamed.load(logs, progress=False, query=query)
    assert streamed.streamed
    assert pushdown.PREFIX in streamed._runnable(query)  # the engine reads the pushed-down columns
    tables = OfflineEngine()
    tables.load(logs, progress=False)
    got, want = streamed.query(query), tables.query(query)
    assert got.columns == want.columns
    assert got.rows == want.rows


def test_csv_output_keeps_the_unaliased_column_names(tmp_path):
    import io

    query = f"select {P}(connect_string, 'HOST'), count(*) n from listener_log group by {P}(connect_string, 'HOST') order by 1"
    logs = [str(tricky_log(tmp_path))]
    outputs = []
    for stream_query in (query, None):
        engine = OfflineEngine()
        engine.load(logs, progress=False, query=stream_query)
        out = io.StringIO()
        engine.write_csv(query, out)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines()[0] == "\"PARSE_LISTENER_LOG_LINE(CONNECT_STRING, 'HOST')\",N"


def test_unknown_key_still_raises(tmp_path):
    query = f"select {P}(connect_string, 'HOST'), {P}(connect_string, 'NOPE') from listener_log"
    engine = OfflineEngine()
    engine.load([str(tricky_log(tmp_path))], progress=False, query=query)
    with pytest.raises(EngineError, match="unknown key"):
        engine.query(query)
