"""CSV output: one set of rules (DuckDB's writer) for the rows DuckDB writes itself
(OfflineEngine.write_csv: COPY) and the rows formatted in Python (output.format_rows: online
reports, results with other column types), so a result is the same text whichever path wrote it."""

from __future__ import annotations

import datetime as dt
import decimal
import io

import pytest
from hypothesis import given, settings, strategies as st

from lsnrmine.engine.session import OfflineEngine
from lsnrmine.output import VisibleCsv, format_rows


@pytest.mark.parametrize("value, text", [
    (None, ""),
    ("", '""'),                      # the empty string is not NULL
    ("plain", "plain"),
    (" sp ", " sp "),                 # blanks kept, not quoted
    ("a,b", '"a,b"'),
    ('x"y', '"x""y"'),
    ("l\nf", '"l\\x0af"'),            # quoted for the LF, which is written visibly (output.visible)
    ("c\rr", '"c\\x0dr"'),            # a CR is quoted too (a reader would break the line there)
    ("#note", '"#note"'), ("a#b", '"a#b"'),
    ("tab\tx", "tab\\x09x"),
    (1, "1"), (-20, "-20"), (2.5, "2.5"), (decimal.Decimal("1.50"), "1.50"), (True, "True"),
    (dt.datetime(2005, 11, 6, 13, 45, 6, 500), "2005-11-06 13:45:06"),   # no fraction
    (dt.datetime(999, 1, 2, 3, 4, 5), "0999-01-02 03:04:05"),           # four-digit year
    (dt.date(2005, 11, 6), "2005-11-06"),
])
def test_csv_field_rules(value, text):
    assert format_rows(["C", "D"], [(value, 1)], "csv") == f"C,D\n{text},1\n"


def test_csv_header_and_no_rows():
    assert format_rows(["A", "B#"], [], "csv") == 'A,"B#"\n'


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return OfflineEngine()


def _both_paths(engine: OfflineEngine, rows: list, types: str) -> tuple[str, str]:
    con = engine.con
    con.execute(f"CREATE OR REPLACE TABLE t_out (n INTEGER, a {types.split(',')[0]}, b {types.split(',')[1]})")
    if rows:
        con.executemany("INSERT INTO t_out VALUES (?, ?, ?)", [(i, a, b) for i, (a, b) in enumerate(rows)])
    buffer = io.StringIO()
    # through output.VisibleCsv as `lsnrmine sql --format csv` writes it
    engine.write_csv("select a, b from t_out order by n", VisibleCsv(buffer.write))
    result = engine.query("select a, b from t_out order by n")
    return buffer.getvalue(), format_rows(result.columns, result.rows, "csv")


_text = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab,"#\n\r\t \x00é*()='), max_size=8), st.text(max_size=6))
_stamp = st.one_of(st.none(), st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, st.one_of(st.none(), st.integers(-2**62, 2**62))), min_size=0, max_size=12))
def test_duckdb_copy_equals_python_text_and_integers(engine, rows):
    copied, formatted = _both_paths(engine, rows, "VARCHAR,BIGINT")
    assert copied == formatted


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_stamp, st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1)))), min_size=1, max_size=8))
def test_duckdb_copy_equals_python_dates(engine, rows):
    copied, formatted = _both_paths(engine, rows, "TIMESTAMP,DATE")
    assert copied == formatted


def test_other_types_take_the_python_path_with_the_same_rules(engine):
    copied, formatted = _both_paths(engine, [("#x", 2.5), ("", None)], "VARCHAR,DOUBLE")
    assert copied == formatted == 'A,B\n"#x",2.5\n"",\n'


def test_write_csv_keeps_order_and_upper_cases_the_header(engine):
    buffer = io.StringIO()
    engine.con.execute("CREATE OR REPLACE TABLE t_ord AS SELECT range AS n FROM range(50000)")
    engine.write_csv("select n, 'v' || n as val from t_ord order by n desc", buffer)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "N,VAL"
    assert lines[1:4] == ["49999,v49999", "49998,v49998", "49997,v49997"]
    assert len(lines) == 50001


def test_write_csv_error_is_an_engine_error(engine):
    from lsnrmine.engine.session import EngineError

    with pytest.raises(EngineError, match="query failed"):
        engine.write_csv("select no_such_column from dual", io.StringIO())
