"""Hints instead of silence, through the CLI on real files: the setting that probably fixes a log
whose dates never convert (--date-language, --encoding), a binary --log refused in one line,
lines rejected for a field over 4,000 bytes reported as that, log.xml inputs not reported as
rejected lines, the article's audit join without --audit-csv."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO_ROOT, shared_file

SAMPLE = REPO_ROOT / "installer" / "samples" / "listener.log"
COUNT = "select count(*) n, count(log_date) dated from listener_log"


def lsnrmine(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def _hints(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("lsnrmine: ")]


# -- dates that never convert ------------------------------------------------------------------
def test_shift_jis_log_read_as_utf8_names_encoding(tmp_path: Path) -> None:
    log = shared_file("samples/clogs/listener.sjis.log")
    result = lsnrmine("sql", "--log", str(log), COUNT, cwd=tmp_path)
    assert result.returncode == 0
    hints = _hints(result)
    assert hints[-1].startswith("lsnrmine: none of the 6 lines that start with a date converted (months '1\ufffd")
    assert hints[-1].endswith("no row or event has a time: their bytes are not utf-8; pass --encoding with the "
                              "log's character set (e.g. shift_jis or euc_jp for a Japanese log, cp1252 for a "
                              "Western one), and --date-language if its month names are not English")
    # the hint's fix, then the next one: the months are Japanese
    fixed = lsnrmine("sql", "--log", str(log), "--encoding", "shift_jis", COUNT, cwd=tmp_path)
    assert _hints(fixed)[-1] == ("lsnrmine: none of the 6 lines that start with a date converted (months '1月') "
                                 "with date_language AMERICAN, no row or event has a time: "
                                 "pass --date-language JAPANESE")
    done = lsnrmine("sql", "--log", str(log), "--encoding", "shift_jis", "--date-language", "japanese",
                    "--format", "csv", COUNT, cwd=tmp_path)
    assert done.stdout.splitlines()[1] == "8,6"
    assert not any("converted" in line for line in _hints(done))


def test_german_months_name_the_language(tmp_path: Path) -> None:
    """The sample's October lines with the month as Oracle's GERMAN spells it (OKT): the hint
    names GERMAN; with it, the same rows as the English lines."""
    october = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if "-NOV-" not in line]
    english = tmp_path / "listener_en.log"
    english.write_text("\n".join(october) + "\n", encoding="utf-8")
    german = tmp_path / "listener_de.log"
    german.write_text("\n".join(october).replace("-OCT-", "-OKT-") + "\n", encoding="utf-8")
    result = lsnrmine("report", "article_listener_stops", "--log", str(german), cwd=tmp_path)
    assert result.returncode == 0 and "(0 rows)" in result.stdout
    dated = sum(1 for line in october if "-OCT-" in line[:7])
    assert _hints(result)[-1] == (f"lsnrmine: none of the {dated} lines that start with a date converted "
                                  "(months 'OKT') with date_language AMERICAN, no row or event has a time: "
                                  "pass --date-language GERMAN")
    fixed = lsnrmine("report", "article_listener_stops", "--log", str(german), "--date-language", "german",
                     cwd=tmp_path)
    original = lsnrmine("report", "article_listener_stops", "--log", str(english), cwd=tmp_path)
    assert fixed.stdout == original.stdout and "(4 rows)" in fixed.stdout
    assert not any("converted" in line for line in _hints(fixed))


def test_no_hint_when_some_dates_convert(tmp_path: Path) -> None:
    result = lsnrmine("sql", "--log", str(SAMPLE), COUNT, cwd=tmp_path)
    assert result.returncode == 0
    assert _hints(result) == ["lsnrmine: 20 of 428 lines rejected from listener_log (not a dated log record: "
                              "banners, headers, error lines, bad dates); all lines are in listener_log_lines"]


# -- binary input ------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "content", "message"), [
    ("python.bin", Path(sys.executable).resolve().read_bytes()[:200_000],
     "is an executable (ELF), not a text log; give the listener log"),
    ("listener.log.bz2", b"BZh91AY&SY" + bytes(range(256)) * 10,
     "is bzip2-compressed, not a text log; decompress it first (bzcat FILE | lsnrmine ... --log -)"),
    ("listener16.log", SAMPLE.read_text(encoding="utf-8").encode("utf-16"),
     "is binary, not a text log (N % of its first 64 KiB are control bytes or not utf-8); give the listener "
     "log, or --encoding if it is text in another character set (utf-16, shift_jis, latin-1)"),
    ("zeros.gz", gzip.compress(bytes(100_000)),
     "is binary, not a text log (N % of its first 64 KiB are control bytes or not utf-8); give the listener "
     "log, or --encoding if it is text in another character set (utf-16, shift_jis, latin-1)"),
])
def test_binary_log_is_refused_in_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    if name == "python.bin" and not content.startswith(b"\x7fELF"):
        pytest.skip(reason="the Python interpreter here is not an ELF file")
    path = tmp_path / name
    path.write_bytes(content)
    result = lsnrmine("sql", "--log", str(path), COUNT, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    share = re.search(r"\((\d+) % of its", result.stderr)
    if share:  # the share of a UTF-16 text read as UTF-8 is about one half; of zeros, all
        assert int(share.group(1)) >= (100 if name == "zeros.gz" else 45)
        message = message.replace("N %", f"{share.group(1)} %")
    assert result.stderr == f"lsnrmine: {path}: {message}\n"


def test_utf16_log_with_its_encoding_loads(tmp_path: Path) -> None:
    path = tmp_path / "listener16.log"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("utf-16"))
    result = lsnrmine("sql", "--log", str(path), "--encoding", "utf-16", "--format", "csv", COUNT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "408,408"


def test_log_with_a_few_nul_bytes_is_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "listener.log"
    text = SAMPLE.read_bytes()
    path.write_bytes(text.replace(b"(USER=scott)", b"(USER=sc\x00\x00tt)"))
    result = lsnrmine("sql", "--log", str(path), "--format", "csv", COUNT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "408,408"
    assert "NUL bytes in the input" in result.stderr


# -- a field over 4,000 bytes ------------------------------------------------------------------
@pytest.mark.parametrize("query", [COUNT, "select count(*) from lsnr_events"], ids=["stream", "tables"])
def test_field_over_4000_bytes_is_reported_as_that(tmp_path: Path, query: str) -> None:
    """A dated establish line whose connect string is 4,100 bytes (PROGRAM= of a hostile client):
    rejected, and said to be rejected for its length, not for not being a dated record."""
    long_line = ("16-OCT-2005 05:35:41 * (CONNECT_DATA=(SERVICE_NAME=PROD)(CID=(PROGRAM=" + "A" * 4100
                 + ")(HOST=h1)(USER=u1))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.1.1.1)(PORT=4000)) * establish * PROD * 0")
    path = tmp_path / "listener.log"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + long_line + "\n", encoding="utf-8")
    result = lsnrmine("sql", "--log", str(path), query, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _hints(result)[0] == (
        "lsnrmine: 21 of 429 lines rejected from listener_log: 1 with a field over 4,000 bytes (CHAR(4000), as "
        "ORACLE_LOADER rejects them), 20 not a dated log record (banners, headers, error lines, bad dates); "
        "all lines are in listener_log_lines")


# -- log.xml -----------------------------------------------------------------------------------
def test_log_xml_is_not_reported_as_rejected_lines(tmp_path: Path) -> None:
    xml = FIXTURES / "events_log.xml"
    report = lsnrmine("report", "tns_errors", "--log", str(xml), cwd=tmp_path)
    assert report.returncode == 0 and "12541" in report.stdout
    assert _hints(report) == []  # nothing is wrong: its records are the events
    query = lsnrmine("sql", "--log", str(xml), "--format", "csv", COUNT, cwd=tmp_path)
    assert query.stdout.splitlines()[1] == "0,0"
    assert _hints(query) == [
        f"lsnrmine: {xml}: ADR log.xml, whose records feed the events (lsnr_events, the reports, the alerts), "
        "not listener_log, which reads the text listener.log format; the lines are in listener_log_lines"]
    assert "rejected" not in query.stderr and "converted" not in query.stderr


def test_log_xml_beside_a_text_log_counts_the_text_lines_only(tmp_path: Path) -> None:
    result = lsnrmine("sql", "--log", str(SAMPLE), "--log", str(FIXTURES / "events_log.xml"), COUNT, cwd=tmp_path)
    assert result.returncode == 0
    assert _hints(result)[0].startswith("lsnrmine: 20 of 428 lines rejected from listener_log (")


# -- the article's audit join ------------------------------------------------------------------
def test_article_audit_join_without_audit_csv_says_so(tmp_path: Path) -> None:
    result = lsnrmine("report", "article_audit_service_user", "--log", str(SAMPLE), cwd=tmp_path)
    assert result.returncode == 0 and "(0 rows)" in result.stdout
    assert _hints(result)[-1] == (
        "lsnrmine: the query reads DBA_AUDIT_TRAIL, empty offline: give --audit-csv FILE, a CSV export of "
        "DBA_AUDIT_TRAIL (the article's audit joins match its logons to the listener's connects)")
    with_csv = lsnrmine("report", "article_audit_service_user", "--log", str(FIXTURES / "article.log"),
                        "--audit-csv", str(FIXTURES / "audit_trail.csv"), cwd=tmp_path)
    assert with_csv.returncode == 0, with_csv.stderr
    assert "(0 rows)" not in with_csv.stdout
    assert not any("AUDIT" in line for line in _hints(with_csv))


def test_audit_match_report_without_any_export_says_so(tmp_path: Path) -> None:
    result = lsnrmine("report", "audit_unmatched_connects", "--log", str(SAMPLE), cwd=tmp_path)
    assert result.returncode == 0
    assert _hints(result)[-1] == (
        "lsnrmine: the audit match views read the audit trails, empty offline: give --unified-audit-csv FILE or "
        "--audit-csv FILE (CSV exports of the logons, docs/audit.md); without one no connect has a matching logon")
