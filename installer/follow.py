"""``lsnrmine sql --follow``: the loaded log files are tailed and the engine's lines, listener_log and
events follow them. :class:`Follower` reads several files as INGEST_PKG.run does (the per-file
reader is the twin in :mod:`lsnrmine.ingest`); :func:`follow` feeds what it reads to the engine."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from .ingest import FINISHED, FileState, Line, discover_segments, poll, segment_number

if TYPE_CHECKING:  # pragma: no cover
    from .engine.session import OfflineEngine


@dataclass
class Follower:
    """Polls several files (rotated segments, several listeners), one state per file. With
    ``segments`` (INGEST_PKG.run), every configured file also covers its 19c segments, found by
    :func:`discover_segments`; per configured file the order is: its segments by ascending n, then
    the file itself."""

    paths: list[str]
    encoding: str = "utf-8"
    states: dict[str, FileState] = field(default_factory=dict)
    segments: bool = False
    #: the bootstrap slice (INGEST_PKG: from the clock, one per 5 minutes); the twin counts polls
    slice_no: int = 0

    def order(self) -> list[str]:
        """INGEST_PKG.run's order: per configured file, discovery, its segments by ascending n
        (FINISHED ones, read and gone, only when the name exists again, S3), then the file."""
        out: list[str] = []
        for path in self.paths:
            if self.segments:
                known = [k for k in self.states if os.path.dirname(k) == os.path.dirname(path)
                         and segment_number(path, k) is not None]
                finished = [k for k in known if self.states[k].status == FINISHED]
                for new in discover_segments(path, known, finished=finished, slice_no=self.slice_no):
                    self.states.setdefault(new, FileState(new))
                    known.append(new)
                for seg in sorted(known, key=lambda k: segment_number(path, k)):
                    if seg not in out and (self.states[seg].status != FINISHED or os.path.exists(seg)):
                        out.append(seg)
            if path not in out:
                out.append(path)
        return out

    def poll(self, max_lines: Optional[int] = None) -> list[Line]:
        out: list[Line] = []
        for path in self.paths:
            self.states.setdefault(path, FileState(path))
        for path in self.order():
            state = self.states[path]
            out.extend(poll(path, state, encoding=self.encoding, max_lines=max_lines,
                            others=list(self.states.values()), configured=path in self.paths))
        self.slice_no += 1
        return out

    def unadopted(self) -> dict[str, str]:
        """INGEST_PKG.run's health note per configured file whose previous generation no segment
        continued (S1): its unread tail, if any, is lost (segment deleted before discovery, or a
        copy-and-truncate rotation)."""
        return {p: unadopted_note(self.states[p]) for p in self.paths
                if p in self.states and self.states[p].prev_signature and self.states[p].prev_offset}


def unadopted_note(state: FileState) -> str:
    """The health text INGEST_PKG.run writes (same words)."""
    return (f"previous generation ({state.prev_offset - 1} bytes read) not found in any segment: "
            "lines written after the last run before the rotation may be lost")


def follow(engine: "OfflineEngine", *, interval: float = 2.0, polls: int = 0, encoding: str = "utf-8",
           on_refresh: Callable[[], None], sleep: Optional[Callable[[float], None]] = None) -> int:
    """Keep reading the lines appended to the loaded files (:class:`Follower`) and call
    ``on_refresh`` after every change. listener_log_lines gets the new complete lines (a partial last line is replaced when complete;
    a truncated or rotated file replaces its lines); listener_log and the events table are rebuilt
    from them (a full rebuild per change: fine for a terminal view, not meant for huge logs).
    ``polls``: number of polls (0 = until Ctrl-C). Returns the number of refreshes."""
    sleep = sleep or time.sleep
    sources = [s for s in (engine.stats.sources if engine.stats else []) if s != "<stdin>"]
    if not sources:
        raise ValueError("--follow needs log files (not stdin)")
    follower = Follower(sources, encoding=encoding)
    follower.poll()  # position every file at the end of its complete lines
    engine.own_lines()
    for path, state in follower.states.items():
        engine.delete_lines(path, after_line_no=state.line_no)
    generations = {path: state.generation for path, state in follower.states.items()}
    engine.refresh_from_lines()
    on_refresh()
    refreshes = 1
    done = 0
    try:
        while polls == 0 or done < polls:
            sleep(interval)
            done += 1
            lines = follower.poll()
            for path, state in follower.states.items():
                if state.generation != generations.get(path):
                    engine.delete_lines(path)
                    generations[path] = state.generation
            if not lines:
                continue
            engine.append_lines([(line.source, line.line_no, line.text or None) for line in lines])
            engine.refresh_from_lines()
            on_refresh()
            refreshes += 1
    except KeyboardInterrupt:
        pass
    return refreshes
