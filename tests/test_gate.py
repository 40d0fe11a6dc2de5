"""The offline SQL gate over every rendered statement, and tests of the gate's own parts.

No Oracle database runs in CI: every statement lsnrmine ships is checked by
tests/gate/sqlgate.py (balance check, sqlfluff oracle dialect, ORACLE_LOADER checker,
execute immediate DDL) for the default settings and two other settings sets.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from gate import balance, sqlgate
from gate.balance import check_balance, tokenize
from lsnrmine.manifest import MANIFEST
from lsnrmine.render import render_objects, render_scripts
from lsnrmine.runner import ScriptError, plsql_unit, split_script
from lsnrmine.settings import Settings

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
PASSWORD_PLACEHOLDER = "&lsnrmine_owner_password"
SETTINGS_SETS = sqlgate.settings_sets()


@pytest.fixture(scope="module")
def statements_by_set() -> dict[str, list[tuple[str, str]]]:
    return {name: list(sqlgate.rendered_statements(settings)) for name, settings in SETTINGS_SETS.items()}


# -- the gate over everything we ship -----------------------------------------------------------


@pytest.mark.slow  # sqlfluff over every rendered statement
@pytest.mark.parametrize("set_name", sorted(SETTINGS_SETS))
def test_every_rendered_statement_passes_the_gate(set_name: str, statements_by_set) -> None:
    statements = statements_by_set[set_name]
    assert statements, "nothing rendered"
    failures = sqlgate.run_gate(statements)
    assert not failures, f"{len(failures)} of {len(statements)} statements fail the gate " \
        f"(settings {set_name}):\n{sqlgate.format_failures(failures)}"


def test_settings_sets_differ_where_it_matters() -> None:
    default, owner, japanese = (SETTINGS_SETS[k] for k in
                                ("default", "owner_prefix_multi_file", "japanese_loader_log_schema_nojobs"))
    assert owner.prefix == "LM$" and owner.schema == "LM_OWNER" and len(owner.log_files) == 3
    assert japanese.loader_log_directory == "LSNR_LOADER_LOG" and japanese.create_schema and not japanese.jobs_enabled
    assert default.loader_log_directory is None and not default.create_schema


def test_gate_sees_every_kind_of_statement(statements_by_set) -> None:
    kinds: Counter = Counter()
    inner_kinds: Counter = Counter()
    for statements in statements_by_set.values():
        for _, statement in statements:
            kind = sqlgate.classify(statement)
            kinds[kind] += 1
            if kind in ("block", "plsql_unit"):
                for inner in sqlgate.inner_ddl(statement):
                    inner_kinds[sqlgate.classify(inner.strip())] += 1
    for kind in ("plsql_unit", "block", "sql", "directory"):
        assert kinds[kind], f"no {kind} statement rendered: {kinds}"
    assert inner_kinds["external_table"], f"the external table DDL was not found inside its block: {inner_kinds}"
    assert inner_kinds["sql"], inner_kinds
    heads = {" ".join(s.split()[:2]).lower() for st in statements_by_set.values() for _, s in st}
    for head in ("merge into", "grant create", "grant read", "create or"):
        assert any(h.startswith(head) for h in heads), head
    assert any(
        inner.lower().startswith("create user")
        for _, s in statements_by_set["japanese_loader_log_schema_nojobs"] for inner in sqlgate.inner_ddl(s)
    )


def test_gate_covers_every_deploy_and_revert_statement() -> None:
    for settings in SETTINGS_SETS.values():
        gated = {statement for _, statement in sqlgate.rendered_statements(settings)}
        for item in render_objects(settings):
            for text in (item.deploy, item.revert):
                for statement in split_script(text) if text else ():
                    assert statement in gated, f"{item.file_name}: statement not in the rendered scripts"


@pytest.mark.slow  # sqlfluff over every rendered statement, each allow-list entry left out in turn
def test_every_allow_list_entry_is_used_and_still_needed(statements_by_set) -> None:
    texts = []
    for statements in statements_by_set.values():
        for _, statement in statements:
            kind = sqlgate.classify(statement)
            if kind not in ("external_table", "directory"):
                texts.append(statement)
            if kind in ("block", "plsql_unit"):
                texts += [inner.strip() for inner in sqlgate.inner_ddl(statement)
                          if sqlgate.classify(inner.strip()) not in ("external_table", "directory")]
    for entry in sqlgate.ALLOW_LIST:
        sqlgate.ALLOW_LIST_USAGE.clear()
        using = [t for t in texts if sqlgate.neutralise(t) and sqlgate.ALLOW_LIST_USAGE.pop(entry.construct, 0)]
        assert using, f"allow-list entry {entry.construct!r} is never used by the rendered SQL; remove it"
        # without this entry (all others applied) sqlfluff must fail on some statement that uses it
        others = tuple(e for e in sqlgate.ALLOW_LIST if e is not entry)
        original = sqlgate.ALLOW_LIST
        try:
            sqlgate.ALLOW_LIST = others
            still_needed = any(sqlgate._sqlfluff_problems_cached(sqlgate.neutralise(t)) for t in using[:5])
        finally:
            sqlgate.ALLOW_LIST = original
        assert still_needed, f"sqlfluff now parses {entry.construct!r} itself; remove the allow-list entry"
    assert {e.construct for e in sqlgate.ALLOW_LIST} == {
        "q'[...]' alternative quoting", "PIPELINED", "PIPE ROW", "identity column", "DROP DIRECTORY",
        "named argument FORCE", "DEFAULT ... ON CONVERSION ERROR",
    }


def test_allow_list_never_rewrites_comments() -> None:
    statement = "begin\n  -- pipe row (x) in a comment, generated always as identity\n  null;\nend;"
    assert sqlgate.neutralise(statement) == statement


def test_gate_rejects_typical_mistakes() -> None:
    cases = {
        "select 1 from dual;": "must not end with ';'",
        "begin\n  null\nend;": "not terminated by ';'",
        "begin\n  if x = 1 then\n    null;\n  end;\nend;": "needs END IF",
        "create or replace package body p is\n  procedure a is\n  begin\n    null;\n  end b;\nend p;": "END B",
        "grant create session, create tabel to \"X\"": "not a known privilege",
        "begin\n  select count(*) from dual;\nend;": "without INTO",
        "begin\n  execute immediate q'[create table t (a number,)]';\nend;": "execute immediate",
        "begin\n  execute immediate 'drop tabel x';\nend;": "execute immediate",
        "create or replace view v as select 'a' 'b' from dual": "alias",
        "select 1 from dual\n/\nselect 2 from dual": "only '/'",
    }
    for statement, expected in cases.items():
        problems = sqlgate.check_statement(statement)
        assert any(expected.lower() in p.lower() for p in problems), (statement, problems)


def test_external_table_and_directory_are_routed_to_the_loader_checker() -> None:
    assert sqlgate.classify("create or replace directory \"D\" as '/x'") == "directory"
    assert sqlgate.classify("-- c\ncreate table t (a varchar2(10))\norganization external (type oracle_loader)") \
        == "external_table"
    broken = "create table t (a varchar2(10)) organization external (type oracle_loader default directory d " \
             "access parameters (records delimited by newline fields terminated by ',' (a char(10))) location ())"
    assert any(p.startswith("oracle_loader:") for p in sqlgate.check_statement(broken))


# -- balance.py ----------------------------------------------------------------------------------


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text) if t.kind != "ws"]


def test_tokenizer_strings_comments_identifiers() -> None:
    text = ("select 'it''s', q'[a 'b' c]', Q'{x}', q'(y)', q'<z>', q'!w'!', n'n', nq'[m]', \"Col;\" -- c ' \n"
            "/* a/b ' */ x/2 from t")
    assert kinds_and_texts(text) == [
        ("word", "select"), ("string", "'it''s'"), ("op", ","), ("string", "q'[a 'b' c]'"), ("op", ","),
        ("string", "Q'{x}'"), ("op", ","), ("string", "q'(y)'"), ("op", ","), ("string", "q'<z>'"), ("op", ","),
        ("string", "q'!w'!'"), ("op", ","), ("string", "n'n'"), ("op", ","), ("string", "nq'[m]'"), ("op", ","),
        ("qident", '"Col;"'), ("comment", "-- c ' "), ("comment", "/* a/b ' */"), ("word", "x"), ("op", "/"),
        ("number", "2"), ("word", "from"), ("word", "t"),
    ]
    assert "".join(t.text for t in tokenize(text)) == text
    assert [t.text for t in tokenize("a:=1..2 => b||c <> d")if t.kind == "op"] == [":=", "..", "=>", "||", "<>"]


@pytest.mark.parametrize("text", ["select 'abc from dual", "select q'[abc]  from dual", "select \"abc from dual",
                                  "select 1 /* never closed from dual", "select q'abc' from dual'"])
def test_tokenizer_reports_unterminated(text: str) -> None:
    problems = check_balance(text)
    assert problems and ("unterminated" in problems[0] or "invalid delimiter" in problems[0]), problems


GOOD = [
    "select count(*) from dual",
    "select case when a = 1 then 'x' else 'y' end as c from t",
    "create or replace view v (a) as select substr(x, 1, 2) a from t where y = 'end;'",
    "begin\n  null;\nend;",
    "declare\n  l_x pls_integer;\nbegin\n  l_x := case l_x when 1 then 2 else 3 end;\nend;",
    "<<outer>>\nbegin\n  for i in 1..3\n  loop\n    if i = 2 then\n      exit;\n    elsif i = 3 then\n      null;"
    "\n    else\n      null;\n    end if;\n  end loop;\nend outer;",
    "begin\n  case\n    when 1 = 1 then\n      null;\n  end case;\nend;",
    "create or replace package p authid definer is\n  type t is table of varchar2(10);\n"
    "  function f(in_a in varchar2 default 'x') return t pipelined;\n  procedure q;\nend p;",
    "create or replace package body \"P\" is\n  g_x number;\n  function f(in_a in varchar2) return number is\n"
    "    l_y number := case when in_a is null then 0 end;\n  begin\n    return 1;\n  end f;\n"
    "  procedure q is\n  begin\n    declare\n      l_z number;\n    begin\n      null;\n    end;\n  end q;\n"
    "begin\n  g_x := 1;\nend \"P\";",
    "create or replace function f(p_in in varchar2) return varchar2 deterministic is\n  pragma udf;\n"
    "  function inner_f return boolean is\n  begin\n    return true;\n  end inner_f;\nbegin\n  return p_in;\nend f;",
    "create function s.f return number as\nbegin\n  return 1;\nend;",
    "begin\n  execute immediate q'[\ncreate table t (a number)\n]';\n  execute immediate 'drop table x';\nend;",
    "select 2/24/60/60 x, '/' y from dual /* a/b */",
]

BAD = {
    "select (1 from dual": "unclosed '('",
    "select 1) from dual": "')' without '('",
    "select 1 from dual;": "must not end with ';'",
    "select case when 1 = 1 then 2 from dual": "CASE opened",
    "select 1 from dual end": "END without CASE",
    "begin\n  null;\n": "never closed",
    "begin\n  null;\nend": "must end with 'end [name];'",
    "begin\n  null;\nend;\nend;": "text after",
    "begin\n  if 1 = 1 then\n    null;\n  end loop;\nend;": "END LOOP closes the IF",
    "begin\n  loop\n    null;\n  end;\nend;": "needs END LOOP",
    "create or replace package p is\n  procedure q;\nend r;": "END R closes",
    "create or replace function f return number is\n  l number;\nend f;": "has no BEGIN",
    "create or replace package body p is\n  procedure q is\n    null;\n  end q;\nend p;": "has no BEGIN",
    "create or replace function f return number is\nbegin\n  return 1;\nend f;\n/\n": "only '/'",
    "select 1 from dual\n  /  \nselect 2 from dual": "only '/'",
    "create or replace package p is\n  procedure q is\n  begin\n    null;\n  end q;\nend p;": "in a package specification",
    "begin\n  null;\nend q;": None,  # a label on the block end is allowed: not an error
}


@pytest.mark.parametrize("text", GOOD)
def test_balance_accepts(text: str) -> None:
    assert check_balance(text) == []


@pytest.mark.parametrize("text,expected", list(BAD.items()))
def test_balance_rejects(text: str, expected) -> None:
    problems = check_balance(text)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_statement_kind_and_unit_header() -> None:
    assert balance.statement_kind(tokenize("-- c\ncreate or replace editionable package body x is")) == "plsql_unit"
    assert balance.statement_kind(tokenize("declare x number; begin null; end;")) == "block"
    assert balance.statement_kind(tokenize("create or replace view v as select 1 a from dual")) == "sql"
    assert balance.plsql_unit_header('create or replace package body "LM$X" is\nend;') == ("PACKAGE BODY", "LM$X")
    assert balance.plsql_unit_header("create function s.f return number is begin return 1; end;") == ("FUNCTION", "F")
    assert balance.plsql_unit_header("create table t (a number)") is None


# -- runner.split_script on real rendered output --------------------------------------------------


def statement_lines(statement: str) -> tuple[str, str]:
    lines = statement.splitlines()
    return lines[0], lines[-1]


def test_split_real_object_files_exactly() -> None:
    scripts = render_scripts(Settings())
    assert split_script(scripts["admin_01_listener_log_dir.sql"])[1:] == [
        "create or replace directory \"LISTENER_LOG_DIR\" as '/opt/oracle/diag/tnslsnr/localhost/listener/trace'",
        'grant read on directory "LISTENER_LOG_DIR" to "LSNRMINE"',
    ]
    assert split_script(scripts["admin_02_lsnrmine_grants.sql"])[0] == (
        'grant create session, create table, create view, create procedure, create sequence, create job to "LSNRMINE"'
    )
    settings_statements = split_script(scripts["01_lsnr_settings.sql"])
    assert [statement_lines(s) for s in settings_statements] == [
        ("declare", "end;"), ("declare", "end;"), ("begin", "end;"),  # the block reporting out-of-limit values
        ('merge into "LSNR_SETTINGS" t', "  insert (name, value, description, seeded_value) values "
                                         "(src.name, src.value, src.description, src.value)"),
        ('delete from "LSNR_SETTINGS"', " where name in ('DATE_LANGUAGE', 'LISTENER_NAME')"),
        ("commit", "commit"),
    ]
    install = split_script(scripts["install.sql"])  # prompts, spool, whenever, @@ between the blocks
    assert [statement_lines(s) for s in install] == [("declare", "end;")] * 2 + [("begin", "end;")] + [
        ("declare", "end;")] * 2 + [("begin", "end;")]
    assert "connect as LSNRMINE" in install[0] and "invalid objects after install" in install[3]
    assert "dbms_scheduler.disable" in install[1] and "dbms_scheduler.enable" in install[4]  # jobs paused
    assert "'running'" in install[2] and "'complete'" in install[5]  # the install-history row
    assert split_script(scripts["install_admin.sql"]) == []


def test_split_create_schema_skips_sqlplus_commands() -> None:
    scripts = render_scripts(SETTINGS_SETS["japanese_loader_log_schema_nojobs"])
    name = next(n for n in scripts if n.startswith("admin_") and n.endswith("_lsnrmine.sql"))
    (block,) = split_script(scripts[name])
    assert [ddl.strip() for ddl in sqlgate.inner_ddl(block)] == ['create user "LSNRMINE" identified by "&lsnrmine_owner_password"']


TRICKY = [
    "select 2/24/60/60 as one_second, '/' slash from dual /* a/b */",
    "begin\n  sys.dbms_output.put_line('a; b /\n/ c');  -- ; and / inside a string\n\n  null;\nend;",
    "create or replace view v as\nselect 'x;y' a -- comment with ; and /\n\n  from dual",
]


def test_split_tricky_statements_between_sqlplus_commands_lf_and_crlf() -> None:
    real = split_script(render_scripts(Settings())["04_parse_listener_log_line.sql"])
    assert len(real) == 1 and plsql_unit(real[0]) == ("FUNCTION", "PARSE_LISTENER_LOG_LINE")
    script = "\n".join([
        "-- header comment", "set define off", "set sqlblanklines on", "whenever sqlerror exit failure rollback",
        "spool x.log", "prompt [1/4] tricky", TRICKY[0], "/", "", "show errors", "@@other.sql", "rem remark",
        TRICKY[1], "/", "prompt next", TRICKY[2], "  /  ", real[0], "/", "spool off", "",
    ])
    expected = [TRICKY[0], TRICKY[1], TRICKY[2], real[0]]
    assert split_script(script) == expected
    assert split_script(script.replace("\n", "\r\n")) == expected
    for statement in expected:
        assert check_balance(statement) == []


def test_split_every_rendered_file_agrees_with_the_concatenated_script() -> None:
    scripts = render_scripts(Settings())
    per_file = [s for text in scripts.values() for s in split_script(text)]
    assert split_script("\r\n".join(scripts.values()).replace("\n", "\r\n")) == per_file


def test_split_rejects_an_unterminated_statement() -> None:
    with pytest.raises(ScriptError, match="not terminated"):
        split_script("select 1 from dual\n/\nselect 2 from dual\n")


# -- runner.plsql_unit identifies each PL/SQL CREATE ----------------------------------------------


@pytest.mark.parametrize("set_name", sorted(SETTINGS_SETS))
def test_plsql_unit_identifies_every_plsql_create(set_name: str, statements_by_set) -> None:
    settings = SETTINGS_SETS[set_name]
    found = set()
    for label, statement in statements_by_set[set_name]:
        expected = balance.plsql_unit_header(statement)
        assert plsql_unit(statement) == expected, label
        if expected:
            found.add(expected)
    wanted = set()
    for obj in MANIFEST:
        if obj.applies(settings) and obj.object_type in ("PACKAGE", "FUNCTION", "PROCEDURE", "TYPE", "TRIGGER"):
            wanted.add((obj.object_type, obj.name(settings)))
    assert wanted and wanted <= found, wanted - found
    packages = {name for unit_type, name in found if unit_type == "PACKAGE"}
    bodies = {name for unit_type, name in found if unit_type == "PACKAGE BODY"}
    assert packages == bodies, "every package spec has a body"


# -- golden files -------------------------------------------------------------------------------

_REGENERATE = "run python tests/update_golden.py and review the diff (git diff -- tests/golden)"


def test_golden_files_match_the_default_rendering() -> None:
    scripts = render_scripts(Settings())
    golden = {p.name for p in GOLDEN_DIR.iterdir() if p.is_file()} if GOLDEN_DIR.is_dir() else set()
    assert golden == set(scripts), f"golden file set differs: missing {sorted(set(scripts) - golden)}, " \
        f"stale {sorted(golden - set(scripts))}; {_REGENERATE}"
    for name, text in sorted(scripts.items()):
        assert (GOLDEN_DIR / name).read_bytes() == text.encode("utf-8"), f"{name} differs; {_REGENERATE}"


def test_golden_files_match_the_rac_rendering() -> None:
    """The two-node, four-source configuration (tests/fixtures/rac/lsnrmine.toml): its own golden
    folder, byte for byte (one directory object per node folder, SOURCES, the LOCATION list)."""
    folder = GOLDEN_DIR / "rac"
    scripts = render_scripts(SETTINGS_SETS["rac_four_sources"])
    golden = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    assert golden == set(scripts), f"golden file set differs: missing {sorted(set(scripts) - golden)}, " \
        f"stale {sorted(golden - set(scripts))}; {_REGENERATE}"
    for name, text in sorted(scripts.items()):
        assert (folder / name).read_bytes() == text.encode("utf-8"), f"rac/{name} differs; {_REGENERATE}"


_SUBSTITUTION = re.compile(r"&&?[A-Za-z_][A-Za-z0-9_$#]*")
_IDENTIFIED_BY = re.compile(r"identified\s+by\s+(\S+)", re.IGNORECASE)
_ABSOLUTE_PATH = re.compile(r"(?<![\w:/.\-$#])(?:/[A-Za-z0-9_.\-]+){2,}/?|\b[A-Za-z]:\\[^\s'\"]*")


def _secret_and_path_problems(scripts: dict[str, str], settings: Settings) -> list[str]:
    allowed_paths = {settings.log_dir, settings.loader_log_dir} - {None}
    allowed_paths |= {path for _directory, path in settings.directories()}
    problems = []
    for name, text in scripts.items():
        for match in _SUBSTITUTION.finditer(text):
            if match.group(0) != PASSWORD_PLACEHOLDER:
                problems.append(f"{name}: substitution {match.group(0)!r} (only {PASSWORD_PLACEHOLDER} is allowed)")
        for match in _IDENTIFIED_BY.finditer(text):
            if match.group(1) != f'"{PASSWORD_PLACEHOLDER}"':
                problems.append(f"{name}: identified by {match.group(1)!r}")
        for match in _ABSOLUTE_PATH.finditer(text):
            if match.group(0).rstrip("/") not in allowed_paths:
                problems.append(f"{name}: machine-specific path {match.group(0)!r}")
    return problems


def test_golden_files_hold_no_secret_and_no_foreign_path() -> None:
    scripts = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN_DIR.iterdir()) if p.is_file()}
    assert scripts, _REGENERATE
    assert _secret_and_path_problems(scripts, Settings()) == []


@pytest.mark.parametrize("set_name", sorted(SETTINGS_SETS))
def test_rendering_holds_no_secret_and_no_foreign_path(set_name: str) -> None:
    settings = SETTINGS_SETS[set_name]
    scripts = render_scripts(settings)
    assert _secret_and_path_problems(scripts, settings) == []
    if settings.create_schema:
        assert any(PASSWORD_PLACEHOLDER in text for text in scripts.values())


def test_secret_and_path_scan_finds_them() -> None:
    bad = {"x.sql": "create user a identified by secret\n/\n-- see /home/me/listener.log\n"
                    "select '&other' from dual\n/\n"}
    problems = _secret_and_path_problems(bad, Settings())
    assert len(problems) == 3, problems
    fine = {"y.sql": "select 2/24/60/60, 'docs.oracle.com/cd/x/y' from dual /* a/b */\n/\n"
                     f"-- {Settings().log_dir}\n"}
    assert _secret_and_path_problems(fine, Settings()) == []
