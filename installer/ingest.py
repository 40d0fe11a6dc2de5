"""Python twin of the incremental reader of INGEST_PKG (plsql/ingest_pkg.sql).

Same algorithm, same state (the columns of LSNR_LOAD_STATE), on real files:

* ``byte_offset`` is 1-based (DBMS_LOB convention): the first byte not read yet. A poll reads from
  there up to the file size seen at the start of the poll, and only COMPLETE lines (ending with LF;
  one CR before the LF is dropped): a trailing partial line waits for the next poll, so a reader
  that resumes at the new offset never sees half a line.
* ``signature``: hex of the first ``SIGNATURE_BYTES`` (256) bytes seen (fewer while the file is
  smaller; it grows with the file). Restart from byte 1 (a new ``generation``, line numbers from 1)
  when the file is shorter than the bytes already read (truncation, rotation to a smaller file), or
  its first bytes no longer match the signature (rotation to a file that grew past the offset).
* A file that does not exist: ``FINISHED`` when it was read before (a rotated segment that
  disappeared), ``MISSING`` when never seen (a health problem). A file that cannot be opened:
  ``UNREADABLE``. Neither raises: the state records it and the next poll tries again.
* ``max_lines`` bounds one poll (Oracle commits per batch); the offset then stops after the last
  returned line.

* 19c+ segments (Network Log File Segmentation): a configured file ``stem.ext`` covers itself and
  its segments ``stem_<n>.ext`` (listener.log -> listener_1.log, listener_2.log, ...; log.xml ->
  log_1.xml, ...). :func:`discover_segments` finds new ones: with no live segment known it probes
  :func:`bootstrap_probes` (bounded, every n <= 65536 within 66 runs); then a window of
  ``SEGMENT_WINDOW`` numbers above the highest known (gaps of deleted segments are crossed). A
  segment read to its end is CLOSED and costs only a size/first-bytes check per run; a FINISHED
  one (gone) is read again when its name comes back. A poll reads, per configured file, its known segments in ascending n,
  then the file itself; a renamed file continues where the old generation stopped (its tail is
  read exactly once).
* Adoption (a new generation whose first bytes are where another file's generation stopped):
  candidates in a defined order, every previous generation first, then every current one, each
  by file name; an adopted previous generation is cleared (adopted once), and a generation that
  another file already adopted is not kept as previous generation.
* An empty file matches any signature (nothing says it changed): no restart until bytes arrive.

* Sources ([[sources]], :func:`run_sources`): a state per source label ``<source name>/<file>``
  (segments ``<source name>/<segment>``), each file read in its source's directory; segments,
  adoption and discovery stay inside one source (two nodes' ``listener.log`` never continue each
  other); a source whose directory or file is missing is a state, the others are read all the
  same (an unexpected error of one source is its state ERROR, raised as :class:`SourcesFailed` after
  the others); ``instance`` selects the sources one ingest job reads (INGEST_PKG.run(in_instance)).

PL/SQL counterpart: plsql/ingest_pkg.sql (restart, signature_matches, discover_segments, run);
the two are kept in lock-step and tests/test_ingest_reader.py runs the twin over the scripted
sequences that spec them.

Limit by design: a rotation that replaces the file by one whose first 256 bytes are identical and
that has already grown past the stored offset before the next poll is not detected.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional

__all__ = ["SIGNATURE_BYTES", "SEGMENT_WINDOW", "SEGMENT_MAX", "SEGMENT_SLICE", "bootstrap_probes", "FileState", "Line", "poll",
           "segment_number", "discover_segments", "Batch", "ingest_batch", "ingest_file",
           "BATCH_LINES", "RESTAGE_LINES", "SourceRow", "run_sources", "SourcesFailed"]

SIGNATURE_BYTES = 256
SEGMENT_WINDOW = 50  # INGEST_PKG.co_segment_window: n = max+1..max+this probed (slides with each find)
SEGMENT_MAX = 65536  # segment numbers are 16-bit (docs/oracle-facts.md)
SEGMENT_SLICE = 1000  # INGEST_PKG.co_segment_slice: bootstrap numbers probed per run, rotating
_CHUNK = 1 << 20

OK, NEW, MISSING, UNREADABLE, FINISHED, CLOSED = "OK", "NEW", "MISSING", "UNREADABLE", "FINISHED", "CLOSED"
ERROR = "ERROR"  # INGEST_PKG.co_status_error: an unexpected error, recorded with its message


@dataclass
class FileState:
    """One row of LSNR_LOAD_STATE."""

    file_name: str
    byte_offset: int = 1
    line_no: int = 0  # number of the last line read in this generation
    file_size: int = 0
    signature: Optional[str] = None
    generation: int = 0
    lines: int = 0  # lines read over all generations
    restarts: int = 0
    status: str = NEW
    health: Optional[str] = None
    # where the previous generation stopped (a renamed segment continues from there)
    prev_signature: Optional[str] = None
    prev_offset: Optional[int] = None
    prev_line_no: Optional[int] = None
    # the last event read (INGEST_PKG re-stages it: its error lines may follow)
    last_event_line_no: Optional[int] = None
    last_event_offset: Optional[int] = None
    # the last event of the previous generation: adopted with prev_* (S5), so a renamed segment's
    # first batch re-stages it and its late error lines join it
    prev_last_event_line_no: Optional[int] = None
    prev_last_event_offset: Optional[int] = None
    # INGEST_PKG's UPDATE + COMMIT of this row (save_state); an unchanged segment is not written
    saves: int = 0


@dataclass(frozen=True)
class Line:
    source: str
    line_no: int
    byte_offset: int  # 1-based offset of the line's first byte
    next_offset: int  # 1-based offset right after its LF
    text: str
    generation: int = 1


def _signature_matches(stored: Optional[str], head_hex: str) -> bool:
    if not stored:
        return True
    common = min(len(stored), len(head_hex))
    return stored[:common] == head_hex[:common]


def _open_and_check(path: str, state: FileState, others: Iterable[FileState], configured: bool = True):
    """INGEST_PKG.ingest_file's header phase: (open file, size), or None with the status set (or
    nothing changed: a segment, not ``configured``, whose size and first bytes are what the last
    run saw is neither read nor written, S4)."""
    others = list(others)
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        if state.generation > 0:
            state.status, state.health = FINISHED, None
        else:
            state.status, state.health = MISSING, f"{path}: no such file"
        return None
    except OSError as exc:
        state.status, state.health = UNREADABLE, f"{path}: {exc.strerror}"
        return None
    try:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(min(size, SIGNATURE_BYTES))
    except OSError as exc:
        fh.close()
        state.status, state.health = UNREADABLE, f"{path}: {exc.strerror}"
        return None
    head_hex = head.hex().upper()
    if not configured and state.generation > 0 and state.status in (OK, CLOSED) and size == state.file_size \
            and (state.signature or "") == head_hex:
        fh.close()
        return None  # unchanged segment: no UPDATE, no COMMIT
    if state.generation == 0 or size < state.byte_offset - 1 or not _signature_matches(state.signature, head_hex):
        if state.generation > 0:
            state.restarts += 1
            state.prev_signature, state.prev_offset, state.prev_line_no = (
                state.signature, state.byte_offset, state.line_no)
            state.prev_last_event_line_no, state.prev_last_event_offset = (
                state.last_event_line_no, state.last_event_offset)
            if state.prev_signature and any(
                    o is not state and o.signature and o.signature.startswith(state.prev_signature)
                    for o in others):
                state.prev_signature = None  # another file already continues this generation
        state.generation += 1
        state.byte_offset, state.line_no, state.signature = 1, 0, None
        state.last_event_line_no = state.last_event_offset = None
        _adopt_renamed(state, head_hex, size, others)
    if not state.signature or len(head_hex) > len(state.signature):
        state.signature = head_hex or None
    state.file_size = size
    state.status, state.health = OK, None
    state.saves += 1
    return fh, size


def _close_if_read(state: FileState, configured: bool) -> None:
    """A segment read to its end is CLOSED (the listener writes only the configured name; a
    renamed segment does not grow): later runs only check its size and first bytes."""
    if not configured and state.status == OK and state.byte_offset - 1 == state.file_size:
        state.status = CLOSED


def poll(path: str, state: FileState, *, encoding: str = "utf-8", max_lines: Optional[int] = None,
         source: Optional[str] = None, others: Iterable[FileState] = (), configured: bool = True) -> list[Line]:
    """Read the complete lines appended to ``path`` since ``state``; update ``state`` in place.
    ``others``: the states of the other files of the same listener; a file starting a new
    generation whose first bytes match where another file's previous generation stopped (a
    rotation by rename: listener.log -> listener_1.log) continues from that offset."""
    name = source or state.file_name
    opened = _open_and_check(path, state, others, configured)
    if opened is None:
        return []
    fh, size = opened
    with fh:
        lines = list(_complete_lines(fh, name, state, size, encoding, max_lines))
    if lines:
        state.saves += 1
    _close_if_read(state, configured)
    return lines


BATCH_LINES = 50000  # INGEST_PKG.co_batch_lines
RESTAGE_LINES = 1000  # INGEST_PKG.co_restage_lines


@dataclass
class Batch:
    """What one INGEST_PKG.ingest_batch did: the staged lines (re-staged + new), the line numbers
    of the events inserted, the re-parsed last event (error_text updated) and whether the stop key
    was reached (another batch follows)."""

    staged: list[Line]
    inserted: list[int]
    updated: Optional[int]
    more: bool


def ingest_batch(path: str, state: FileState, event_lines: Callable[[list[Line]], Iterable[int]], *,
                 size: Optional[int] = None, batch_lines: int = BATCH_LINES,
                 restage_lines: int = RESTAGE_LINES, encoding: str = "utf-8") -> Optional[Batch]:
    """The twin of INGEST_PKG.ingest_batch's staging decisions. ``event_lines``: the line numbers
    of the staged lines that the parse view makes events of (the view's line classification
    depends on the line alone). None when there was nothing new (the PL/SQL rolls back)."""
    size = os.path.getsize(path) if size is None else size
    restage = state.last_event_line_no is not None and state.line_no - state.last_event_line_no < restage_lines
    if restage:
        start, first, restaged = state.last_event_offset, state.last_event_line_no, \
            state.line_no - state.last_event_line_no + 1
    else:
        start, first, restaged = state.byte_offset, state.line_no + 1, 0
    probe = FileState(state.file_name, byte_offset=start, line_no=first - 1, generation=state.generation)
    with open(path, "rb") as fh:
        staged = list(_complete_lines(fh, state.file_name, probe, size, encoding, batch_lines + restaged))
    if not staged or staged[-1].line_no <= state.line_no:
        return None
    events = sorted(set(event_lines(staged)))
    updated = state.last_event_line_no if restage and state.last_event_line_no in events else None
    inserted = [n for n in events if n > (state.last_event_line_no or 0) and n >= first]
    if inserted:
        by_no = {line.line_no: line for line in staged}
        state.last_event_line_no, state.last_event_offset = inserted[-1], by_no[inserted[-1]].byte_offset
    old = state.line_no
    state.saves += 1
    state.lines += staged[-1].line_no - old
    state.byte_offset, state.line_no = staged[-1].next_offset, staged[-1].line_no
    return Batch(staged, inserted, updated, staged[-1].line_no - old >= batch_lines)


def ingest_file(path: str, state: FileState, event_lines: Callable[[list[Line]], Iterable[int]], *,
                others: Iterable[FileState] = (), configured: bool = True, **batch_options) -> list[Batch]:
    """INGEST_PKG.ingest_file: the header phase, then batches until one is not full."""
    opened = _open_and_check(path, state, others, configured)
    if opened is None:
        return []
    fh, size = opened
    fh.close()
    batches: list[Batch] = []
    while True:
        batch = ingest_batch(path, state, event_lines, size=size, **batch_options)
        if batch is None:
            break
        batches.append(batch)
        if not batch.more:
            break
    _close_if_read(state, configured)
    return batches


def _adopt_renamed(state: FileState, head_hex: str, size: int, others: Iterable[FileState]) -> None:
    """Candidates in INGEST_PKG.restart's order: previous generations, then current ones, each by
    file name."""
    ordered = sorted((o for o in others if o is not state and o.file_name != state.file_name),
                     key=lambda o: o.file_name)
    candidates = [(o, True, o.prev_signature, o.prev_offset, o.prev_line_no,
                   o.prev_last_event_line_no, o.prev_last_event_offset) for o in ordered] + \
                 [(o, False, o.signature, o.byte_offset, o.line_no,
                   o.last_event_line_no, o.last_event_offset) for o in ordered]
    for other, is_prev, sig, offset, line_no, event_line_no, event_offset in candidates:
        if sig and offset is not None and offset - 1 <= size \
                and len(head_hex) >= min(len(sig), 2 * (offset - 1)) and _signature_matches(sig, head_hex):
            state.byte_offset, state.line_no, state.signature = offset, line_no or 0, sig
            # S5: the last event comes along: the first batch re-stages it (late error lines)
            state.last_event_line_no, state.last_event_offset = event_line_no, event_offset
            if is_prev:
                other.prev_signature = None  # adopted once
            return


def _complete_lines(fh, name: str, state: FileState, size: int, encoding: str,
                    max_lines: Optional[int]) -> Iterator[Line]:
    fh.seek(state.byte_offset - 1)
    remaining = size - (state.byte_offset - 1)
    pending = b""
    pending_start = state.byte_offset
    count = 0
    while remaining > 0:
        chunk = fh.read(min(_CHUNK, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        data = pending + chunk
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            raw = data[start:nl]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            begin = pending_start + start
            state.line_no += 1
            state.lines += 1
            state.byte_offset = pending_start + nl + 1
            yield Line(name, state.line_no, begin, state.byte_offset,
                       raw.decode(encoding, errors="replace"), state.generation)
            count += 1
            start = nl + 1
            if max_lines is not None and count >= max_lines:
                return
        pending = data[start:]
        pending_start += start


def segment_number(base: str, name: str) -> Optional[int]:
    """n when ``name`` is a 19c segment ``stem_<n>.ext`` of the configured file ``base``
    (``stem.ext``), else None. Compared on the file names (same directory)."""
    stem, ext = os.path.splitext(os.path.basename(base))
    m = re.fullmatch(re.escape(stem) + r"_([0-9]{1,9})" + re.escape(ext), os.path.basename(name))
    return int(m.group(1)) if m else None


def bootstrap_probes(slice_no: int) -> list[int]:
    """The numbers probed while no live segment is known (INGEST_PKG.bootstrap_probes): 1..W, the
    powers of two up to SEGMENT_MAX, and slice ``slice_no`` (mod the number of slices) of
    SEGMENT_SLICE numbers: every n <= SEGMENT_MAX is probed within SEGMENT_MAX / SEGMENT_SLICE runs
    (S2); about 1,060 FILEEXISTS per run while nothing exists."""
    slices = -(-SEGMENT_MAX // SEGMENT_SLICE)
    first = (slice_no % slices) * SEGMENT_SLICE + 1
    numbers = set(range(1, SEGMENT_WINDOW + 1)) | {1 << k for k in range(17)}
    numbers |= set(range(first, min(first + SEGMENT_SLICE, SEGMENT_MAX + 1)))
    return sorted(numbers)


def discover_segments(base: str, known: Iterable[str], exists=os.path.exists, *,
                      finished: Iterable[str] = (), slice_no: int = 0) -> list[str]:
    """The segments of ``base`` not in ``known`` that exist now (INGEST_PKG.discover_segments),
    ascending. While no known segment is live (none known, or all ``finished``: numbering may
    have restarted, S3): :func:`bootstrap_probes`, and from each hit downward while names exist
    (the older segments LOG_FILE_NUM kept). Then the window above the highest number known or
    found: n = top+1..top+SEGMENT_WINDOW, top moving up with every find, so segments deleted
    before discovery (a gap) do not hide later ones (S1)."""
    stem, ext = os.path.splitext(base)
    known = list(known)
    done = set(finished)
    numbers = {n for n in (segment_number(base, k) for k in known) if n is not None}
    live = {segment_number(base, k) for k in known if k not in done} - {None}
    found: set[int] = set()

    def name(n: int) -> str:
        return f"{stem}_{n}{ext}"

    if not live:
        for hit in bootstrap_probes(slice_no):
            if hit in numbers or hit in found or not exists(name(hit)):
                continue
            n = hit
            while n >= 1 and n not in numbers and n not in found and exists(name(n)):
                found.add(n)
                n -= 1
    top = max(numbers | found, default=0)
    n = top + 1
    while n <= min(top + SEGMENT_WINDOW, SEGMENT_MAX):
        if n not in numbers and exists(name(n)):
            found.add(n)
            top = n
        n += 1
    return [name(n) for n in sorted(found)]


@dataclass(frozen=True)
class SourceRow:
    """One enabled row of SOURCES as INGEST_PKG reads it: a configured file of a source, read in
    ``folder`` (the path of the source's directory object) under the label ``<source_name>/<file_name>``
    (the table exists only with [[sources]], so always the multi-source label). The configuration's
    side of the same file is :class:`lsnrmine.settings.SourceFile`."""

    source_name: str
    file_name: str
    folder: str
    instance: Optional[int] = None

    @property
    def label(self) -> str:
        return f"{self.source_name}/{self.file_name}"


class SourcesFailed(Exception):
    """INGEST_PKG.run's error at the end of a run (co_ingest_failed): the sources that failed with an
    unexpected error, each recorded in its state (ERROR), after every other source was read.
    ``done``: the batches of the run, as :func:`run_sources` returns them."""

    def __init__(self, failures: list[str], done: dict[str, list["Batch"]]) -> None:
        super().__init__("lsnrmine ingest: " + "; ".join(failures))
        self.failures = failures
        self.done = done


def run_sources(sources: Iterable[SourceRow], states: dict[str, FileState],
                event_lines: Callable[[list[Line]], Iterable[int]], *, instance: Optional[int] = None,
                slice_no: int = 0, **batch_options) -> dict[str, list[Batch]]:
    """INGEST_PKG.run(in_instance) with [[sources]]: the sources of ``instance`` (None: those no
    instance is named for) by source name and label; per file its segments by ascending n, then
    the file. ``states``: LOAD_STATE by label, updated in place (new labels added). Returns the
    batches per label read. An unexpected error of one source (INGEST_PKG.run's per-source
    handler) is recorded in its state as ERROR and the other sources are read; then
    :class:`SourcesFailed` is raised."""
    done: dict[str, list[Batch]] = {}
    failures: list[str] = []
    for src in sorted((s for s in sources if s.instance == instance), key=lambda s: (s.source_name, s.label)):
        try:
            _read_source(src, states, event_lines, done, slice_no=slice_no, **batch_options)
        except Exception as exc:  # source isolation, as INGEST_PKG.run's catch-all per source
            state = states.setdefault(src.label, FileState(src.label))
            state.status, state.health = ERROR, f"{src.label}: {type(exc).__name__}: {exc}"
            failures.append(state.health)
    if failures:
        raise SourcesFailed(failures, done)
    return done


def _read_source(src: SourceRow, states: dict[str, FileState], event_lines: Callable[[list[Line]], Iterable[int]],
                 done: dict[str, list[Batch]], *, slice_no: int, **batch_options) -> None:
    """INGEST_PKG.read_source: one source's segments, then its file."""
    prefix = src.source_name + "/"

    def path(label: str, folder: str = src.folder, prefix: str = prefix) -> str:
        return os.path.join(folder, label[len(prefix):])

    def exists(label: str) -> bool:
        return os.path.exists(path(label))  # an unreadable folder: False (ingest_file records it)

    own = [k for k in states if k.startswith(prefix)]
    for label in discover_segments(src.label, own, exists,
                                   finished=[k for k in own if states[k].status == FINISHED],
                                   slice_no=slice_no):
        states.setdefault(label, FileState(label))
    segments = sorted((n, k) for k in states if k.startswith(prefix)
                      for n in [segment_number(src.label, k)]
                      if n is not None and n <= SEGMENT_MAX and (states[k].status != FINISHED or exists(k)))
    state = states.setdefault(src.label, FileState(src.label))
    for label in [k for _, k in segments] + [src.label]:
        others = [s for k, s in states.items() if k.startswith(prefix)]
        done[label] = ingest_file(path(label), states[label], event_lines, others=others,
                                  configured=label == src.label, **batch_options)
    if state.status == OK and state.prev_signature and state.prev_offset is not None:
        state.health = (f"previous generation ({state.prev_offset - 1} bytes read) not found in any segment: "
                        "lines written after the last run before the rotation may be lost")
