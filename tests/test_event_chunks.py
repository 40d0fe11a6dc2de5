"""The chunked event build (engine/events.build_offline: the parse view over one chunk of each
source at a time, a chunk starting at the previous chunk's last event after a context line)
against the parse view run once over every line (views/events.sql over listener_log_lines): the
same rows, event ids included, for every fixture log, the shared real samples and random logs
(hypothesis: multi-line error stacks, log.xml records, headers, bad dates, hostile text), at chunk
sizes that cut records anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from lsnrmine.engine import events
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

from conftest import FIXTURES, shared_file

COLUMNS = ", ".join(name for name, _, _ in events.EVENT_COLUMNS)
VIEW_COLUMNS = ", ".join(events.VIEW_COLUMNS)


def _view_rows(engine: OfflineEngine) -> list[tuple[Any, ...]]:
    """The parse view over all the lines in one statement, event ids numbered as the single-
    statement build numbered them (load order of the files, then line number)."""
    order = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in engine.stats.sources) + "]::VARCHAR[]"
    return engine.con.execute(
        f"SELECT row_number() OVER (ORDER BY list_position({order}, source) NULLS LAST, source, line_no), "
        f"{VIEW_COLUMNS} FROM lsnr_event_parse ORDER BY 1").fetchall()


def _chunked_rows(engine: OfflineEngine, chunk_lines: int) -> list[tuple[Any, ...]]:
    count = events.build_offline(engine, engine.stats.sources, create_view=False, chunk_lines=chunk_lines)
    rows = engine.con.execute(f"SELECT {COLUMNS} FROM lsnr_events ORDER BY event_id").fetchall()
    assert count == len(rows)
    return rows


def _check(paths: Sequence[Path], chunk_sizes: Sequence[int], settings: Optional[Settings] = None,
           encoding: str = "utf-8") -> list[tuple[Any, ...]]:
    engine = OfflineEngine(settings or Settings())
    engine.load([str(p) for p in paths], encoding=encoding, progress=False)
    events.build_offline(engine, engine.stats.sources, create_view=True, chunk_lines=10**9)
    expected = _view_rows(engine)
    assert [r[0] for r in expected] == list(range(1, len(expected) + 1))
    for size in chunk_sizes:
        assert _chunked_rows(engine, size) == expected, f"chunk_lines={size}"
    return expected


def _fixture_logs(max_lines: int) -> list[Path]:
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".log", ".xml"))
    return [p for p in files if len(p.read_bytes().splitlines()) <= max_lines]


def test_every_fixture_log_at_chunks_cutting_records() -> None:
    """All fixture logs as the sources of one engine (text and log.xml, error stacks, hostile
    text), chunks of 5 lines: every start tag and error stack longer than that is cut."""
    expected = _check(_fixture_logs(300), [5])
    assert len({r[3] for r in expected}) >= 60
    kinds = {r[6] for r in expected}
    assert {"establish", "command", "error_only", "other", "service_update"} <= kinds
    assert any(r[19] and " | " in r[19] for r in expected)  # a multi-line error record


@pytest.mark.slow  # the view is bound once per round of chunks: about one round a second
@pytest.mark.parametrize("chunk_lines", [1, 2, 3, 7])
def test_error_stacks_and_xml_records_at_every_cut(chunk_lines: int) -> None:
    """Chunks of 1 (every record staged again, the chunk doubled while one record fills it), 2, 3
    and 7 lines over the text log and the two log.xml layouts."""
    _check([FIXTURES / "events_text.log", FIXTURES / "events_real_layout.xml",
            FIXTURES / "boundaries" / "event_kinds.xml"], [chunk_lines])


def test_big_fixture_and_real_samples() -> None:
    """r7_storm.log (1,454 lines) in chunks of 100, and the shared real samples (clogs), the
    Shift-JIS one with its date language."""
    _check([FIXTURES / "boundaries" / "r7_storm.log", shared_file("samples/clogs/listener.log")], [100, 333])
    _check([shared_file("samples/clogs/listener.sjis.log")], [4], Settings(date_language="JAPANESE"),
           encoding="shift_jis")
