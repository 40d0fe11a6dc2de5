"""The row sources of reports: the embedded engine (``--log``) or the database (``--dsn``).

One small interface for both, so ``lsnrmine report`` and the HTML dashboard print the same text
for the same data whichever side answered:

* ``batches(sql) -> (columns, iterator of row lists)`` (csv is written batch by batch), and
* ``query(sql) -> (columns, rows)`` built on it.

Values are made canonical on both sides (:func:`canonical_value`). Oracle's cursor returns DATE as
``datetime`` and NUMBER as ``int`` or ``float`` (``Decimal`` with ``defaults.fetch_decimals``),
a zero-length string as NULL (python-oracledb manual, "Fetching Numbers" / data type mapping:
NUMBER -> int when the value is integral, else float [I]); DuckDB returns ``float`` for a DOUBLE
even when the value is integral, ``Decimal`` for DECIMAL, ``date`` for DATE and ``''`` for an
empty string. Canonical: integral numbers are ``int``, others ``float`` rounded to 15 significant
digits (a double's noise such as 0.30000000000000004 is 0.3 in Oracle's decimal NUMBER), ``date``
is a ``datetime`` at midnight (Oracle's DATE has a time), ``''`` is ``None`` (Oracle: a
zero-length VARCHAR2 is NULL), LOBs are read into text. Column names are upper case on both sides
(the engine upper-cases them, Oracle reports unquoted aliases so).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from . import identifiers as ids
from .dashboard import MAX_ALERTS, MAX_URGENT_ALERTS, alert_entry
from .output import VisibleCsv, csv_lines, format_rows

Batches = Callable[[str], "tuple[list[str], Iterator[list[tuple[Any, ...]]]]"]
Query = Callable[[str], "tuple[list[str], list[tuple[Any, ...]]]"]

FETCH_ROWS = 10_000


def canonical_value(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        return int(value) if value.is_integer() else float(f"{value:.15g}")
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return float(value)
        return int(value) if value == value.to_integral_value() else float(f"{float(value):.15g}")
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def canonical_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(canonical_value(v) for v in row) for row in rows]


def engine_batches(engine: Any) -> Batches:
    """The embedded engine (:class:`lsnrmine.engine.session.OfflineEngine`); EngineError on failure."""

    def batches(sql: str) -> "tuple[list[str], Iterator[list[tuple[Any, ...]]]]":
        columns, parts = engine.query_batches(sql)
        return list(columns), (canonical_rows(rows) for rows in parts)

    return batches


def _lob_text(value: Any) -> Any:
    # python-oracledb returns CLOB/BLOB columns as LOB objects unless fetch_lobs is False
    if hasattr(value, "read") and hasattr(value, "size") and not isinstance(value, (str, bytes)):
        return value.read()
    return value


def connection_batches(conn: Any, fetch_rows: int = FETCH_ROWS) -> Batches:
    """A DB-API connection (python-oracledb); the statement text is sent as it is (no binds: the
    report statements are rendered text, the period condition holds only formatted datetimes)."""

    def batches(sql: str) -> "tuple[list[str], Iterator[list[tuple[Any, ...]]]]":
        cursor = conn.cursor()
        try:
            cursor.arraysize = fetch_rows
        except AttributeError:  # pragma: no cover - any DB-API cursor has it
            pass
        try:
            cursor.execute(sql)
            columns = [str(d[0]).upper() for d in cursor.description or []]
        except BaseException:
            cursor.close()
            raise

        def parts() -> Iterator[list[tuple[Any, ...]]]:
            try:
                while True:
                    rows = cursor.fetchmany(fetch_rows)
                    if not rows:
                        return
                    yield [tuple(canonical_value(_lob_text(v)) for v in row) for row in rows]
            finally:
                cursor.close()

        return columns, parts()

    return batches


def as_query(batches: Batches) -> Query:
    def query(sql: str) -> "tuple[list[str], list[tuple[Any, ...]]]":
        columns, parts = batches(sql)
        return columns, [row for part in parts for row in part]

    return query


def write_report(batches: Batches, statements: Sequence[str], fmt: str, write: Callable[[str], Any]) -> None:
    """Run each statement and write its rows in ``fmt`` (output.format_rows); csv batch by batch
    (hidden characters made visible as format_rows does, output.VisibleCsv)."""
    for statement in statements:
        columns, parts = batches(statement)
        if fmt == "csv":
            out = VisibleCsv(write)
            out.write(csv_lines([columns]))
            for rows in parts:
                out.write(csv_lines(rows))
            continue
        write(format_rows(columns, [row for part in parts for row in part], fmt))


#: the leading columns of ``report --per-source``
PAIR_COLUMNS = ("HOST", "LISTENER")


def write_per_source(batches: Batches, pairs: Sequence[tuple[Any, Any]],
                     statements_of: Callable[[Any, Any], Sequence[str]], fmt: str,
                     write: Callable[[str], Any]) -> None:
    """``report --per-source``: for each statement of the report, its rows of every (host, listener)
    pair in ``pairs`` order (``statements_of(host, listener)``: the statements restricted to the
    pair), each row led by the pair; one table (csv: one header) per statement. A report column
    named HOST or LISTENER (it holds the pair's value under the restriction) moves to the front
    rather than appearing twice. Without pairs (no events in the period) each table is empty: its
    columns come from the statements restricted to no host and no listener, their rows are dropped."""
    per_pair = [list(statements_of(host, listener)) for host, listener in pairs]
    if not per_pair:
        for statement in statements_of(None, None):
            names, parts = batches(statement)
            for _ in parts:
                pass  # closes the cursor
            columns = [*PAIR_COLUMNS, *(n for n in names if n not in PAIR_COLUMNS)]
            write(format_rows(columns, [], fmt))
        return
    for index in range(len(per_pair[0])):
        columns: Optional[list[str]] = None
        keep: list[int] = []
        rows: list[tuple[Any, ...]] = []
        out = VisibleCsv(write) if fmt == "csv" else None
        for (host, listener), statements in zip(pairs, per_pair):
            names, parts = batches(statements[index])
            if columns is None:
                keep = [i for i, name in enumerate(names) if name not in PAIR_COLUMNS]
                columns = [*PAIR_COLUMNS, *(names[i] for i in keep)]
                if out is not None:
                    out.write(csv_lines([columns]))
            for part in parts:
                led = [(host, listener, *(row[i] for i in keep)) for row in part]
                if out is not None:
                    out.write(csv_lines(led))
                else:
                    rows.extend(led)
        if out is None:
            write(format_rows(columns or list(PAIR_COLUMNS), rows, fmt))


# the dashboard's two values that come from tables of the installation rather than from a report
# (the alert list: every critical and high alert, the others while fewer than :max_rows are listed)
_ALERTS_SQL = """select rule_id, severity, first_time, last_time, alert_key, cnt, status, evidence, listener, host
  from (select a.*, row_number() over (order by a.sev_rank desc, a.last_time desc, a.alert_id desc) rn
          from (select alert_id, rule_id, severity, first_time, last_time, alert_key, cnt, status, evidence,
                       listener, host,
                       case severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3
                                     when 'low' then 2 else 1 end sev_rank
                  from {alerts}
                 where (:time_from is null or last_time >= :time_from)
                   and (:time_to is null or first_time < :time_to)) a)
 where rn <= :max_rows or (sev_rank >= 4 and rn <= :max_urgent)
 order by rn"""

_ALERT_SUMMARY_SQL = """select rule_id, severity, count(*), sum(cnt), min(first_time), max(last_time)
  from {alerts}
 where (:time_from is null or last_time >= :time_from)
   and (:time_to is null or first_time < :time_to)
 group by rule_id, severity"""

_LINES_SQL = "select nvl(sum(lines), 0) from {load_state}"


def q_alerts(settings: Any) -> str:
    return _ALERTS_SQL.format(alerts=ids.quote_identifier(settings.object_name("ALERTS")))


def q_alert_summary(settings: Any) -> str:
    return _ALERT_SUMMARY_SQL.format(alerts=ids.quote_identifier(settings.object_name("ALERTS")))


def q_lines(settings: Any) -> str:
    return _LINES_SQL.format(load_state=ids.quote_identifier(settings.object_name("LOAD_STATE")))


def database_alerts(conn: Any, settings: Any, time_from: Optional[dt.datetime],
                    time_to: Optional[dt.datetime]) -> list[dict[str, Any]]:
    """LSNR_ALERTS rows overlapping the period as dashboard entries: every critical and high one
    (up to MAX_URGENT_ALERTS), then the others while the list has fewer than MAX_ALERTS rows; most severe first, then latest first."""
    cursor = conn.cursor()
    try:
        cursor.execute(q_alerts(settings), time_from=time_from, time_to=time_to, max_rows=MAX_ALERTS,
                       max_urgent=MAX_URGENT_ALERTS)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [alert_entry(*(canonical_value(v) for v in row)) for row in rows]


def database_alert_summary(conn: Any, settings: Any, time_from: Optional[dt.datetime],
                           time_to: Optional[dt.datetime]) -> list[tuple[Any, ...]]:
    """All LSNR_ALERTS rows overlapping the period per (rule, severity): rule, severity, alerts,
    events, first and last event time (dashboard.RuleSummary's fields)."""
    cursor = conn.cursor()
    try:
        cursor.execute(q_alert_summary(settings), time_from=time_from, time_to=time_to)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return canonical_rows(rows)
