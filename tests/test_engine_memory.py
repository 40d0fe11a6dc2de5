"""The embedded engine's memory: bounded by settings.engine_memory_limit, spilling into a private
temporary directory (never DuckDB's default ".tmp" in the current directory), with the same
results, and a one-line error naming the setting when the limit is too small."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from lsnrmine.engine import reading
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

from conftest import REPO_ROOT, spill_files_seen

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import generate_log  # noqa: E402


@pytest.fixture(scope="module")
def big_log(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("mem") / "listener.log"
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        generate_log.write_log(100_000, fh, 7)
    return str(path)


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return con.execute(f"SELECT current_setting('{name}')").fetchone()[0]


def test_limit_and_private_spill_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = OfflineEngine(Settings(engine_memory_limit="256MB"))
    reference = duckdb.connect()
    reference.execute("SET memory_limit = '256MB'")
    assert _setting(engine.con, "memory_limit") == _setting(reference, "memory_limit")
    spill = Path(_setting(engine.con, "temp_directory"))
    assert spill.is_absolute() and spill.is_dir()
    assert spill.parent == Path(tempfile.gettempdir()) and spill.name.startswith("lsnrmine-spill-")
    assert stat.S_IMODE(spill.stat().st_mode) == 0o700
    assert spill in [Path(p) for p in reading._TEMP_DIRS]  # removed at exit
    assert not (tmp_path / ".tmp").exists()


def test_default_is_800mb():
    engine = OfflineEngine()
    reference = duckdb.connect()
    reference.execute("SET memory_limit = '800MB'")
    assert _setting(engine.con, "memory_limit") == _setting(reference, "memory_limit")


def _events_digest(engine: OfflineEngine, log: str) -> tuple:
    engine.load([log], progress=False)
    engine.ensure_events()
    events = engine.settings.object_name("EVENTS")
    return engine.con.execute(f"SELECT count(*), bit_xor(hash(e)) FROM {events} e").fetchone()


@pytest.mark.slow  # builds the events of a large log twice, once spilling
def test_events_under_a_small_limit_spill_and_equal_the_unbounded_build(big_log, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = OfflineEngine(Settings(engine_memory_limit="128MB"))
    spill = _setting(engine.con, "temp_directory")
    with spill_files_seen(spill) as seen:
        bounded = _events_digest(engine, big_log)
    assert any(name.startswith("duckdb_temp") for name in seen), seen  # it did spill, there
    unbounded = _events_digest(OfflineEngine(Settings(engine_memory_limit="100%")), big_log)
    assert bounded == unbounded and bounded[0] > 90_000
    assert not (tmp_path / ".tmp").exists()


def test_too_small_a_limit_is_one_line_naming_the_setting(big_log, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    for args in (["report", "top_client_ips"], ["sql", "select count(*) from listener_log_lines"]):
        proc = subprocess.run([sys.executable, "-m", "lsnrmine", *args, "--log", big_log, "--memory-limit", "16MB"],
                              capture_output=True, text=True, cwd=tmp_path, env=env)
        assert proc.returncode == 2, proc.stderr
        lines = [line for line in proc.stderr.splitlines() if line]
        assert len(lines) == 1 and "Out of Memory" in lines[0] and "--memory-limit" in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "lsnrmine", "sql", "--log", big_log, "--memory-limit", "lots",
                           "select 1 from dual"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("lsnrmine: setting engine_memory_limit:")
