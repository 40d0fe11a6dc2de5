"""Load listener.log files into DuckDB with the semantics of the Oracle external tables.

Relations created (the names and columns of the Oracle objects):

``listener_log_lines(source VARCHAR, listener VARCHAR, host VARCHAR, line_no BIGINT, line VARCHAR)``
    One row per physical line, numbered from 1 per source, without its terminator (``\\n`` and one
    ``\\r`` before it, as RECORDS DELIMITED BY DETECTED NEWLINE). Nothing is dropped; an empty line
    is NULL (Oracle: '' is NULL); lines longer than Oracle's VARCHAR2(4000) are kept whole.
    ``source`` is the path as given (unique: a file named twice is loaded once); ``listener`` and
    ``host`` label every line of a file: from its ADR path, else the header the listener wrote
    into it, else ``default_listener`` and NULL (reading.file_labels).

``listener_log(log_date TIMESTAMP, connect_string, protocol_info, action, service_name,
return_code VARCHAR)``
    The article's external table: ``FIELDS TERMINATED BY '*' LRTRIM MISSING FIELD VALUES ARE NULL``,
    every field CHAR(4000), REJECT LIMIT UNLIMITED (docs/oracle-facts.md, "Offline loader"):
    - split on every ``*`` (a ``*`` inside a connect string shifts the fields); fields 7+ ignored;
      missing fields NULL (a 4-field line puts its return code into ``action``);
    - LRTRIM removes space, tab, LF, CR, VT and FF at both ends; a field empty after trimming is NULL;
    - ``log_date`` = TO_DATE(field 1, 'DD-MON-YYYY HH24:MI:SS') in the date language (dates.py);
      a non-NULL field 1 that does not convert rejects the row (counted, not loaded);
    - a field 1-6 longer than 4000 bytes rejects the row (CHAR(4000));
    - a blank line (or a line of blanks or ``*`` only) is an all-NULL row; queries that must skip
      them filter ``log_date IS NOT NULL``.
    Exactly the six columns (a DBA's ``select *`` matches); rows in file order.

``listener_log_src`` (view): source, line_no, the six columns and ``reject_reason`` (NULL for loaded
    rows, ``'date'`` or ``'field too long'``) for every line; for joins back to the raw lines.

Two modes (``load_logs``): tables (a snapshot) and ``stream=True`` (views straight over the files,
for one query on listener_log alone).

Reading (engine.reading): clean UTF-8 regular files (valid UTF-8, no CR, no 0x01 byte) are read by DuckDB's CSV
reader directly, one column per whole line (delimiter 0x01, no quote, no escape), ``WITH
ORDINALITY`` for the line numbers. Anything else (other encodings, invalid UTF-8 -> U+FFFD, CRLF /
lone CR, 0x01 bytes, ``.gz``, stdin, pipes and FIFOs, which are read once) is transcoded in Python
in chunks (memory flat) into a temporary one-column CSV file that DuckDB reads the same way. NUL
bytes are kept (counted in ``FileStats.nul_bytes``). Temporary files behind views live until the
process exits.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import duckdb

from ..identifiers import sql_string as _sql_str
from . import dates
from .reading import (MAX_LINE, LoadError, Progress, check_text, file_labels, is_utf8, plain_file,
                      private_temp_dir, remove_temp_dir, resolve_paths, scan_clean_utf8, transcode)

__all__ = ["FileStats", "LoadError", "LoadStats", "RejectCounter", "load_logs", "lrtrim_sql", "resolve_paths", "stream_select", "MAX_FIELD_BYTES"]

MAX_FIELD_BYTES = 4000
_TRIM_CHARS = " \t\n\r\x0b\x0c"
_COLUMNS = ("connect_string", "protocol_info", "action", "service_name", "return_code")


@dataclass
class FileStats:
    """Counts for one source (``lines`` is None until counted)."""

    source: str
    #: the listener and host of every line of the source (reading.file_labels, else the default)
    listener: Optional[str] = None
    host: Optional[str] = None
    lines: Optional[int] = None
    loaded: Optional[int] = None
    rejected: Optional[int] = None
    #: of ``rejected``: the lines rejected for a field over MAX_FIELD_BYTES (not for their date)
    too_long: int = 0
    nul_bytes: int = 0
    transcoded: bool = False
    #: False when the source holds no TAB/CR/VT/FF at all: LRTRIM then removes blanks only
    control_chars: bool = True
    #: True when a line may be longer than reading.MAX_LINE allows: DuckDB must then read with an
    #: unbounded max_line_size, which makes its CSV scan single-threaded
    long_lines: bool = True
    #: the file DuckDB reads for this source: the log itself, or its transcoded copy
    reader_path: Optional[str] = None


@dataclass
class LoadStats:
    """Per-file and total counts of one ``load_logs`` call."""

    files: list[FileStats] = field(default_factory=list)
    #: stream=True: (source, reader SQL, control_chars) per file and the date language, for
    #: ``stream_select`` (a query-specific listener_log)
    stream_readers: list[tuple[str, str, bool]] = field(default_factory=list, repr=False)
    language: str = "AMERICAN"

    @property
    def sources(self) -> list[str]:
        return [f.source for f in self.files]

    def _sum(self, name: str) -> Optional[int]:
        values = [getattr(f, name) for f in self.files]
        return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]

    @property
    def lines(self) -> Optional[int]:
        return self._sum("lines")

    @property
    def loaded(self) -> Optional[int]:
        return self._sum("loaded")

    @property
    def rejected(self) -> Optional[int]:
        return self._sum("rejected")

    @property
    def nul_bytes(self) -> int:
        return sum(f.nul_bytes for f in self.files)

    @property
    def too_long(self) -> int:
        return sum(f.too_long for f in self.files)


# --------------------------------------------------------------------------------------------
# DuckDB readers


def _read_csv_sql(path: str, quoted: bool, long_lines: bool = True) -> str:
    quote = "'\"'" if quoted else "''"
    # DuckDB scans a CSV file in parallel only when max_line_size is bounded (its buffers must
    # hold a whole line), and its buffers grow with max_line_size: bounded (and 16 MiB buffers,
    # memory flat) unless the file may have very long lines
    limits = ("max_line_size=2147483647" if long_lines
              else f"max_line_size={MAX_LINE}, buffer_size={2 * MAX_LINE}")
    return (
        f"read_csv({_sql_str(path)}, columns={{'line': 'VARCHAR'}}, delim=E'\\x01', quote={quote}, "
        f"escape={quote}, header=false, auto_detect=false, strict_mode=false, "
        f"new_line='\\n', {limits}, encoding='utf-8')"
    )


def quiet_progress(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's progress bar off on ``con``; no SET when it is off already (an engine whose
    configuration is locked refuses every SET, even of the same value)."""
    if con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]:
        con.execute("SET enable_progress_bar = false")


def duckdb_error_text(exc: BaseException) -> str:
    """The first line of a DuckDB error; for an out-of-memory error, with what to change."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, duckdb.OutOfMemoryException):
        line += "; give the embedded engine more memory: --memory-limit or setting engine_memory_limit"
    return line


# --------------------------------------------------------------------------------------------
# SQL


def _trim_chars(control_chars: bool) -> str:
    """The characters LRTRIM removes that can occur in the source: all six when it holds a
    TAB/CR/VT/FF, else the blank alone (LF never occurs inside a line)."""
    return _TRIM_CHARS if control_chars else " "


def _blank_trim_sql(col: str) -> str:
    """``trim(col, ' ')`` (leading and trailing blanks, U+0020 only) at about a third of the cost:
    DuckDB's trim decodes every character of the string to find the last non-blank, while fields
    split on ``*`` usually carry exactly one blank at each end, which ``starts_with``/``ends_with``
    (constant time) detect and one ``substr`` removes; only other shapes pay for ltrim/rtrim.
    ``col`` is repeated: a column. (Plain ``trim(x)`` is not LRTRIM: it also removes Unicode
    spaces such as U+00A0.)"""
    return (f"CASE WHEN starts_with({col}, ' ') THEN CASE "
            f"WHEN strlen({col}) = 1 THEN '' "
            f"WHEN starts_with({col}, '  ') THEN rtrim(ltrim({col}, ' '), ' ') "
            f"WHEN ends_with({col}, '  ') THEN rtrim(substr({col}, 2), ' ') "
            f"WHEN ends_with({col}, ' ') THEN substr({col}, 2, length({col}) - 2) "
            f"ELSE substr({col}, 2) END "
            f"WHEN ends_with({col}, '  ') THEN rtrim({col}, ' ') "
            f"WHEN ends_with({col}, ' ') THEN substr({col}, 1, length({col}) - 1) "
            f"ELSE {col} END")


def _fields_sql(src: str, language: str, control_chars: bool = True, raw: bool = False) -> str:
    """SELECT over ``src`` (source, line_no, line) giving listener_log_src's columns (``raw``: also
    ``raw_<column>``, the text columns' fields before LRTRIM, see ``stream_select``).
    ``control_chars=False`` (the source has no TAB/CR/VT/FF): only blanks can be trimmed, by the
    cheaper ``_blank_trim_sql``."""
    chars = _sql_str(_trim_chars(control_chars))
    keep = "source, line_no, line, f"
    fields = ", ".join(f"f[{i}] AS g{i}" for i in range(1, 7))
    trims = ",\n".join(f"  {f'trim(g{i}, {chars})' if control_chars else _blank_trim_sql(f'g{i}')} AS r{i}"
                       for i in range(1, 7))
    # trim, then nullif in the next stage: nullif(x, '') evaluates x twice in DuckDB
    nulls = ", ".join(f"nullif(r{i}, '') AS c{i}" for i in range(1, 7))
    # from the raw fields f (not c1..c6): a query needing only some columns then skips the trims
    # of the others (projection pushdown); runs only for lines longer than 4000 bytes
    too_long = " OR ".join(f"strlen(trim(f[{i}], {chars})) > {MAX_FIELD_BYTES}" for i in range(1, 7))
    stages = _date_stages("t", language)
    raw_columns = "".join(f", f[{i}] AS raw_{name}" for i, name in enumerate(_COLUMNS, start=2)) if raw else ""
    # Staged CTEs: every expression runs once per row (a macro/CTE reference would repeat it).
    return f"""
WITH s AS (SELECT source, line_no, line, string_split(line, '*') AS f FROM {src}),
g AS (SELECT {keep}, {fields} FROM s),
r AS (SELECT {keep},
{trims}
  FROM g),
t AS (SELECT source, line_no, line, f, {nulls} FROM r),
{stages}
SELECT source, line_no, log_date,
  c2 AS connect_string, c3 AS protocol_info, c4 AS action, c5 AS service_name, c6 AS return_code,
  CASE WHEN c1 IS NOT NULL AND log_date IS NULL THEN 'date'
       WHEN strlen(line) > {MAX_FIELD_BYTES} AND ({too_long}) THEN 'field too long'
  END AS reject_reason{raw_columns}
FROM d"""


def _date_stages(prev: str, language: str) -> str:
    """CTEs (text after ``WITH ...,``) over CTE ``prev`` (with a column c1) ending in CTE ``d``
    that adds ``log_date``: TO_DATE(c1, 'DD-MON-YYYY HH24:MI:SS') in ``language``, NULL when c1
    is NULL or does not convert."""
    ints = dates.date_ints_sql("dp", language)
    int_cols = ", ".join(f"{v} AS dt_{k}" for k, v in ints.items())
    slow = dates.date_from_ints_sql("dt_")
    parts = dates.date_parts_sql("c1", language)
    if dates.normalize_language(language) == "AMERICAN":
        # strptime takes the usual exact form (everything it accepts Oracle accepts; year 0 parses
        # as 1 BC in DuckDB, Oracle rejects it: ORA-01841); the regexp path runs only for the rest.
        # Plain staged columns, no lambda: a lambda per row costs more than the strptime.
        stages = (f"p0 AS (SELECT *, try_strptime(c1, '%d-%b-%Y %H:%M:%S') AS fast_raw FROM {prev}),\n"
                  f"p1 AS (SELECT *, CASE WHEN fast_raw >= TIMESTAMP '0001-01-01' THEN fast_raw END "
                  f"AS fast_date FROM p0),\n"
                  f"p AS (SELECT *, CASE WHEN c1 IS NOT NULL AND fast_date IS NULL THEN {parts} END "
                  f"AS dp FROM p1),\n"
                  f"i AS (SELECT *, {int_cols} FROM p),\n"
                  f"d AS (SELECT *, coalesce(fast_date, {slow}) AS log_date FROM i)")
    else:
        stages = (f"p AS (SELECT *, {parts} AS dp FROM {prev}),\n"
                  f"i AS (SELECT *, {int_cols} FROM p),\n"
                  f"d AS (SELECT *, {slow} AS log_date FROM i)")
    return stages


def _line_counts_sql(src: str, language: str, control_chars: bool = True) -> str:
    """SELECT (lines, rejected, too_long) of ``src`` (a relation with column ``line``): every line,
    the lines listener_log rejects by the rules of ``_fields_sql``'s reject_reason and, of those,
    the ones rejected for a field over 4000 bytes (reason 'field too long'), computed from
    field 1 only (the date) plus, for lines longer than 4000 bytes only, the lengths of fields 1-6.
    Cheaper than the full split; ``_line_counts`` runs it only on the lines ``_line_classes_sql``
    cannot decide (or on every line for a language without an exact date form)."""
    trim_args = f", {_sql_str(_trim_chars(control_chars))}"
    too_long = " OR ".join(f"strlen(trim(split_part(line, '*', {i}){trim_args})) > {MAX_FIELD_BYTES}"
                           for i in range(1, 7))
    return f"""
WITH t AS (SELECT line, nullif(trim(split_part(line, '*', 1){trim_args}), '') AS c1 FROM {src}),
{_date_stages("t", language)}
SELECT count(*), count_if(CASE WHEN c1 IS NOT NULL AND log_date IS NULL THEN true
                               WHEN strlen(line) > {MAX_FIELD_BYTES} THEN ({too_long})
                               ELSE false END),
       count_if(CASE WHEN c1 IS NOT NULL AND log_date IS NULL THEN false
                     WHEN strlen(line) > {MAX_FIELD_BYTES} THEN ({too_long})
                     ELSE false END) FROM d"""


#: blanks and the other LRTRIM characters (LF never occurs inside a line)
_BLANKS_RE = r"[ \t\r\x0b\x0c]"
#: field 1 blank: c1 is NULL, the line is loaded (whichever of the LRTRIM sets applies: a source
#: holds a TAB/CR/VT/FF only when all six are trimmed, see _trim_chars)
_BLANK_FIELD1_RE = rf"^{_BLANKS_RE}*(?:\*|$)"
#: field 1 cannot convert: after blanks it starts neither with a digit nor with "*" (both the
#: strptime form and dates.date_regex need a digit there, the regexp after \s* only), or with
#: three digits (a day has at most two, then a separator or the month name; ISO timestamps of
#: 12c+ headers, 2019-08-28T14:49:33, are rejected this way)
_NO_DATE_RE = rf"^{_BLANKS_RE}*(?:[^ \t\r\x0b\x0c*0-9]|[0-9]{{3}})"


def _line_class_sql(exact: str) -> str:
    """CASE giving a line's class without converting anything: 0 loaded, 1 rejected, 2 unsure.
    One DFA match decides almost every line: it starts with an exact valid date (``exact``,
    dates.exact_date_prefix_regex) or its field 1 is blank: loaded; its field 1 cannot be a date
    (``_NO_DATE_RE``): rejected; the others (lenient date forms, lines over 4000 bytes) are unsure:
    ``_line_counts`` converts those only. An empty line (NULL) is an all-NULL row, loaded."""
    return (f"CASE WHEN line IS NULL THEN 0 "
            f"WHEN strlen(line) > {MAX_FIELD_BYTES} THEN 2 "
            f"WHEN regexp_matches(line, {_sql_str(exact)}) THEN 0 "
            f"WHEN regexp_matches(line, {_sql_str(_BLANK_FIELD1_RE)}) THEN 0 "
            f"WHEN regexp_matches(line, {_sql_str(_NO_DATE_RE)}) THEN 1 "
            f"ELSE 2 END")


def _line_classes_sql(src: str, exact: str) -> str:
    """SELECT (lines, rejected, unsure) of ``src`` (``_line_class_sql`` of every line)."""
    return f"SELECT count(*), count_if(k = 1), count_if(k = 2) FROM (SELECT {_line_class_sql(exact)} AS k FROM {src})"


def _unsure_lines_sql(src: str, exact: str) -> str:
    """The lines of ``src`` that ``_line_classes_sql`` counts as unsure."""
    return f"(SELECT line FROM {src} WHERE {_line_class_sql(exact)} = 2)"


_LISTENER_LOG_SELECT = (
    "SELECT log_date, connect_string, protocol_info, action, service_name, return_code "
    "FROM listener_log_src WHERE reject_reason IS NULL"
)


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("listener_log", "listener_log_src", "listener_log_lines"):
        for kind in ("VIEW", "TABLE"):
            try:
                con.execute(f"DROP {kind} IF EXISTS {name}")
            except duckdb.CatalogException:
                pass  # exists as the other kind


def load_logs(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str],
    *,
    encoding: str = "utf-8",
    date_language: str = "AMERICAN",
    progress: Optional[bool] = None,
    stream: bool = False,
    reject_counter: Optional[RejectCounter] = None,
    default_listener: Optional[str] = None,
) -> LoadStats:
    """(Re)create listener_log_lines, listener_log_src and listener_log in ``con`` from ``paths``
    (files, ``.gz``, globs expanded sorted, ``-`` = stdin).

    ``progress``: None = automatic (stderr is a TTY and an input is larger than 50 MB), False =
    never (quiet), True = always.
    Default: both tables materialised (a consistent snapshot, even if the listener keeps
    appending). ``stream=True``: all three are views, listener_log straight over the file readers (no line
    numbers: DuckDB scans the files in parallel and pushes projections and filters down; rows still
    in file order) and ``loaded``/``rejected`` counted by one cheap pass (field 1 only): the fastest
    mode for one query on listener_log alone (each query re-reads the files).
    ``reject_counter``: a ``RejectCounter.start`` for the same paths, encoding and date language,
    started early by the caller (stream loads use it, the others stop it; closed either way).
    ``default_listener``: the listener of a file whose path and header name none (the settings'
    listener_name).
    Raises LoadError (one line: the path and the fix) for unusable input. Side effect: DuckDB's
    own progress bar (printed to stdout) is disabled on ``con``."""
    # the reject counter (the caller's, or one started here) is closed however the load ends
    with contextlib.ExitStack() as cleanup:
        if reject_counter is not None:
            cleanup.callback(reject_counter.close)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise LoadError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8, shift_jis, cp1252, latin-1") from None
        try:
            language = dates.normalize_language(date_language)
        except ValueError as exc:
            raise LoadError(str(exc)) from None
        files = resolve_paths(paths)
        for path in files:
            check_text(path, encoding)
        # DuckDB's own progress bar prints to stdout (even when it is not a TTY) for statements over
        # 2 s: it would corrupt the query output of `lsnrmine sql`. Off for this connection; our bar
        # (stderr, TTY only) replaces it.
        quiet_progress(con)
        stats = LoadStats()
        readers: list[str] = []
        tmpdir: Optional[str] = None
        selects: list[str] = []
        # regular, uncompressed files in UTF-8: DuckDB may read them directly (after the pre-scan)
        plain = {p for p in files if plain_file(p)} if is_utf8(encoding) else set()
        background: Optional[RejectCounter] = None
        if not stream:
            if reject_counter is not None:
                reject_counter.close()  # a table load counts as it inserts: stop competing for the cores
        else:
            background = reject_counter
            if background is None and plain:
                background = RejectCounter(con.cursor(), language, [p for p in files if p in plain])
                cleanup.callback(background.close)

        def temp_csv() -> str:
            nonlocal tmpdir
            if tmpdir is None:
                tmpdir = private_temp_dir("lsnrmine-")
            return os.path.join(tmpdir, f"{len(selects)}.csv")

        try:
            for path in files:
                fs, reader = _file_reader(path, path in plain, not stream, encoding, progress, temp_csv)
                fs.listener, fs.host = file_labels(path, encoding)
                fs.listener = fs.listener or default_listener
                readers.append(reader)
                selects.append(
                    f"SELECT {_sql_str(fs.source)}::VARCHAR AS source, {_label_sql(fs.listener)} AS listener, "
                    f"{_label_sql(fs.host)} AS host, ordinality::BIGINT AS line_no, line FROM {reader} WITH ORDINALITY"
                )
                stats.files.append(fs)
            _drop(con)
            try:
                if stream:
                    _create_stream(con, stats, selects, readers, language, background)
                else:
                    _create_tables(con, stats, selects, language)
            except duckdb.InvalidInputException as exc:
                raise LoadError(
                    f"{', '.join(stats.sources)}: DuckDB could not read the input "
                    f"({duckdb_error_text(exc)}); check the file or pass --encoding"
                ) from None
            except duckdb.OutOfMemoryException as exc:
                raise LoadError(f"{', '.join(stats.sources)}: {duckdb_error_text(exc)}") from None
        finally:
            if tmpdir is not None and not stream:
                remove_temp_dir(tmpdir)
        return stats


def _file_reader(path: str, plain: bool, count_lines: bool, encoding: str, progress: Optional[bool],
                 temp_csv: Callable[[], str]) -> tuple[FileStats, str]:
    """The stats and the DuckDB reader of one input: the file itself when ``plain`` and the pre-scan
    finds it clean UTF-8, else a UTF-8 copy transcoded into ``temp_csv()``."""
    fs = FileStats(source="<stdin>" if path == "-" else path)
    size: Optional[int] = None
    if path != "-":
        size = os.path.getsize(path)
    prog = Progress(fs.source, size, progress)
    direct = False
    if plain:
        direct, fs.nul_bytes, fs.lines, fs.control_chars, fs.long_lines = scan_clean_utf8(
            path, count_lines=count_lines)
    if direct:
        fs.reader_path = os.path.abspath(path)
        reader = _read_csv_sql(fs.reader_path, quoted=False, long_lines=fs.long_lines)
        prog.message(f"loading {prog.name} ...")
    else:
        dest = temp_csv()
        fs.nul_bytes, fs.lines, fs.control_chars, fs.long_lines = transcode(path, encoding, dest, prog)
        fs.transcoded = True
        fs.reader_path = dest
        reader = _read_csv_sql(dest, quoted=True, long_lines=fs.long_lines)
    prog.close()
    return fs, reader


def _label_sql(value: Optional[str]) -> str:
    return "NULL::VARCHAR" if value is None else f"{_sql_str(value)}::VARCHAR"


def _create_lines(con: duckdb.DuckDBPyConnection, stats: LoadStats, selects: list[str], language: str,
                  kind: str) -> None:
    """listener_log_lines (a TABLE or a VIEW over the readers) and the view listener_log_src on it."""
    empty = ("SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS listener, NULL::VARCHAR AS host, "
             "NULL::BIGINT AS line_no, NULL::VARCHAR AS line WHERE false")
    union = "\nUNION ALL\n".join(selects) if selects else empty
    con.execute(f"CREATE {kind} listener_log_lines AS {union}")
    ctl = any(fs.control_chars for fs in stats.files)
    con.execute(f"CREATE VIEW listener_log_src AS {_fields_sql('listener_log_lines', language, ctl)}")


def _create_tables(con: duckdb.DuckDBPyConnection, stats: LoadStats, selects: list[str], language: str) -> None:
    """Both tables materialised; ``loaded``/``rejected`` counted as the rows are inserted."""
    _create_lines(con, stats, selects, language, "TABLE")
    con.execute(f"CREATE TABLE listener_log AS {_LISTENER_LOG_SELECT} AND false")
    # One INSERT per file: the returned row count is the file's ``loaded``; ``lines`` came from
    # the scan/transcode pass.
    for fs in stats.files:
        fs.loaded = _inserted(con, (
            "INSERT INTO listener_log SELECT log_date, connect_string, protocol_info, action, "
            f"service_name, return_code FROM ({_fields_sql('listener_log_lines', language, fs.control_chars)}) AS x "
            f"WHERE reject_reason IS NULL AND source = {_sql_str(fs.source)}"))
        fs.rejected = (fs.lines or 0) - fs.loaded
        if fs.rejected:  # which of them for a field over 4000 bytes: a scan of the long lines only
            long_lines = (f"(SELECT line FROM listener_log_lines WHERE source = {_sql_str(fs.source)} "
                          f"AND strlen(line) > {MAX_FIELD_BYTES})")
            fs.too_long = _counts_row(con, _line_counts_sql(long_lines, language, fs.control_chars))[2]


class RejectCounter:
    """The line and reject counts of a stream load's plain files, computed by DuckDB in a background
    thread while the main thread does something else: imports and translation in the CLI, then
    the pre-scan of the same files (``scan_clean_utf8``). DuckDB releases the GIL, so the passes
    share the cores instead of running one after the other.

    The counts assume what the pre-scan usually finds (clean UTF-8 read directly, lines under
    ``MAX_LINE``): ``counts(path)`` is used only for a file the pre-scan sends to the direct
    reader, and is None when DuckDB failed (the caller then counts again, with the right reader).
    The pre-scan of a stream load then skips its costliest part, counting the lines (bytes.count).
    Trimming the six LRTRIM characters is exact whether or not the file holds a TAB/VT/FF.
    ``start`` returns None when nothing can be counted ahead (bad paths: the load reports them)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, language: str, paths: Sequence[str]) -> None:
        self._con = con
        self._closed = False
        quiet_progress(self._con)
        self._counts: dict[str, Optional[tuple[int, int, int]]] = {}
        self._thread = threading.Thread(target=self._run, args=(list(paths), language), daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, paths: Sequence[str], encoding: str = "utf-8",
              date_language: str = "AMERICAN") -> Optional["RejectCounter"]:
        """Start counting ``paths`` (as given to ``load_logs``) on a connection of its own."""
        try:
            if not is_utf8(encoding):
                return None
            language = dates.normalize_language(date_language)
            files = [p for p in resolve_paths(paths) if plain_file(p)]
        except (LookupError, ValueError, LoadError, OSError):
            return None
        return cls(duckdb.connect(), language, files) if files else None

    def _run(self, paths: list[str], language: str) -> None:
        for path in paths:
            reader = _read_csv_sql(os.path.abspath(path), quoted=False, long_lines=False)
            try:
                self._counts[path] = _line_counts(self._con, reader, language)
            except duckdb.Error:  # invalid UTF-8, a line over MAX_LINE, an interrupt
                self._counts[path] = None

    def counts(self, path: str) -> Optional[tuple[int, int, int]]:
        """(lines, rejected, too_long) of ``path``; None when not counted."""
        self._thread.join()
        return self._counts.get(path)

    def close(self) -> None:
        """Stop counting (when the load no longer needs it) and release the connection; again: no-op."""
        if self._thread.is_alive():
            self._con.interrupt()
            self._thread.join()
        if not self._closed:
            self._closed = True
            self._con.close()


def _create_stream(con: duckdb.DuckDBPyConnection, stats: LoadStats, selects: list[str],
                   readers: list[str], language: str, background: Optional[RejectCounter] = None) -> None:
    """Views only; listener_log reads each file without WITH ORDINALITY (parallel scan, file
    order kept by DuckDB's preserve_insertion_order); counts from ``_line_counts`` (run in
    the background during the pre-scan for the files read directly)."""
    _create_lines(con, stats, selects, language, "VIEW")
    con.execute(f"CREATE VIEW listener_log AS {_LISTENER_LOG_SELECT}")
    stats.language = language
    for fs, reader in zip(stats.files, readers):
        stats.stream_readers.append((fs.source, reader, fs.control_chars))
        counts = None if background is None or fs.transcoded else background.counts(fs.source)
        if counts is None:
            counts = _line_counts(con, reader, language, fs.control_chars)
        fs.lines, fs.rejected, fs.too_long = counts
        fs.loaded = fs.lines - fs.rejected
    if readers:
        con.execute("CREATE OR REPLACE VIEW listener_log AS " + stream_select(stats))


def stream_select(stats: LoadStats, line_filter: Sequence[Sequence[str]] = (), raw: bool = False) -> str:
    """SELECT of listener_log's rows straight over the readers of a ``stream=True`` load; with
    ``line_filter`` (groups of literals, see engine.prefilter) only the lines that contain a
    literal of every group are split and converted: the rows of the others are left out.
    ``raw``: also ``raw_<column>`` (the field before LRTRIM: a query computing something of the
    field that trimming does not change skips the trim, see engine.pushdown) and ``raw_trim``,
    true when the file's LRTRIM removes TAB/CR/VT/FF as well as blanks (``lrtrim_sql``)."""
    if not stats.stream_readers:
        raise ValueError("stream_select needs a load_logs(stream=True) result")
    where = " AND ".join(
        "(" + " OR ".join(f"contains(line, {_sql_str(text)})" for text in group) + ")"
        for group in line_filter)
    extra = "".join(f", raw_{name}" for name in _COLUMNS) if raw else ""
    parts = []
    for source, reader, control_chars in stats.stream_readers:
        src = (f"(SELECT {_sql_str(source)}::VARCHAR AS source, NULL::BIGINT AS line_no, line "
               f"FROM {reader}{' WHERE ' + where if where else ''})")
        flag = f", {'true' if control_chars else 'false'} AS raw_trim" if raw else ""
        parts.append(f"SELECT log_date, connect_string, protocol_info, action, service_name, return_code{extra}{flag} "
                     f"FROM ({_fields_sql(src, stats.language, control_chars, raw)}) AS x WHERE reject_reason IS NULL")
    return "\nUNION ALL\n".join(parts)


def lrtrim_sql(raw: str, control_chars: str) -> str:
    """LRTRIM of ``raw`` (a ``raw_<column>`` of ``stream_select(raw=True)``), the empty result
    NULL; ``control_chars``: SQL giving the file's ``raw_trim``. ``raw`` is repeated: a column."""
    return (f"nullif(CASE WHEN {control_chars} THEN trim({raw}, {_sql_str(_TRIM_CHARS)}) "
            f"ELSE {_blank_trim_sql(raw)} END, '')")


def _line_counts(con: duckdb.DuckDBPyConnection, src: str, language: str,
                 control_chars: bool = True) -> tuple[int, int, int]:
    """(lines, rejected, too_long) of ``src`` (a relation with column ``line``): one pass classifies the
    lines (``_line_classes_sql``); a second, over the unsure lines only, converts their field 1
    (none in a usual log). Languages without an exact date form: one converting pass."""
    exact = dates.exact_date_prefix_regex(language)
    if exact is None:
        return _counts_row(con, _line_counts_sql(src, language, control_chars))
    row = con.execute(_line_classes_sql(src, exact)).fetchone()
    lines, rejected, unsure = (int(v or 0) for v in row) if row else (0, 0, 0)
    too_long = 0
    if unsure:  # lines over 4000 bytes are always unsure: the too-long rejects are counted here
        _, more, too_long = _counts_row(con, _line_counts_sql(_unsure_lines_sql(src, exact), language, control_chars))
        rejected += more
    return lines, rejected, too_long


def _counts_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, int, int]:
    row = con.execute(sql).fetchone()
    if not row:
        return 0, 0, 0
    lines, rejected, too_long = (int(v or 0) for v in row)  # count_if of no row is NULL
    return lines, rejected, too_long


def _inserted(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
