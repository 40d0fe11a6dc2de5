"""Reading log files in Python: paths and globs checked, the pre-scan that lets DuckDB read a
clean UTF-8 file directly, the transcoding of anything else into a temporary one-column CSV file,
the progress bar and the private temporary directories (removed at exit)."""

from __future__ import annotations

import atexit
import codecs
import glob
import gzip
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
from typing import BinaryIO, Iterator, Optional, Sequence, TextIO

from ..discover import HEADER_BYTES, header_labels, path_labels

__all__ = ["LoadError", "MAX_LINE", "Progress", "Ticker", "bytes_read", "check_text", "events", "file_labels", "is_utf8", "phase",
           "plain_file", "private_temp_dir", "remove_temp_dir", "remove_all_temp_dirs", "resolve_paths",
           "scan_clean_utf8", "transcode"]

PROGRESS_MIN_BYTES = 50 * 1024 * 1024
_CHUNK = 4 * 1024 * 1024
#: every _WINDOW bytes (characters when transcoding) of a file hold a line feed => no line is longer
#: than 2 * _WINDOW characters (<= 4 bytes each in UTF-8, quotes doubled when transcoded: 16 x
#: _WINDOW bytes < MAX_LINE), and DuckDB can read with a bounded max_line_size, in parallel
_WINDOW = 256 * 1024
MAX_LINE = 8 * 1024 * 1024
_DELIM = "\x01"


class LoadError(Exception):
    """A log file cannot be loaded; the message is one line naming the path and the fix."""


def resolve_paths(paths: Sequence[str]) -> list[str]:
    """Expand globs (sorted), keep ``-`` (stdin), check every file (LoadError otherwise) and drop
    repeated files (same real path; first occurrence kept)."""
    if not paths:
        raise LoadError("no log file given: pass at least one path (a file, a glob or - for stdin)")
    out: list[str] = []
    for path in paths:
        if path == "-":
            out.append(path)
            continue
        if glob.has_magic(path):
            matches = sorted(p for p in glob.glob(path, recursive=True) if not os.path.isdir(p))
            if not matches:
                raise LoadError(f"{path}: the pattern matches no file; check the directory and the pattern")
            out.extend(matches)
            continue
        out.append(path)
    seen: set[str] = set()
    unique: list[str] = []
    for path in out:
        if path != "-":
            _check_file(path)
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:  # a file named twice (two globs, --log twice) is loaded once
            seen.add(key)
            unique.append(path)
    return unique


def _check_file(path: str) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file; check the path (globs are allowed, - reads stdin)") from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot access ({exc.strerror}); check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise LoadError(f"{path}: is a directory; name the log file in it (e.g. {os.path.join(path, 'listener.log')}) or a glob")
    if not os.access(path, os.R_OK):
        raise LoadError(f"{path}: not readable; grant read permission to this user or copy the file")


#: how much of a file the binary check reads
_SAMPLE = 64 * 1024
#: signatures of files mistaken for a log: (leading bytes, what it is, how to read it if it is a log)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"BZh", "bzip2-compressed", "decompress it first (bzcat FILE | lsnrmine ... --log -)"),
    (b"\xfd7zXZ\x00", "xz-compressed", "decompress it first (xzcat FILE | lsnrmine ... --log -)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "decompress it first (zstdcat FILE | lsnrmine ... --log -)"),
    (b"PK\x03\x04", "a zip archive", "extract the log from it (unzip -p FILE listener.log | lsnrmine ... --log -)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract the log from it"),
    (b"\x7fELF", "an executable (ELF)", "give the listener log"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "give the listener log"),
    (b"\xff\xd8\xff", "a JPEG image", "give the listener log"),
    (b"%PDF-", "a PDF document", "give the listener log"),
)
#: C0 controls other than TAB, LF, VT, FF, CR, and DEL: rare in a log, most of a binary file's bytes
_CONTROL_CHARS = frozenset(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F))
#: a sample with more control characters than this share is binary, not a log with a few NULs
_BINARY_SHARE = 0.30


def check_text(path: str, encoding: str) -> None:
    """Refuse (LoadError, one line) a regular file (or .gz) that is not text in ``encoding``: a
    known binary signature, or more than 30 % control characters and undecodable bytes (U+FFFD)
    in its first 64 KiB once decoded (a log with NUL or invalid bytes in a few lines passes; UTF-16
    read as UTF-8 does not; latin-1 decodes every byte). Pipes and stdin are not looked at (they
    can be read once only)."""
    head = _head(path, _SAMPLE)
    if head is None:
        return  # not a regular file, or unreadable: reported by the reader, with its own message
    for signature, what, fix in _SIGNATURES:
        if head.startswith(signature):
            raise LoadError(f"{path}: is {what}, not a text log; {fix}")
    text = head.decode(encoding, errors="replace")
    bad = sum(1 for ch in text if ch in _CONTROL_CHARS or ch == "\ufffd") if text else 0
    if text and bad > _BINARY_SHARE * len(text):
        raise LoadError(f"{path}: is binary, not a text log ({100 * bad // len(text)} % of its first "
                        f"{len(head) // 1024 or 1} KiB are control bytes or not {encoding}); give the listener log, "
                        "or --encoding if it is text in another character set (utf-16, shift_jis, latin-1)")


def file_labels(path: str, encoding: str = "utf-8") -> tuple[Optional[str], Optional[str]]:
    """(listener, host) of a log file: from its ADR path (``.../diag/tnslsnr/<host>/<listener>/
    trace|alert/<file>``), else from the first "Log messages written to .../diag/tnslsnr/<host>/
    <listener>/alert/log.xml" line of its first HEADER_BYTES (the header a listener writes when it
    starts; gzip read through), else (None, None). Stdin, pipes and FIFOs are not looked into (they
    can be read once only). The listener name is upper-cased like the settings' listener_name."""
    found = path_labels(path) if path != "-" else None
    if found is not None:
        return found
    head = _head(path, HEADER_BYTES)
    if head is None:
        return None, None
    header = header_labels(head.decode(encoding, errors="replace"))
    return (header[0], header[1]) if header is not None else (None, None)


class Progress:
    def __init__(self, name: str, total: Optional[int], enabled: Optional[bool]) -> None:
        if enabled is None:
            enabled = bool(total and total > PROGRESS_MIN_BYTES and sys.stderr.isatty())
        enabled = enabled and not (_active is not None and _active.enabled)  # the Ticker's line says it
        self.enabled = enabled
        self.name = os.path.basename(name) or name
        self.total = total
        self.done = 0
        self._last = 0.0

    def update(self, nbytes: int) -> None:
        if not self.enabled:
            return
        self.done += nbytes
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        mb = self.done / 1048576
        if self.total:
            pct = 100.0 * self.done / self.total
            sys.stderr.write(f"\rloading {self.name}: {pct:5.1f}% ({mb:,.0f} of {self.total / 1048576:,.0f} MB)")
        else:
            sys.stderr.write(f"\rloading {self.name}: {mb:,.0f} MB")
        sys.stderr.flush()

    def message(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r{text}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _has_long_lines(text, start: int = 0, end: Optional[int] = None) -> bool:
    """True when a _WINDOW-long stretch of ``text`` (bytes, bytearray or str) from ``start`` holds no LF."""
    end = len(text) if end is None else end
    newline = "\n" if isinstance(text, str) else b"\n"
    for pos in range(start, end, _WINDOW):
        if text.find(newline, pos, min(pos + _WINDOW, end)) < 0 and end - pos >= _WINDOW:
            return True
    return False


def scan_clean_utf8(path: str, count_lines: bool = True) -> tuple[bool, int, Optional[int], bool, bool]:
    """(DuckDB can read the file directly, NUL byte count, line count (None unless
    ``count_lines``: a stream load takes it from DuckDB's counting pass, and bytes.count is the
    costliest step here), has TAB/VT/FF, may have long lines). One pass of 1 MiB reads into one
    reused buffer (no fresh pages to fault in per read, and the buffer stays in the CPU cache; not
    an mmap: the pages of a mapping count in the process's resident memory, which would grow
    with the file): memchr-speed tests and a UTF-8 check of the non-ASCII pieces only."""
    buffer = bytearray(1 << 20)
    bound = 2 * _WINDOW
    nuls = lines = 0
    ctl = long_lines = False
    last_nl = -1  # offset of the last LF seen
    offset = 0
    ends_with_lf = True
    dec = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb", buffering=0) as fh:
        while True:
            size = fh.readinto(buffer)
            if not size:
                break
            piece = buffer if size == len(buffer) else buffer[:size]
            if (offset == 0 and piece.startswith(codecs.BOM_UTF8)) or b"\r" in piece or _DELIM.encode() in piece:
                return False, 0, 0, True, True
            ctl = ctl or any(c in piece for c in (b"\t", b"\x0b", b"\x0c"))
            if count_lines:
                lines += piece.count(b"\n")
            if b"\x00" in piece:
                nuls += piece.count(b"\x00")
            if not piece.isascii() or dec.getstate()[0]:
                try:
                    dec.decode(piece)
                except UnicodeDecodeError:
                    return False, 0, 0, True, True
            if not long_lines:
                if b"\n" not in piece:
                    long_lines = offset + size - last_nl > bound
                else:
                    first, last = piece.find(b"\n"), piece.rfind(b"\n")
                    long_lines = offset + first - last_nl > bound or _has_long_lines(piece, first, last)
                    last_nl = offset + last
            offset += size
            ends_with_lf = piece[-1] == 0x0A
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, 0, 0, True, True
    if offset == 0:
        return True, 0, 0, False, False
    if not ends_with_lf:
        lines += 1
        long_lines = long_lines or offset - last_nl > bound
    return True, nuls, lines if count_lines else None, ctl, long_lines


def _open_binary(path: str) -> BinaryIO:
    """``path`` opened once for reading (stdin for ``-``), decompressed when it starts with the
    gzip magic. The magic is peeked, not read: a named pipe or ``<(zcat ...)`` can be read once only."""
    if path == "-":
        return sys.stdin.buffer
    fh = open(path, "rb")
    if fh.peek(2)[:2] == b"\x1f\x8b":
        return gzip.open(fh, "rb")  # type: ignore[return-value]
    return fh


def _chunks(fh: BinaryIO, progress: Progress) -> Iterator[bytes]:
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return
        progress.update(len(chunk))
        yield chunk


def _write_quoted(out, body: str) -> tuple[int, bool]:
    """Write complete lines ``body`` (joined by LF, no trailing LF) as one quoted CSV field each;
    return (lines written, any TAB/CR/VT/FF left in the lines)."""
    body = body.replace("\r\n", "\n")  # one CR before LF belongs to the terminator
    out.write('"' + body.replace('"', '""').replace("\n", '"\n"') + '"\n')
    ctl = "\t" in body or "\r" in body or "\x0b" in body or "\x0c" in body
    return body.count("\n") + 1, ctl


def transcode(path: str, encoding: str, dest: str, progress: Progress) -> tuple[int, int, bool, bool]:
    """Decode ``path`` (gz/stdin aware) with ``encoding`` (invalid bytes -> U+FFFD) into a fully
    quoted one-column UTF-8 CSV at ``dest``; return (NUL count, line count, has TAB/CR/VT/FF, may
    have long lines)."""
    dec = codecs.getincrementaldecoder(encoding)(errors="replace")
    carry = ""
    nuls = lines = 0
    ctl = long_lines = False
    fh = _open_binary(path)
    try:
        with open(dest, "w", encoding="utf-8", newline="") as out:
            try:
                for chunk in _chunks(fh, progress):
                    text = carry + dec.decode(chunk)
                    cut = text.rfind("\n")
                    long_lines = long_lines or _has_long_lines(text)
                    if cut < 0:
                        carry = text
                        continue
                    body, carry = text[:cut], text[cut + 1:]
                    if body.endswith("\r"):  # the CR of a CRLF split off by the cut
                        body = body[:-1]
                    nuls += body.count("\x00")
                    n, c = _write_quoted(out, body)
                    lines, ctl = lines + n, ctl or c
                text = carry + dec.decode(b"", final=True)
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                raise LoadError(f"{path}: cannot read ({exc}); check that the file is a complete text or .gz file") from None
            if text:  # last line without terminator
                long_lines = long_lines or _has_long_lines(text)
                nuls += text.count("\x00")
                n, c = _write_quoted(out, text)
                lines, ctl = lines + n, ctl or c
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    return nuls, lines, ctl, long_lines


_TEMP_DIRS: list[str] = []


def private_temp_dir(prefix: str) -> str:
    """A new directory only this user can read, removed when the process exits."""
    path = tempfile.mkdtemp(prefix=prefix)
    _TEMP_DIRS.append(path)
    return path


def remove_temp_dir(path: str) -> None:
    """Remove a directory of ``private_temp_dir`` now."""
    shutil.rmtree(path, ignore_errors=True)
    _TEMP_DIRS.remove(path)


def remove_all_temp_dirs() -> None:
    """Remove every directory of ``private_temp_dir`` (at exit, and by the CLI's signal watcher
    before it ends a process stuck in a query)."""
    for d in list(_TEMP_DIRS):
        shutil.rmtree(d, ignore_errors=True)
    _TEMP_DIRS.clear()


atexit.register(remove_all_temp_dirs)


def plain_file(path: str) -> bool:
    """A regular file that is not gzip: DuckDB may read it directly, and reading it twice (a
    pre-scan, then the query) is harmless. Pipes, FIFOs and devices are read once, by Python."""
    if path == "-":
        return False
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(2) != b"\x1f\x8b"
    except OSError:
        return False


# -- the status line of long work (issue 21) -------------------------------------------------------

TICKER_DELAY = 2.0
_active: Optional["Ticker"] = None


def bytes_read() -> Optional[int]:
    """Bytes this process has read so far (``rchar`` of /proc/self/io: DuckDB's reads included);
    None where the kernel does not say."""
    try:
        with open("/proc/self/io", "rb") as io:
            for line in io:
                if line.startswith(b"rchar:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def phase(text: str, *, reads_input: bool = False) -> None:
    """What the running command does now (shown by the active Ticker, if any). ``reads_input``:
    the reading of the log starts here; the MB read are counted from now on."""
    if _active is not None:
        _active.phase = text
        if reads_input:
            _active.reading_starts()
        _active.refresh()  # every phase shows, however short


def clear_line() -> None:
    """Erase the active Ticker's line before another message goes to stderr (it comes back at its
    next tick)."""
    if _active is not None:
        _active.clear()


def events(count: int) -> None:
    """The number of events built (shown by the active Ticker, if any)."""
    if _active is not None:
        _active.events = count
        _active.refresh()


class Ticker:
    """One status line on stderr, rewritten in place with \\r as pip and rich do, for work that runs
    longer than ``delay`` seconds: what is being done, MB read (of the inputs' ``total`` bytes),
    the events, the elapsed time. Only when ``enabled`` (the CLI: stderr is a terminal and no
    --quiet); the line is erased when the work ends (``stop``, or leaving the ``with`` block)."""

    def __init__(self, enabled: bool, total: Optional[int] = None, *, delay: Optional[float] = None,
                 interval: float = 0.25, stream: Optional[TextIO] = None) -> None:
        if delay is None:
            try:  # LSNRMINE_PROGRESS_DELAY: seconds before the line shows (tests use 0)
                delay = max(0.0, float(os.environ.get("LSNRMINE_PROGRESS_DELAY", TICKER_DELAY)))
            except ValueError:
                delay = TICKER_DELAY
        self.enabled = enabled
        self.total = total
        self.phase = "starting"
        self.events: Optional[int] = None
        self._delay, self._interval = delay, interval
        self._stream = stream
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._width = 0
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._read0: Optional[int] = None

    def __enter__(self) -> "Ticker":
        global _active
        _active = self
        if self.enabled:
            self._start = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="lsnrmine-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        global _active
        if _active is self:
            _active = None
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
            self.clear()

    def refresh(self) -> None:
        """Draw the line now (once the delay has passed and while the ticker runs)."""
        if self._thread is not None and time.monotonic() - self._start >= self._delay:
            with self._lock:
                if not self._stop.is_set():
                    self._draw()

    def _draw(self) -> None:
        text = self.line()
        self._write("\r" + text + " " * max(0, self._width - len(text)))
        self._width = len(text)

    def reading_starts(self) -> None:
        self._read0 = bytes_read()

    def clear(self) -> None:
        with self._lock:
            if self._width:
                self._write("\r" + " " * self._width + "\r")
                self._width = 0

    def line(self) -> str:
        parts = [self.phase]
        read, now = bytes_read(), time.monotonic()
        if read is not None and self._read0 is not None:
            done = f"{(read - self._read0) / 1048576:,.1f} MB read"
            parts.append(done + (f" (inputs {self.total / 1048576:,.1f} MB)" if self.total else ""))
        if self.events is not None:
            parts.append(f"{self.events:,} events")
        parts.append(f"{now - self._start:.0f} s")
        return "lsnrmine: " + " | ".join(parts)

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stderr
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            self._stop.set()  # stderr closed: no status line

    def _run(self) -> None:
        if self._stop.wait(self._delay):
            return
        while True:
            with self._lock:
                if self._stop.is_set():
                    return
                self._draw()
            if self._stop.wait(self._interval):
                return


def _head(path: str, size: int) -> Optional[bytes]:
    """The first ``size`` bytes of a regular file (of its content when gzipped); None for stdin,
    pipes and FIFOs (they can be read once only) and for a file that cannot be read."""
    try:
        if path == "-" or not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as fh:
            head = fh.read(size)
            if head[:2] == b"\x1f\x8b":
                fh.seek(0)
                with gzip.open(fh, "rb") as unzipped:
                    head = unzipped.read(size)
        return head
    except (OSError, EOFError):
        return None
