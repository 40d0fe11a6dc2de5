"""The per-source ingest of the Python twin (lsnrmine.ingest.run_sources), the model of
INGEST_PKG.run(in_instance) with [[sources]]: a LOAD_STATE row per source label, each source read in
its own folder, segments and adoption inside one source, one failing source never stopping the
others, and the instance filter of the RAC ingest jobs. Real listener lines (tests/fixtures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lsnrmine.ingest import ERROR, FINISHED, MISSING, OK, FileState, SourceRow, SourcesFailed, run_sources

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EVENT = re.compile(r"^\d{2}-[A-Z]{3}-\d{4} \d{2}:\d{2}:\d{2} \* ")


def _events(staged):
    return [line.line_no for line in staged if EVENT.match(line.text)]


def _lines(batches_by_label, label):
    return [line.text for batch in batches_by_label.get(label, []) for line in batch.staged]


def _article_lines() -> list[bytes]:
    return (FIXTURES / "article.log").read_bytes().splitlines(keepends=True)


def _two_nodes(tmp_path: Path):
    lines = _article_lines()
    half = len(lines) // 2
    rac1, rac2 = tmp_path / "rac1", tmp_path / "rac2"
    rac1.mkdir()
    rac2.mkdir()
    (rac1 / "listener.log").write_bytes(b"".join(lines[:half]))
    (rac2 / "listener.log").write_bytes(b"".join(lines[half:]))
    sources = [SourceRow("RAC1_LISTENER", "listener.log", str(rac1), 1),
               SourceRow("RAC2_LISTENER", "listener.log", str(rac2), 2)]
    return sources, lines, half


def test_same_file_name_on_two_nodes_gets_two_states_and_every_line_once(tmp_path: Path) -> None:
    sources, lines, half = _two_nodes(tmp_path)
    states: dict[str, FileState] = {}
    one = run_sources(sources, states, _events, instance=1)
    two = run_sources(sources, states, _events, instance=2)
    assert sorted(states) == ["RAC1_LISTENER/listener.log", "RAC2_LISTENER/listener.log"]
    got1, got2 = _lines(one, "RAC1_LISTENER/listener.log"), _lines(two, "RAC2_LISTENER/listener.log")
    assert got1 == [x.decode().rstrip("\r\n") for x in lines[:half]]
    assert got2 == [x.decode().rstrip("\r\n") for x in lines[half:]]
    assert {line.source for b in one["RAC1_LISTENER/listener.log"] for line in b.staged} == {"RAC1_LISTENER/listener.log"}
    assert all(s.status == OK for s in states.values())
    # the instance filter: instance 1's run reads nothing of instance 2's source, and nothing new
    again = run_sources(sources, states, _events, instance=1)
    assert "RAC2_LISTENER/listener.log" not in again and _lines(again, "RAC1_LISTENER/listener.log") == []


def test_unpinned_run_reads_only_sources_without_an_instance(tmp_path: Path) -> None:
    sources, _, _ = _two_nodes(tmp_path)
    assert run_sources(sources, {}, _events, instance=None) == {}


def test_a_copy_of_another_nodes_log_is_read_from_its_first_byte(tmp_path: Path) -> None:
    # rac2's log starts with the bytes where rac1's previous generation stopped: within one
    # source that is a renamed segment (adopted), across sources it is another file (read whole)
    sources, lines, half = _two_nodes(tmp_path)
    rac1, rac2 = Path(sources[0].folder), Path(sources[1].folder)
    states: dict[str, FileState] = {}
    run_sources(sources, states, _events, instance=1)
    (rac1 / "listener.log").write_bytes(b"".join(lines[half:half + 3]))  # rac1 restarts: a new generation
    run_sources(sources, states, _events, instance=1)
    assert states["RAC1_LISTENER/listener.log"].prev_signature is not None
    (rac2 / "listener.log").write_bytes(b"".join(lines[:half]) + b"".join(lines[half:half + 2]))
    two = run_sources(sources, states, _events, instance=2)
    got = _lines(two, "RAC2_LISTENER/listener.log")
    assert len(got) == half + 2 and states["RAC2_LISTENER/listener.log"].generation == 1
    assert got[0] == lines[0].decode().rstrip("\r\n")


def test_a_missing_folder_is_a_state_and_the_other_source_is_read(tmp_path: Path) -> None:
    sources, lines, half = _two_nodes(tmp_path)
    gone = SourceRow("GONE_LISTENER", "listener.log", str(tmp_path / "no_such_folder"), 1)
    states: dict[str, FileState] = {}
    got = run_sources([gone] + sources, states, _events, instance=1)
    assert states["GONE_LISTENER/listener.log"].status == MISSING
    assert "no such file" in states["GONE_LISTENER/listener.log"].health
    assert len(_lines(got, "RAC1_LISTENER/listener.log")) == half


def test_an_unexpected_error_of_one_source_is_its_state_and_the_later_sources_are_read(tmp_path: Path) -> None:
    # review 7a, finding 3: INGEST_PKG.run guards each source (read_source) with a recorded catch-all
    sources, lines, half = _two_nodes(tmp_path)
    bad_folder = tmp_path / "bad"
    bad_folder.mkdir()
    (bad_folder / "listener.log").write_bytes(b"".join(lines[:3]))
    bad = SourceRow("A_BAD", "listener.log", str(bad_folder), 1)  # read first (source name order)

    def event_lines(staged):
        if any(line.source.startswith("A_BAD/") for line in staged):
            raise ValueError("character string buffer too small")  # e.g. ORA-06502 in PL/SQL
        return _events(staged)

    states: dict[str, FileState] = {}
    with pytest.raises(SourcesFailed) as failed:
        run_sources([bad] + sources, states, event_lines, instance=1)
    assert states["A_BAD/listener.log"].status == ERROR
    assert states["A_BAD/listener.log"].health == "A_BAD/listener.log: ValueError: character string buffer too small"
    assert failed.value.failures == [states["A_BAD/listener.log"].health]
    assert str(failed.value).startswith("lsnrmine ingest: A_BAD/listener.log: ValueError")
    # the source after it was read in full all the same
    assert states["RAC1_LISTENER/listener.log"].status == OK
    assert len(_lines(failed.value.done, "RAC1_LISTENER/listener.log")) == half


def test_segments_belong_to_their_source(tmp_path: Path) -> None:
    sources, lines, half = _two_nodes(tmp_path)
    rac1 = Path(sources[0].folder)
    states: dict[str, FileState] = {}
    run_sources(sources, states, _events, instance=1)
    # 19c segmentation on rac1: listener.log renamed to listener_1.log, a new listener.log
    (rac1 / "listener.log").rename(rac1 / "listener_1.log")
    with open(rac1 / "listener_1.log", "ab") as fh:
        fh.write(lines[half])  # written before the rename, after the last run
    (rac1 / "listener.log").write_bytes(lines[half + 1])
    got = run_sources(sources, states, _events, instance=1)
    assert "RAC1_LISTENER/listener_1.log" in states and not any(k.startswith("RAC2_LISTENER/listener_") for k in states)
    # the renamed file continues where the old generation stopped: only its tail is new (the last
    # event before it is staged again for its late error lines, S5)
    assert _lines(got, "RAC1_LISTENER/listener_1.log")[-1] == lines[half].decode().rstrip("\r\n")
    assert states["RAC1_LISTENER/listener_1.log"].line_no == half + 1
    assert states["RAC1_LISTENER/listener_1.log"].lines == 1
    assert _lines(got, "RAC1_LISTENER/listener.log") == [lines[half + 1].decode().rstrip("\r\n")]
    (rac1 / "listener_1.log").unlink()
    run_sources(sources, states, _events, instance=1)
    assert states["RAC1_LISTENER/listener_1.log"].status == FINISHED


def test_a_scan_listener_moving_between_nodes_is_read_once(tmp_path: Path) -> None:
    # LISTENER_SCAN1 runs on rac1, then on rac2: each node's ADR home has its own log; each node's
    # job reads its own, and every record is loaded once (different labels, no overlap)
    lines = _article_lines()
    third = len(lines) // 3
    rac1, rac2 = tmp_path / "rac1", tmp_path / "rac2"
    rac1.mkdir()
    rac2.mkdir()
    sources = [SourceRow("RAC1_SCAN1", "listener_scan1.log", str(rac1), 1),
               SourceRow("RAC2_SCAN1", "listener_scan1.log", str(rac2), 2)]
    states: dict[str, FileState] = {}
    read: list[str] = []

    def run(instance: int) -> None:
        for label, batches in run_sources(sources, states, _events, instance=instance).items():
            read.extend(f"{label}:{n}" for batch in batches for n in batch.inserted)  # the events inserted

    (rac1 / "listener_scan1.log").write_bytes(b"".join(lines[:third]))
    run(1)
    run(2)  # rac2 has no scan1 log yet: MISSING, nothing read
    assert states["RAC2_SCAN1/listener_scan1.log"].status == MISSING
    (rac2 / "listener_scan1.log").write_bytes(b"".join(lines[third:2 * third]))  # the move
    run(1)
    run(2)
    with open(rac2 / "listener_scan1.log", "ab") as fh:
        fh.write(b"".join(lines[2 * third:]))
    run(2)
    run(1)
    assert len(read) == len(set(read))  # no event twice
    assert len(read) == sum(1 for x in lines if EVENT.match(x.decode()))  # and none missing
    assert states["RAC1_SCAN1/listener_scan1.log"].lines == third
    assert states["RAC2_SCAN1/listener_scan1.log"].lines == len(lines) - third
    assert states["RAC2_SCAN1/listener_scan1.log"].status == OK


def test_the_session_ending_stops_the_run_and_is_no_source_error(tmp_path: Path) -> None:
    # review 7b, finding 3: INGEST_PKG re-raises ORA-01013/00028/04061/04068 before the catch-all of
    # ingest_file and of run; the twin's catch-all is `except Exception`, so an interrupt (the
    # twin's ORA-01013, a BaseException) ends the run at once: no ERROR state, no later source read
    sources, lines, half = _two_nodes(tmp_path)

    def event_lines(staged):
        if any(line.source.startswith("RAC1_LISTENER/") for line in staged):
            raise KeyboardInterrupt
        return _events(staged)

    later = SourceRow("RAC1_Z", "listener.log", str(tmp_path / "rac2"), 1)  # after RAC1_LISTENER by name
    states: dict[str, FileState] = {}
    with pytest.raises(KeyboardInterrupt):
        run_sources(sources + [later], states, event_lines, instance=1)
    assert all(state.status != ERROR for state in states.values())
    assert "RAC1_LISTENER/listener.log" in states and later.label not in states
