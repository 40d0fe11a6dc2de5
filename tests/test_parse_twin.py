"""The Python twin of PARSE_LISTENER_LOG_LINE (lsnrmine.parse) against the shared table of cases.

``tests/fixtures/parse_cases.json`` is a list of cases shared with the live Oracle suite. Each case
has ``id``, ``p_in`` and ``p_param`` (null = SQL NULL; Oracle treats '' as NULL too) and either
``expected`` (string, or null for SQL NULL) or ``error`` (``ORA-20001``) with ``message_prefix``
(the message goes on with the rest of the allowed key list).
Also here: hypothesis properties, an independent character-by-character reference implementation,
and checks that the PL/SQL templates state the same key list, mask and message as the twin.
"""

from __future__ import annotations

import json
import re
from typing import Optional

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lsnrmine.parse import (
    ALLOWED_KEYS,
    MESSAGE_KEY_MAX_CHARS,
    PASSWORD_MASK,
    UnknownKeyError,
    key_pattern,
    parse_listener_log_line,
    unknown_key_message,
)

from conftest import FIXTURES, REPO_ROOT, shared_file

CASES: list[dict] = json.loads((FIXTURES / "parse_cases.json").read_text(encoding="utf-8"))
VALUE_CASES = [c for c in CASES if "expected" in c]
ERROR_CASES = [c for c in CASES if "error" in c]
ORA_ERROR_PREFIX = 'parse_listener_log_line: unknown key "'


# --------------------------------------------------------------------------- the table of cases
def test_table_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for case in CASES:
        assert {"id", "p_in", "p_param"} <= case.keys(), case
        assert ("expected" in case) != ("error" in case), case["id"]
        if "error" in case:
            assert case["error"] == "ORA-20001"
            assert case["message_prefix"].startswith(ORA_ERROR_PREFIX)
    assert len(VALUE_CASES) > 100 and len(ERROR_CASES) >= 10


def test_table_covers_every_allowed_key() -> None:
    covered = {c["p_param"].upper() for c in VALUE_CASES if c["p_param"] and c["expected"] is not None}
    assert set(ALLOWED_KEYS) <= covered, set(ALLOWED_KEYS) - covered


def test_table_has_4000_byte_inputs() -> None:
    sizes = {len(c["p_in"].encode("utf-8")) for c in VALUE_CASES if c["p_in"]}
    assert 4000 in sizes
    assert max(sizes) <= 4000, "inputs come from 4000-byte columns"


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c["id"] for c in VALUE_CASES])
def test_value_case(case: dict) -> None:
    result = parse_listener_log_line(case["p_in"], case["p_param"])
    assert result == case["expected"]
    if result is not None and result != PASSWORD_MASK:
        assert result in case["p_in"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c["id"] for c in ERROR_CASES])
def test_error_case(case: dict) -> None:
    with pytest.raises(UnknownKeyError) as info:
        parse_listener_log_line(case["p_in"], case["p_param"])
    message = str(info.value)
    assert message.startswith(case["message_prefix"])
    assert message == unknown_key_message(case["p_param"])


# --------------------------------------------------------------------------- error contract
def test_unknown_key_message_exact() -> None:
    expected = (
        'parse_listener_log_line: unknown key "foo"; allowed keys: '
        "SID, SERVICE_NAME, PROGRAM, SERVICE, HOST, USER, PROTOCOL, TYPE, METHOD, RETRIES, DELAY, "
        "PORT, COMMAND, ARGUMENTS, VERSION, VALUE, SERVER, INSTANCE_NAME, UR, CONNECTION_ID, "
        "CONNECTION_ID_PREFIX, PASSWORD, " + ", ".join(ALLOWED_KEYS[22:])
    )
    with pytest.raises(UnknownKeyError) as info:
        parse_listener_log_line("(FOO=1)", "foo")
    assert str(info.value) == expected
    assert isinstance(info.value, ValueError)


def test_unknown_key_checked_before_input() -> None:
    for p_in in (None, "", "(SID=x)"):
        with pytest.raises(UnknownKeyError):
            parse_listener_log_line(p_in, "NOT_A_KEY")


def test_message_key_is_cut() -> None:
    key = "é" * 100
    assert f'unknown key "{"é" * MESSAGE_KEY_MAX_CHARS}";' in unknown_key_message(key)


def test_allowed_keys_shape() -> None:
    assert len(ALLOWED_KEYS) == len(set(ALLOWED_KEYS))
    assert ALLOWED_KEYS[:13] == (
        "SID", "SERVICE_NAME", "PROGRAM", "SERVICE", "HOST", "USER", "PROTOCOL", "TYPE", "METHOD",
        "RETRIES", "DELAY", "PORT", "COMMAND",
    ), "the article's keys come first, in the article's order"
    for key in ALLOWED_KEYS:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]{0,29}", key), key
    assert PASSWORD_MASK == "********"


# --------------------------------------------------------------------------- key_pattern
def test_key_pattern_shapes() -> None:
    assert key_pattern("SID") == r"\([Ss][Ii][Dd]="
    assert key_pattern("sid") == r"\([Ss][Ii][Dd]="
    assert key_pattern("Service_Name") == r"\([Ss][Ee][Rr][Vv][Ii][Cc][Ee]_[Nn][Aa][Mm][Ee]="
    assert key_pattern("ARGV0") == r"\([Aa][Rr][Gg][Vv]0="
    with pytest.raises(UnknownKeyError):
        key_pattern("ſid")


@pytest.mark.parametrize("key", ALLOWED_KEYS)
def test_key_pattern_python_re(key: str) -> None:
    pattern = re.compile(key_pattern(key))
    assert pattern.fullmatch(f"({key}=")
    assert pattern.fullmatch(f"({key.lower()}=")
    assert not pattern.search(f"({key} =")
    assert not pattern.search(f"({key}")
    trap = key.replace("S", "ſ", 1).replace("K", "\u212a", 1).replace("I", "ı", 1)
    if trap != key:
        assert not pattern.search(f"({trap}=x)")


def test_key_pattern_in_duckdb_re2() -> None:
    """The DuckDB engine builds its macro from key_pattern: RE2 must read it the same way."""
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = [
        ("(SID=x)", "SID", True), ("(sid=x)", "SID", True), ("(ſID=x)", "SID", False),
        ("(\u212aEY=x)", "KEY", False), ("(key=x)", "KEY", True), ("(SERVICE_NAME=a)", "SERVICE", False),
        ("(Service_Name=a)", "SERVICE_NAME", True), ("(ARGV0=a)", "ARGV0", True),
    ]
    for text, key, expected in rows:
        got = con.execute("select regexp_matches(?, ?)", [text, key_pattern(key)]).fetchone()[0]
        assert got is expected, (text, key)


# --------------------------------------------------------------------------- reference implementation
def reference(p_in: Optional[str], p_param: Optional[str]) -> Optional[str]:
    """The contract restated character by character, without regular expressions."""
    key = "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in (p_param or ""))
    if key not in ALLOWED_KEYS:
        raise UnknownKeyError(unknown_key_message(p_param))
    if not p_in:
        return None

    def key_at(i: int) -> bool:
        if p_in[i] != "(" or i + len(key) + 1 >= len(p_in):  # room for "KEY="
            return False
        for j, k in enumerate(key):
            c = p_in[i + 1 + j]
            if not (c == k or ("A" <= k <= "Z" and c == chr(ord(k) + 32))):
                return False
        return p_in[i + 1 + len(key)] == "="

    for i in range(len(p_in)):
        if key_at(i):
            start = i + len(key) + 2
            break
    else:
        return None
    end = start
    depth = 0
    while end < len(p_in):  # to the ")" at depth 0, or the end of the input
        if p_in[end] == "(":
            depth += 1
        elif p_in[end] == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    value = p_in[start:end]
    if not value:
        return None
    return PASSWORD_MASK if key == "PASSWORD" else value


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c["id"] for c in VALUE_CASES])
def test_reference_agrees_with_table(case: dict) -> None:
    assert reference(case["p_in"], case["p_param"]) == case["expected"]


# --------------------------------------------------------------------------- hypothesis
KEY_NAMES = st.sampled_from(ALLOWED_KEYS + ("SID_NAME", "XHOST", "ſID", "\u212aEY", "HOSt ", "OTHER"))


@st.composite
def random_case(draw: st.DrawFn, name: st.SearchStrategy[str]) -> str:
    key = draw(name)
    flips = draw(st.lists(st.booleans(), min_size=len(key), max_size=len(key)))
    return "".join(c.lower() if f else c for c, f in zip(key, flips))


ATOM = st.text(alphabet=st.characters(blacklist_characters="()", blacklist_categories=("Cs",)), max_size=8)
NOISE = st.text(alphabet=st.sampled_from("()=* xsSIDſ\u212aK日😀\n"), max_size=6)


def groups(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    body = st.one_of(ATOM, st.lists(children, min_size=1, max_size=3).map("".join))
    return st.tuples(random_case(KEY_NAMES), body).map(lambda kv: f"({kv[0]}={kv[1]})")


GROUP = st.recursive(st.tuples(random_case(KEY_NAMES), ATOM).map(lambda kv: f"({kv[0]}={kv[1]})"), groups, max_leaves=12)
CONNECT_STRING = st.lists(st.one_of(GROUP, NOISE, ATOM), max_size=6).map("".join)
ANY_INPUT = st.one_of(st.none(), CONNECT_STRING, st.text(max_size=60))
ANY_KEY = random_case(st.sampled_from(ALLOWED_KEYS))


@settings(max_examples=800, deadline=None)
@given(p_in=ANY_INPUT, p_param=ANY_KEY)
@example(p_in="(SID=", p_param="SID")
@example(p_in="(SID=(", p_param="SID")
@example(p_in="(PASSWORD=(", p_param="password")
def test_property_result_is_null_mask_or_substring(p_in: Optional[str], p_param: str) -> None:
    result = parse_listener_log_line(p_in, p_param)
    assert result is None or result == PASSWORD_MASK or (result != "" and result in p_in)
    if result == PASSWORD_MASK:
        assert p_param.upper() == "PASSWORD"
    assert result == reference(p_in, p_param)


@settings(max_examples=300, deadline=None)
@given(p_in=ANY_INPUT, p_param=st.one_of(st.none(), st.text(max_size=12)))
def test_property_any_key_is_value_or_unknown_key_error(p_in: Optional[str], p_param: Optional[str]) -> None:
    try:
        result = parse_listener_log_line(p_in, p_param)
    except UnknownKeyError as exc:
        assert str(exc) == unknown_key_message(p_param)
        assert not p_param or "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in p_param) not in ALLOWED_KEYS
    else:
        assert result is None or result == PASSWORD_MASK or result in p_in


SIMPLE_VALUE = st.text(alphabet=st.characters(blacklist_characters="()", blacklist_categories=("Cs",)), min_size=1, max_size=20)
NESTED_VALUE = GROUP  # one balanced group (the value stops at its matching ")")


@settings(max_examples=500, deadline=None)
@given(prefix=CONNECT_STRING, key=ANY_KEY, value=st.one_of(SIMPLE_VALUE, NESTED_VALUE), suffix=CONNECT_STRING)
def test_property_embedded_value_is_returned(prefix: str, key: str, value: str, suffix: str) -> None:
    assume(re.search(key_pattern(key), prefix) is None)
    p_in = f"{prefix}({key}={value}){suffix}"  # a nested value may be followed by more groups
    expected = PASSWORD_MASK if key.upper() == "PASSWORD" else value
    assert parse_listener_log_line(p_in, key) == expected


# --------------------------------------------------------------------------- real sample logs
def test_shared_sample_log_lines() -> None:
    lines = shared_file("samples/clogs/listener.log").read_text(encoding="utf-8").splitlines()
    hosts = {parse_listener_log_line(line, "HOST") for line in lines}
    assert hosts == {None, "browning"}
    for line in lines:
        for key in ALLOWED_KEYS:
            result = parse_listener_log_line(line, key)
            assert result is None or result == PASSWORD_MASK or result in line
            assert result == reference(line, key)


def test_article_fixture_log_lines() -> None:
    path = FIXTURES / "article.log"
    if not path.exists():
        pytest.skip("tests/fixtures/article.log not present")
    lines = path.read_text(encoding="utf-8").splitlines()
    commands = {parse_listener_log_line(line, "COMMAND") for line in lines}
    assert {"stop", "log_file", "log_directory"} <= commands
    for line in lines:
        for key in ALLOWED_KEYS:
            assert parse_listener_log_line(line, key) == reference(line, key)


# --------------------------------------------------------------------------- PL/SQL templates
PLSQL = REPO_ROOT / "plsql"


def _render(path: str) -> str:
    from lsnrmine.templates import render_template
    from lsnrmine.settings import Settings

    return render_template(path, Settings())


def _units(text: str) -> list[str]:
    """The statements as the installer sends them (runner.split_script drops leading comments)."""
    from lsnrmine.runner import split_script

    return split_script(text)


def test_plsql_key_list_matches_twin() -> None:
    source = (PLSQL / "parse_listener_log_line.sql").read_text(encoding="utf-8")
    block = re.search(r"co_allowed_keys\s+constant varchar2\(\d+\) :=\s*(.*?);", source, re.S)
    assert block, "co_allowed_keys not found"
    text = "".join(re.findall(r"'([^']*)'", block.group(1)))
    assert text == ", ".join(ALLOWED_KEYS)
    assert len(text.encode()) <= 1000
    assert re.search(rf"co_password_mask\s+constant varchar2\(8\)\s+:= .{re.escape(PASSWORD_MASK)}.;", source)
    assert re.search(r"co_max_key_chars\s+constant pls_integer\s+:= 30;", source)
    code = "\n".join(line.split("--")[0] for line in source.splitlines())
    assert "20001" not in code, "the number of ORA-20001 lives in the error package only"


def test_error_package_message_matches_twin() -> None:
    source = (PLSQL / "lsnr_error_pkg.sql").read_text(encoding="utf-8")
    assert "co_unknown_key constant pls_integer := -20001;" in source
    assert f"co_message_key_max_chars constant pls_integer := {MESSAGE_KEY_MAX_CHARS};" in source
    assert "'parse_listener_log_line: unknown key \"'" in source
    assert "'\"; allowed keys: '" in source


def test_plsql_templates_render_into_units() -> None:
    pkg = _render("plsql/lsnr_error_pkg.sql")
    units = _units(pkg)
    assert len(units) == 2
    assert units[0].startswith('create or replace package "LSNR_ERROR_PKG"')
    assert units[0].rstrip().endswith('end "LSNR_ERROR_PKG";')
    assert units[1].startswith('create or replace package body "LSNR_ERROR_PKG"')
    fn = _render("plsql/parse_listener_log_line.sql")
    units = _units(fn)
    assert len(units) == 1
    assert units[0].startswith("create or replace function parse_listener_log_line(")
    assert units[0].rstrip().endswith("end parse_listener_log_line;")
    assert '"LSNR_ERROR_PKG".raise_unknown_key(' in units[0]
    assert "pragma udf;" in units[0]


@pytest.mark.parametrize("path", ["plsql/lsnr_error_pkg.sql", "plsql/parse_listener_log_line.sql"])
def test_plsql_units_parse_with_sqlfluff(path: str) -> None:
    sqlfluff = pytest.importorskip("sqlfluff")
    from sqlfluff.api.simple import APIParsingError

    for unit in _units(_render(path)):
        try:
            sqlfluff.parse(unit, dialect="oracle")
        except APIParsingError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{path}: sqlfluff oracle dialect cannot parse a unit: {exc}")
