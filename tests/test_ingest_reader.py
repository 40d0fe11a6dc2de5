"""The Python twin of INGEST_PKG's reader on real files: append, partial lines, truncation,
rotation (rename + new file, copy-truncate, same-size replacement), disappearance, missing and
unreadable files. Invariant: the concatenation of what the polls return is exactly the lines of
every file generation, none lost, none duplicated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lsnrmine.follow import Follower
from lsnrmine.ingest import CLOSED, FINISHED, MISSING, OK, UNREADABLE, FileState, poll


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


# --- 19c+ segments, twin parity with INGEST_PKG (the twin is the executable spec) -----------------

from lsnrmine.ingest import (  # noqa: E402
    BATCH_LINES, RESTAGE_LINES, discover_segments, ingest_file, segment_number)


def _stamp(i: int) -> str:
    return f"31-JUL-2024 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}"


@pytest.mark.parametrize("base,segment", [("listener.log", "listener_{n}.log"), ("log.xml", "log_{n}.xml")])
def test_repeated_19c_rotations_read_every_line_exactly_once(tmp_path: Path, base: str, segment: str) -> None:
    """Network Log File Segmentation: the live file is renamed to <stem>_<n>.<ext>, n = 1, 2, 3, a
    new file starts; lines written between the last poll and each rename are read once, from the
    renamed segment, which nobody configured."""
    main = tmp_path / base
    follower = Follower([str(main)], segments=True)
    written: list[str] = []
    got: list[str] = []
    counter = 0

    def write(count: int) -> None:
        nonlocal counter
        text = "".join(f"{_stamp(counter + i)} * ping * 0 #{counter + i}\n" for i in range(count))
        counter += count
        _append(main, text.encode())
        written.extend(text.splitlines())

    write(50)
    got += _texts(follower.poll())
    for n in (1, 2, 3):
        write(20)
        got += _texts(follower.poll())
        write(7)  # the tail: written after the last poll, before the rename
        os.rename(main, tmp_path / segment.format(n=n))
        write(3)  # the new live file
        got += _texts(follower.poll())
    got += _texts(follower.poll())
    assert sorted(got) == sorted(written) and len(got) == len(set(got)) == counter
    segs = {segment.format(n=n): follower.states[str(tmp_path / segment.format(n=n))] for n in (1, 2, 3)}
    assert all(s.status == CLOSED and s.generation == 1 for s in segs.values())  # read to the end (S4)
    assert follower.order() == [str(tmp_path / segment.format(n=n)) for n in (1, 2, 3)] + [str(main)]


def test_segment_names_and_discovery_rule(tmp_path: Path) -> None:
    assert segment_number("listener.log", "listener_12.log") == 12
    assert segment_number("/d/log.xml", "/d/log_3.xml") == 3
    for other in ("listener.log", "listener_.log", "listener_1a.log", "listener_1.xml", "listenerx_1.log",
                  "my_listener_1.log"):
        assert segment_number("listener.log", other) is None, other
    base = str(tmp_path / "listener.log")
    for n in (37, 38):  # LOG_FILE_NUM deleted the older ones: the bootstrap probes 1..50 and more
        (tmp_path / f"listener_{n}.log").write_text("x\n")
    assert discover_segments(base, []) == [str(tmp_path / "listener_37.log"), str(tmp_path / "listener_38.log")]
    known = [str(tmp_path / "listener_37.log"), str(tmp_path / "listener_38.log")]
    assert discover_segments(base, known) == []
    (tmp_path / "listener_39.log").write_text("x\n")
    (tmp_path / "listener_41.log").write_text("x\n")  # behind a gap (40 deleted before discovery)
    assert discover_segments(base, known) == [str(tmp_path / "listener_39.log"), str(tmp_path / "listener_41.log")]


def test_empty_file_is_no_restart_until_bytes_arrive(tmp_path: Path) -> None:
    """INGEST_PKG.signature_matches(stored, NULL head) is TRUE, like the twin: a file truncated to
    0 bytes keeps its generation; different bytes arriving later restart it once."""
    log = tmp_path / "listener.log"
    log.write_bytes(b"partial")
    state = FileState("listener.log")
    assert poll(str(log), state) == [] and state.generation == 1 and state.byte_offset == 1
    log.write_bytes(b"")
    assert poll(str(log), state) == [] and state.generation == 1 and state.restarts == 0
    log.write_bytes(b"new 1\n")
    assert _texts(poll(str(log), state)) == ["new 1"] and state.generation == 2 and state.restarts == 1


def test_adoption_order_and_adopted_once(tmp_path: Path) -> None:
    """Candidates: previous generations first, then current ones, each by file name; an adopted
    previous generation is cleared; a generation another file continues is not kept as previous."""
    a, b, c = (tmp_path / name for name in ("a.log", "b.log", "c.log"))
    follower = Follower([str(a), str(b), str(c)])
    a.write_text("".join(f"old {i}\n" for i in range(40)))
    assert len(follower.poll()) == 40
    sa = follower.states[str(a)]
    old_sig = sa.signature
    _append(a, b"tail\n")
    os.rename(a, b)  # b adopts a's current generation (a has not restarted yet: b is polled after a)
    a.write_text("fresh\n")
    got = _texts(follower.poll())
    assert sorted(got) == ["fresh", "tail"]
    sb = follower.states[str(b)]
    assert sb.signature == old_sig and sb.line_no == 41
    assert sa.generation == 2 and sa.prev_signature is None  # b continues it: not kept
    # a previous generation adopted by one file is not adopted by another
    state_x, state_y = FileState("x.log"), FileState("y.log")
    x, y = tmp_path / "x.log", tmp_path / "y.log"
    x.write_text("".join(f"gen1 {i}\n" for i in range(30)))
    poll(str(x), state_x, others=[state_x, state_y])
    snapshot = x.read_bytes()
    x.write_text("other\n")
    poll(str(x), state_x, others=[state_x, state_y])  # restart: prev = gen1
    assert state_x.prev_signature and state_x.prev_offset == len(snapshot) + 1
    y.write_bytes(snapshot + b"more\n")
    assert _texts(poll(str(y), state_y, others=[state_x, state_y])) == ["more"]
    assert state_x.prev_signature is None  # adopted once
    z_state = FileState("z.log")
    z = tmp_path / "z.log"
    z.write_bytes(snapshot + b"more\n")
    # z's candidates in order: x prev (cleared), y prev (none), x current (no match), y current (match)
    assert _texts(poll(str(z), z_state, others=[state_x, state_y, z_state])) == []
    assert z_state.byte_offset == state_y.byte_offset


def test_scripted_sequence_state_is_what_ingest_pkg_specifies(tmp_path: Path) -> None:
    """The differential script: appends, a truncation, renames (19c segments), an empty file; after
    each step the state columns (generation, byte_offset, line_no, restarts, prev kept) and the rows
    read are what INGEST_PKG's restart/signature_matches/run specify (listed by hand from the
    PL/SQL, step by step)."""
    main = tmp_path / "listener.log"
    follower = Follower([str(main)], segments=True)

    def state(name: str) -> tuple:
        s = follower.states[str(tmp_path / name)]
        return (s.generation, s.byte_offset, s.line_no, s.restarts, s.prev_signature is not None, s.status)

    steps = [
        ("append", b"l1\nl2\n", ["l1", "l2"], {"listener.log": (1, 7, 2, 0, False, OK)}),
        ("append", b"l3\npar", ["l3"], {"listener.log": (1, 10, 3, 0, False, OK)}),
        ("truncate", b"t1\n", ["t1"], {"listener.log": (2, 4, 1, 1, True, OK)}),
        ("append", b"t2\n", ["t2"], {"listener.log": (2, 7, 2, 1, True, OK)}),
        # renamed with an unread tail: the segment continues at byte 7, the new file from byte 1
        ("rename", (b"t3\n", b"n1\n"), ["t3", "n1"],
         {"listener_1.log": (1, 10, 3, 0, False, CLOSED), "listener.log": (3, 4, 1, 2, False, OK)}),
        # truncated to 0 bytes below the offset: a new generation (size < byte_offset - 1)
        ("empty", b"", [], {"listener.log": (4, 1, 0, 3, True, OK)}),
        # an empty file renamed: nothing to adopt (prev offset 4 > size 0 + 1); the new file
        # continues generation 4 (no signature stored yet: any head matches)
        ("rename", (b"", b"m1\nm2\n"), ["m1", "m2"],
         {"listener_2.log": (1, 1, 0, 0, False, CLOSED), "listener.log": (4, 7, 2, 3, True, OK)}),
        ("delete", "listener_1.log", [], {"listener_1.log": (1, 10, 3, 0, False, FINISHED)}),
        # S3: the name comes back (numbering restarted after a cleanup): read from byte 1 once
        ("comeback", ("listener_1.log", b"r1\nr2\n"), ["r1", "r2"],
         {"listener_1.log": (2, 7, 2, 1, True, CLOSED)}),
        ("append", b"m3\n", ["m3"], {"listener_1.log": (2, 7, 2, 1, True, CLOSED)}),
    ]
    renames = 0
    for action, data, rows, expected in steps:
        if action == "append":
            _append(main, data)
        elif action == "truncate":
            main.write_bytes(data)
        elif action == "rename":
            _append(main, data[0])
            renames += 1
            os.rename(main, tmp_path / f"listener_{renames}.log")
            main.write_bytes(data[1])
        elif action == "empty":
            main.write_bytes(b"")
        elif action == "delete":
            (tmp_path / data).unlink()
        elif action == "comeback":
            (tmp_path / data[0]).write_bytes(data[1])
        saves = {k: v.saves for k, v in follower.states.items()}
        assert sorted(_texts(follower.poll())) == sorted(rows), action
        for name, st in follower.states.items():  # S4: a CLOSED segment that did not change is not written
            if st.status == CLOSED and saves.get(name) and action not in ("rename", "comeback"):
                assert st.saves == saves[name], (action, name)
        for name, want in expected.items():
            assert state(name) == want, (action, name)


@pytest.mark.slow  # 60,000 lines through the engine and the batch twin
def test_no_stall_after_60000_non_event_lines(tmp_path: Path) -> None:
    """F6: 60,000 blank and continuation lines after the last event: the batches (INGEST_PKG's
    staging decisions, twin) advance to the end of the file and find the next event; no batch
    stages more than co_batch_lines new lines plus co_restage_lines re-staged ones."""
    log = tmp_path / "listener.log"
    filler = "".join("\n" if i % 3 else "  nt secondary err code: 0\n" for i in range(60000))
    log.write_text("31-JUL-2024 02:00:00 * ping * 0\n" + filler + "31-JUL-2024 02:00:01 * ping * 0\n")
    from lsnrmine.engine.session import OfflineEngine
    from lsnrmine.settings import Settings

    engine = OfflineEngine(Settings())
    engine.load([str(log)], progress=False)
    events = {r[0] for r in engine.query("select line_no from lsnr_events").rows}
    assert events == {1, 60002}  # the view: one ping, 60,000 lines that are no event, one ping
    state = FileState("listener.log")
    batches = ingest_file(str(log), state, lambda staged: [x.line_no for x in staged if x.line_no in events])
    assert [b.inserted for b in batches] == [[1], [60002]]
    assert state.line_no == 60002 and state.byte_offset == log.stat().st_size + 1
    assert all(len(b.staged) <= BATCH_LINES + RESTAGE_LINES for b in batches)
    assert batches[1].staged[0].line_no == BATCH_LINES + 1  # the closed last event is not re-staged
    # small batches: the same, and the last event is re-staged while few lines follow it
    state2 = FileState("listener.log")
    small = ingest_file(str(log), state2, lambda staged: [x.line_no for x in staged if x.line_no in events],
                        batch_lines=700, restage_lines=100)
    assert [n for b in small for n in b.inserted] == [1, 60002] and state2.line_no == 60002
    assert small[0].staged[0].line_no == 1 and small[1].staged[0].line_no == 701


@pytest.mark.slow  # the parse view compiled once per batch: minutes
@pytest.mark.parametrize("batch_lines", [5, 13])
@pytest.mark.parametrize("fixture", ["events_text.log", "events_log.xml", "events_real_layout.xml"])
def test_batches_through_the_parse_view_equal_one_full_parse(tmp_path: Path, fixture: str, batch_lines: int) -> None:
    """The batch loop as INGEST_PKG runs it (the twin's staging decisions, the real parse view on
    DuckDB per batch, the context line with the last event's time and host, the re-parsed last
    event updated, newer events inserted) gives the events of one parse of the whole file, whatever
    the batch size (batches split start tags and error stacks)."""
    from lsnrmine.engine.session import OfflineEngine
    from lsnrmine.settings import Settings

    here = Path(__file__).resolve().parent / "fixtures" / fixture
    log = tmp_path / fixture
    log.write_bytes(here.read_bytes())
    engine = OfflineEngine(Settings())
    engine.load([str(log)], progress=False)
    cols = "line_no, to_char(event_time, 'YYYY-MM-DD HH24:MI:SS'), host, event_kind, return_code, error_text"
    full = {r[0]: r for r in engine.query(f"select {cols} from lsnr_events").rows}
    con = engine.con
    # INGEST_PKG stages each line with its source's listener and host (STAGE_LINES' columns)
    label = con.execute("SELECT listener, host FROM listener_log_lines LIMIT 1").fetchone()
    con.execute("DROP VIEW lsnr_stage_lines")
    con.execute("CREATE TABLE lsnr_stage_lines (source VARCHAR, listener VARCHAR, host VARCHAR, line_no DOUBLE, line VARCHAR)")
    got: dict[int, tuple] = {}
    ctx: dict = {"time": None, "host": None, "line": None}

    def parse(staged):
        con.execute("DELETE FROM lsnr_stage_lines")
        first = staged[0].line_no
        if ctx["line"] is not None:
            context = f"<msg time='{ctx['time'].replace(' ', 'T') if ctx['time'] else ''}'" + (
                f" host_id='{ctx['host']}'" if ctx["host"] else "") + ">"
            con.execute("INSERT INTO lsnr_stage_lines VALUES (?, ?, ?, ?, ?)", [str(log), *label, first - 0.5, context])
        con.executemany("INSERT INTO lsnr_stage_lines VALUES (?, ?, ?, ?, ?)",
                        [(str(log), *label, x.line_no, x.text or None) for x in staged])
        rows = engine.query(f"select {cols} from lsnr_event_parse where line_no >= {first} order by line_no").rows
        for row in rows:
            got[int(row[0])] = (int(row[0]),) + tuple(row[1:])
        new = [r for r in rows if int(r[0]) > (ctx["line"] or 0)]
        if new:
            ctx.update(line=int(new[-1][0]), time=new[-1][1], host=new[-1][2])
        return [int(r[0]) for r in rows]

    state = FileState(fixture)
    batches = ingest_file(str(log), state, parse, batch_lines=batch_lines)
    assert state.line_no == len(here.read_bytes().splitlines())
    assert len(batches) >= state.line_no // batch_lines
    assert got == full


def test_segments_deleted_before_discovery_do_not_hide_later_ones(tmp_path: Path) -> None:
    """S1: LOG_FILE_NUM_<listener>=2 and 4 rotations while the DB was down: listener_2..4 were
    renamed and 2, 3 already deleted; 4 and 5 (one more rotation) are found through the gap, the
    lost previous generation is reported."""
    main = tmp_path / "listener.log"
    follower = Follower([str(main)], segments=True)
    main.write_text(f"{_stamp(0)} * ping * 0\n")
    (tmp_path / "listener_1.log").write_text(f"{_stamp(1)} * ping * 0\n")
    follower.poll()
    assert str(tmp_path / "listener_1.log") in follower.states
    main.write_text(f"{_stamp(5)} * ping * 0 #5\n")  # rotated: listener_2..4 gone, 1 kept
    (tmp_path / "listener_4.log").write_text(f"{_stamp(3)} * ping * 0 #3\n")
    (tmp_path / "listener_5.log").write_text(f"{_stamp(4)} * ping * 0 #4\n")
    got = _texts(follower.poll())
    assert sorted(got) == sorted([f"{_stamp(3)} * ping * 0 #3", f"{_stamp(4)} * ping * 0 #4",
                                  f"{_stamp(5)} * ping * 0 #5"])
    assert follower.order()[-3:] == [str(tmp_path / "listener_4.log"), str(tmp_path / "listener_5.log"), str(main)]
    note = follower.unadopted()[str(main)]
    assert "not found in any segment" in note and f"({len(_stamp(0)) + 12} bytes read)" in note


def test_bootstrap_is_bounded_and_reaches_every_segment_number(tmp_path: Path) -> None:
    """S2: nothing exists: about 1,060 probes per run, not 65,536; a listener whose segments are
    only 40123..40125 (long rotation, old ones deleted) is found within SEGMENT_MAX/SEGMENT_SLICE
    runs, all three at once (downward walk + window)."""
    from lsnrmine.ingest import SEGMENT_MAX, SEGMENT_SLICE, bootstrap_probes
    base = str(tmp_path / "listener.log")
    probed: list[str] = []

    def exists(name: str) -> bool:
        probed.append(name)
        return os.path.exists(name)

    assert discover_segments(base, [], exists) == [] and len(probed) < 1100
    for n in (40123, 40124, 40125):
        (tmp_path / f"listener_{n}.log").write_text("x\n")
    runs = -(-SEGMENT_MAX // SEGMENT_SLICE)
    hits = [s for s in range(runs) if discover_segments(base, [], slice_no=s)]
    assert hits == [40]  # the slice 40001..41000 of run 40 (runs 0..65 cover every n)
    assert discover_segments(base, [], slice_no=40) == [str(tmp_path / f"listener_{n}.log")
                                                         for n in (40123, 40124, 40125)]
    assert set(range(1, SEGMENT_MAX + 1)) <= set().union(*(bootstrap_probes(s) for s in range(runs)))
    # all known segments FINISHED: the numbering may have restarted, the bootstrap probes again (S3)
    (tmp_path / "listener_2.log").write_text("x\n")
    known = [str(tmp_path / "listener_9.log")]
    assert discover_segments(base, known, finished=known) == [str(tmp_path / "listener_2.log")]
    assert discover_segments(base, known) == []  # 9 live: only the window 10..59


def test_renamed_segment_restages_the_last_event_of_the_old_generation(tmp_path: Path) -> None:
    """S5: error lines written after the last poll, then the rename: the segment's first batch
    re-stages the last event (its error_text is updated), no error_only event without a time."""
    main, seg = tmp_path / "listener.log", tmp_path / "listener_1.log"
    main_state, seg_state = FileState(str(main)), FileState(str(seg))
    first = f"{_stamp(0)} * ping * 0\n{_stamp(1)} * (CONNECT_DATA=(SID=x)) * establish * x * 12505\n"
    main.write_text(first)

    def events(lines):  # the parse view's classification: a line starting with a date is an event
        return [ln.line_no for ln in lines if ln.text[:2].isdigit()]

    ingest_file(str(main), main_state, events)
    assert main_state.last_event_line_no == 2
    _append(main, b"TNS-12505: TNS:listener does not currently know of SID given in connect descriptor\n")
    os.rename(main, seg)
    main.write_text(f"{_stamp(9)} * ping * 0\n")
    batches = ingest_file(str(seg), seg_state, events, others=[main_state], configured=False)
    assert batches[0].updated == 2 and batches[0].inserted == []
    assert [ln.line_no for ln in batches[0].staged] == [2, 3]
    assert seg_state.status == CLOSED
    ingest_file(str(main), main_state, events, others=[seg_state])
    assert main_state.generation == 2 and main_state.prev_signature is None  # taken by the segment
