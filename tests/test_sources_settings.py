"""Log sources as settings (issue 22): [[sources]] in lsnrmine.toml, the one-source shorthand,
every validation (one line naming the setting and the fix, exit 2 from the CLI, nothing written)
and the source labels."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from lsnrmine.cli import main
from lsnrmine.identifiers import SettingError
from lsnrmine.settings import LogSource, Settings, load_settings

RAC_CONFIG = Path(__file__).resolve().parent / "fixtures" / "rac" / "lsnrmine.toml"


def source_table(name: str = "RAC1_LISTENER", *, listener: str = "LISTENER", host: str | None = "rac1",
                 directory: str | None = None, path: str | None = None, files: str = '["listener.log"]',
                 instance: int | None = 1, extra: str = "") -> str:
    """One [[sources]] table as lsnrmine.toml text."""
    directory = directory or f"LSNR_{name}_DIR"
    path = path or f"/u01/app/grid/diag/tnslsnr/{host or 'db1'}/{listener.lower()}/trace"
    lines = ["[[sources]]", f'name = "{name}"', f'listener = "{listener}"']
    if host is not None:
        lines.append(f'host = "{host}"')
    lines += [f'directory = "{directory}"', f'path = "{path}"', f"files = {files}"]
    if instance is not None:
        lines.append(f"instance = {instance}")
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lsnrmine.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def render_error(config: Path, capsys: pytest.CaptureFixture, *flags: str) -> str:
    """Run `lsnrmine render --config FILE --out DIR`: it must exit 2, write nothing and print one
    line; return that line."""
    out = config.parent / "deploy"
    assert main(["render", "--config", str(config), "--out", str(out), *flags]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert not out.exists()
    return lines[0]


# -- the rac fixture through the CLI and through Settings -----------------------------------------


def test_rac_config_renders_and_loads_four_sources(clean_env: Path) -> None:
    out = clean_env / "deploy"
    assert main(["render", "--config", str(RAC_CONFIG), "--out", str(out)]) == 0
    assert (out / "install.sql").is_file() and (out / "install_admin.sql").is_file()
    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    assert s.multi_source is True
    assert [(x.name, x.listener, x.host, x.instance) for x in s.sources] == [
        ("RAC1_LISTENER", "LISTENER", "rac1", 1), ("RAC1_SCAN1", "LISTENER_SCAN1", "rac1", 1),
        ("RAC2_LISTENER", "LISTENER", "rac2", 2), ("RAC2_SCAN1", "LISTENER_SCAN1", "rac2", 2)]
    assert s.directories() == (
        ("LSNR_RAC1_LISTENER_DIR", "/u01/app/grid/diag/tnslsnr/rac1/listener/trace"),
        ("LSNR_RAC1_SCAN1_DIR", "/u01/app/grid/diag/tnslsnr/rac1/listener_scan1/trace"),
        ("LSNR_RAC2_LISTENER_DIR", "/u01/app/grid/diag/tnslsnr/rac2/listener/trace"),
        ("LSNR_RAC2_SCAN1_DIR", "/u01/app/grid/diag/tnslsnr/rac2/listener_scan1/trace"))
    assert s.source_instances() == (1, 2)
    # the old single-source attributes are the first source's values
    assert (s.directory, s.log_dir, s.log_files, s.listener_name) == (
        "LSNR_RAC1_LISTENER_DIR", "/u01/app/grid/diag/tnslsnr/rac1/listener/trace", ("listener.log",), "LISTENER")
    # the same file name on two nodes gets two labels: (source, line_no) stays a key
    assert [f.label for f in s.source_files()] == [
        "RAC1_LISTENER/listener.log", "RAC1_SCAN1/listener_scan1.log",
        "RAC2_LISTENER/listener.log", "RAC2_SCAN1/listener_scan1.log"]


def test_shorthand_is_one_source_labelled_by_file_name(clean_env: Path) -> None:
    s = load_settings({"log_dir": "/u01/app/oracle/diag/tnslsnr/db1/listener/trace",
                       "log_files": ("listener.log", "log.xml")}, environ={})
    assert s.multi_source is False
    assert s.sources == (LogSource(name="LISTENER", listener="LISTENER", host=None, directory="LISTENER_LOG_DIR",
                                   path="/u01/app/oracle/diag/tnslsnr/db1/listener/trace",
                                   files=("listener.log", "log.xml"), instance=None),)
    assert [(f.label, f.is_xml) for f in s.source_files()] == [("listener.log", False), ("log.xml", True)]
    assert [f.label for f in s.text_source_files()] == ["listener.log"]
    assert s.source_label(s.sources[0], "listener_3.log") == "listener_3.log"
    assert s.source_instances() == (None,)


def test_shorthand_follows_replace_and_sources_survive_replace() -> None:
    shorthand = dataclasses.replace(Settings(), log_dir="/u01/other/trace", listener_name="LSNR2")
    assert shorthand.multi_source is False
    assert (shorthand.sources[0].path, shorthand.sources[0].name) == ("/u01/other/trace", "LSNR2")
    rac = load_settings(config_path=str(RAC_CONFIG), environ={})
    changed = dataclasses.replace(rac, prefix="XY_")
    assert changed.multi_source is True and changed.sources == rac.sources


def test_one_source_table_is_multi_source_with_labels(tmp_path: Path) -> None:
    config = write_config(tmp_path, source_table("DB1", listener="listener", host=None, instance=None,
                                                 files='["listener.log", "log.xml"]'))
    s = load_settings(config_path=str(config), environ={})
    assert s.multi_source is True
    assert s.sources[0].listener == "LISTENER" and s.sources[0].host is None and s.sources[0].instance is None
    assert [f.label for f in s.source_files()] == ["DB1/listener.log", "DB1/log.xml"]
    assert s.source_label(s.sources[0], "listener_2.log") == "DB1/listener_2.log"
    assert s.source_instances() == (None,)


def test_sources_after_a_lsnrmine_table(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[lsnrmine]\nschema = "lm_owner"\n\n' + source_table("A") + source_table(
        "B", host="rac2", instance=2))
    s = load_settings(config_path=str(config), environ={})
    assert s.schema == "LM_OWNER" and [x.name for x in s.sources] == ["A", "B"]
    both = write_config(tmp_path, '[lsnrmine]\n[[lsnrmine.sources]]\nname = "A"\n\n' + source_table("B"))
    with pytest.raises(SettingError, match=r"setting sources: .*both \[\[sources\]\] and \[\[lsnrmine.sources\]\]"):
        load_settings(config_path=str(both), environ={})


def test_mixed_pinned_and_unpinned_instances() -> None:
    s = Settings(sources=(
        LogSource("N1", "LISTENER", "rac1", "D1", "/a", ("listener.log",), 2),
        LogSource("DG", "LISTENER_DG", None, "D2", "/b", ("listener_dg.log",), None),
        LogSource("N0", "LISTENER", "rac0", "D3", "/c", ("listener.log",), 1)))
    assert s.source_instances() == (None, 1, 2)


def test_listener_log_instance_defaults_to_the_lowest_pinned_instance(tmp_path: Path) -> None:
    # review 7a, finding 1: LISTENER_LOG on RAC with node-local logs is a view of one instance
    assert Settings().listener_log_instance is None
    assert Settings(sources=(LogSource("DG", "LISTENER_DG", None, "D2", "/b", ("listener_dg.log",), None),)
                    ).listener_log_instance is None
    mixed = Settings(sources=(
        LogSource("N1", "LISTENER", "rac1", "D1", "/a", ("listener.log",), 2),
        LogSource("DG", "LISTENER_DG", None, "D2", "/b", ("listener_dg.log",), None),
        LogSource("N0", "LISTENER", "rac0", "D3", "/c", ("listener.log",), 3)))
    assert mixed.listener_log_instance == 2
    assert dataclasses.replace(mixed, listener_log_instance=3).listener_log_instance == 3
    assert mixed.single_source(mixed.sources[0]).listener_log_instance is None
    config = write_config(tmp_path, source_table("A") + source_table("B", host="rac2", instance=2))
    assert load_settings(config_path=str(config), environ={}).listener_log_instance == 1
    chosen = load_settings(config_path=str(config), environ={"LSNRMINE_LISTENER_LOG_INSTANCE": "2"})
    assert chosen.listener_log_instance == 2


# -- every validation: one line naming the setting and the fix ------------------------------------


@pytest.mark.parametrize("shorthand", ['directory = "OTHER_DIR"', 'log_dir = "/u01/x"', 'log_file = "a.log"',
                                       'listener_name = "LISTENER2"'])
def test_sources_with_a_shorthand_setting_is_refused(clean_env: Path, capsys: pytest.CaptureFixture,
                                                    shorthand: str) -> None:
    key = shorthand.split()[0]
    line = render_error(write_config(clean_env, shorthand + "\n" + source_table()), capsys)
    assert line.startswith("lsnrmine: setting sources: [[sources]] is given together with " + key)
    assert f"remove {key}" in line


@pytest.mark.parametrize("flags, key", [(["--log-dir", "/u01/x"], "log_dir"), (["--directory", "D9"], "directory"),
                                        (["--log-file", "x.log"], "log_file")])
def test_sources_with_a_shorthand_flag_is_refused(clean_env: Path, capsys: pytest.CaptureFixture,
                                                 flags: list[str], key: str) -> None:
    line = render_error(write_config(clean_env, source_table()), capsys, *flags)
    assert line.startswith(f"lsnrmine: setting sources: [[sources]] is given together with {key}")


def test_sources_with_a_shorthand_variable_is_refused(clean_env: Path, capsys: pytest.CaptureFixture,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSNRMINE_LOG_DIR", "/u01/x")
    line = render_error(write_config(clean_env, source_table()), capsys)
    assert "given together with log_dir" in line


def test_sources_from_the_environment_is_refused(clean_env: Path, capsys: pytest.CaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSNRMINE_SOURCES", "RAC1")
    line = render_error(write_config(clean_env, 'schema = "lsnrmine"\n'), capsys)
    assert line.startswith("lsnrmine: setting sources: cannot be given by the environment (LSNRMINE_SOURCES)")


BAD_SOURCES = [
    # (lsnrmine.toml text, the start of the error line after "lsnrmine: setting ", a word of the fix)
    ("sources = []\n", "sources: is an empty array", "[[sources]]"),
    ('sources = "rac1"\n', "sources: is a string", "[[sources]]"),
    ("sources = [1]\n", "sources[1]: is a number", "table"),
    (source_table(extra='port = 1521'), "sources[1].port: is not a key of a source", "name, listener, host"),
    (source_table().replace('name = "RAC1_LISTENER"\n', ""), "sources[1].name: is missing", "name ="),
    (source_table().replace('files = ["listener.log"]\n', ""), "sources[1].files: is missing", "files ="),
    (source_table().replace('listener = "LISTENER"\n', ""), "sources[1].listener: is missing", "listener ="),
    (source_table().replace('directory = "LSNR_RAC1_LISTENER_DIR"\n', ""), "sources[1].directory: is missing",
     "directory ="),
    (source_table(path="relative/trace"), "sources[1].path: 'relative/trace' is not absolute", "starting with /"),
    (source_table(path="/u01/it's/trace"), "sources[1].path:", "plain absolute path"),
    (source_table(path="/u01/../etc"), "sources[1].path:", "real directory path"),
    (source_table("rac1-listener"), "sources[1].name: 'rac1-listener' is not a simple SQL name", "letters"),
    (source_table("SELECT"), "sources[1].name: 'SELECT' is an Oracle reserved word", "another name"),
    (source_table(listener="LISTENER;drop"), "sources[1].listener:", "simple SQL name"),
    (source_table(directory="a'b"), "sources[1].directory:", "simple SQL name"),
    (source_table(files='"listener.log"'), "sources[1].files: is a string", 'files = ["listener.log"]'),
    (source_table(files="[]"), "sources[1].files: is empty", "at least one"),
    (source_table(files='["../listener.log"]'), "sources[1].files: '../listener.log' is not a plain file name",
     "no path separators"),
    (source_table(files='["listener.log", "listener.log"]'), "sources[1].files: lists the same file twice",
     "each file once"),
    (source_table(files='["listener.log", 7]'), "sources[1].files: is an array", "array of file names"),
    (source_table(host="rac1'; drop"), "sources[1].host: \"rac1'; drop\" is not a host name", "leave host out"),
    (source_table(host="rac 1"), "sources[1].host: 'rac 1' is not a host name", "diag/tnslsnr/<host>"),
    (source_table(instance=0), "sources[1].instance: 0 is not an instance number", "1 to 255"),
    (source_table(instance=256), "sources[1].instance: 256 is not an instance number", "1 to 255"),
    (source_table(extra="").replace("instance = 1", "instance = true"), "sources[1].instance: true is not",
     "leave instance out"),
    (source_table(extra="").replace("instance = 1", 'instance = "1"'), 'sources[1].instance: "1" is not',
     "1 to 255"),
    (source_table("A") + source_table("A", host="rac2"), "sources[2].name: A is also the name of sources[1]",
     "its own name"),
    (source_table("A", directory="D1", path="/a") + source_table("B", directory="D1", path="/b"),
     "sources[2].directory: D1 is given with two paths (/a and /b)", "own directory name"),
    (source_table("A", directory="D1", path="/a") + source_table("B", directory="D2", path="/a"),
     "sources[2].path: /a is given under two directory names (D1 and D2)", "one directory name per folder"),
    (source_table("A", directory="D1", path="/a") + source_table("B", directory="D1", path="/a"),
     "sources[2].files: D1:listener.log is also read by sources[1]", "one source only"),
    (source_table("A" * 120, directory="D1", files='["' + "l" * 140 + '.log"]'), "sources[1].files: the label",
     "shorter"),
    # listener_log_instance (review 7a, finding 1): one of the sources' instances, only with pinned sources
    ("listener_log_instance = 3\n" + source_table("A") + source_table("B", host="rac2", instance=2),
     "listener_log_instance: 3 is not an instance of the sources (1, 2)", "default 1"),
    ("listener_log_instance = 1\n" + source_table("A", instance=None), "listener_log_instance: is 1 but no source "
     "names an instance", "leave listener_log_instance out"),
    ("listener_log_instance = 0\n" + source_table("A"), "listener_log_instance: 0 is out of range", "1 to 255"),
    ("listener_log_instance = true\n" + source_table("A"), "listener_log_instance: is a boolean (true) where a "
     "whole number is expected", "listener_log_instance = 1"),
    ('listener_log_instance = "x"\n' + source_table("A"), "listener_log_instance: 'x' is not a whole number",
     "whole number"),
    ('loader_log_directory = "LSNR_B_DIR"\nloader_log_dir = "/var/tmp/l"\n' + source_table("A")
     + source_table("B", host="rac2"), "loader_log_directory: must differ from directory (and every source's",
     "read-only"),
]


@pytest.mark.parametrize("text, start, fix", BAD_SOURCES, ids=[b[1].split(":")[0] + ":" + str(i)
                                                                 for i, b in enumerate(BAD_SOURCES)])
def test_bad_sources_exit_2_with_one_line(clean_env: Path, capsys: pytest.CaptureFixture,
                                          text: str, start: str, fix: str) -> None:
    line = render_error(write_config(clean_env, text), capsys)
    assert line.startswith("lsnrmine: setting " + start), line
    assert fix in line, line
    assert "Traceback" not in line


def test_multi_source_is_not_a_setting(tmp_path: Path) -> None:
    config = write_config(tmp_path, "multi_source = true\n")
    with pytest.raises(SettingError, match="setting multi_source: is not a known setting"):
        load_settings(config_path=str(config), environ={})


def test_settings_built_from_log_sources_validate_them() -> None:
    good = LogSource("rac1_l", "listener", "rac1", "d1", "/a", ("listener.log",), 1)
    s = Settings(sources=(good,))
    assert s.sources[0] == LogSource("RAC1_L", "LISTENER", "rac1", "D1", "/a", ("listener.log",), 1)
    with pytest.raises(SettingError, match=r"setting sources\[2\].path: "):
        Settings(sources=(good, LogSource("B", "LISTENER", None, "D2", "a/b", ("listener.log",), None)))
    with pytest.raises(SettingError, match=r"setting sources: is a string"):
        Settings(sources="RAC1")  # type: ignore[arg-type]


# -- the rendered install of the rac configuration ---------------------------------------------------


def test_rac_render_has_a_directory_per_folder_the_sources_table_and_the_location_list(clean_env: Path) -> None:
    out = clean_env / "deploy"
    assert main(["render", "--config", str(RAC_CONFIG), "--out", str(out)]) == 0
    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    admin = (out / "admin_01_lsnr_rac1_listener_dir.sql").read_text()
    for directory, path in s.directories():
        assert f'create or replace directory "{directory}" as \'{path}\'\n/\n' in admin
        # READ only, on each directory
        assert f'grant read on directory "{directory}" to "LSNRMINE"\n/\n' in admin
    assert "write" not in admin.lower().replace("dbms_output", "")
    # every guard comes before the first directory is created (nothing half-installed)
    assert admin.rindex("raise_application_error") < admin.index("create or replace directory")
    uninstall_admin = (out / "uninstall_admin.sql").read_text()
    assert [f'drop directory "{d}"' in uninstall_admin for d, _ in s.directories()] == [True] * 4
    external = (out / "05_lsnr_listener_log_ext.sql").read_text()
    assert "default directory \"LSNR_RAC1_LISTENER_DIR\"" in external
    assert external.count('"LSNR_RAC2_SCAN1_DIR":\'listener_scan1.log\'') == 1
    assert "reject limit unlimited\nnoparallel]';" in external
    sources = (out / "07_lsnr_sources.sql").read_text()
    assert "select 'RAC2_SCAN1/listener_scan1.log' label, 'RAC2_SCAN1' source_name" in sources
    assert "'rac2' host" in sources and "2 instance_number" in sources
    assert "set t.enabled = 'N'" in sources
    install = (out / "install.sql").read_text()
    # SOURCES before LINE_READER (its %type declarations, review 7b #6) and INGEST_PKG
    assert install.index("@@07_lsnr_sources.sql") < install.index("@@08_lsnr_line_reader.sql") \
        < install.index("@@14_lsnr_ingest_pkg.sql")


def test_shorthand_render_has_no_sources_table(clean_env: Path) -> None:
    out = clean_env / "deploy"
    assert main(["render", "--out", str(out)]) == 0
    assert not [p.name for p in out.iterdir() if "sources" in p.name]
    assert "noparallel" not in (out / "05_lsnr_listener_log_ext.sql").read_text()


def test_log_xml_is_not_in_the_location_but_in_sources(tmp_path: Path) -> None:
    from lsnrmine.render import render_scripts

    config = write_config(tmp_path, source_table("DB1", host="db1", instance=None,
                                                 files='["listener.log", "log.xml"]'))
    scripts = render_scripts(load_settings(config_path=str(config), environ={}))
    external = next(text for name, text in scripts.items() if name.endswith("_lsnr_listener_log_ext.sql"))
    assert "'log.xml'" not in external and '"LSNR_DB1_DIR":\'listener.log\'' in external
    sources = next(text for name, text in scripts.items() if name.endswith("_lsnr_sources.sql"))
    assert "'DB1/log.xml' label" in sources and "cast(null as number) instance_number" in sources


# -- the preflight per directory and per instance (recording stand-in of tests/test_installer.py) ----


def rac_owner_answers(s: Settings, instance: int, paths: dict[str, str] | None = None) -> dict:
    from test_installer import owner_answers  # the stand-in of the installer tests
    from lsnrmine import install_sql as isql

    paths = paths or dict(s.directories())
    return owner_answers(s, **{isql.Q_DIRECTORY_PATH: lambda b: [(paths.get(b["dir_name"]),)],
                               isql.Q_INSTANCE_NUMBER: [(str(instance),)]})


def test_owner_preflight_probes_only_this_instances_sources(clean_env: Path) -> None:
    from test_installer import FakeConnection
    from lsnrmine import install_sql as isql
    from lsnrmine.preflight import owner_preflight

    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    conn = FakeConnection(rac_owner_answers(s, instance=2))
    notes = owner_preflight(conn, s)
    read_checked = [b["dir_name"] for sql, b in conn.log if sql == isql.Q_DIRECTORY_READ]
    assert read_checked == [d for d, _ in s.directories()]
    probed = [(b["dir_name"], b["file_name"]) for sql, b in conn.log if sql == isql.S_PROBE_FILE]
    assert probed == [("LSNR_RAC2_LISTENER_DIR", "listener.log"), ("LSNR_RAC2_SCAN1_DIR", "listener_scan1.log")]
    assert [n for n in notes if "not probed" in n] == [
        "source RAC1_LISTENER is read on instance 1: its files were not probed from instance 2 "
        "(run `lsnrmine verify` connected there)",
        "source RAC1_SCAN1 is read on instance 1: its files were not probed from instance 2 "
        "(run `lsnrmine verify` connected there)"]


def test_owner_preflight_a_missing_scan_log_is_a_note_no_file_at_all_a_problem(clean_env: Path) -> None:
    import oracledb
    from test_installer import FakeConnection
    from lsnrmine import install_sql as isql
    from lsnrmine.preflight import PreflightFailed, owner_preflight

    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    gone = oracledb.DatabaseError("ORA-22288: file or LOB operation FILEOPEN failed\nNo such file or directory")
    scan_gone = (lambda b: b["file_name"] == "listener_scan1.log", gone)
    notes = owner_preflight(FakeConnection(rac_owner_answers(s, instance=1), errors={isql.S_PROBE_FILE: scan_gone}), s)
    assert ("not there yet (read once the listener writes it): "
            "/u01/app/grid/diag/tnslsnr/rac1/listener_scan1/trace/listener_scan1.log") in notes
    with pytest.raises(PreflightFailed) as failed:
        owner_preflight(FakeConnection(rac_owner_answers(s, instance=1), errors={isql.S_PROBE_FILE: gone}), s)
    assert failed.value.problems == [
        "no log file of the sources of this instance exists: /u01/app/grid/diag/tnslsnr/rac1/listener/trace/"
        "listener.log, /u01/app/grid/diag/tnslsnr/rac1/listener_scan1/trace/listener_scan1.log; check each "
        "source's path and files (lsnrctl status shows the Listener Log File of each listener)"]


def test_owner_preflight_a_permission_error_names_the_sources_own_path(clean_env: Path) -> None:
    import oracledb
    from test_installer import FakeConnection
    from lsnrmine import install_sql as isql
    from lsnrmine.preflight import PreflightFailed, owner_preflight

    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    denied = oracledb.DatabaseError("ORA-22288: file or LOB operation FILEOPEN failed\nPermission denied")
    errors = {isql.S_PROBE_FILE: (lambda b: b["dir_name"] == "LSNR_RAC1_SCAN1_DIR", denied)}
    with pytest.raises(PreflightFailed) as failed:
        owner_preflight(FakeConnection(rac_owner_answers(s, instance=1), errors=errors), s)
    (problem,) = failed.value.problems
    assert problem.startswith("source RAC1_SCAN1: the database cannot read "
                              "/u01/app/grid/diag/tnslsnr/rac1/listener_scan1/trace/listener_scan1.log")
    assert "Permission denied" in problem


def test_owner_preflight_checks_every_directory_path(clean_env: Path) -> None:
    from test_installer import FakeConnection
    from lsnrmine import install_sql as isql
    from lsnrmine.preflight import PreflightFailed, owner_preflight

    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    paths = dict(s.directories(), LSNR_RAC2_SCAN1_DIR="/u01/elsewhere")
    conn = FakeConnection(rac_owner_answers(s, instance=1, paths=paths))
    with pytest.raises(PreflightFailed) as failed:
        owner_preflight(conn, s)
    assert failed.value.problems == [
        "directory LSNR_RAC2_SCAN1_DIR points at /u01/elsewhere, the settings say "
        "/u01/app/grid/diag/tnslsnr/rac2/listener_scan1/trace; fix: run `lsnrmine install --phase admin` again, "
        "or correct sources[].path"]
    assert isql.S_PROBE_FILE not in conn.statements  # no probe through a wrong directory


def test_admin_preflight_refuses_a_source_directory_pointing_elsewhere(clean_env: Path) -> None:
    from test_installer import FakeConnection, admin_answers
    from lsnrmine import install_sql as isql
    from lsnrmine.preflight import PreflightFailed, admin_preflight

    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    paths = dict(s.directories(), LSNR_RAC2_LISTENER_DIR="/u01/app/oracle/admin/dpdump")
    answers = admin_answers(s, **{isql.Q_DIRECTORY_PATH: lambda b: [(paths[b["dir_name"]],)]})
    with pytest.raises(PreflightFailed) as failed:
        admin_preflight(FakeConnection(answers), s)
    assert failed.value.problems == [
        "directory LSNR_RAC2_LISTENER_DIR exists and points at /u01/app/oracle/admin/dpdump, not "
        "/u01/app/grid/diag/tnslsnr/rac2/listener/trace: lsnrmine never repoints a directory object it may not "
        "own; choose another name (setting sources[].directory), or give --force to repoint it (and let "
        "uninstall drop it)"]
    notes, _ = admin_preflight(FakeConnection(answers), s, force=True)
    assert any("LSNR_RAC2_LISTENER_DIR points at /u01/app/oracle/admin/dpdump; --force" in n for n in notes)


def test_admin_install_checks_every_created_directory(clean_env: Path) -> None:
    from test_installer import FakeConnection, admin_answers, quiet
    from lsnrmine import install_sql as isql
    from lsnrmine.install import InstallFailed

    s = load_settings(config_path=str(RAC_CONFIG), environ={})
    created = dict(s.directories())
    answers = admin_answers(s, **{isql.Q_DIRECTORY_PATH: lambda b: [(created[b["dir_name"]],)],
                                  isql.Q_INSTANCE_NUMBER: [("1",)]})
    conn = FakeConnection(answers)
    quiet(s).install_admin(conn)
    checked = [b["dir_name"] for sql, b in conn.log if sql == isql.Q_DIRECTORY_PATH]
    assert set(checked) == set(created) and len(checked) == 2 * len(created)  # preflight, then after creation
    # a directory that does not point where it was created to (another session repointed it) stops the run
    after = iter([created[d] for d, _ in s.directories()] + [created[d] for d, _ in s.directories()[:3]]
                 + ["/tmp/x"])
    answers[isql.Q_DIRECTORY_PATH] = lambda b: [(next(after),)]
    with pytest.raises(InstallFailed, match="directory LSNR_RAC2_SCAN1_DIR points at /tmp/x, not "):
        quiet(s).install_admin(FakeConnection(answers))


def test_the_readme_sources_example_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n[[sources]]", 1)[1].split("```", 1)[0]
    s = load_settings(config_path=str(write_config(tmp_path, "[[sources]]" + block)), environ={})
    assert s.sources == (LogSource("RAC1_SCAN1", "LISTENER_SCAN1", "rac1", "LSNR_RAC1_SCAN1_DIR",
                                   "/u01/app/grid/diag/tnslsnr/rac1/listener_scan1/trace",
                                   ("listener_scan1.log",), 1),)
    assert s.source_files()[0].label == "RAC1_SCAN1/listener_scan1.log"
