from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# tests/gate is imported as a package by the gate tests
sys.path.insert(0, str(Path(__file__).resolve().parent))


def shared_file(relative: str) -> Path:
    """A file of ../shared (third-party samples are read there, never copied into the repo)."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(reason=f"{path} is not present on this machine (shared/ sits beside the checkout)")
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No LSNRMINE_* variables and a working directory without lsnrmine.toml."""
    import os

    for key in list(os.environ):
        if key.startswith("LSNRMINE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def shared_engine():
    """``get(*paths, settings=None, encoding="utf-8")``: one loaded offline engine per (logs,
    settings, encoding) for the whole test module, built on first use (its events too, lazily, on
    the first query that needs them). For tests that only read the engine (queries, rule views
    re-run by ``lsnrmine.alerts.evaluate``, which re-creates its own tables each run); a test that
    changes an engine's tables or settings builds its own. Loading a log and building its events
    is most of an engine's cost: the same log is built once per module, not once per test."""
    from lsnrmine.engine.session import OfflineEngine
    from lsnrmine.settings import Settings

    engines: dict[tuple, OfflineEngine] = {}

    def get(*paths: "str | Path", settings: "Settings | None" = None, encoding: str = "utf-8") -> OfflineEngine:
        settings = settings or Settings()
        key = (tuple(str(p) for p in paths), settings, encoding)
        if key not in engines:
            engine = OfflineEngine(settings)
            engine.load(list(key[0]), encoding=encoding, progress=False)
            engines[key] = engine
        return engines[key]

    yield get
    for engine in engines.values():
        engine.con.close()


@contextlib.contextmanager
def spill_files_seen(spill: str) -> Iterator[set[str]]:
    """The names of the files that appear in ``spill`` while the block runs (DuckDB removes its
    spill files when the statement ends, so they are polled)."""
    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(os.listdir(spill))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield seen
    finally:
        done.set()
        watcher.join()
