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
