"""Text in the format it is shown in: `alerts`, `report` and `sql` print keys and evidence as the
log has them in table, CSV and JSON (no HTML entities), with every character a terminal would act on
or not show written as an escape (lsnrmine.output.visible: \\xNN, \\uNNNN; JSON's own \\uNNNN), the
whole evidence in CSV and JSON (the table view cuts it); the HTML dashboard escapes for HTML.

tests/fixtures/text_formats.log: six refused `lsnrctl stop` lines (10.2 text log) whose CID carries
HOST=<b>, USER=o'brien, USER=&lt;b&gt; (entity text written in a plain-text log, kept as written),
USER=ev<U+202E>il (a bidi override), HOST=h<ESC>[31mred<ESC>[0m and a 300-character non-ASCII
PROGRAM (an evidence of about 650 bytes). Every test runs the CLI in a subprocess on that file.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from lsnrmine.output import VisibleCsv, csv_lines, format_rows, visible, visible_csv

LOG = Path(__file__).resolve().parent / "fixtures" / "text_formats.log"
LINES = LOG.read_text(encoding="utf-8").splitlines()
LONG_LINE = next(line for line in LINES if "(USER=long)" in line)

#: CID (user, host) of each stop line, as the log has them
CLIENTS = [("admin", "<b>"), ("o'brien", "db1"), ("&lt;b&gt;", "db1"), ("ev\u202eil", "db1"),
           ("eve", "h\x1b[31mred\x1b[0m"), ("long", "db1")]
KEYS = [f"{user}@{host}" for user, host in CLIENTS]
#: rule 4's evidence (views/alert_r4_stop.sql) cut to the episode's 400 characters
#: (views/alert_episodes.sql): the alert store's whole evidence
LONG_EVIDENCE = f"stop (1190) by long@db1: {LONG_LINE[:500]}"[:400]
#: the text formats' spelling of the hidden characters (README, "Output")
SHOWN = {"ev\u202eil": "ev\\u202eil", "h\x1b[31mred\x1b[0m": "h\\x1b[31mred\\x1b[0m"}


def cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "lsnrmine", *args], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


def shown(text: str) -> str:
    for raw, escaped in SHOWN.items():
        text = text.replace(raw, escaped)
    return text


def assert_terminal_safe(out: str) -> None:
    for raw in ("\x1b", "\u202e", "\r"):
        assert raw not in out, f"{raw!r} reached the terminal"
    # no HTML entities made by lsnrmine: the only entity text is the log's own &lt;b&gt;
    assert "&#39;" not in out and "&amp;" not in out and "admin@&lt;" not in out and "&lt;b&gt;" in out


def parsed(out: str, fmt: str) -> list[dict[str, str]]:
    if fmt == "json":
        return json.loads(out)
    return list(csv.DictReader(io.StringIO(out)))


# -- alerts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_alerts_print_keys_and_the_whole_evidence_as_the_log_has_them(fmt: str, tmp_path: Path) -> None:
    state = tmp_path / "alerts.json"
    out = cli("alerts", "--log", str(LOG), "--rule", "LISTENER_STOP", "--format", fmt, "--state", str(state))
    assert_terminal_safe(out)
    rows = parsed(out, fmt)
    expect = KEYS if fmt == "json" else [shown(k) for k in KEYS]
    assert [r["KEY"] for r in rows] == expect
    assert rows[1]["KEY"] == "o'brien@db1" and rows[2]["KEY"] == "&lt;b&gt;@db1"
    evidence = [r["EVIDENCE"] for r in rows]
    assert evidence[5] == LONG_EVIDENCE and len(LONG_EVIDENCE.encode("utf-8")) > 600
    assert evidence[4].startswith("stop (1190) by " + expect[4] + ": ")
    # the store holds the evidence as the log has it (the ESC itself), whole
    stored = {a["alert_key"]: a["evidence"] for a in json.loads(state.read_text(encoding="utf-8"))["alerts"]
              if a["rule_id"] == "LISTENER_STOP"}
    assert stored["long@db1"] == LONG_EVIDENCE and "h\x1b[31mred" in stored[KEYS[4]]
    if fmt == "json":
        assert evidence == [stored[k] for k in KEYS]
    else:
        assert evidence == [visible(stored[k]) for k in KEYS]


def test_alerts_table_shows_the_same_text_and_cuts_only_the_evidence_cell() -> None:
    out = cli("alerts", "--log", str(LOG), "--rule", "LISTENER_STOP")
    assert_terminal_safe(out)
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["ALERT_ID", "RULE", "SEVERITY", "KEY"]
    keys = [line.split()[3] for line in lines[2:-1]]
    assert keys == [shown(k) for k in KEYS]
    assert lines[-1] == "(6 rows)"
    long_row = next(line for line in lines if "long@db1" in line)
    cell = long_row[long_row.index("stop (1190) by long@db1"):]
    assert cell.endswith("...") and len(cell) == 120 and LONG_EVIDENCE.startswith(cell[:-3])


# -- report, sql -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_report_prints_values_as_the_log_has_them(fmt: str) -> None:
    out = cli("report", "listener_commands", "--log", str(LOG), "--format", fmt)
    assert_terminal_safe(out)
    if fmt == "table":
        got = [tuple(line.split()[3:5]) for line in out.splitlines()[2:-1]]
        assert got == [(shown(u), shown(h)) for u, h in CLIENTS]
        return
    rows = parsed(out, fmt)
    clients = CLIENTS if fmt == "json" else [(shown(u), shown(h)) for u, h in CLIENTS]
    assert [(r["CLIENT_USER"], r["CLIENT_HOST"]) for r in rows] == clients


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_sql_prints_values_as_the_log_has_them(fmt: str) -> None:
    # csv: DuckDB's own writer (text and integers), through output.VisibleCsv
    out = cli("sql", "select client_user, client_host, program, raw_line from lsnr_events "
              "where command = 'stop' order by event_time", "--log", str(LOG), "--format", fmt)
    assert_terminal_safe(out)
    raws = [line for line in LINES if " * stop * " in line]
    if fmt == "table":
        lines = out.splitlines()
        assert len(lines) == 2 + len(raws) + 1
        for line, (user, host), raw in zip(lines[2:-1], CLIENTS, raws):
            assert line.split()[:2] == [shown(user), shown(host)] and line.endswith(shown(raw))
        return
    rows = parsed(out, fmt)
    if fmt == "csv":
        raws = [shown(r) for r in raws]
    assert [r["RAW_LINE"] for r in rows] == raws          # whole, 600 bytes and more included
    assert rows[5]["PROGRAM"] == "C:\\Programme\\" + "ü" * 300 + ".exe"


def test_html_dashboard_still_escapes(tmp_path: Path) -> None:
    page_path = tmp_path / "d.html"
    cli("report", "--html", str(page_path), "--log", str(LOG))
    page = page_path.read_text(encoding="utf-8")
    assert "admin@<b>" not in page and "(HOST=<b>)" not in page
    assert "admin@&lt;b&gt;" in page and "o&#x27;brien@db1" in page


# -- the convention itself --------------------------------------------------------------------------


def test_visible_convention() -> None:
    assert visible("<b> o'brien &lt;b&gt; C:\\x é 漢字 \u00a0\u3000") == "<b> o'brien &lt;b&gt; C:\\x é 漢字 \u00a0\u3000"
    assert visible("a\x1b[2Jb\r\n\t\x00\x7f\x9b") == "a\\x1b[2Jb\\x0d\\x0a\\x09\\x00\\x7f\\x9b"
    assert visible("\u202e\u2066\u200b\u2028\ufeff\U000e0041") == "\\u202e\\u2066\\u200b\\u2028\\ufeff\\U000e0041"
    assert visible("\u202e\U000e0041", json_text=True) == "\\u202e\\udb40\\udc41"
    assert json.loads('"' + visible("x\u202e\U000e0041\x85", json_text=True) + '"') == "x\u202e\U000e0041\x85"


def test_every_format_escapes_the_same_characters() -> None:
    rows = [("ev\u202eil", "a\nb", "\x1b[0m\x85")]
    table = format_rows(["A", "B", "C"], rows, "table")
    assert table.splitlines()[2].split() == ["ev\\u202eil", "a\\x0ab", "\\x1b[0m\\x85"]
    assert format_rows(["A", "B", "C"], rows, "csv") == 'A,B,C\nev\\u202eil,"a\\x0ab",\\x1b[0m\\x85\n'
    text = format_rows(["A", "B", "C"], rows, "json")
    assert "\u202e" not in text and "\x85" not in text and "\x1b" not in text
    assert json.loads(text) == [{"A": "ev\u202eil", "B": "a\nb", "C": "\x1b[0m\x85"}]


_cell = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab,"#\n\r\t \x00\x1b\x85\u202eé'), max_size=8))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_cell, _cell), max_size=6), st.lists(st.integers(0, 80), max_size=6))
def test_visible_csv_gives_the_same_text_in_pieces_of_any_size(rows, cuts) -> None:
    text = csv_lines([("A", "B")]) + csv_lines(rows)
    pieces: list[str] = []
    writer = VisibleCsv(pieces.append)
    start = 0
    for cut in sorted(cuts):
        writer.write(text[start:cut])
        start = max(start, cut)
    writer.write(text[start:])
    whole = visible_csv(text)
    assert "".join(pieces) == whole
    # one record per row, each value the visible form of the log's value
    assert list(csv.reader(io.StringIO(whole))) == [["A", "B"]] + [
        [visible(v) if v is not None else "" for v in row] for row in rows]
