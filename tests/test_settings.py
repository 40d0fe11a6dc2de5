from __future__ import annotations

from pathlib import Path

import pytest

from lsnrmine.identifiers import SettingError, check_identifier
from lsnrmine.settings import Settings, load_settings


def test_defaults(clean_env: Path) -> None:
    s = load_settings()
    assert (s.schema, s.directory, s.log_files, s.date_language, s.prefix) == (
        "LSNRMINE", "LISTENER_LOG_DIR", ("listener.log",), "AMERICAN", "LSNR_")
    assert s.object_name("EVENTS") == "LSNR_EVENTS"


def test_priority_defaults_file_env_cli(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / "lsnrmine.toml").write_text(
        '[lsnrmine]\nschema = "FROMFILE"\nprefix = "F_"\nlog_file = ["a.log", "b.log"]\ndate_language = "german"\n'
    )
    s = load_settings()
    assert (s.schema, s.prefix, s.log_files, s.date_language) == ("FROMFILE", "F_", ("a.log", "b.log"), "GERMAN")
    monkeypatch.setenv("LSNRMINE_SCHEMA", "fromenv")
    monkeypatch.setenv("LSNRMINE_LOG_FILE", "c.log,d.log")
    s = load_settings()
    assert (s.schema, s.prefix, s.log_files) == ("FROMENV", "F_", ("c.log", "d.log"))
    s = load_settings({"schema": "fromcli", "prefix": None})
    assert (s.schema, s.prefix) == ("FROMCLI", "F_")


def test_explicit_config_must_exist(clean_env: Path) -> None:
    with pytest.raises(SettingError, match="config: .*does not exist"):
        load_settings(config_path=str(clean_env / "missing.toml"))


def test_bad_toml_is_one_line(clean_env: Path) -> None:
    (clean_env / "lsnrmine.toml").write_text("schema = [unclosed\n")
    with pytest.raises(SettingError) as info:
        load_settings()
    assert "\n" not in str(info.value) or str(info.value).startswith("setting config")


def test_unknown_setting_named(clean_env: Path) -> None:
    (clean_env / "lsnrmine.toml").write_text('schemma = "X"\n')
    with pytest.raises(SettingError, match="schemma: is not a known setting"):
        load_settings()


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"schema": "a'b"}, "schema"),
        ({"schema": "DROP"}, "schema"),
        ({"schema": "select"}, "schema"),
        ({"schema": "1ABC"}, "schema"),
        ({"schema": "A" * 129}, "schema"),
        ({"schema": "LSNR\u2011MINE"}, "schema"),  # Unicode look-alike hyphen
        ({"schema": "ＬＳＮＲ"}, "schema"),  # full-width letters
        ({"schema": "X;--"}, "schema"),
        ({"schema": "X\nY"}, "schema"),
        ({"directory": "dir name"}, "directory"),
        ({"log_dir": "relative/path"}, "log_dir"),
        ({"log_dir": "/u01/o'brien"}, "log_dir"),
        ({"log_dir": "/u01/../etc"}, "log_dir"),
        ({"log_dir": "/u01/x\n"}, "log_dir"),
        ({"log_dir": "/u01/x;drop"}, "log_dir"),
        ({"log_files": ("a/b.log",)}, "log_file"),
        ({"log_files": ("..",)}, "log_file"),
        ({"log_files": ("x'.log",)}, "log_file"),
        ({"log_files": ("a.log", "a.log")}, "log_file"),
        ({"date_language": "KLINGON"}, "date_language"),
        ({"prefix": "LSNR-"}, "prefix"),
        ({"ingest_interval_minutes": "0"}, "ingest_interval_minutes"),
        ({"retention_days": "ten"}, "retention_days"),
        ({"loader_log_directory": "LDIR"}, "loader_log_directory"),
        ({"loader_log_directory": "LISTENER_LOG_DIR", "loader_log_dir": "/tmp/x"}, "loader_log_directory"),
        ({"jobs_enabled": "maybe"}, "jobs_enabled"),
        ({"engine_memory_limit": "lots"}, "engine_memory_limit"),
        ({"engine_memory_limit": "0%"}, "engine_memory_limit"),
        ({"engine_memory_limit": "150%"}, "engine_memory_limit"),
        ({"engine_memory_limit": "-1GB"}, "engine_memory_limit"),
        ({"engine_memory_limit": "2GB'; SET x=1"}, "engine_memory_limit"),
        ({"engine_memory_limit": "100B"}, "engine_memory_limit"),
    ],
)
def test_bad_values_name_the_setting(values: dict, setting: str) -> None:
    with pytest.raises(SettingError) as info:
        Settings.from_mapping(values)
    message = str(info.value)
    assert message.startswith(f"setting {setting}:")
    assert "\n" not in message


@pytest.mark.parametrize(("given", "kept"), [
    ("50%", "50%"), (" 25 % ", "25%"), ("2GB", "2GB"), ("2gb", "2GB"), ("512MiB", "512MiB"),
    ("1.5 GB", "1.5GB"), ("100%", "100%"), ("1048576B", "1048576B"),
])
def test_engine_memory_limit_in_duckdb_spelling(given: str, kept: str) -> None:
    assert Settings.from_mapping({"engine_memory_limit": given}).engine_memory_limit == kept


def test_identifier_upper_cases_and_accepts_specials() -> None:
    assert check_identifier("x", "lsnr$owner#1") == "LSNR$OWNER#1"


def test_settings_are_immutable() -> None:
    s = Settings()
    with pytest.raises(Exception):
        s.schema = "OTHER"  # type: ignore[misc]


# -- the settings table on re-install (A9, C8, F4, F10) ------------------------------------------
# The rendered MERGE runs on DuckDB (sqlglot from Oracle to DuckDB; DuckDB only refuses the
# qualified "t.col =" targets of UPDATE SET, which are unqualified here, nothing else changes):
# the CASE logic that decides who wins is the same text Oracle runs.
def _settings_statements(settings: Settings) -> list[str]:
    from lsnrmine.render import render_objects
    from lsnrmine.runner import split_script

    item = next(i for i in render_objects(settings, "owner") if i.obj.logical == "SETTINGS")
    return split_script(item.deploy)


def _run_seed(con, settings: Settings) -> None:
    import re

    import sqlglot

    statements = _settings_statements(settings)
    merge = next(s for s in statements if s.startswith("merge into"))
    delete = next(s for s in statements if s.startswith("delete from"))
    duck = sqlglot.transpile(merge, read="oracle", write="duckdb")[0]
    con.execute(re.sub(r"(SET |, )t\.(\w+) =", r"\1\2 =", duck))
    con.execute(sqlglot.transpile(delete, read="oracle", write="duckdb")[0])


def _table(con) -> dict[str, tuple]:
    return {r[0]: (r[1], r[2]) for r in con.execute('select name, value, seeded_value from "LSNR_SETTINGS"').fetchall()}


@pytest.fixture
def settings_db():
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("create table dual (dummy varchar); insert into dual values ('X')")
    # the columns of tables/settings.sql
    con.execute('create table "LSNR_SETTINGS" (name varchar primary key, value varchar, description varchar, '
                'updated_at timestamp default current_timestamp, seeded_value varchar)')
    return con


def test_reinstall_toml_value_wins_and_a_dba_change_is_kept(clean_env: Path, settings_db) -> None:
    _run_seed(settings_db, Settings())
    assert _table(settings_db)["INGEST_INTERVAL_MINUTES"] == ("5", "5")
    settings_db.execute("""update "LSNR_SETTINGS" set value = '30' where name = 'RETENTION_DAYS'""")  # a DBA
    _run_seed(settings_db, Settings(ingest_interval_minutes=10, retention_days=60, alert_interval_minutes=2))
    rows = _table(settings_db)
    assert rows["INGEST_INTERVAL_MINUTES"] == ("10", "10") and rows["ALERT_INTERVAL_MINUTES"] == ("2", "2")
    assert rows["RETENTION_DAYS"] == ("30", "60")  # by hand: kept; the seed is recorded
    _run_seed(settings_db, Settings(retention_days=30))
    assert _table(settings_db)["RETENTION_DAYS"] == ("30", "30")  # toml now agrees: lsnrmine's again
    _run_seed(settings_db, Settings(retention_days=45))
    assert _table(settings_db)["RETENTION_DAYS"] == ("45", "45")


def test_install_owned_mail_and_alert_log_rows_follow_the_settings(clean_env: Path, settings_db) -> None:
    """C8: the ACE and the DBMS_SYSTEM grant are built from the settings: the table must match them."""
    mail = dict(mail_sender="a@example.com", mail_recipients=("b@example.com",))
    _run_seed(settings_db, Settings(mail_host="old.example.com", **mail))
    settings_db.execute("""update "LSNR_SETTINGS" set value = 'byhand.example.com' where name = 'MAIL_HOST'""")
    _run_seed(settings_db, Settings(mail_host="new.example.com", mail_port=587, alert_log=True, **mail))
    rows = _table(settings_db)
    assert rows["MAIL_HOST"][0] == "new.example.com" and rows["MAIL_PORT"][0] == "587"
    assert rows["ALERT_LOG_ENABLED"][0] == "Y"
    assert rows["MAIL_SENDER"][0] == "a@example.com"


def test_rows_of_an_earlier_version_are_kept_and_unread_rows_removed(clean_env: Path, settings_db) -> None:
    """Upgrade: the earlier table had no SEEDED_VALUE (NULL after ADD COLUMN): its values cannot be
    told from a DBA's and are kept; DATE_LANGUAGE / LISTENER_NAME, read by no code (F4), go."""
    settings_db.execute("""insert into "LSNR_SETTINGS" (name, value) values ('RETENTION_DAYS', '90'),
                           ('INGEST_INTERVAL_MINUTES', '7'), ('DATE_LANGUAGE', 'AMERICAN'), ('LISTENER_NAME', 'LISTENER')""")
    _run_seed(settings_db, Settings(retention_days=120))
    rows = _table(settings_db)
    assert rows["RETENTION_DAYS"] == ("90", "120") and rows["INGEST_INTERVAL_MINUTES"] == ("7", "5")
    assert "DATE_LANGUAGE" not in rows and "LISTENER_NAME" not in rows
    statements = _settings_statements(Settings())
    assert "add (seeded_value varchar2(4000 byte))" in statements[1] and "-1430" in statements[1]


def test_every_seeded_row_is_read_by_code() -> None:
    """F4: a row in LSNR_SETTINGS is there only if some template other than the seed reads it."""
    import re

    from lsnrmine.templates import template_root

    root = template_root()
    seeded = set(re.findall(r"select '([A-Z_]+)'", (root / "tables" / "settings.sql").read_text()))
    assert {"INGEST_INTERVAL_MINUTES", "RETENTION_DAYS", "MAIL_HOST", "ALERT_LOG_ENABLED"} <= seeded
    others = "\n".join(p.read_text() for kind in ("plsql", "scheduler_jobs", "views")
                       for p in (root / kind).glob("*.sql"))
    unread = sorted(name for name in seeded if f"'{name}'" not in others)
    assert unread == []


def test_interval_limits_in_one_place(clean_env: Path) -> None:
    """F10: Settings and the table's check constraint hold the same limits (SETTING_LIMITS)."""
    from lsnrmine.settings import SETTING_LIMITS

    block = _settings_statements(Settings())[1]
    for row, (attribute, maximum) in SETTING_LIMITS.items():
        assert f"when '{row}' then {maximum}" in block
        Settings(**{attribute: maximum})
        with pytest.raises(SettingError, match=f"use 1 to {maximum}"):
            Settings(**{attribute: maximum + 1})
    assert "regexp_like(value, '^[1-9][0-9]{0,5}$')" in block and "enable novalidate" in block
