"""The ORACLE_LOADER structure checker of the offline gate, on the real rendered LISTENER_LOG DDL.

The rendered statement must pass for several settings; every single-token deletion must fail
unless the token is optional in the grammar; swapped clauses, unknown keywords, a missing
parenthesis and an unclosed quote must fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.oracle_loader_check import (
    check_create_directory,
    check_external_table,
    tokenize,
    unwrap_execute_immediate,
)
from lsnrmine.render import render_objects
from lsnrmine.runner import split_script
from lsnrmine.settings import Settings, load_settings
from lsnrmine.templates import render_template

RAC_CONFIG = Path(__file__).resolve().parent / "fixtures" / "rac" / "lsnrmine.toml"

SETTINGS = {
    "default": Settings(),
    "renamed_three_files": Settings(
        schema="APPOWNER", prefix="XX_", directory="MY_LOG_DIR",
        log_files=("listener.log", "listener_1.log", "listener_2.log"),
    ),
    "japanese_loader_log": Settings(
        date_language="JAPANESE", loader_log_directory="LSNR_LOADER_LOG", loader_log_dir="/tmp/lsnr",
    ),
    # issue 22: four sources on two nodes, LOCATION "DIR":'file' entries and NOPARALLEL
    "rac_four_sources": load_settings(config_path=str(RAC_CONFIG), environ={}),
}

# Tokens whose deletion leaves a statement that is still valid ORACLE_LOADER grammar.
OPTIONAL_TOKENS = {"NOBADFILE", "NODISCARDFILE", "NOLOGFILE", "LRTRIM", "DETECTED", "'listener_log_%a_%p.log'",
                   "NOPARALLEL"}


def rendered_ddl(settings: Settings) -> str:
    text = render_template(
        "external_tables/listener_log.sql", settings,
        name='"LSNR_LISTENER_LOG_EXT"', name_literal="'LSNR_LISTENER_LOG_EXT'", kind="TABLE",
    )
    statements = split_script(text)
    assert len(statements) == 1
    ddl = unwrap_execute_immediate(statements[0])
    assert len(ddl) == 1, "exactly one q-quoted DDL expected in the block"
    return ddl[0]


@pytest.fixture(params=sorted(SETTINGS))
def ddl(request: pytest.FixtureRequest) -> str:
    return rendered_ddl(SETTINGS[request.param])


def test_rendered_statement_passes(ddl: str) -> None:
    assert check_external_table(ddl) == []


def test_rendered_statement_has_every_setting() -> None:
    three = rendered_ddl(SETTINGS["renamed_three_files"])
    assert '"MY_LOG_DIR"' in three
    assert "'listener.log',\n    'listener_1.log',\n    'listener_2.log'" in three
    japanese = rendered_ddl(SETTINGS["japanese_loader_log"])
    # A4: no LANGUAGE record option and no DATE mask; the LISTENER_LOG view converts log_date
    assert "language" not in japanese.lower() and "date_format" not in japanese.lower()
    assert "log_date       char(4000)" in japanese
    assert "logfile \"LSNR_LOADER_LOG\":'listener_log_%a_%p.log'" in japanese
    assert "nologfile" not in japanese
    assert "nologfile" in rendered_ddl(SETTINGS["default"])
    rac = rendered_ddl(SETTINGS["rac_four_sources"])
    assert ("location (\n"
            "    \"LSNR_RAC1_LISTENER_DIR\":'listener.log',\n"
            "    \"LSNR_RAC1_SCAN1_DIR\":'listener_scan1.log',\n"
            "    \"LSNR_RAC2_LISTENER_DIR\":'listener.log',\n"
            "    \"LSNR_RAC2_SCAN1_DIR\":'listener_scan1.log'\n  )") in rac
    assert rac.endswith("reject limit unlimited\nnoparallel")
    assert "parallel" not in rendered_ddl(SETTINGS["default"])  # serial is the default: the shorthand is unchanged


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_single_token_deletion_fails(name: str) -> None:
    ddl = rendered_ddl(SETTINGS[name])
    tokens, problems = tokenize(ddl)
    assert problems == []
    accepted = []
    for tok in tokens:
        mutated = ddl[: tok.pos] + " " + ddl[tok.pos + len(tok.text):]
        if not check_external_table(mutated):
            accepted.append(tok.text)
    assert {t.upper() if not t.startswith("'") else t for t in accepted} <= OPTIONAL_TOKENS, accepted


MUTATIONS = {
    "fields before records": lambda d: _swap(d, _between(d, "records", "fields"), _between(d, "fields", "\n  )\n  location")),
    "location before access parameters": lambda d: d.replace("  access parameters", "  location ('x.log')\n  access parameters", 1),
    "reject limit first": lambda d: d.replace("organization external", "reject limit unlimited organization external", 1),
    "trim before terminator": lambda d: d.replace("terminated by '*' lrtrim", "lrtrim terminated by '*'"),
    "missing before trim": lambda d: d.replace("lrtrim\n    missing field values are null", "missing field values are null lrtrim"),
    "unknown keyword in record options": lambda d: d.replace("nobadfile", "nobadfile foobar"),
    "unknown record delimiter": lambda d: d.replace("detected newline", "detected newlines"),
    "unknown trim": lambda d: d.replace("lrtrim", "bothtrim"),
    "unknown field type": lambda d: d.replace("connect_string char(4000)", "connect_string varchar(4000)"),
    "logfile twice": lambda d: d.replace("nodiscardfile", "nodiscardfile nologfile logfile 'x.log'"),
    "missing closing paren of fields": lambda d: d.replace("return_code    char(4000)\n    )", "return_code    char(4000)\n"),
    "missing opening paren": lambda d: d.replace("location (", "location", 1),
    "unclosed single quote": lambda d: d.replace("'listener.log'", "'listener.log"),
    "unclosed double quote": lambda d: d.replace("terminated by '*'", 'terminated by "*'),
    "column missing from field list": lambda d: d.replace("      service_name   char(4000),\n", ""),
    "field not a column": lambda d: d.replace("service_name   char(4000)", "service_nam    char(4000)"),
    "path in location": lambda d: d.replace("'listener.log'", "'/etc/passwd'"),
    "unquoted location": lambda d: d.replace("'listener.log'", "listener_log"),
    "empty location": lambda d: d.replace(_between(d, "location (", "\n)\nreject"), "location (\n  )"),
    "oracle_datapump": lambda d: d.replace("oracle_loader", "oracle_datapump"),
    "trailing semicolon": lambda d: d + ";",
    "text after statement": lambda d: d + " nocache",
    "parallel degree not a number": lambda d: d + " parallel x",
    "noparallel with a degree": lambda d: d + " noparallel 2",
    "keyword as charset": lambda d: d.replace("characterset AL32UTF8", "characterset fields"),
    "language clause (12.1 only, A4)": lambda d: d.replace("nobadfile", "language 'AMERICAN'\n    nobadfile"),
    "territory clause (12.1 only)": lambda d: d.replace("nobadfile", "territory 'AMERICA'\n    nobadfile"),
    "date mask without quotes": lambda d: d.replace("log_date       char(4000)",
                                                   "log_date       char(4000) date_format date mask DD"),
    "reject limit text": lambda d: d.replace("reject limit unlimited", "reject limit all"),
    "load when (unsupported)": lambda d: d.replace("nobadfile", "load when (action = 'x') nobadfile"),
    "zero length field": lambda d: d.replace("log_date       char(4000)", "log_date       char(0)"),
}


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


def _swap(text: str, first: str, second: str) -> str:
    return text.replace(first + second, second + "\n" + first)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutation_fails(mutation: str) -> None:
    ddl = rendered_ddl(SETTINGS["default"])
    mutated = MUTATIONS[mutation](ddl)
    assert mutated != ddl, "the mutation did not change the statement"
    assert check_external_table(mutated) != []


def test_unwrap_execute_immediate_delimiters() -> None:
    block = "begin execute immediate q'{create table a (b date)}'; execute immediate q'!x!'; end;"
    assert unwrap_execute_immediate(block) == ["create table a (b date)", "x"]
    with pytest.raises(ValueError):
        unwrap_execute_immediate("begin execute immediate q'[never closed; end;")


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_directory_statements_pass(name: str) -> None:
    settings = SETTINGS[name]
    for force in (False, True):  # without --force a guard block comes before the CREATE
        directories = [i for i in render_objects(settings, "admin", force=force) if i.obj.object_type == "DIRECTORY"]
        assert len(directories) == (2 if settings.loader_log_directory else 1)
        for item in directories:
            creates = [s for s in split_script(item.deploy) if s.lstrip().lower().startswith("create")]
            # the log directory: one CREATE per distinct source folder (issue 22)
            assert len(creates) == (len(settings.directories()) if item.obj.log_directory else 1), item.deploy
            for create in creates:
                assert check_create_directory(create) == [], create


@pytest.mark.parametrize(
    "statement",
    [
        "create directory \"D\" as 'relative/path'",
        "create or replace directory \"D\" as '/a/../b'",
        "create or replace directory \"D\" '/a'",
        "create or replace directory as '/a'",
        "create or replace directory \"D\" as '/a",
        "create or replace directory \"D\" as /a",
        "create or replace directory \"D\" as '/a' extra",
        "create or replace view \"D\" as '/a'",
    ],
)
def test_bad_directory_statements_fail(statement: str) -> None:
    assert check_create_directory(statement) != []
