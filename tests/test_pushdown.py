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
    return [(c.source, c.key) for c in pushdown.push_down(pushdown.parse_calls(table))]


@pytest.mark.parametrize("query, expected", [
    (f"select {P}(connect_string, 'SERVICE_NAME') sn, count(*) from listener_log "
     f"where {P}(connect_string, 'host') = 'h' group by {P}(connect_string, 'SERVICE_NAME')",
     [("connect_string", "SERVICE_NAME"), ("connect_string", "HOST")]),   # one column per (column, key)
    # grouped: the GROUP BY term's copies, WHERE and aggregate arguments only
    (f"select {P}(connect_string, 'SID') s, count(distinct {P}(connect_string, 'HOST')) from listener_log "
     f"where {P}(protocol_info, 'HOST') is not null group by {P}(connect_string, 'SID') "
     f"having max({P}(connect_string, 'USER')) > 'a' order by {P}(connect_string, 'SID')",
     [("connect_string", "SID"), ("connect_string", "HOST"), ("protocol_info", "HOST"), ("connect_string", "USER")]),
    (f"select action, {P}(connect_string, 'SID') from listener_log group by action, connect_string", []),
    (f"select count(*) from listener_log group by connect_string having {P}(connect_string, 'SID') > 'a'", []),
    (f"select {P}(connect_string, 'SID') from listener_log group by rollup({P}(connect_string, 'SID'))", []),
    (f"select count(*), rank() over (order by {P}(connect_string, 'SID')) from listener_log group by connect_string", []),
    (f"select {P}(connect_string, 'SID'), count(*) from listener_log group by {P}(connect_string, 'sid')",
     [("connect_string", "SID")]),             # 'sid' in GROUP BY is another expression than 'SID'
    (f"select count(*), sum(count(*)) over (partition by {P}(connect_string, 'SID')) from listener_log "
     f"group by {P}(connect_string, 'SID')", [("connect_string", "SID")]),
    (f"select count(*) from listener_log l where {P}(l.protocol_info, 'HOST') like '10.%'", [("protocol_info", "HOST")]),
    (f"select {P}(connect_string, 'HOST') from listener_log", [("connect_string", "HOST")]),   # unaliased: named
    (f"select {P}({P}(connect_string, 'CID'), 'PROGRAM') p from listener_log", [("connect_string", "CID")]),
    (f"select action from listener_log order by {P}(connect_string, 'SID')", [("connect_string", "SID")]),
    # left to the macro
    (f"select * from listener_log where {P}(connect_string, 'HOST') = 'h'", []),          # * would show them
    (f"select l.* from listener_log l where {P}(connect_string, 'HOST') = 'h'", []),
    (f"select action connect_string from listener_log where {P}(connect_string, 'SID') = 'x'", []),  # shadowing alias
    (f"select {P}(connect_string, 'PASSWORD') from listener_log", []),                     # masked
    (f"select {P}(connect_string, action) from listener_log", []),                          # key not constant
    (f"select {P}(upper(connect_string), 'SID') from listener_log", []),                    # not a column
    (f"select {P}(connect_string, 'SID') from listener_log a, listener_log b", []),          # read twice
    (f"select count(*) from listener_log where exists (select 1 from dual where {P}(connect_string, 'SID') = 'x')", []),
    (f"select count(*) from listener_log x where {P}(listener_log.connect_string, 'SID') = 'x'", []),  # not x's column
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


def tab_log(tmp_path: Path) -> Path:
    """TABs around fields (LRTRIM then removes TAB/VT/FF too) and values that run to the end of
    their field, so the trim decides the value."""
    path = tmp_path / "tabs.log"
    path.write_text("06-NOV-2005 09:00:07\t*\t(CONNECT_DATA=(SID=t1)(CID=(HOST=h9\t \x0b*\t(ADDRESS=(HOST=1.2.3.4)\t\t"
                    "* establish * t * 0\n"
                    "06-NOV-2005 09:00:08 *\t(CONNECT_DATA=(SID=(x))(CID=(HOST=h9)(USER=\t* (HOST=1.2.3.5 * establish\t*\tt * 0\n",
                    encoding="utf-8")
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


def streamed_as_tables(logs: list[str], query: str) -> OfflineEngine:
    """Run ``query`` streamed and over the materialised tables: the same column names and rows.
    Returns the streamed engine."""
    streamed = OfflineEngine()
    streamed.load(logs, progress=False, query=query)
    assert streamed.streamed
    tables = OfflineEngine()
    tables.load(logs, progress=False)
    got, want = streamed.query(query), tables.query(query)
    assert (got.columns, got.rows) == (want.columns, want.rows)
    return streamed


@pytest.mark.parametrize("query", QUERIES)
def test_pushed_down_equals_tables(tmp_path, query):
    streamed = streamed_as_tables([str(tricky_log(tmp_path)), str(tab_log(tmp_path)), str(FIXTURES / "article.log"),
                                   str(REPO / "installer" / "samples" / "listener.log")], query)
    assert pushdown.PREFIX in streamed._runnable(query)  # the engine reads the pushed-down columns


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
    assert outputs[0].splitlines()[0] == "\"PARSE_LISTENER_LOG_LINE(CONNECT_STRING,'HOST')\",N"  # Oracle's name


def test_unknown_key_raises(tmp_path):
    """A literal unknown key: the function's own error, before any input is read (the bridge checks
    literal keys); a key from a column: the same error when the call runs."""
    engine = OfflineEngine()
    query = f"select {P}(connect_string, 'HOST'), {P}(connect_string, 'NOPE') from listener_log"
    with pytest.raises(EngineError, match='^parse_listener_log_line: unknown key "NOPE"; allowed keys: SID, '):
        engine.load([str(tricky_log(tmp_path))], progress=False, query=query)
    query = f"select {P}(connect_string, action) from listener_log"
    engine.load([str(tricky_log(tmp_path))], progress=False, query=query)
    with pytest.raises(EngineError, match='unknown key "'):
        engine.query(query)


def test_window_partition_and_order_by_a_call(tmp_path):
    """Literal-key calls run on the non-volatile macro: usable in a window (DuckDB refuses volatile
    expressions there), streamed and over the tables."""
    query = (f"select log_date, row_number() over (partition by {P}(connect_string, 'HOST') "
             f"order by log_date, {P}(protocol_info, 'PORT')) rn from listener_log order by 1, 2")
    streamed_as_tables([str(tricky_log(tmp_path)), str(FIXTURES / "article.log")], query)


# the reviewed cases: each runs as over the tables, whether the rewrite applies or the engine keeps
# the original statement (a rewrite that does not bind, or names an output column otherwise)
SAME_AS_TABLES = [
    f"select action, {P}(connect_string, 'SID') sid from listener_log group by action, connect_string order by 2 nulls first, 1 nulls first",
    f"select count(*) n from listener_log group by connect_string order by {P}(connect_string, 'HOST') nulls first, 1",
    f"select service_name, count(*) from listener_log group by service_name, connect_string "
    f"having {P}(connect_string, 'SID') is not null order by 1 nulls first, 2",
    f"select {P}(connect_string, 'SID') from listener_log group by rollup(connect_string) order by 1 nulls first",
    f"select listagg({P}(connect_string, 'SID'), ',') within group (order by log_date) from listener_log",
    f"select regexp_substr({P}(connect_string, 'SID'), '[a-z]') from listener_log order by 1 nulls first",
    f"select regexp_substr(connect_string, 'SID=.') from listener_log where {P}(connect_string, 'SID') is not null order by 1",
    f"select (select max({P}(connect_string, 'SID')) from listener_log) from dual",
    f"select {P}(connect_string, 'SID'), count(*) from listener_log where action = 'establish' "
    f"group by {P}(connect_string, 'SID') order by 2 desc, 1",
]


@pytest.mark.parametrize("query", SAME_AS_TABLES)
def test_same_rows_and_names_as_tables(tmp_path, query):
    streamed_as_tables([str(tricky_log(tmp_path)), str(FIXTURES / "article.log")], query)


def test_a_table_alias_hides_the_table_name(tmp_path):
    """``listener_log x``: the qualifier listener_log names the outer relation, not x (a literal
    of that condition must not filter x's lines, a call on it must not become x's column)."""
    outer = "(select '(SID=q)' connect_string from dual) listener_log"
    for condition in (f"{P}(listener_log.connect_string, 'SID') = 'q'", "listener_log.connect_string = '(SID=q)'"):
        query = (f"select listener_log.connect_string from {outer} "
                 f"where exists (select 1 from listener_log x where {condition})")
        streamed = OfflineEngine()
        streamed.load([str(tricky_log(tmp_path))], progress=False, query=query)
        assert streamed.streamed
        assert streamed.query(query).rows == [("(SID=q)",)], condition


def test_a_rewrite_that_does_not_bind_runs_the_original(tmp_path):
    """An outer query naming an inner column by its output name: the inner expression carries its
    Oracle name as an alias (dialect.headings), so the rewrite keeps the name and binds. A rewrite
    that does not bind (here: its outer reference changed to a column that does not exist) is
    dropped for the statement as written."""
    logs = [str(tricky_log(tmp_path))]
    inner = f"select listagg({P}(connect_string, 'SID'), ',') within group (order by log_date) from listener_log"
    tables = OfflineEngine()
    tables.load(logs, progress=False)
    name = tables.con.execute("DESCRIBE " + tables.translate(inner)).fetchone()[0]
    assert name == "LISTAGG(PARSE_LISTENER_LOG_LINE(CONNECT_STRING,'SID'),',')WITHINGROUP(ORDERBYLOG_DATE)"
    reference = 'x."' + name.replace('"', '""') + '"'
    query = f"select {reference} from ({inner}) x"
    streamed = OfflineEngine()
    streamed.load(logs, progress=False, query=query)
    assert streamed.streamed
    runnable = streamed._runnable(query)
    assert pushdown.PREFIX in runnable  # rewritten, and it binds
    assert streamed.query(query).rows == tables.query(query).rows == [("a,b",)]
    original = streamed.translate(query)
    broken = runnable.replace(reference, 'x."no such column"', 1)
    assert broken != runnable and streamed._same_columns(original, broken) == original
