"""The event model shared by both engines (LSNR_EVENTS columns) and the embedded engine's event build.

Oracle: ``tables/events.sql`` (heap table), filled by ``plsql/ingest_pkg.sql`` through the parse
view ``views/events.sql`` over the staging table STAGE_LINES. Embedded engine: the same parse view
(translated by the dialect bridge) over a view STAGE_LINES on ``listener_log_lines``; the result is
materialised as the table ``lsnr_events`` (prefix from the settings) with sequential event ids in
load order (file order as given, then line number).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

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


def build_offline(engine: "OfflineEngine", sources: Sequence[str], *, create_view: bool = True) -> int:
    """(Re)create STAGE_LINES (view on listener_log_lines), the parse view and the events table in
    the engine; return the number of events. ``sources``: load order of the files (event ids).
    ``create_view=False``: the events are inserted from the parse view's query itself, the view
    is not created (DuckDB binds a view's query when the view is created, a second time when it is
    read: over a second on this view; OfflineEngine creates it when a query names it)."""
    settings = engine.settings
    stage = settings.object_name("STAGE_LINES").lower()
    parse = settings.object_name("EVENT_PARSE")
    table = settings.object_name("EVENTS").lower()
    con = engine.con
    con.execute(f"CREATE OR REPLACE VIEW {stage} AS SELECT source, listener, host, line_no, line FROM listener_log_lines")
    statements = parse_view_statements(engine)
    inline = None if create_view or len(statements) != 1 else _CREATE_VIEW.fullmatch(engine.translate(statements[0]))
    if inline is None:
        for statement in statements:
            engine.execute_oracle(statement, what=f"view {parse}")
        relation = parse.lower()
    else:
        relation = f"({inline.group(2)}) AS {ids.quote_identifier(parse)}({inline.group(1)})"
    con.execute(duckdb_table_ddl(table))
    order = "[" + ", ".join(ids.sql_string(s) for s in sources) + "]::VARCHAR[]" if sources else "[]::VARCHAR[]"
    cols = ", ".join(VIEW_COLUMNS)
    con.execute(
        f"INSERT INTO {table} SELECT row_number() OVER (ORDER BY list_position({order}, source) NULLS LAST, "
        f"source, line_no) AS event_id, {cols} FROM {relation}"
    )
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
