"""The event model shared by both engines: LSNR_EVENTS columns and the offline event build.

Oracle: ``tables/events.sql`` (heap table), filled by ``plsql/ingest_pkg.sql`` through the parse
view ``views/events.sql`` over the staging table STAGE_LINES. Embedded engine: the same parse view
(translated by the dialect bridge) over a view STAGE_LINES on ``listener_log_lines``; the result is
materialised as the table ``lsnr_events`` (prefix from the settings) with sequential event ids in
load order (file order as given, then line number).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Sequence

from . import identifiers as ids
from .render import render_template
from .runner import split_script

if TYPE_CHECKING:  # pragma: no cover
    from .engine.session import OfflineEngine

#: (column, Oracle type, DuckDB type) in table order. The contract other code is written against.
EVENT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_id", "number", "BIGINT"),
    ("listener", "varchar2(128 char)", "VARCHAR"),
    ("host", "varchar2(255 char)", "VARCHAR"),
    ("source", "varchar2(255 char)", "VARCHAR"),
    ("line_no", "number", "BIGINT"),
    ("event_time", "date", "TIMESTAMP"),
    ("event_kind", "varchar2(30 char)", "VARCHAR"),
    ("command", "varchar2(64 char)", "VARCHAR"),
    ("connect_data", "varchar2(4000 byte)", "VARCHAR"),
    ("protocol_info", "varchar2(4000 byte)", "VARCHAR"),
    ("service_name", "varchar2(1000 char)", "VARCHAR"),
    ("sid", "varchar2(1000 char)", "VARCHAR"),
    ("program", "varchar2(1000 char)", "VARCHAR"),
    ("client_host", "varchar2(1000 char)", "VARCHAR"),
    ("client_user", "varchar2(1000 char)", "VARCHAR"),
    ("client_ip", "varchar2(64 char)", "VARCHAR"),
    ("client_port", "number", "BIGINT"),
    ("protocol", "varchar2(30 char)", "VARCHAR"),
    ("return_code", "number", "BIGINT"),
    ("error_text", "varchar2(4000 byte)", "VARCHAR"),
    ("raw_line", "varchar2(4000 byte)", "VARCHAR"),
)

EVENT_KINDS: tuple[str, ...] = (
    "establish", "command", "service_update", "service_register", "service_died", "ping",
    "error_only", "other",
)

#: Columns of the parse view (EVENT_PARSE) that are copied into the events table.
VIEW_COLUMNS: tuple[str, ...] = tuple(name for name, _, _ in EVENT_COLUMNS[1:])

PARSE_VIEW_TEMPLATE = "views/events.sql"


def duckdb_table_ddl(table: str) -> str:
    columns = ",\n  ".join(f"{name} {duck}" for name, _, duck in EVENT_COLUMNS)
    return f"CREATE OR REPLACE TABLE {table} (\n  {columns}\n)"


def build_offline(engine: "OfflineEngine", sources: Sequence[str]) -> int:
    """(Re)create STAGE_LINES (view on listener_log_lines), the parse view and the events table in
    the engine; return the number of events. ``sources``: load order of the files (event ids)."""
    settings = engine.settings
    stage = settings.object_name("STAGE_LINES").lower()
    parse = settings.object_name("EVENT_PARSE")
    table = settings.object_name("EVENTS").lower()
    con = engine.con
    con.execute(f"CREATE OR REPLACE VIEW {stage} AS SELECT source, line_no, line FROM listener_log_lines")
    text = render_template(PARSE_VIEW_TEMPLATE, settings, name=ids.quote_identifier(parse),
                           name_literal=ids.sql_string(parse), kind="VIEW")
    for statement in split_script(text):
        engine.execute_oracle(statement, what=f"view {parse}")
    con.execute(duckdb_table_ddl(table))
    order = "[" + ", ".join(ids.sql_string(s) for s in sources) + "]::VARCHAR[]" if sources else "[]::VARCHAR[]"
    cols = ", ".join(VIEW_COLUMNS)
    con.execute(
        f"INSERT INTO {table} SELECT row_number() OVER (ORDER BY list_position({order}, source) NULLS LAST, "
        f"source, line_no) AS event_id, {cols} FROM {parse.lower()}"
    )
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def follow(engine: "OfflineEngine", *, interval: float = 2.0, polls: int = 0, encoding: str = "utf-8",
           on_refresh: Callable[[], None], sleep: Optional[Callable[[float], None]] = None) -> int:
    """``lsnrmine sql --follow``: keep reading the lines appended to the loaded files (the Python
    twin of the ingest reader, lsnrmine.ingest) and call ``on_refresh`` after every change.
    listener_log_lines gets the new complete lines (a partial last line is replaced when complete;
    a truncated or rotated file replaces its lines); listener_log and the events table are rebuilt
    from them (a full rebuild per change: fine for a terminal view, not meant for huge logs).
    ``polls``: number of polls (0 = until Ctrl-C). Returns the number of refreshes."""
    import time

    from .ingest import Follower

    sleep = sleep or time.sleep
    sources = [s for s in (engine.stats.sources if engine.stats else []) if s != "<stdin>"]
    if not sources:
        raise ValueError("--follow needs log files (not stdin)")
    follower = Follower(sources, encoding=encoding)
    follower.poll()  # position every file at the end of its complete lines
    con = engine.con
    kind = con.execute("SELECT table_type FROM information_schema.tables "
                       "WHERE table_name = 'listener_log_lines'").fetchone()
    if kind and kind[0] == "VIEW":  # a lazy load reads the files at every query: materialise
        con.execute("CREATE TABLE lsnr_follow_lines AS SELECT source, line_no, line FROM listener_log_lines")
        con.execute("DROP VIEW listener_log_lines")
        con.execute("ALTER TABLE lsnr_follow_lines RENAME TO listener_log_lines")
    for path, state in follower.states.items():
        con.execute("DELETE FROM listener_log_lines WHERE source = ? AND line_no > ?", [path, state.line_no])
    generations = {path: state.generation for path, state in follower.states.items()}
    _rebuild(engine, sources)
    on_refresh()
    refreshes = 1
    done = 0
    try:
        while polls == 0 or done < polls:
            sleep(interval)
            done += 1
            lines = follower.poll()
            for path, state in follower.states.items():
                if state.generation != generations.get(path):
                    con.execute("DELETE FROM listener_log_lines WHERE source = ?", [path])
                    generations[path] = state.generation
            if not lines:
                continue
            con.executemany("INSERT INTO listener_log_lines VALUES (?, ?, ?)",
                            [(line.source, line.line_no, line.text or None) for line in lines])
            _rebuild(engine, sources)
            on_refresh()
            refreshes += 1
    except KeyboardInterrupt:
        pass
    return refreshes


def _rebuild(engine: "OfflineEngine", sources: Sequence[str]) -> None:
    con = engine.con
    kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                             "WHERE table_name IN ('listener_log', 'listener_log_lines')").fetchall())
    if kinds.get("listener_log") == "BASE TABLE":
        con.execute("DELETE FROM listener_log")
        con.execute("INSERT INTO listener_log SELECT log_date, connect_string, protocol_info, action, "
                    "service_name, return_code FROM listener_log_src WHERE reject_reason IS NULL "
                    "ORDER BY source, line_no")
    if engine.events_built:  # otherwise the next query that needs events builds them
        build_offline(engine, sources)
