"""Ctrl-C and SIGTERM: the command ends with one line (``lsnrmine: interrupted`` / ``terminated``)
and the shell's status (128 + the signal), never a traceback, and the temporary directories (the
engine's spill directory, transcoded copies) are removed as at a normal exit.

Why a thread: while DuckDB runs a query the main thread sits in C++ code. DuckDB's Python client
notices a Ctrl-C between two tasks of the query (it raises ``RuntimeError('Query interrupted')``)
but never runs a Python handler for SIGTERM, and some operators (a join on an inequality) run a
single task for minutes. The C-level handler of every signal writes its number to the wakeup fd
(``signal.set_wakeup_fd``); a watcher thread reading it turns a SIGTERM into an interrupt of the
main thread (``_thread.interrupt_main``: DuckDB stops the query as for Ctrl-C) and, when the main
thread has not finished within ``GRACE_SECONDS`` (or at a second signal), reports, removes the
temporary directories and exits itself.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
from types import FrameType
from typing import Iterator, Optional

from ..engine.reading import remove_all_temp_dirs
from ..errors import EXIT_INTERRUPTED, EXIT_TERMINATED

#: how long the main thread has to unwind after a signal before the watcher ends the process
GRACE_SECONDS = 2.0

_WORDS = {signal.SIGINT: ("interrupted", EXIT_INTERRUPTED), signal.SIGTERM: ("terminated", EXIT_TERMINATED)}


def _duckdb_interrupt(exc: BaseException) -> bool:
    """DuckDB's Python client reports a Ctrl-C during a query as this RuntimeError."""
    return type(exc) is RuntimeError and str(exc) == "Query interrupted"


class Guard:
    """The signal state of one ``main`` run (see :func:`guarded`)."""

    def __init__(self) -> None:
        self.signum: Optional[int] = None
        self._raised = False  # one KeyboardInterrupt at most: a second Ctrl-C never interrupts the report
        self._lock = threading.Lock()
        self._reported = False
        self._finished = threading.Event()
        self._closing = False
        self._own_trips = 0  # SIGINT bytes our interrupt_main writes to the wakeup fd
        self._sigint_ours = False
        self._waiting = False  # the watcher saw a signal and gave the main thread its grace period

    # -- the main thread -----------------------------------------------------------------------
    def stopped_by(self, exc: BaseException) -> bool:
        """True when ``exc`` ends the command because of a signal (whatever it became on the way)."""
        return self.signum is not None or isinstance(exc, KeyboardInterrupt) or _duckdb_interrupt(exc)

    def report(self) -> int:
        """Print the one line of the signal that stopped the command; its exit status."""
        word, code = _WORDS.get(self.signum if self.signum is not None else signal.SIGINT, _WORDS[signal.SIGINT])
        with self._lock:
            if not self._reported:
                self._reported = True
                _say(word)
        self._finished.set()
        return code

    def _on_signal(self, signum: int, frame: Optional[FrameType]) -> None:
        """The Python-level handler of SIGINT and SIGTERM (runs in the main thread)."""
        if self.signum is None:
            self.signum = signum
        if not self._raised:
            self._raised = True
            raise KeyboardInterrupt

    # -- the watcher thread --------------------------------------------------------------------
    def _watch(self, fd: int) -> None:
        while True:
            try:
                data = os.read(fd, 64)
            except OSError:
                return
            if not data or self._closing:
                return
            for signum in data:
                if signum == signal.SIGINT and self._own_trips:
                    self._own_trips -= 1
                    continue
                if signum in _WORDS:
                    self._received(signum)

    def _received(self, signum: int) -> None:
        if self._finished.is_set():
            return
        first = self.signum is None
        if first:
            self.signum = signum
        elif not self._waiting:
            first = True  # the Python handler saw it first; this is the same signal
        if not first:
            self.signum = signum
            self._exit_now()  # a second signal: the user does not want to wait
        self._waiting = True
        if signum != signal.SIGINT and self._sigint_ours and not self._raised:
            # DuckDB checks only for SIGINT: stop the query (or the Python code) as Ctrl-C does
            self._own_trips += 1
            _thread.interrupt_main(signal.SIGINT)
        threading.Thread(target=self._deadline, daemon=True).start()

    def _deadline(self) -> None:
        if not self._finished.wait(GRACE_SECONDS) and not self._closing:
            self._exit_now()

    def _exit_now(self) -> None:
        """The main thread is stuck in an operator that does not look at interrupts: report,
        remove the temporary directories and end the process here."""
        word, code = _WORDS[self.signum if self.signum in _WORDS else signal.SIGINT]
        with self._lock:
            if not self._reported:
                self._reported = True
                _say(word)
        remove_all_temp_dirs()
        os._exit(code)


def _say(word: str) -> None:
    try:
        sys.stderr.write(f"lsnrmine: {word}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


@contextlib.contextmanager
def guarded() -> Iterator[Guard]:
    """Handle SIGINT and SIGTERM for the block (main thread only; a signal that is ignored when
    the block starts, as SIGINT in a background job or under nohup, stays ignored). Restores the
    previous handlers and wakeup fd at the end."""
    guard = Guard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    previous: dict[int, object] = {}
    for signum in _WORDS:
        handler = signal.getsignal(signum)
        if handler is signal.SIG_IGN or handler is None:
            continue  # ignored (or set outside Python): leave it so
        previous[signum] = handler
        signal.signal(signum, guard._on_signal)
    guard._sigint_ours = signal.SIGINT in previous
    if not previous:
        yield guard
        return
    read_fd, write_fd = os.pipe()
    try:
        os.set_blocking(write_fd, False)
        old_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    except (OSError, ValueError):  # a platform without a pipe wakeup fd: the handlers alone
        os.close(read_fd)
        os.close(write_fd)
        try:
            yield guard
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]
        return
    watcher = threading.Thread(target=guard._watch, args=(read_fd,), name="lsnrmine-signals", daemon=True)
    watcher.start()
    try:
        yield guard
    finally:
        guard._closing = True
        guard._finished.set()
        signal.set_wakeup_fd(old_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        try:
            os.write(write_fd, b"\0")  # wake the watcher: it sees _closing and returns
        except OSError:
            pass
        watcher.join(timeout=1.0)
        os.close(write_fd)
        if not watcher.is_alive():
            os.close(read_fd)
