"""Translations that keep DuckDB's plan small (issue 21): SUBSTR with constant bounds without the
ora_substr macro, one NULLIF per `||` chain, REPLACE naming its string once. Each must give what
the general form gives (the macro, the nested NULLIFs, the CASE) on random strings, and each must
name its operand once: the macro and the CASE named it six and two times, so nesting multiplied
the expression DuckDB binds and optimises (rule 6's plan took 5.6 s on a 43-line log)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from("ab&;é日 \x00*"), max_size=12))


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return OfflineEngine(Settings())


@hsettings(max_examples=150, deadline=None)
@given(s=TEXT, position=st.sampled_from(["0", "1", "2", "5", "0.5", "1.9", "-0.5"]),
       length=st.sampled_from([None, "1", "3", "100", "2.7"]))
def test_constant_substr_equals_the_macro(engine: OfflineEngine, s, position: str, length) -> None:
    args = position if length is None else f"{position}, {length}"
    translated = engine.translate(f"select substr(x, {args}) from (select cast(:v as varchar2(50)) x from dual)")
    assert "ORA_SUBSTR" not in translated.upper()
    got = engine.con.execute(translated, {"v": s}).fetchone()[0]
    want = engine.con.execute(f"select ora_substr(cast($1 as varchar), {args})", [s]).fetchone()[0]
    assert got == want


def test_other_substr_bounds_keep_the_macro(engine: OfflineEngine) -> None:
    for args in ("-1", "1, 0", "x, 2", "1, length(x)"):
        assert "ORA_SUBSTR" in engine.translate(f"select substr(x, {args}) from (select 'ab' x from dual)").upper()


@hsettings(max_examples=100, deadline=None)
@given(a=TEXT, b=TEXT, c=TEXT)
def test_a_concat_chain_is_one_nullif_with_the_nested_values(engine: OfflineEngine, a, b, c) -> None:
    sql = engine.translate("select x || (y || '') || z || substr(x, 1, 3) || concat(y, z) "
                           "from (select cast(:a as varchar2(50)) x, cast(:b as varchar2(50)) y, "
                           "cast(:c as varchar2(50)) z from dual)")
    select = sql[:sql.upper().index(" FROM (")]
    assert select.upper().count("NULLIF(CONCAT(") == 1, sql
    got = engine.con.execute(sql, {"a": a, "b": b, "c": c}).fetchone()[0]
    parts = [a, b, c, a[:3] if a else None, b, c]
    want = "".join(p or "" for p in parts) or None  # Oracle: NULL operands ignored, '' is NULL
    assert got == want


@hsettings(max_examples=100, deadline=None)
@given(s=TEXT, search=TEXT, repl=TEXT)
def test_replace_with_a_computed_search_names_its_string_once(engine: OfflineEngine, s, search, repl) -> None:
    sql = engine.translate("select replace(x, y || '', z) from (select cast(:a as varchar2(50)) x, "
                           "cast(:b as varchar2(50)) y, cast(:c as varchar2(50)) z from dual)")
    select = sql[:sql.upper().index(" FROM (")]
    assert select.count("x") == 1, sql
    got = engine.con.execute(sql, {"a": s, "b": search, "c": repl}).fetchone()[0]
    s, search, repl = s or None, search or None, repl or None  # '' is NULL
    if s is None:
        want = None
    elif search is None:
        want = s  # REPLACE with a NULL search: the string
    else:
        want = s.replace(search, repl or "") or None
    assert got == want


def test_nested_replaces_stay_linear(engine: OfflineEngine) -> None:
    """events.sql's five XML entities: the string once, not 2^5 times."""
    sql = engine.translate("select replace(replace(replace(replace(replace(x, chr(38) || 'lt;', '<'), "
                           "chr(38) || 'gt;', '>'), chr(38) || 'quot;', '\"'), chr(38) || 'apos;', ''''), "
                           "chr(38) || 'amp;', chr(38)) from (select 'a&amp;lt;b' x from dual)")
    select = sql[:sql.upper().index(" FROM (")]
    assert select.count("x") == 1, sql
    assert engine.con.execute(sql).fetchone()[0] == "a&lt;b"
