"""Issue 22: `lsnrmine sources --discover` over the copied two-node diag tree (tests/fixtures/rac)
and trees built here: every listener home, its host, listener and files (text, XML, 19c segments),
the [[sources]] block (valid unique names, the server path from the log's header, instance left to
the DBA on RAC) loading as settings, and one-line errors for bad directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import FIXTURES

from lsnrmine import discover
from lsnrmine.settings import load_settings

RAC = FIXTURES / "rac"
HOMES = [("rac1", "listener"), ("rac1", "listener_scan1"), ("rac2", "listener"), ("rac2", "listener_scan1"),
         ("rac2", "listener_scan2")]


def lsnrmine(*args: str, cwd: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_") and k != "ORACLE_BASE"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_finds_every_home_of_both_nodes() -> None:
    homes = discover.discover(str(RAC))
    assert [(h.host, h.listener) for h in homes] == HOMES
    by = {(h.host, h.listener): h for h in homes}
    assert by["rac1", "listener"].text_files == ["listener.log", "listener_1.log"]
    assert by["rac1", "listener_scan1"].xml_files == ["log.xml"]
    assert by["rac2", "listener_scan2"].text_files == ["listener_scan2.log"]
    assert by["rac2", "listener_scan1"].server_home == "/u01/app/grid/diag/tnslsnr/rac2/listener_scan1"


@pytest.mark.parametrize("start, expected", [
    ("rac1", HOMES[:2]), ("rac2/diag", HOMES[2:]), ("rac2/diag/tnslsnr", HOMES[2:]),
    ("rac2/diag/tnslsnr/rac2", HOMES[2:]), ("rac1/diag/tnslsnr/rac1/listener_scan1", [HOMES[1]]),
])
def test_any_level_of_the_tree(start: str, expected: list[tuple[str, str]]) -> None:
    assert [(h.host, h.listener) for h in discover.discover(str(RAC / start))] == expected


def test_segments_in_number_order_and_other_files_ignored(tmp_path: Path) -> None:
    trace = tmp_path / "oracle/diag/tnslsnr/db-01.example.com/lsnr_app/trace"
    alert = trace.parent / "alert"
    trace.mkdir(parents=True)
    alert.mkdir()
    for name in ("lsnr_app.log", "lsnr_app_10.log", "lsnr_app_2.log", "ora_123_456.trc", "listener.log"):
        (trace / name).write_text("14-MAR-2024 09:59:40 * ping * 0\n")
    for name in ("log_3.xml", "log.xml", "log_1.xml"):
        (alert / name).write_text("<msg time='2024-03-14T09:59:40.000+00:00' host_id='db-01'>\n")
    (tmp_path / "oracle/diag/rdbms/orcl/orcl/trace").mkdir(parents=True)  # not a listener home
    (tmp_path / "oracle/diag/tnslsnr/db-01.example.com/empty_home/trace").mkdir(parents=True)
    homes = discover.discover(str(tmp_path))
    assert [(h.host, h.listener, h.text_files, h.xml_files, h.server_home) for h in homes] == [
        ("db-01.example.com", "lsnr_app", ["lsnr_app.log", "lsnr_app_2.log", "lsnr_app_10.log"],
         ["log.xml", "log_1.xml", "log_3.xml"], None)]
    block = tomllib.loads(discover.sources_toml(homes))["sources"]
    # one host: no instance; host characters outside an identifier become _; the local path (no header)
    assert block == [{"name": "DB_01_EXAMPLE_COM_LSNR_APP", "listener": "LSNR_APP", "host": "db-01.example.com",
                      "directory": "LSNR_DB_01_EXAMPLE_COM_LSNR_APP", "path": str(trace), "files": ["lsnr_app.log"]}]
    assert "instance" not in discover.sources_toml(homes)


def test_xml_only_home_and_unique_names(tmp_path: Path) -> None:
    for host in ("n-1", "n_1"):  # both give N_1: the second name gets a suffix
        alert = tmp_path / "diag/tnslsnr" / host / "listener/alert"
        alert.mkdir(parents=True)
        (alert / "log.xml").write_text("<msg time='2024-03-14T09:59:40.000+00:00'>\n")
    block = tomllib.loads(discover.sources_toml(discover.discover(str(tmp_path)), prefix="X_"))["sources"]
    assert [(s["name"], s["directory"], s["files"], s["path"].endswith("/listener/alert")) for s in block] == [
        ("N_1_LISTENER", "X_N_1_LISTENER", ["log.xml"], True), ("N_1_LISTENER_2", "X_N_1_LISTENER_2", ["log.xml"], True)]


def test_cli_block_loads_as_settings(tmp_path: Path) -> None:
    result = lsnrmine("sources", "--discover", "--adr-base", str(RAC), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "lsnrmine: 5 listener home(s) on 2 host(s); add the [[sources]] block above to lsnrmine.toml\n"
    listing = [line.split() for line in result.stdout.splitlines()[1:7]]
    assert [(r[1], r[2], r[4:]) for r in listing] == [
        ("rac1", "LISTENER", ["listener.log", "listener_1.log"]), ("rac1", "LISTENER_SCAN1", ["listener_scan1.log"]),
        ("rac1", "LISTENER_SCAN1", ["log.xml"]), ("rac2", "LISTENER", ["listener.log"]),
        ("rac2", "LISTENER_SCAN1", ["listener_scan1.log"]), ("rac2", "LISTENER_SCAN2", ["listener_scan2.log"])]
    assert all(Path(r[3]).is_dir() for r in listing[1:])
    config = tmp_path / "lsnrmine.toml"
    config.write_text(result.stdout)
    settings = load_settings({}, config_path=str(config), environ={})
    assert settings.multi_source
    assert [(s.name, s.listener, s.host, s.directory, s.path, s.files, s.instance) for s in settings.sources] == [
        (f"{h.upper()}_{l.upper()}", l.upper(), h, f"LSNR_{h.upper()}_{l.upper()}",
         f"/u01/app/grid/diag/tnslsnr/{h}/{l}/trace", (f"{l}.log",), None) for h, l in HOMES]
    # the DBA uncomments the instance lines: one job per node
    config.write_text(result.stdout.replace("# instance = ", "instance = "))
    settings = load_settings({}, config_path=str(config), environ={})
    assert [(s.host, s.instance) for s in settings.sources] == [(h, int(h[-1])) for h, _ in HOMES]
    assert settings.source_instances() == (1, 2)


def test_oracle_base_is_the_default(tmp_path: Path) -> None:
    result = lsnrmine("sources", "--discover", cwd=tmp_path, env_extra={"ORACLE_BASE": str(RAC / "rac2")})
    assert result.returncode == 0, result.stderr
    assert [s["name"] for s in tomllib.loads(result.stdout)["sources"]] == [
        "RAC2_LISTENER", "RAC2_LISTENER_SCAN1", "RAC2_LISTENER_SCAN2"]
    result = lsnrmine("sources", "--discover", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("lsnrmine: sources --discover: no ADR base; give --adr-base DIR")
    assert result.stderr.count("\n") == 1


def test_several_bases_and_a_home_given_twice(tmp_path: Path) -> None:
    result = lsnrmine("sources", "--discover", "--adr-base", str(RAC / "rac1"), "--adr-base", str(RAC),
                      cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = [s["name"] for s in tomllib.loads(result.stdout)["sources"]]
    assert names == ["RAC1_LISTENER", "RAC1_LISTENER_SCAN1", "RAC2_LISTENER", "RAC2_LISTENER_SCAN1",
                     "RAC2_LISTENER_SCAN2"]


def test_bad_directories_one_line_each(tmp_path: Path) -> None:
    a_file = tmp_path / "listener.log"
    a_file.write_text("x\n")
    for path, message in ((tmp_path / "nope", "no such directory"), (a_file, "is not a directory")):
        result = lsnrmine("sources", "--discover", "--adr-base", str(path), cwd=tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == f"lsnrmine: --adr-base {path}: {message}" + result.stderr.split(message, 1)[1]
        assert result.stderr.count("\n") == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    result = lsnrmine("sources", "--discover", "--adr-base", str(empty), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "no listener ADR home" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory: the permission check cannot fail")
def test_unreadable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    shutil.copytree(RAC / "rac1", locked)
    locked.chmod(0)
    try:
        result = lsnrmine("sources", "--discover", "--adr-base", str(locked), cwd=tmp_path)
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2 and "not readable" in result.stderr and result.stderr.count("\n") == 1


def test_path_and_header_labels() -> None:
    assert discover.path_labels("x/diag/tnslsnr/rac1/listener_scan1/trace/listener_scan1.log") == ("LISTENER_SCAN1", "rac1")
    assert discover.path_labels("C:\\app\\diag\\tnslsnr\\win1\\listener\\alert\\log.xml") == ("LISTENER", "win1")
    assert discover.path_labels("/tmp/diag/tnslsnr/rac1/listener/listener.log") is None  # not trace/ or alert/
    assert discover.path_labels("/var/log/listener.log") is None
    assert discover.header_labels("Trace level is currently 0\nLog messages written to "
                                  "/u01/app/grid/diag/tnslsnr/rac2/listener_scan1/alert/log.xml\n") == (
        "LISTENER_SCAN1", "rac2", "/u01/app/grid/diag/tnslsnr/rac2/listener_scan1")
    assert discover.header_labels("Log messages written to /u01/app/listener.log\n") is None
