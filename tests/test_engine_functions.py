"""The DuckDB macro parse_listener_log_line equals the Python twin (lsnrmine.parse)."""

from __future__ import annotations

import json

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from lsnrmine.engine.functions import BALANCED_DEPTH, CHECKED_MACRO, key_value_sql, register_functions
from lsnrmine.engine.loader import lrtrim_sql
from lsnrmine.parse import ALLOWED_KEYS, PASSWORD_MASK, UnknownKeyError, parse_listener_log_line

from conftest import FIXTURES, SHARED

KEYS = list(ALLOWED_KEYS)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    register_functions(c)
    yield c
    c.close()


def macro(con, p_in, p_param, name="parse_listener_log_line"):
    return con.execute(f"SELECT {name}(?, ?)", [p_in, p_param]).fetchone()[0]


def checked(con, p_in, p_param):
    """The macro the dialect bridge calls when the key is not a literal (it raises for unknown keys)."""
    return macro(con, p_in, p_param, CHECKED_MACRO)


def corpus_lines() -> list[str]:
    out: list[str] = []
    for path in sorted(FIXTURES.glob("*.log")):
        out += path.read_text(encoding="utf-8").splitlines()
    for case in json.loads((FIXTURES / "parse_cases.json").read_text(encoding="utf-8")):
        if isinstance(case.get("p_in"), str):
            out.append(case["p_in"])
    sample = SHARED / "samples" / "clogs" / "listener.log"
    if sample.exists():
        out += sample.read_text(encoding="utf-8").splitlines()
    return out


def test_every_corpus_line_every_key(con):
    """Vectorised over a table: constant key per query (the article's usage)."""
    lines = corpus_lines()
    con.execute("CREATE OR REPLACE TEMP TABLE corpus (n INTEGER, line VARCHAR)")
    con.executemany("INSERT INTO corpus VALUES (?, ?)", list(enumerate(lines)))
    for key in KEYS + [k.lower() for k in KEYS[:5]]:
        got = con.execute(f"SELECT parse_listener_log_line(line, '{key}') FROM corpus ORDER BY n").fetchall()
        want = [(parse_listener_log_line(line, key),) for line in lines]
        assert got == want, key


def test_key_from_a_column(con):
    """Non-constant p_param (a column): same results, pattern built per row."""
    data = [("(CONNECT_DATA=(SID=a)(CID=(HOST=h)))", k) for k in ("sid", "HOST", "CID", "Password")]
    data.append(("(x=(PASSWORD=secret))", "PASSWORD"))
    con.execute("CREATE OR REPLACE TEMP TABLE kv (n INTEGER, s VARCHAR, k VARCHAR)")
    con.executemany("INSERT INTO kv VALUES (?, ?, ?)", [(i, s, k) for i, (s, k) in enumerate(data)])
    got = [r[0] for r in con.execute("SELECT parse_listener_log_line(s, k) FROM kv ORDER BY n").fetchall()]
    assert got == [parse_listener_log_line(s, k) for s, k in data]
    assert got[-1] == PASSWORD_MASK


@pytest.mark.parametrize("p_in, key, expected", [
    (None, "SID", None),
    ("", "SID", None),
    ("(SID=)", "SID", None),
    ("(SID=", "SID", None),
    ("(SID=abc", "SID", "abc"),
    ("(sid=a)(SID=b)", "SID", "a"),
    ("(SERVICE=(ADDRESS=(PROTOCOL=TCP)(HOST=x)(PORT=1521)))", "SERVICE", "(ADDRESS=(PROTOCOL=TCP)(HOST=x)(PORT=1521))"),
    ("(CID=(PROGRAM=a)(HOST=b)", "CID", "(PROGRAM=a)(HOST=b)"),  # no closing ")": to the end
    ("(CID=(PROGRAM=a)(HOST=b))(X=1)", "CID", "(PROGRAM=a)(HOST=b)"),  # the whole list
    ("(PROGRAM=oracle@db1 (TNS V1-V3))(HOST=db1)", "PROGRAM", "oracle@db1 (TNS V1-V3)"),
    ("(CID=(PROGRAM=(a)", "CID", "(PROGRAM=(a)"),           # unbalanced: to the end
    ("(HOST=a(b)c)", "HOST", "a(b)c"),
    ("(VALUE=a=b)", "VALUE", "a=b"),
    ("(\u017fid=x)", "SID", None),            # long s is not an ASCII S
    ("(PASSWORD=x)", "password", PASSWORD_MASK),
    ("(PASSWORD=)", "PASSWORD", None),
    ("(HOST=a\nb)", "HOST", "a\nb"),
])
def test_contract_cases(con, p_in, key, expected):
    assert parse_listener_log_line(p_in, key) == expected
    assert macro(con, p_in, key) == expected


def test_shared_parse_cases(con):
    for case in json.loads((FIXTURES / "parse_cases.json").read_text(encoding="utf-8")):
        if "error" in case or "raises" in case or case.get("expected_error"):
            continue
        try:
            want = parse_listener_log_line(case["p_in"], case["p_param"])
        except UnknownKeyError:
            continue
        assert macro(con, case["p_in"], case["p_param"]) == want, case.get("id")


@pytest.mark.parametrize("key", ["bogus", "", None, "\u017fid", "SID ", "x" * 100])
def test_unknown_key_raises(con, key):
    with pytest.raises(UnknownKeyError) as twin:
        parse_listener_log_line("(SID=x)", key)
    with pytest.raises(duckdb.Error, match="unknown key") as err:
        checked(con, "(SID=x)", key)
    assert str(twin.value) in str(err.value)
    # the unchecked macro (keys checked beforehand by the bridge) gives NULL
    assert macro(con, "(SID=x)", key) is None


def test_unknown_key_raises_even_for_null_input(con):
    with pytest.raises(duckdb.Error, match="unknown key"):
        checked(con, None, "bogus")


def test_checked_macro_equals_the_macro_for_known_keys(con):
    for line in corpus_lines()[:200]:
        for key in ("SID", "host", "PASSWORD", "Cid"):
            assert checked(con, line, key) == macro(con, line, key) == parse_listener_log_line(line, key)


def test_macro_usable_in_a_window_checked_macro_not(con):
    """DuckDB refuses volatile expressions in a window's PARTITION BY / ORDER BY, and a macro
    calling error() is volatile: the bridge's literal-key calls use the macro without it."""
    con.execute("CREATE OR REPLACE TEMP TABLE w AS SELECT * FROM (VALUES (1, '(HOST=a)'), (2, '(HOST=b)'), "
                "(3, '(HOST=a)')) t(i, s)")
    rows = con.execute("SELECT i, row_number() OVER (PARTITION BY parse_listener_log_line(s, 'HOST') "
                       "ORDER BY parse_listener_log_line(s, 'HOST'), i) FROM w ORDER BY i").fetchall()
    assert rows == [(1, 1), (2, 1), (3, 2)]
    with pytest.raises(duckdb.BinderException, match="volatile"):
        con.execute(f"SELECT row_number() OVER (PARTITION BY {CHECKED_MACRO}(s, 'HOST')) FROM w")


def nested(depth: int) -> str:
    text = "v"
    for i in range(depth):
        text = f"(L{i}={text})"
    return text


@pytest.mark.parametrize("depth", [1, 2, 5, BALANCED_DEPTH])
def test_balanced_lists_within_the_bound(con, depth):
    p_in = f"(DESCRIPTION={nested(depth)})(X=1)"
    assert macro(con, p_in, "DESCRIPTION") == parse_listener_log_line(p_in, "DESCRIPTION") == nested(depth)


# ---------------------------------------------------------------- differential (hypothesis)

_ALPHABET = st.sampled_from(list("()=*abSsIiDd_ \n") + ["(SID=", "(sid=", "(HOST=", "(CID=", "(PASSWORD=",
                                                          "(SERVICE=", "\u017f", "\u212a", "é", "月"])
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)
_KEY = st.sampled_from(["SID", "sid", "HOST", "CID", "SERVICE", "PASSWORD", "Service_Name", "KEY"])


def _depth(text: str) -> int:
    depth = best = 0
    for ch in text:
        if ch == "(":
            depth += 1
            best = max(best, depth)
        elif ch == ")":
            depth -= 1
    return best


@settings(max_examples=400, deadline=None)
@given(p_in=st.one_of(st.none(), _TEXT), key=_KEY)
def test_differential_random_strings(con, p_in, key):
    if p_in is not None and _depth(p_in) > BALANCED_DEPTH:
        return  # outside the documented bound of the RE2 form
    assert macro(con, p_in, key) == parse_listener_log_line(p_in, key)


@settings(max_examples=200, deadline=None)
@given(p_in=st.text(max_size=60), key=_KEY)
def test_differential_any_unicode(con, p_in, key):
    if _depth(p_in) > BALANCED_DEPTH:
        return
    assert macro(con, p_in, key) == parse_listener_log_line(p_in, key)


# ---------------------------------------------------------------- the staged form (engine.pushdown)

_LRTRIM = {False: " ", True: " \t\n\r\x0b\x0c"}  # the LRTRIM sets of loader._trim_chars


def staged(con, raw, key, control_chars):
    """key_value_sql's two stages over one field before LRTRIM (``raw``): the form pushdown
    computes in a query's view, from the untrimmed field."""
    match, value = key_value_sql("raw", lrtrim_sql("raw", "ctl"), key, "m")
    return con.execute(f"SELECT {value} FROM (SELECT raw, ctl, {match} AS m FROM "
                       f"(SELECT ?::VARCHAR AS raw, ?::BOOLEAN AS ctl))", [raw, control_chars]).fetchone()[0]


def twin_of_field(raw, key, control_chars):
    trimmed = raw.strip(_LRTRIM[control_chars]) if raw is not None else None
    return parse_listener_log_line(trimmed or None, key)


_STAGED_KEY = st.sampled_from(["SID", "HOST", "CID", "SERVICE", "SERVICE_NAME", "PROGRAM"])
_PAD = st.text(alphabet=" \t\x0b\x0c\r", max_size=3)


@settings(max_examples=300, deadline=None)
@given(p_in=st.one_of(st.none(), _TEXT, st.text(max_size=60)), key=_STAGED_KEY, left=_PAD, right=_PAD,
       control_chars=st.booleans())
def test_staged_form_equals_the_twin(con, p_in, key, left, right, control_chars):
    """The value from the untrimmed field = the twin on the LRTRIM'd field (the column's value)."""
    if p_in is not None and _depth(p_in) > BALANCED_DEPTH:
        return
    if not control_chars:  # a file without TAB/CR/VT/FF: its fields hold none
        left, right = left.replace("\t", " ").replace("\x0b", " ").replace("\x0c", " ").replace("\r", " "), \
            right.replace("\t", " ").replace("\x0b", " ").replace("\x0c", " ").replace("\r", " ")
        if p_in is not None and any(c in p_in for c in "\t\x0b\x0c\r"):
            return
    raw = None if p_in is None else left + p_in + right
    assert staged(con, raw, key, control_chars) == twin_of_field(raw, key, control_chars)


def test_staged_form_every_corpus_line(con):
    lines = corpus_lines()
    con.execute("CREATE OR REPLACE TEMP TABLE corpus2 (n INTEGER, raw VARCHAR, ctl BOOLEAN)")
    con.executemany("INSERT INTO corpus2 VALUES (?, ?, true)", [(i, f" {line}  ") for i, line in enumerate(lines)])
    for key in ("SID", "SERVICE_NAME", "HOST", "PROGRAM", "CID", "USER", "DESCRIPTION", "COMMAND"):
        match, value = key_value_sql("raw", lrtrim_sql("raw", "ctl"), key, "m")
        got = con.execute(f"SELECT {value} FROM (SELECT n, raw, ctl, {match} AS m FROM corpus2) ORDER BY n").fetchall()
        assert got == [(twin_of_field(f" {line}  ", key, True),) for line in lines], key
