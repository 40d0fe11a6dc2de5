"""The Python twin of INGEST_PKG's reader on real files: append, partial lines, truncation,
rotation (rename + new file, copy-truncate, same-size replacement), disappearance, missing and
unreadable files. Invariant: the concatenation of what the polls return is exactly the lines of
every file generation, none lost, none duplicated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lsnrmine.ingest import FINISHED, MISSING, OK, UNREADABLE, FileState, Follower, poll


def _append(path: Path, data: bytes) -> None:
    with open(path, "ab") as fh:
        fh.write(data)


def _texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_append_and_partial_lines(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    log.write_bytes(b"a1\na2\npart")
    state = FileState("listener.log")
    got = poll(str(log), state)
    assert _texts(got) == ["a1", "a2"]
    assert [(g.line_no, g.byte_offset, g.next_offset) for g in got] == [(1, 1, 4), (2, 4, 7)]
    assert state.byte_offset == 7 and state.status == OK
    assert poll(str(log), state) == []  # the partial line waits
    _append(log, b"ial\r\nb1\n")
    got = poll(str(log), state)
    assert _texts(got) == ["partial", "b1"]  # CR of CRLF dropped
    assert [g.line_no for g in got] == [3, 4]
    assert state.byte_offset == log.stat().st_size + 1
    assert state.lines == 4 and state.generation == 1


def test_max_lines_bounds_a_poll_without_loss(tmp_path: Path) -> None:
    log = tmp_path / "l.log"
    log.write_text("".join(f"line {i}\n" for i in range(1, 101)))
    state = FileState("l.log")
    seen: list[str] = []
    while True:
        batch = poll(str(log), state, max_lines=7)
        if not batch:
            break
        assert len(batch) <= 7
        seen += _texts(batch)
    assert seen == [f"line {i}" for i in range(1, 101)]


def test_truncation_restarts_from_start(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    log.write_text("old 1\nold 2\nold 3\n")
    state = FileState("listener.log")
    assert _texts(poll(str(log), state)) == ["old 1", "old 2", "old 3"]
    log.write_text("new 1\n")  # truncated and rewritten: shorter than the offset
    got = poll(str(log), state)
    assert _texts(got) == ["new 1"] and got[0].line_no == 1
    assert state.generation == 2 and state.restarts == 1


def test_rotation_with_larger_new_file_detected_by_signature(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    log.write_text("31-JUL-2024 02:00:00 * ping * 0\n")
    state = FileState("listener.log")
    assert len(poll(str(log), state)) == 1
    os.rename(log, tmp_path / "listener_1.log")  # rotation by rename, a new file grows quickly
    log.write_text("".join(f"01-AUG-2024 00:00:{i:02d} * ping * 0\n" for i in range(10)))
    got = poll(str(log), state)
    assert len(got) == 10 and got[0].line_no == 1 and state.generation == 2


def test_copy_truncate_then_growth_past_offset(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    first = "".join(f"gen1 {i}\n" for i in range(5))
    log.write_text(first)
    state = FileState("listener.log")
    assert len(poll(str(log), state)) == 5
    log.write_text("".join(f"gen2 {i}\n" for i in range(50)))  # same name, other first bytes
    assert _texts(poll(str(log), state)) == [f"gen2 {i}" for i in range(50)]


def test_signature_grows_with_a_small_file(tmp_path: Path) -> None:
    log = tmp_path / "l.log"
    log.write_text("x\n")
    state = FileState("l.log")
    poll(str(log), state)
    assert state.signature == b"x\n".hex().upper()
    _append(log, b"y" * 400 + b"\n")
    assert len(poll(str(log), state)) == 1
    assert len(state.signature) == 2 * 256 and state.generation == 1


def test_missing_disappeared_and_new_segments(tmp_path: Path) -> None:
    main, seg = tmp_path / "listener.log", tmp_path / "listener_1.log"
    follower = Follower([str(main), str(seg)])
    main.write_text("m1\n")
    assert _texts(follower.poll()) == ["m1"]
    assert follower.states[str(seg)].status == MISSING  # never seen: a health problem
    assert "no such file" in follower.states[str(seg)].health
    seg.write_text("s1\ns2\n")  # a new segment is picked up
    main.unlink()  # a segment that was read and disappeared is finished
    assert _texts(follower.poll()) == ["s1", "s2"]
    assert follower.states[str(main)].status == FINISHED
    main.write_text("m2\n")  # the name comes back: a new generation from byte 1
    assert _texts(follower.poll()) == ["m2"]
    assert follower.states[str(main)].generation == 2


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_a_state_not_an_exception(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    log.write_text("a\n")
    log.chmod(0)
    state = FileState("listener.log")
    try:
        assert poll(str(log), state) == []
        assert state.status == UNREADABLE and state.health
    finally:
        log.chmod(0o644)
    assert _texts(poll(str(log), state)) == ["a"]


def test_random_appends_truncations_rotations_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    """A seeded scenario: writes in random pieces (splitting lines), polls in between, rotations.
    Expected: per generation, the polled lines equal the complete lines written."""
    import random

    rnd = random.Random(7)
    log = tmp_path / "listener.log"
    state = FileState("listener.log")
    generations: list[list[str]] = [[]]
    got: dict[int, list[str]] = {}
    counter = 0
    log.write_bytes(b"")
    for step in range(400):
        action = rnd.random()
        if action < 0.05 and generations[-1]:
            # rotation: rename away (or truncate) and start a new file with different first bytes;
            # the last poll of the old generation happens first (lines written between the last
            # poll and an in-place truncation are gone for every reader; for a rename see
            # test_rename_rotation_continues_in_the_renamed_segment)
            for line in poll(str(log), state):
                got.setdefault(line.generation, []).append(line.text)
            if rnd.random() < 0.5:
                os.replace(log, tmp_path / f"listener_{step}.log")
            log.write_bytes(b"")
            # poll before anything is written: the empty file is shorter than the offset
            for line in poll(str(log), state):
                got.setdefault(line.generation, []).append(line.text)
            generations.append([])
            continue
        if action < 0.75:
            n = rnd.randint(1, 5)
            text = "".join(f"gen{len(generations)} line {counter + i} {'x' * rnd.randint(0, 50)}\n"
                           for i in range(n))
            counter += n
            cut = rnd.randint(0, len(text))
            _append(log, text[:cut].encode())
            for line in poll(str(log), state):
                got.setdefault(line.generation, []).append(line.text)
            _append(log, text[cut:].encode())
            generations[-1] += text.splitlines()
        else:
            for line in poll(str(log), state):
                got.setdefault(line.generation, []).append(line.text)
    for line in poll(str(log), state):
        got.setdefault(line.generation, []).append(line.text)
    assert [got.get(i + 1, []) for i in range(len(generations))] == generations


@pytest.mark.parametrize("order", ["main_first", "segment_first"])
def test_rename_rotation_continues_in_the_renamed_segment(tmp_path: Path, order: str) -> None:
    """listener.log is renamed to listener_1.log with unread lines in it, a new listener.log
    starts: the renamed segment continues where the old file stopped (no line read twice), the
    unread tail is read from it, the new file from byte 1."""
    main, seg = tmp_path / "listener.log", tmp_path / "listener_1.log"
    paths = [str(main), str(seg)] if order == "main_first" else [str(seg), str(main)]
    follower = Follower(paths)
    main.write_text("".join(f"old {i}\n" for i in range(300)))
    assert len(follower.poll()) == 300
    _append(main, b"old tail 1\nold tail 2\n")  # written after the poll
    os.rename(main, seg)
    main.write_text("new 1\n")
    got = _texts(follower.poll())
    assert sorted(got) == sorted(["old tail 1", "old tail 2", "new 1"])
    assert follower.states[str(seg)].line_no == 302
