"""The on-disk cache of translated SQL (lsnrmine.engine.cache, issue 21): a run served from the
cache gives the rows of a run without it; another setting, package version, set of date columns
or dialect source misses; a cache directory that cannot be written is no cache and no error;
entries are written atomically and a damaged one is ignored."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lsnrmine.engine import cache
from lsnrmine.engine.session import ENGINE_DATE_COLUMNS, OfflineEngine
from lsnrmine.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOG = FIXTURES / "reports.log"
QUERIES = (
    "select event_kind, count(*) cnt from lsnr_events group by event_kind order by event_kind",
    "select * from lsnr_report_tns_errors order by 1, 2",
    "select to_char(log_date, 'YYYY-MM-DD HH24:MI:SS') d, parse_listener_log_line(connect_string, 'HOST') h "
    "from listener_log order by 1, 2",
)


def engine_rows(root: "Path | None") -> tuple[list[list[tuple]], cache.TranslationCache]:
    engine = OfflineEngine(Settings())
    engine.translation_cache = cache.TranslationCache(engine.settings, ENGINE_DATE_COLUMNS, root)
    engine.load([str(LOG)], progress=False)
    rows = [engine.query(q).rows for q in QUERIES]
    engine.con.close()
    return rows, engine.translation_cache


def test_a_cached_run_gives_the_rows_of_an_uncached_run(tmp_path: Path) -> None:
    plain, off = engine_rows(None)
    cold, first = engine_rows(tmp_path)
    warm, second = engine_rows(tmp_path)
    assert off.hits == 0 and off.misses == 0  # no directory: not consulted
    assert first.hits == 0 and first.misses >= 15  # the views, the events' parse view, the queries
    entries = sorted((tmp_path / "translations").glob("*.sql"))
    assert len(entries) == first.misses
    assert second.misses == 0 and second.hits == first.misses  # every statement from the cache
    assert plain == cold == warm
    assert all(rows for rows in plain)
    assert not list((tmp_path / "translations").glob(".tmp-*"))  # written by rename: no leftovers


def test_another_setting_version_or_date_columns_misses(tmp_path: Path) -> None:
    text = "select count(*) from lsnr_events where event_time > sysdate - 1"
    base = cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path)
    base.put(text, "SELECT 1")
    assert base.get(text) == "SELECT 1"
    assert cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path).get(text) == "SELECT 1"
    others = [
        cache.TranslationCache(dataclasses.replace(Settings(), prefix="XY_"), ENGINE_DATE_COLUMNS, tmp_path),
        cache.TranslationCache(dataclasses.replace(Settings(), date_language="GERMAN"), ENGINE_DATE_COLUMNS, tmp_path),
        cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path, version="0.0.0-other"),
        cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS | {"other_date"}, tmp_path),
    ]
    for other in others:
        assert other.get(text) is None
        assert other.misses == 1
    assert base.get(text + " ") is None  # another text


def test_a_changed_dialect_source_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the key holds a digest of the dialect bridge's files: a developer's edit is a new key
    dialect = tmp_path / "dialect"
    dialect.mkdir()
    (dialect / "translator.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_DIALECT", dialect)
    monkeypatch.setattr(cache, "_code_digest", None)
    before = cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path)
    before.put("select 1 from dual", "SELECT 1")
    (dialect / "translator.py").write_text("x = 2\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_code_digest", None)
    after = cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path)
    assert after.get("select 1 from dual") is None
    assert before.get("select 1 from dual") == "SELECT 1"


def test_the_key_covers_what_the_dialect_imports() -> None:
    # every lsnrmine module the dialect bridge imports is hashed with it
    import ast

    imported = set()
    for path in cache._DIALECT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                for alias in node.names:
                    target = base / (node.module or "").replace(".", "/") / f"{alias.name}.py"
                    if target.is_file():
                        imported.add(target.resolve())
                    elif (base / f"{(node.module or '').replace('.', '/')}.py").is_file():
                        imported.add((base / f"{node.module.replace('.', '/')}.py").resolve())
    assert imported and imported <= {p.resolve() for p in cache._ALSO}, imported


def test_an_unwritable_cache_is_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    store = cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, blocker / "sub")
    store.put("select 1 from dual", "SELECT 1")  # no error
    assert store.get("select 1 from dual") is None
    # through the CLI: the same rows as without a cache, exit 0, nothing on stderr about it
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    cmd = [sys.executable, "-m", "lsnrmine", "sql", "--quiet", "--format", "csv", "--log", str(LOG),
           "select count(*) n from lsnr_events"]
    blocked = subprocess.run(cmd, capture_output=True, text=True, env={**env, "LSNRMINE_CACHE_DIR": str(blocker / "sub")},
                             timeout=600)
    off = subprocess.run(cmd, capture_output=True, text=True, env={**env, "LSNRMINE_CACHE_DIR": ""}, timeout=600)
    assert blocked.returncode == 0 and off.returncode == 0, blocked.stderr
    assert blocked.stdout == off.stdout and blocked.stdout.startswith("N\n")
    assert "cache" not in blocked.stderr.lower()


def test_a_damaged_entry_is_ignored_and_replaced(tmp_path: Path) -> None:
    store = cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path)
    store.put("select 1 from dual", "SELECT 1")
    (entry,) = (tmp_path / "translations").glob("*.sql")
    entry.write_text("SELECT 2", encoding="utf-8")  # no key line: not an entry put wrote
    assert store.get("select 1 from dual") is None
    store.put("select 1 from dual", "SELECT 1")
    assert store.get("select 1 from dual") == "SELECT 1"


def test_the_cache_directory_follows_the_platform_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.ENV_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache.cache_root() == tmp_path / "xdg" / "lsnrmine"  # platformdirs or the XDG rule alike
    monkeypatch.setattr(cache, "platformdirs", None)
    assert cache.cache_root() == tmp_path / "xdg" / "lsnrmine"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # XDG: not absolute, ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_root() == tmp_path / "home" / ".cache" / "lsnrmine"
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "mine"))
    assert cache.cache_root() == tmp_path / "mine"
    monkeypatch.setenv(cache.ENV_DIR, "")
    assert cache.cache_root() is None
    assert cache.TranslationCache.default(Settings(), ENGINE_DATE_COLUMNS).directory is None


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)
    store = cache.TranslationCache(Settings(), ENGINE_DATE_COLUMNS, tmp_path)
    for i in range(8):
        store.put(f"select {i} from dual", f"SELECT {i}")
        os.utime(next(p for p in (tmp_path / "translations").glob("*.sql") if p.read_text().endswith(f"SELECT {i}")),
                 (1_000_000 + i, 1_000_000 + i))
    assert len(list((tmp_path / "translations").glob("*.sql"))) == 5
    assert store.get("select 7 from dual") == "SELECT 7" and store.get("select 0 from dual") is None
