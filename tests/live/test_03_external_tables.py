"""LISTENER_LOG_LINES and LISTENER_LOG over the database's own listener log, against the file itself
(counted inside the container) and against the embedded engine's loader on a copy of the same bytes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from . import traffic as t
from .conftest import Install, LiveDb, query

SIX_COLUMNS = "log_date, connect_string, protocol_info, action, service_name, return_code"


def _file_lines(data: bytes) -> list[tuple[int, object]]:
    """Physical lines as LINE_READER returns them: split at LF, one CR before it dropped, '' -> NULL."""
    parts = data.split(b"\n")
    if data.endswith(b"\n"):
        parts.pop()
    out = []
    for number, raw in enumerate(parts, start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        text = raw.decode("utf-8", "replace")
        out.append((number, text or None))
    return out


def test_listener_log_lines_count_equals_wc_l(installed: Install, owner_conn, live_db: LiveDb) -> None:
    stat, count, _ = live_db.stable_snapshot(
        lambda: query(owner_conn, "select count(*) from listener_log_lines")[1][0][0])
    # wc -l counts newlines; a last line still being written (no newline yet) is a row too
    assert count == stat.lines, f"{count} rows, file has {stat.newlines} newlines, size {stat.size}"
    assert count > 0


def test_listener_log_lines_carry_the_one_sources_listener(installed: Install, owner_conn) -> None:
    # without [[sources]]: source = the file name, listener = listener_name, host unknown (issue 22)
    _, rows = query(owner_conn, "select source, listener, host, count(*) from listener_log_lines "
                                "group by source, listener, host")
    assert [r[:3] for r in rows] == [(installed.settings().log_files[0], installed.settings().listener_name, None)], rows
    assert rows[0][3] > 0


def test_listener_log_lines_equal_the_file(installed: Install, owner_conn, live_db: LiveDb) -> None:
    stat, rows, data = live_db.stable_snapshot(
        lambda: query(owner_conn, "select line_no, line from listener_log_lines order by line_no")[1],
        with_bytes=True)
    expected = _file_lines(data)
    assert len(rows) == len(expected)
    diff = [(got, want) for got, want in zip(rows, expected) if got != want]
    assert not diff, f"{len(diff)} lines differ, first: {diff[:3]}"


def _engine_rows(data: bytes, tmp_path: Path) -> tuple[object, list[tuple]]:
    import duckdb

    from lsnrmine.engine.loader import load_logs

    path = tmp_path / "listener.log"
    path.write_bytes(data)
    con = duckdb.connect()
    try:
        stats = load_logs(con, [str(path)], encoding="utf-8", date_language="AMERICAN", progress=False)
        rows = con.execute(f"select {SIX_COLUMNS} from listener_log").fetchall()
    finally:
        con.close()
    return stats, rows


def _snapshot_listener_log(owner_conn, live_db: LiveDb):
    return live_db.stable_snapshot(lambda: query(owner_conn, f"select {SIX_COLUMNS} from listener_log")[1],
                                   with_bytes=True)


def test_listener_log_count_equals_engine_loaded(installed: Install, owner_conn, live_db: LiveDb, tmp_path) -> None:
    stat, rows, data = _snapshot_listener_log(owner_conn, live_db)
    stats, _ = _engine_rows(data, tmp_path)
    assert stats.lines == stat.lines
    assert len(rows) == stats.loaded, f"Oracle loaded {len(rows)}, engine {stats.loaded} (rejected {stats.rejected})"


def test_listener_log_rows_equal_engine_rows(installed: Install, owner_conn, live_db: LiveDb, tmp_path) -> None:
    _, rows, data = _snapshot_listener_log(owner_conn, live_db)
    _, engine = _engine_rows(data, tmp_path)
    online, offline = Counter(rows), Counter(engine)
    assert online == offline, (f"only in Oracle: {list((online - offline).elements())[:3]}; "
                               f"only in the engine: {list((offline - online).elements())[:3]}")


def _lines_for(owner_conn, key: str, value: str, *, program: str) -> list[tuple]:
    """This session's lines (``program`` carries the session tag, traffic.tagged) with ``key`` = value:
    a DSN log keeps the lines of earlier runs (review R4)."""
    return query(owner_conn, f"select {SIX_COLUMNS} from listener_log "
                             f"where parse_listener_log_line(connect_string, '{key}') = :v "
                             "and parse_listener_log_line(connect_string, 'PROGRAM') = :p", v=value, p=program)[1]


def _assert_recent(log_date: dt.datetime, owner_conn) -> None:
    now = query(owner_conn, "select sysdate from dual")[1][0][0]
    assert abs((now - log_date).total_seconds()) < 6 * 3600, (log_date, now)


def test_wrong_service_connect_logged_with_12514(installed: Install, owner_conn, traffic: t.TrafficReport) -> None:
    rows = _lines_for(owner_conn, "SERVICE_NAME", t.BAD_SERVICE, program=t.PROGRAM_BAD_SERVICE)
    assert len(rows) == len(traffic.by_label("bad_service")), rows
    for log_date, connect_string, protocol_info, action, service_name, return_code in rows:
        assert (action, service_name, return_code) == ("establish", t.BAD_SERVICE, "12514"), rows
        assert f"(PROGRAM={t.PROGRAM_BAD_SERVICE})" in connect_string
        assert "(PROTOCOL=TCP)" in protocol_info.upper(), protocol_info
        _assert_recent(log_date, owner_conn)


def test_wrong_sid_connect_logged_with_12505(installed: Install, owner_conn, traffic: t.TrafficReport) -> None:
    rows = _lines_for(owner_conn, "SID", t.BAD_SID, program=t.PROGRAM_BAD_SID)
    assert len(rows) == len(traffic.by_label("bad_sid")), rows
    for log_date, connect_string, _, action, service_name, return_code in rows:
        assert (action, service_name, return_code) == ("establish", t.BAD_SID, "12505"), rows
        assert f"(PROGRAM={t.PROGRAM_BAD_SID})" in connect_string
        _assert_recent(log_date, owner_conn)


def test_every_program_value_is_logged(installed: Install, owner_conn, traffic: t.TrafficReport) -> None:
    # the program values carry this session's tag: earlier runs against a DSN log are not counted
    expected = Counter(a.program for a in traffic.attempts if a.program in t.PROGRAMS)
    assert set(expected) == set(t.PROGRAMS), expected
    _, rows = query(owner_conn, """
        select parse_listener_log_line(connect_string, 'PROGRAM'), count(*)
          from listener_log
         where action = 'establish'
         group by parse_listener_log_line(connect_string, 'PROGRAM')""")
    logged = {program: count for program, count in rows}
    assert {p: logged.get(p, 0) for p in expected} == dict(expected)


def test_storm_connects_all_logged_with_return_code_0(installed: Install, owner_conn, traffic: t.TrafficReport) -> None:
    rows = _lines_for(owner_conn, "PROGRAM", t.PROGRAM_STORM, program=t.PROGRAM_STORM)
    assert len(rows) == t.STORM_CONNECTS
    assert {(r[3], r[5]) for r in rows} == {("establish", "0")}


def test_jdbc_clients_in_the_article_view(installed: Install, owner_conn, live_db: LiveDb,
                                          traffic: t.TrafficReport) -> None:
    sent = len(traffic.by_label("jdbc_service"))
    # this session's JDBC-like connects by service, exactly (the program value carries the session tag)
    mine = _lines_for(owner_conn, "SERVICE_NAME", live_db.service, program=t.PROGRAM_JDBC)
    assert len(mine) == sent, mine[:3]
    view = installed.settings().object_name("JDBC_SERVICE_HOSTS")
    _, rows = query(owner_conn, f'select sn, host, cnt from "{view}" where sn = :sn', sn=live_db.service)
    total = sum(r[2] for r in rows)
    if live_db.mode == "container":  # a fresh log: only this session's JDBC-like connects
        assert total == sent, rows
    else:  # the view has no program column: a DSN log also holds earlier runs' and real JDBC clients
        assert total >= sent, rows


@pytest.mark.needs_shell
def test_lsnrctl_commands_in_the_listener_commands_view(installed: Install, owner_conn, live_db: LiveDb,
                                                        traffic: t.TrafficReport) -> None:
    live_db.require_shell()
    view = installed.settings().object_name("LISTENER_COMMANDS")
    _, rows = query(owner_conn, f'select command, rc, l_user from "{view}"')
    seen = {(command, rc) for command, rc, _ in rows}
    for command in ("status", "services", "reload"):
        assert (command, "0") in seen, f"lsnrctl {command} not in {view}: {sorted(seen)}"
