"""The event model shared by both engines (LSNR_EVENTS columns) and the embedded engine's event build.

Oracle: ``tables/events.sql`` (heap table), filled by ``plsql/ingest_pkg.sql`` through the parse
view ``views/events.sql`` over the staging table STAGE_LINES. Embedded engine: the same parse view
(translated by the dialect bridge) over a view STAGE_LINES on ``listener_log_lines``; the result is
materialised as the table ``lsnr_events`` (prefix from the settings) with sequential event ids in
load order (file order as given, then line number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Sequence

import duckdb

from .. import identifiers as ids
from ..runner import split_script
from ..templates import render_object

if TYPE_CHECKING:  # pragma: no cover
    from .session import OfflineEngine

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


#: a translated CREATE VIEW with its column list: the parse view's query and column names
_CREATE_VIEW = re.compile(r'CREATE OR REPLACE VIEW "[^"]+" \(([a-z_, ]+)\) AS (.+)', re.DOTALL)


def parse_view_statements(engine: "OfflineEngine") -> list[str]:
    """The parse view's (Oracle-dialect) statements, rendered for the engine's settings."""
    settings = engine.settings
    return split_script(render_object(PARSE_VIEW_TEMPLATE, settings, settings.object_name("EVENT_PARSE"), "VIEW"))


#: lines of one source staged per parse of the view (a record longer than that is staged whole):
#: the parse's working memory is that of one chunk, whatever the size of the log
CHUNK_LINES = 250_000

#: the events of one round of chunks, before the last event of each chunk (parsed again with
#: the next one) is dropped
_CHUNK_TABLE = "lsnrmine_event_chunk"

#: the context line before a chunk: the time and host of the event it starts with, as a header
_CONTEXT_LINE = ("'<msg' || coalesce(' time=''' || strftime(?::TIMESTAMP, '%Y-%m-%dT%H:%M:%S') || '''', '') "
                 "|| coalesce(' host_id=''' || replace(?, '''', '') || '''', '') || '>'")


@dataclass
class _Chunk:
    """Where the next chunk of one source starts (a line of listener_log_lines), how many lines
    it stages, the time and host of the event it starts with (None: the source's first chunk),
    and how many of the source's events are stored."""
    source: str
    start: int
    last: int
    size: int
    context: Optional[tuple[Any, Any]] = None
    stored: int = 0


def build_offline(engine: "OfflineEngine", sources: Sequence[str], *, create_view: bool = True,
                  chunk_lines: int = CHUNK_LINES) -> int:
    """Parse listener_log_lines into the events table through the parse view; return the number
    of events. ``sources``: load order of the files (event ids: that order, then line number).

    The view runs over STAGE_LINES holding one chunk of each source at a time, in INGEST_PKG's
    batch contract: a chunk starts at the line of the previous chunk's last event (whose error
    lines may go on in this chunk: parsed again, kept from this chunk), preceded by a context line
    ``<msg time='..' host_id='..'>`` with that event's time and host (read as a header, never an
    event); the events before the last one are final. So the parse's working memory is that of
    ``chunk_lines`` lines a source, not the log's. Afterwards STAGE_LINES is a view on
    listener_log_lines; ``create_view``: the parse view over it is created too (OfflineEngine
    creates it only when a query names it: binding it costs over a second)."""
    settings = engine.settings
    stage = settings.object_name("STAGE_LINES").lower()
    parse = settings.object_name("EVENT_PARSE")
    table = settings.object_name("EVENTS").lower()
    con = engine.con
    statements = parse_view_statements(engine)
    inline = _CREATE_VIEW.fullmatch(engine.translate(statements[0])) if len(statements) == 1 else None
    if inline is None:  # the template's contract
        raise ValueError(f"{PARSE_VIEW_TEMPLATE}: expected one CREATE VIEW with a column list")
    relation = f"({inline.group(2)}) AS {ids.quote_identifier(parse)}({inline.group(1)})"
    cols = ", ".join(VIEW_COLUMNS)
    con.execute(duckdb_table_ddl(table))
    _drop_stage(con, stage)
    con.execute(f"CREATE TABLE {stage} AS SELECT * FROM listener_log_lines LIMIT 0")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_CHUNK_TABLE} AS SELECT {cols} FROM {table} LIMIT 0")
    ordered = [_Chunk(source, first, last, chunk_lines) for source, first, last in _source_ranges(con, sources)]
    try:
        active = list(ordered)
        while active:
            con.execute(f"DELETE FROM {stage}")
            for c in active:
                if c.context is not None:  # a copy of the event's row (its source columns), one line before it
                    con.execute(f"INSERT INTO {stage} SELECT * REPLACE (line_no - 1 AS line_no, {_CONTEXT_LINE} AS line) "
                                "FROM listener_log_lines WHERE source = ? AND line_no = ?", [*c.context, c.source, c.start])
                con.execute(f"INSERT INTO {stage} SELECT * FROM listener_log_lines "
                            "WHERE source = ? AND line_no >= ? AND line_no < ?", [c.source, c.start, c.start + c.size])
            con.execute(f"DELETE FROM {_CHUNK_TABLE}")
            con.execute(f"INSERT INTO {_CHUNK_TABLE} SELECT {cols} FROM {relation}")
            active = [c for c in active if _store(con, table, cols, c, chunk_lines)]
    except BaseException:
        try:  # leave no chunk behind (an interrupted build is built again by the next query)
            con.execute(f"DROP TABLE IF EXISTS {_CHUNK_TABLE}")
        except duckdb.Error:
            pass
        raise
    con.execute(f"DROP TABLE IF EXISTS {_CHUNK_TABLE}")
    _drop_stage(con, stage)
    con.execute(f"CREATE VIEW {stage} AS SELECT * FROM listener_log_lines")
    # event ids were counted per source: shift each source by the events of the sources before it
    base = 0
    for c in ordered:
        if base and c.stored:
            con.execute(f"UPDATE {table} SET event_id = event_id + ? WHERE source = ?", [base, c.source])
        base += c.stored
    if create_view:
        for statement in statements:
            engine.execute_oracle(statement, what=f"view {parse}")
    return base


def _drop_stage(con: Any, stage: str) -> None:
    """Drop STAGE_LINES, a view (between builds) or a table (during one, or after one interrupted)."""
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?", [stage]).fetchone()
    if kind is not None:
        con.execute(f"DROP {'VIEW' if kind[0] == 'VIEW' else 'TABLE'} {stage}")


def _store(con: Any, table: str, cols: str, c: _Chunk, chunk_lines: int) -> bool:
    """Store the final events of ``c``'s chunk (just parsed into the chunk table) and move ``c``
    to its next chunk; False when the source is done."""
    end = c.start + c.size  # exclusive
    done = end > c.last
    following = None if done else con.execute(
        f"SELECT max(line_no) FROM {_CHUNK_TABLE} WHERE source = ? AND line_no > ?", [c.source, c.start]).fetchone()[0]
    if not done and following is None:
        c.size *= 2  # one record (or none) in the chunk: it may go on, stage more of it
        return True
    upto = c.last + 1 if done else following
    added = con.execute(
        f"INSERT INTO {table} SELECT ? + row_number() OVER (ORDER BY line_no), {cols} FROM {_CHUNK_TABLE} "
        "WHERE source = ? AND line_no >= ? AND line_no < ?", [c.stored, c.source, c.start, upto]).fetchone()
    c.stored += int(added[0]) if added else 0
    if done:
        return False
    c.context = con.execute(f"SELECT event_time, host FROM {_CHUNK_TABLE} WHERE source = ? AND line_no = ?",
                            [c.source, following]).fetchone()
    c.start, c.size = following, chunk_lines
    return True


def _source_ranges(con: Any, sources: Sequence[str]) -> list[tuple[str, int, int]]:
    """(source, first line_no, last line_no) of every source in listener_log_lines, in event-id
    order: the order of ``sources``, then the others by name."""
    rows = con.execute("SELECT source, min(line_no), max(line_no) FROM listener_log_lines "
                       "WHERE source IS NOT NULL GROUP BY source").fetchall()
    position = {s: i for i, s in reversed(list(enumerate(sources)))}
    return sorted(rows, key=lambda r: (position.get(r[0], len(sources)), r[0]))
