"""The DuckDB loader: ORACLE_LOADER semantics of LISTENER_LOG and the raw LISTENER_LOG_LINES.

Real files in tmp_path, a real DuckDB connection; case by case against the external table DDL
(FIELDS TERMINATED BY '*' LRTRIM MISSING FIELD VALUES ARE NULL, CHAR(4000), DATE mask
DD-MON-YYYY HH24:MI:SS, REJECT LIMIT UNLIMITED).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lsnrmine.engine.loader import LoadError, load_logs

from conftest import shared_file

D = dt.datetime
SIX = "log_date, connect_string, protocol_info, action, service_name, return_code"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    yield c
    c.close()


def write(tmp_path: Path, text: str | bytes, name: str = "listener.log") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return str(path)


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * FROM listener_log").fetchall()


def lines(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT line_no, line FROM listener_log_lines ORDER BY source, line_no").fetchall()


def load_one(con, tmp_path, text, **kw):
    return load_logs(con, [write(tmp_path, text)], **kw)


MODES = {"tables": {}, "stream": {"stream": True}}


@pytest.fixture(params=list(MODES))
def mode(request) -> dict:
    return MODES[request.param]


# ---------------------------------------------------------------- field semantics


def test_six_fields(con, tmp_path, mode):
    st = load_one(con, tmp_path,
                  "06-NOV-2005 09:00:01 * (CONNECT_DATA=(SID=x)) * (ADDRESS=(PROTOCOL=tcp)) * establish * SLC * 0\n",
                  **mode)
    assert rows(con) == [(D(2005, 11, 6, 9, 0, 1), "(CONNECT_DATA=(SID=x))", "(ADDRESS=(PROTOCOL=tcp))",
                          "establish", "SLC", "0")]
    assert (st.lines, st.loaded, st.rejected) == (1, 1, 0)
    assert [d[0] for d in con.execute("SELECT * FROM listener_log").description] == SIX.split(", ")


def test_four_fields_shift_left(con, tmp_path):
    load_one(con, tmp_path, "06-NOV-2005 13:45:06 * (CONNECT_DATA=(COMMAND=stop)) * stop * 1190\n")
    assert rows(con) == [(D(2005, 11, 6, 13, 45, 6), "(CONNECT_DATA=(COMMAND=stop))", "stop", "1190", None, None)]


def test_three_fields(con, tmp_path):
    load_one(con, tmp_path, "06-NOV-2005 14:10:20 * trc_level * 12508\n")
    assert rows(con) == [(D(2005, 11, 6, 14, 10, 20), "trc_level", "12508", None, None, None)]


def test_extra_star_shifts_and_extra_fields_ignored(con, tmp_path):
    load_one(con, tmp_path, "06-NOV-2005 09:00:01 * (CID=(PROGRAM=a*b)) * p * establish * S * 0 * extra\n")
    assert rows(con) == [(D(2005, 11, 6, 9, 0, 1), "(CID=(PROGRAM=a", "b))", "p", "establish", "S")]


def test_lrtrim_blanks_and_tabs_empty_field_null(con, tmp_path):
    load_one(con, tmp_path, "\t 06-NOV-2005 09:00:01 \t*\t a b \t*   * ping\t\n")
    assert rows(con) == [(D(2005, 11, 6, 9, 0, 1), "a b", None, "ping", None, None)]


@pytest.mark.parametrize("tab_elsewhere", [False, True], ids=["blanks-only-file", "file-with-tab"])
def test_lrtrim_any_number_of_blanks_but_not_unicode_spaces(con, tmp_path, mode, tab_elsewhere):
    # LRTRIM removes blanks (and TAB/CR/LF/VT/FF), not U+00A0 or U+3000; the same whether the
    # file holds a TAB (trim with the six characters) or not (the blank-only fast path)
    text = ("06-NOV-2005 09:00:01 *x*  a  *   b* \u00a0c\u00a0 * d \n"
            " 06-NOV-2005 09:00:02* e*f *  *\u3000\n"
            "  06-NOV-2005 09:00:03  *  *    \n")
    if tab_elsewhere:
        text += "06-NOV-2005 09:00:04 *\tg\t* h\n"
    load_one(con, tmp_path, text, **mode)
    expected = [(D(2005, 11, 6, 9, 0, 1), "x", "a", "b", "\u00a0c\u00a0", "d"),
                (D(2005, 11, 6, 9, 0, 2), "e", "f", None, "\u3000", None),
                (D(2005, 11, 6, 9, 0, 3), None, None, None, None, None)]
    if tab_elsewhere:
        expected.append((D(2005, 11, 6, 9, 0, 4), "g", "h", None, None, None))
    assert rows(con) == expected


def test_crlf_trimmed_from_last_field(con, tmp_path):
    load_one(con, tmp_path, b"06-NOV-2005 09:00:01 * ping * 0\r\n06-NOV-2005 09:00:02 * ping * 0\r\n")
    assert [r[2] for r in rows(con)] == ["0", "0"]
    assert lines(con) == [(1, "06-NOV-2005 09:00:01 * ping * 0"), (2, "06-NOV-2005 09:00:02 * ping * 0")]


def test_blank_and_star_only_lines_are_all_null_rows(con, tmp_path):
    st = load_one(con, tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n\n   \n*\n* *\n")
    assert rows(con)[1:] == [(None,) * 6] * 4
    assert (st.lines, st.loaded, st.rejected) == (5, 5, 0)
    assert lines(con) == [(1, "06-NOV-2005 09:00:01 * ping * 0"), (2, None), (3, "   "), (4, "*"), (5, "* *")]


def test_banner_header_and_error_lines_rejected_but_in_lines(con, tmp_path):
    text = ("Sat Jan 14 02:37:23 2012\n"
            "TNSLSNR for Linux: Version 19.0.0.0.0 - Production\n"
            "TIMESTAMP * CONNECT DATA [* PROTOCOL INFO] * EVENT [* SID] * RETURN CODE\n"
            "06-NOV-2005 13:45:06 * stop * 1190\n"
            "TNS-01190: The user is not authorized to execute the requested listener command\n")
    st = load_one(con, tmp_path, text)
    assert (st.lines, st.loaded, st.rejected) == (5, 1, 4)
    assert rows(con) == [(D(2005, 11, 6, 13, 45, 6), "stop", "1190", None, None, None)]
    assert [l for _, l in lines(con)] == text.splitlines()
    reasons = con.execute("SELECT line_no, reject_reason FROM listener_log_src ORDER BY line_no").fetchall()
    assert reasons == [(1, "date"), (2, "date"), (3, "date"), (4, None), (5, "date")]


@pytest.mark.parametrize("first, expected", [
    ("06-NOV-2005 13:45:06", D(2005, 11, 6, 13, 45, 6)),
    ("6-NOV-2005 13:45:06", D(2005, 11, 6, 13, 45, 6)),            # 1-digit day
    ("06-nov-2005 13:45:06", D(2005, 11, 6, 13, 45, 6)),           # lower-case month
    ("06-Nov-2005  13:45:06", D(2005, 11, 6, 13, 45, 6)),          # extra blanks
    ("06 - NOV - 2005 13:45:06", D(2005, 11, 6, 13, 45, 6)),
    ("06/NOV/2005 13:45:06", D(2005, 11, 6, 13, 45, 6)),           # other punctuation
    ("06-NOVEMBER-2005 13:45:06", D(2005, 11, 6, 13, 45, 6)),      # MON falls back to MONTH
    ("06-NOV-2005", D(2005, 11, 6)),                               # trailing time omitted
    ("29-FEB-2004 00:00:00", D(2004, 2, 29)),
    ("31-FEB-2005 01:00:00", None),                                # impossible -> rejected
    ("29-FEB-2005 01:00:00", None),
    ("06-NOV-2005 24:00:00", None),
    ("06-NOV-2005 13:60:00", None),
    ("06-NOV-0000 13:45:06", None),                                # year 0
    ("06-XYZ-2005 13:45:06", None),
    ("106-NOV-2005 13:45:06", None),
    ("06-NOV-2005 13:45:06 x", None),
])
def test_date_conversion(con, tmp_path, first, expected):
    st = load_one(con, tmp_path, f"{first} * ping * 0\n")
    if expected is None:
        assert (st.loaded, st.rejected) == (0, 1)
        assert rows(con) == []
    else:
        assert rows(con) == [(expected, "ping", "0", None, None, None)]


@pytest.mark.parametrize("language, first, expected", [
    ("JAPANESE", "14-1月 -2012 02:39:08", D(2012, 1, 14, 2, 39, 8)),
    ("JAPANESE", "14-12月-2012 02:39:08", D(2012, 12, 14, 2, 39, 8)),
    ("JAPANESE", "14-JAN-2012 02:39:08", None),
    ("ENGLISH", "14-JAN-2012 02:39:08", D(2012, 1, 14, 2, 39, 8)),
    ("GERMAN", "14-MÄR-2012 02:39:08", D(2012, 3, 14, 2, 39, 8)),
    ("GERMAN", "14-mär-2012 02:39:08", D(2012, 3, 14, 2, 39, 8)),
    ("GERMAN", "14-DEZ-2012 02:39:08", D(2012, 12, 14, 2, 39, 8)),
    ("FRENCH", "14-FÉVR.-2012 02:39:08", D(2012, 2, 14, 2, 39, 8)),
    ("SPANISH", "14-ENE-2012 02:39:08", D(2012, 1, 14, 2, 39, 8)),
    ("ITALIAN", "14-GIU-2012 02:39:08", D(2012, 6, 14, 2, 39, 8)),
    ("ITALIAN", "31-GIU-2012 02:39:08", None),
])
def test_date_languages(con, tmp_path, language, first, expected):
    load_one(con, tmp_path, f"{first} * service_update * xe * 0\n", date_language=language)
    assert [r[0] for r in rows(con)] == ([] if expected is None else [expected])


def test_unknown_date_language(con, tmp_path):
    with pytest.raises(LoadError, match="unsupported date language"):
        load_one(con, tmp_path, "x\n", date_language="KLINGON")


def test_field_longer_than_4000_bytes_rejected(con, tmp_path):
    ok = "é" * 2000                      # 2000 characters, 4000 bytes: fits CHAR(4000) bytes
    too_long = "é" * 2000 + "x"          # 4001 bytes
    st = load_one(con, tmp_path, f"06-NOV-2005 09:00:01 * {ok} * 0\n06-NOV-2005 09:00:02 * {too_long} * 0\n")
    assert (st.loaded, st.rejected) == (1, 1)
    assert rows(con)[0][1] == ok
    assert con.execute("SELECT reject_reason FROM listener_log_src WHERE line_no = 2").fetchone() == ("field too long",)


def test_100kb_line_kept_in_lines_rejected_from_log(con, tmp_path):
    big = "06-NOV-2005 09:00:01 * (X=" + "a" * 100_000 + ") * 0"
    st = load_one(con, tmp_path, big + "\n06-NOV-2005 09:00:02 * ping * 0\n")
    assert (st.lines, st.loaded, st.rejected) == (2, 1, 1)
    assert lines(con)[0] == (1, big)


def test_nul_byte_kept_and_counted(con, tmp_path):
    st = load_one(con, tmp_path, b"06-NOV-2005 09:00:01 * a\x00b * 0\n\x00\n")
    assert st.nul_bytes == 2
    assert rows(con)[0][1] == "a\x00b"
    assert lines(con)[1] == (2, "\x00")


def test_invalid_utf8_replaced(con, tmp_path):
    st = load_one(con, tmp_path, b"06-NOV-2005 09:00:01 * caf\xe9 * 0\n06-NOV-2005 09:00:02 * ok * 0\n")
    assert st.files[0].transcoded
    assert [r[1] for r in rows(con)] == ["caf\ufffd", "ok"]


def test_lone_cr_and_0x01_stay_in_the_line(con, tmp_path):
    load_one(con, tmp_path, b"06-NOV-2005 09:00:01 * a\rb * c\x01d\n")
    assert lines(con) == [(1, "06-NOV-2005 09:00:01 * a\rb * c\x01d")]
    assert rows(con)[0][1:3] == ("a\rb", "c\x01d")


def test_quotes_and_backslashes_untouched(con, tmp_path, mode):
    text = 'x "quoted, with comma" \'single\' back\\slash ""\n'
    load_one(con, tmp_path, text, **mode)
    assert lines(con) == [(1, text[:-1])]


def test_last_line_without_terminator(con, tmp_path):
    st = load_one(con, tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n06-NOV-2005 09:00:02 * ping * 0")
    assert st.lines == 2 and len(rows(con)) == 2


def test_empty_file(con, tmp_path, mode):
    st = load_one(con, tmp_path, b"", **mode)
    assert rows(con) == [] and lines(con) == []
    assert st.lines == 0
    assert (st.loaded, st.rejected) == (0, 0)


def test_bom_file(con, tmp_path):
    load_one(con, tmp_path, b"\xef\xbb\xbf06-NOV-2005 09:00:01 * ping * 0\n")
    assert lines(con)[0][1].startswith("\ufeff")  # kept like any character


# ---------------------------------------------------------------- inputs and errors


def test_missing_file(con, tmp_path):
    with pytest.raises(LoadError, match=r"nope\.log: no such file"):
        load_logs(con, [str(tmp_path / "nope.log")])


def test_directory(con, tmp_path):
    with pytest.raises(LoadError, match="is a directory"):
        load_logs(con, [str(tmp_path)])


def test_glob_matching_nothing(con, tmp_path):
    with pytest.raises(LoadError, match="matches no file"):
        load_logs(con, [str(tmp_path / "*.log")])


def test_unknown_encoding(con, tmp_path):
    with pytest.raises(LoadError, match="unknown encoding"):
        load_logs(con, [write(tmp_path, "x\n")], encoding="no-such-codec")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable(con, tmp_path):
    path = write(tmp_path, "x\n")
    os.chmod(path, 0)
    with pytest.raises(LoadError, match="not readable"):
        load_logs(con, [path])


def test_gz(con, tmp_path):
    path = tmp_path / "listener.log.gz"
    path.write_bytes(gzip.compress(b"06-NOV-2005 09:00:01 * ping * 0\nbanner\n"))
    st = load_logs(con, [str(path)])
    assert (st.lines, st.loaded, st.rejected) == (2, 1, 1)


def test_glob_sorted_multiple_sources(con, tmp_path):
    b = write(tmp_path, "06-NOV-2005 09:00:03 * ping * 0\nbanner\n", "listener_2.log")
    a = write(tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n06-NOV-2005 09:00:02 * ping * 0\n", "listener_1.log")
    st = load_logs(con, [str(tmp_path / "listener_*.log")])
    assert st.sources == [a, b]
    assert [(f.lines, f.loaded, f.rejected) for f in st.files] == [(2, 2, 0), (2, 1, 1)]
    assert (st.lines, st.loaded, st.rejected) == (4, 3, 1)
    got = con.execute("SELECT source, line_no FROM listener_log_lines ORDER BY source, line_no").fetchall()
    assert got == [(a, 1), (a, 2), (b, 1), (b, 2)]
    assert [r[0].second for r in rows(con)] == [1, 2, 3]


def test_mixed_direct_and_transcoded_sources_every_mode(con, tmp_path, mode):
    a = write(tmp_path, "06-NOV-2005 09:00:01 * ping * 0\nbanner\n", "a.log")
    b = write(tmp_path, b"06-NOV-2005 09:00:02 * \tping\t * 0\r\nbanner\r\n", "b.log")
    st = load_logs(con, [a, b], **mode)
    assert [f.transcoded for f in st.files] == [False, True]
    assert [r[1] for r in rows(con)] == ["ping", "ping"]
    assert con.execute("SELECT source, line_no, line FROM listener_log_lines ORDER BY source, line_no").fetchall() == [
        (a, 1, "06-NOV-2005 09:00:01 * ping * 0"), (a, 2, "banner"),
        (b, 1, "06-NOV-2005 09:00:02 * \tping\t * 0"), (b, 2, "banner")]
    assert [(f.lines, f.loaded, f.rejected) for f in st.files] == [(2, 1, 1), (2, 1, 1)]


def test_same_file_twice_loaded_once(con, tmp_path):
    a = write(tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n", "a.log")
    st = load_logs(con, [a, str(tmp_path / "*.log"), str(tmp_path / "." / "a.log")])
    assert st.sources == [a] and len(rows(con)) == 1


def test_duckdb_progress_bar_disabled(con, tmp_path):
    """DuckDB prints its bar to stdout for long statements: it must not mix into query output."""
    load_one(con, tmp_path, "x\n")
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)


def test_reload_replaces_tables(con, tmp_path):
    load_one(con, tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n")
    load_logs(con, [write(tmp_path, "banner\n", "other.log")], stream=True)
    assert rows(con) == []
    load_logs(con, [write(tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n", "third.log")])
    assert len(rows(con)) == 1


def test_stdin(tmp_path):
    code = (
        "import json, sys, duckdb\n"
        "from lsnrmine.engine.loader import load_logs\n"
        "con = duckdb.connect()\n"
        "st = load_logs(con, ['-'])\n"
        "print(json.dumps([st.sources, st.lines, st.loaded, st.rejected,\n"
        "  con.execute('SELECT action FROM listener_log').fetchall()]))\n"
    )
    data = b"06-NOV-2005 09:00:01 * ping * 0\r\nbanner\r\n"
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True)
    assert json.loads(out.stdout) == [["<stdin>"], 2, 1, 1, [[None]]]


# ---------------------------------------------------------------- order and encodings


@pytest.mark.parametrize("crlf", [False, True], ids=["direct", "transcoded"])
def test_line_numbers_in_file_order_large_file(con, tmp_path, crlf):
    """~45 MB: several CSV buffers read in parallel; line_no must follow the file."""
    n = 600_000
    eol = "\r\n" if crlf else "\n"
    pad = "x" * 60
    path = tmp_path / "big.log"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, n, 50_000):
            fh.write("".join(f"{i} * {pad}{eol}" for i in range(start + 1, start + 50_001)))
    st = load_logs(con, [str(path)])
    assert st.files[0].transcoded is crlf
    assert st.lines == n and st.rejected == n
    bad = con.execute(
        "SELECT count(*) FROM listener_log_lines WHERE line_no <> split_part(line, ' ', 1)::BIGINT"
    ).fetchone()[0]
    assert bad == 0
    # and the physical order of the rows is file order too (no ORDER BY)
    first = [r[0] for r in con.execute("SELECT line_no FROM listener_log_lines LIMIT 200000").fetchall()]
    assert first == list(range(1, 200_001))


def test_listener_log_rows_in_file_order(con, tmp_path):
    text = "".join(f"06-NOV-2005 09:{i // 60:02d}:{i % 60:02d} * ping * {i}\n" for i in range(3000))
    load_one(con, tmp_path, text)
    assert [int(r[2]) for r in rows(con)] == list(range(3000))


def test_shift_jis_sample_equals_utf8_sample(con):
    utf8 = shared_file("samples/clogs/listener.log")
    sjis = shared_file("samples/clogs/listener.sjis.log")
    st_u = load_logs(con, [str(utf8)], date_language="JAPANESE")
    lines_u, rows_u = lines(con), rows(con)
    st_s = load_logs(con, [str(sjis)], encoding="shift_jis", date_language="JAPANESE")
    assert lines(con) == lines_u
    assert rows(con) == rows_u
    assert (st_u.lines, st_u.loaded, st_u.rejected) == (st_s.lines, st_s.loaded, st_s.rejected) == (24, 8, 16)
    dated = [r for r in rows_u if r[0] is not None]
    assert dated[0] == (D(2012, 1, 14, 2, 39, 8), "service_register", "xe", "0", None, None)
    assert len(dated) == 6  # plus 2 all-NULL rows for the 2 blank lines


def test_stream_mode_equals_tables_mode(tmp_path):
    """stream=True (listener_log a view straight over the reader, counts from the field-1 pass)
    loads the same rows and counts the same rejects as the materialised tables, case by case."""
    text = ("06-NOV-2005 09:00:01 * (CONNECT_DATA=(SID=x)) * (ADDRESS=(PROTOCOL=tcp)) * establish * SLC * 0\n"
            "6-NOV-2005 09:00:02 * ping * 0\n"             # lenient forms: regexp path
            "06-nov-2005 09:00:03 * ping * 0\n"
            "06-NOVEMBER-2005 09:00:04 * ping * 0\n"
            "06-NOV-2005 * ping * 0\n"
            "29-FEB-2004 00:00:00 * ping * 0\n"            # leap day: not in the exact prefix regexp
            "29-FEB-2005 00:00:00 * ping * 0\n"            # rejected
            "31-APR-2005 00:00:00 * ping * 0\n"            # rejected
            "06-NOV-0000 13:45:06 * ping * 0\n"            # rejected
            "06-NOV-2005 24:00:00 * ping * 0\n"            # rejected
            "06-NOV-2005 13:45:06 x * ping * 0\n"          # rejected
            "06-NOV-2005 13:45:06\n"                       # one field, no *
            "06-NOV-2005 13:45:06*a*b*c*d*e*f*g\n"
            "\t06-NOV-2005 09:00:05\t*\t a b \t*   * ping\t\n"
            f"06-NOV-2005 09:00:06 * {'x' * 4001} * 0\n"    # field too long: rejected
            f"06-NOV-2005 09:00:07 * {'x' * 3000} * {'y' * 3000} * 0\n"
            "\n   \n*\n* *\n"
            "TNS-12514: TNS:listener does not currently know of service\n"
            "Sat Jan 14 02:37:23 2012\n")
    path = write(tmp_path, text)
    a, b = duckdb.connect(), duckdb.connect()
    st_a = load_logs(a, [path])
    st_b = load_logs(b, [path], stream=True)
    assert (st_b.lines, st_b.loaded, st_b.rejected) == (st_a.lines, st_a.loaded, st_a.rejected) == (22, 14, 8)
    assert rows(b) == rows(a)
    assert lines(b) == lines(a)
    assert b.execute("SELECT count(*) FROM listener_log_src WHERE reject_reason IS NULL").fetchone() == (14,)


@pytest.mark.parametrize("data", [
    b"06-NOV-2005 09:00:01 * ping * 0\r\nbanner\r\n",           # CRLF: transcoded, counted again
    b"06-NOV-2005 09:00:01 * p\xff * 0\nbanner\n",             # invalid UTF-8: DuckDB fails, recounted
    b"\xef\xbb\xbf06-NOV-2005 09:00:01 * ping * 0\nx\n",     # BOM: transcoded
    b"06-NOV-2005 09:00:01 *\tping\t* 0\nbanner\n\n",         # TAB: direct, the six-character trim
    b"06-NOV-2005 09:00:01 * a\x01b * 0\n29-FEB-2005 00:00:00 * x\n",  # 0x01: transcoded
    b"",
])
def test_reject_counter_started_early_gives_the_table_counts(tmp_path, data):
    """The CLI starts RejectCounter before the engine exists (it assumes a clean file read
    directly); whatever the pre-scan then finds, the stream load's counts are the table load's."""
    from lsnrmine.engine.loader import RejectCounter

    path = write(tmp_path, data)
    a, b = duckdb.connect(), duckdb.connect()
    st_a = load_logs(a, [path])
    counter = RejectCounter.start([path])
    st_b = load_logs(b, [path], stream=True, reject_counter=counter)
    assert (st_b.lines, st_b.loaded, st_b.rejected, st_b.nul_bytes) == (st_a.lines, st_a.loaded, st_a.rejected, st_a.nul_bytes)
    assert rows(b) == rows(a)


# pieces of field 1 that sit on both sides of every class of _line_classes_sql: blanks and other
# whitespace, signs, one to four digits, an ISO timestamp, lenient and exact date forms, NBSP
_FIELD1_PIECES = ["", " ", "  ", "\t", "\x0b", "\x0c", "\u00a0", "+", "-", "0", "6", "06", "29", "31",
                  "123", "2019-08-28T14:49:33.385843+02:00", "-NOV-2005", "-nov-2005", "-FEB-2004",
                  "-FEB-2005", " NOV 2005", "-NOVEMBER-2005", " 13:45:06", " 24:00:00", ":07", "x",
                  "TNS-12514:", "Sat Jan 14 02:37:23 2012", "*", "**"]
_REST = ["", " * ping * 0", "*x", " * (CONNECT_DATA=(SID=x)) * establish * 0", "\t*\t"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(st.sampled_from(_FIELD1_PIECES), max_size=5), st.sampled_from(_REST)),
                min_size=1, max_size=12))
def test_stream_counts_equal_table_counts_on_random_lines(tmp_path, parts):
    """The stream load's cheap count (one DFA per line decides it: loaded, rejected, or unsure and
    converted in a second pass) counts the rejects of the full conversion of the table load."""
    text = "".join("".join(pieces) + rest + "\n" for pieces, rest in parts)
    path = write(tmp_path, text, name=f"l{abs(hash(text))}.log")
    a, b = duckdb.connect(), duckdb.connect()
    st_a = load_logs(a, [path])
    st_b = load_logs(b, [path], stream=True)
    assert (st_b.lines, st_b.rejected) == (st_a.lines, st_a.rejected)


@pytest.mark.parametrize("path", ["installer/samples/listener.log", "tests/fixtures/article.log",
                                  "tests/fixtures/reports.log"])
def test_usual_logs_are_counted_in_one_pass(path):
    """Every line of a usual log is decided by the classifying pass (no unsure line, so no second
    pass converts anything), and its counts are the table load's."""
    from lsnrmine.engine import dates
    from lsnrmine.engine.loader import _line_classes_sql, _read_csv_sql

    full = str(Path(__file__).parent.parent / path)
    lines_n, rejected, unsure = duckdb.connect().execute(_line_classes_sql(
        _read_csv_sql(full, quoted=False), dates.exact_date_prefix_regex("AMERICAN"))).fetchone()
    assert unsure == 0
    st = load_logs(duckdb.connect(), [full])
    assert (lines_n, rejected) == (st.lines, st.rejected) and lines_n > rejected > 0


def test_reject_counter_is_stopped_by_a_table_load_and_bad_paths_start_none(tmp_path):
    from lsnrmine.engine.loader import RejectCounter

    path = write(tmp_path, "06-NOV-2005 09:00:01 * ping * 0\n" * 1000)
    counter = RejectCounter.start([path])
    st = load_logs(duckdb.connect(), [path], reject_counter=counter)
    assert (st.lines, st.rejected) == (1000, 0)
    assert counter._closed and not counter._thread.is_alive()
    assert RejectCounter.start([str(tmp_path / "missing.log")]) is None
    assert RejectCounter.start([path], encoding="shift_jis") is None
    assert RejectCounter.start([path], date_language="KLINGON") is None


def test_stream_mode_rows_in_file_order_large_file(con, tmp_path):
    """~50 MB of dated lines: the stream view is scanned in parallel and still yields file order."""
    n = 600_000
    path = tmp_path / "big.log"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, n, 50_000):
            fh.write("".join(f"06-NOV-2005 09:00:01 * (CONNECT_DATA=(SID=x)) * ping * {i}\n"
                             for i in range(start, start + 50_000)))
    st = load_logs(con, [str(path)], stream=True)
    assert (st.lines, st.loaded, st.rejected) == (n, n, 0) and not st.files[0].long_lines
    assert [int(r[0]) for r in con.execute("SELECT action FROM listener_log").fetchall()] == list(range(n))


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["direct", "transcoded"])
def test_long_line_over_the_parallel_bound(con, tmp_path, mode, eol):
    """A line longer than the bounded max_line_size: the reader falls back to unbounded."""
    big = "06-NOV-2005 09:00:01 * (X=" + "a" * (9 * 1024 * 1024) + ") * 0"
    st = load_one(con, tmp_path, "06-NOV-2005 09:00:00 * ping * 0" + eol + big + eol, **mode)
    assert st.lines == 2 and st.files[0].long_lines and st.files[0].transcoded == (eol != "\n")
    assert con.execute("SELECT max(strlen(line)) FROM listener_log_lines").fetchone() == (len(big),)
    assert (st.loaded, st.rejected) == (1, 1)


def test_engine_streams_only_a_query_on_listener_log_alone(tmp_path):
    """OfflineEngine.load(query=...): listener_log is a view over the file for a query that reads
    listener_log alone; tables for anything else; views and events still come when asked for."""
    from lsnrmine.engine.session import OfflineEngine

    text = ("06-NOV-2005 09:00:01 * (CONNECT_DATA=(SID=x)(CID=(PROGRAM=p)(HOST=h)(USER=u))) * "
            "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.1)(PORT=1)) * establish * x * 0\nbanner\n")
    path = write(tmp_path, text)

    def kind(engine):
        return engine.con.execute("SELECT table_type FROM information_schema.tables "
                                  "WHERE table_name = 'listener_log'").fetchone()[0]

    query = "select parse_listener_log_line(connect_string, 'HOST') h, count(*) n from listener_log group by 1"
    with_cte = "with x as (select * from listener_log) select count(*) from x"
    for q, streamed in ((query, True), (with_cte, True),
                        ("select count(*) from listener_log_lines", False),
                        ("select count(*) from listener_log l join listener_log_lines x on 1 = 1", False),
                        (None, False)):
        engine = OfflineEngine()
        st = engine.load([path], progress=False, query=q)
        assert (st.lines, st.loaded, st.rejected) == (2, 1, 1)
        assert kind(engine) == ("VIEW" if streamed else "BASE TABLE"), q
        assert engine.views_created is not streamed
    engine = OfflineEngine()
    engine.load([path], progress=False, query=query)
    assert engine.query(query).rows == [("h", 1)]
    assert engine.query(with_cte).rows == [(1,)]
    events = engine.settings.object_name("EVENTS")
    assert engine.query(f"select count(*) from {events}").rows[0][0] >= 1  # views + events built on demand
    assert engine.views_created and engine.events_built


def test_engine_query_batches_same_rows_as_query(tmp_path):
    from lsnrmine.engine.session import EngineError, OfflineEngine

    text = "".join(f"06-NOV-2005 09:00:{i:02d} * ping * {i}\n" for i in range(7)) + "banner\n"
    engine = OfflineEngine()
    engine.load([write(tmp_path, text)], progress=False)
    q = "select action, return_code from listener_log order by log_date"
    columns, batches = engine.query_batches(q, size=3)
    got = [list(b) for b in batches]
    assert [len(b) for b in got] == [3, 3, 1]
    assert columns == engine.query(q).columns == ["ACTION", "RETURN_CODE"]
    assert [r for b in got for r in b] == engine.query(q).rows
    with pytest.raises(EngineError, match="unknown key"):
        list(engine.query_batches("select parse_listener_log_line(action, 'NOPE') from listener_log")[1])


@pytest.mark.parametrize("compress", [False, True], ids=["text", "gzip"])
@pytest.mark.parametrize("stream", [False, True], ids=["tables", "stream"])
def test_named_pipe_is_read_once(tmp_path, compress, stream):
    """A FIFO (or `--log <(zcat listener.log.gz)`) can be read once only: no probe may consume
    its first bytes, no second pass may wait for a writer that has gone."""
    import threading

    text = "06-NOV-2005 09:00:01 * x * (ADDRESS=(HOST=h)) * establish * S * 0\nbanner\n" * 500
    data = gzip.compress(text.encode()) if compress else text.encode()
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as out:
            out.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    con = duckdb.connect()
    st = load_logs(con, [str(fifo)], stream=stream)
    writer.join(timeout=10)
    assert (st.lines, st.loaded, st.rejected) == (1000, 500, 500)
    assert con.execute("SELECT count(*) FROM listener_log WHERE action = 'establish'").fetchone() == (500,)
