"""The dashboard leads with what matters (issue 20), through the CLI in a subprocess on real files:

* a log from benchmarks/generate_log.py with hundreds of alerts: the alert list is ordered by
  severity, then the most recent first; every critical and high alert is listed, the others fill up
  to MAX_ALERTS rows; the card holds the true total ("756 alerts, 200 shown"); the per-rule summary
  agrees with `lsnrmine alerts --format json` on the same log;
* hostile lines in the listener.log format (NUL, ESC, C1, bidi, a line separator, markup, a value
  of 800+ characters): no control or format character reaches the file, long values are clipped
  in their cell with the whole text in a <details> element, everything stays escaped, the CSP is
  unchanged; rule names, severities, IPs and times do not wrap (CSS on those cells only);
* a log of service events only (the shared Japanese sample and an English one with status
  commands) says so instead of showing empty connection tables;
* an unusable output path (a directory, a missing folder, a file as folder, an unwritable folder)
  is refused in one line with exit 2 before the log is read: the --log given is a FIFO nobody
  writes, so reading it would hang the command.

The pages are read with html.parser into a small tree, never by regular expressions.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

import pytest

from conftest import REPO_ROOT, shared_file
from lsnrmine.alerts import SEVERITIES
from lsnrmine.dashboard import CLIP_CHARS, EVIDENCE_CLIP_CHARS, MAX_ALERTS

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"}


# -- the page as a tree ---------------------------------------------------------------------------
@dataclass
class Node:
    tag: str
    attrs: dict[str, Optional[str]]
    children: list["Node | str"] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found += child.all(tag)
        return found

    def by_id(self, ident: str) -> Optional["Node"]:
        for child in self.children:
            if isinstance(child, Node):
                if child.attrs.get("id") == ident:
                    return child
                hit = child.by_id(ident)
                if hit is not None:
                    return hit
        return None

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class TreeBuilder(HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.start_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.start_tags.append(tag)
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.start_tags.append(tag)
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        raise AssertionError(f"</{tag}> closes nothing")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> tuple[Node, TreeBuilder]:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert [n.tag for n in builder.stack] == ["#document"], "an element is not closed"
    return builder.root, builder


def section_table(root: Node, heading_id: str) -> Node:
    """The first <table> after the element with id ``heading_id`` in document order."""
    seen = False
    for node in _walk(root):
        if node.attrs.get("id") == heading_id:
            seen = True
        elif seen and node.tag == "table":
            return node
    raise AssertionError(f"no table after #{heading_id}")


def _walk(node: Node):
    for child in node.children:
        if isinstance(child, Node):
            yield child
            yield from _walk(child)


def table_rows(table: Node) -> tuple[list[str], list[list[Node]]]:
    head = [th.text() for th in table.all("th")]
    body = table.all("tbody")[0]
    return head, [tr.all("td") for tr in body.all("tr")]


def card(root: Node, label_start: str) -> tuple[str, str]:
    for div in root.by_id("summary").all("div"):
        label = div.all("span")[0].text()
        if label.startswith(label_start):
            return div.all("b")[0].text(), label
    raise AssertionError(f"no card {label_start!r}")


def shown_text(td: Node) -> str:
    """What a cell shows closed: the summary of a clipped value (without the length note), else its text."""
    summaries = td.all("summary")
    if not summaries:
        return td.text()
    summary = summaries[0]
    return "".join(c if isinstance(c, str) else "" for c in summary.children)


def full_text(td: Node) -> str:
    """A cell's whole value: the <details> body of a clipped value, else its text."""
    full = [d for d in td.all("div") if "full" in d.classes()]
    return full[0].text() if full else td.text()


def visible(text: str) -> str:
    """The page's convention, written here independently: hidden characters as \\xNN/\\uNNNN."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in HIDDEN:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


# -- running the CLI ------------------------------------------------------------------------------
def lsnrmine(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def dashboard(log: Path, out: Path, *extra: str) -> tuple[Node, TreeBuilder, str]:
    result = lsnrmine("report", "--html", str(out), "--log", str(log), "--quiet", *extra, cwd=out.parent)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = out.read_text(encoding="utf-8")
    root, builder = parse(page)
    return root, builder, page


def common_page_checks(root: Node, builder: TreeBuilder, page: str) -> None:
    """What holds on every page: strict CSP, no script, no hidden character anywhere in the file."""
    metas = [m for m in root.all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert [m.attrs["content"] for m in metas] == [CSP]
    assert "script" not in builder.start_tags and "img" not in builder.start_tags
    hidden = sorted({f"U+{ord(c):04X}" for c in page if unicodedata.category(c) in HIDDEN and c != "\n"})
    assert hidden == []


# -- many alerts ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def many_alerts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A 20,000-line generated log; its dashboard and `lsnrmine alerts --format json`, run side by side."""
    work = tmp_path_factory.mktemp("many")
    log = work / "generated.log"
    made = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "generate_log.py"), "20000", str(log)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    out = work / "dashboard.html"
    with ThreadPoolExecutor(2) as pool:
        page_run = pool.submit(lsnrmine, "report", "--html", str(out), "--log", str(log), "--quiet", cwd=work)
        alerts_run = pool.submit(lsnrmine, "alerts", "--log", str(log), "--format", "json", "--quiet", cwd=work)
        page_result, alerts_result = page_run.result(), alerts_run.result()
    assert page_result.returncode == 0, page_result.stderr
    assert alerts_result.returncode == 0, alerts_result.stderr
    page = out.read_text(encoding="utf-8")
    root, builder = parse(page)
    return {"root": root, "builder": builder, "page": page, "alerts": json.loads(alerts_result.stdout)}


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@pytest.mark.slow  # shares two CLI runs on a 20,000-line log (50-70 s wall on this machine)
def test_many_alerts_true_total_in_the_card(many_alerts: dict) -> None:
    every = many_alerts["alerts"]
    root = many_alerts["root"]
    urgent = [a for a in every if a["SEVERITY"] in ("critical", "high")]
    assert len(every) > MAX_ALERTS and 0 < len(urgent) < MAX_ALERTS  # the log exercises the cap
    value, label = card(root, "alerts")
    assert value == f"{len(every):,}" and label == f"alerts, {MAX_ALERTS:,} shown"
    heading = root.by_id("alerts").text()
    assert heading.startswith(f"Alerts ({len(every):,}, {MAX_ALERTS} shown")
    common_page_checks(root, many_alerts["builder"], many_alerts["page"])


@pytest.mark.slow  # shares two CLI runs on a 20,000-line log (50-70 s wall on this machine)
def test_many_alerts_order_and_every_critical_and_high_listed(many_alerts: dict) -> None:
    every = many_alerts["alerts"]
    head, rows = table_rows(section_table(many_alerts["root"], "alerts"))
    assert head == ["rule", "severity", "first_event_time", "last_event_time", "key", "listener", "host", "count",
                    "status", "evidence"]
    listed = [{h: full_text(td) for h, td in zip(head, row)} for row in rows]
    assert len(listed) == MAX_ALERTS
    # severity, then the most recent last event first
    order = [(-_rank(a["severity"]), dt.datetime.fromisoformat(a["last_event_time"])) for a in listed]
    assert [o[0] for o in order] == sorted(o[0] for o in order)
    for (r1, t1), (r2, t2) in zip(order, order[1:]):
        assert r1 < r2 or t1 >= t2
    ident = lambda rule, sev, key, first, last, cnt: (rule, sev, key, first, last, str(cnt))  # noqa: E731
    on_page = {ident(a["rule"], a["severity"], a["key"], a["first_event_time"], a["last_event_time"], a["count"])
               for a in listed}
    all_alerts = {ident(a["RULE"], a["SEVERITY"], a["KEY"], a["FIRST_TIME"], a["LAST_TIME"], a["COUNT"]): a
                  for a in every}
    assert on_page <= set(all_alerts)
    urgent = {k for k, a in all_alerts.items() if a["SEVERITY"] in ("critical", "high")}
    assert urgent <= on_page  # every critical and high alert is on the page
    # the lower ones listed are the most severe, then most recent, of the rest
    lower = sorted((a for k, a in all_alerts.items() if k not in urgent),
                   key=lambda a: (_rank(a["SEVERITY"]), a["LAST_TIME"]), reverse=True)
    cut = MAX_ALERTS - len(urgent)
    shown_lower = [a for a in listed if a["severity"] not in ("critical", "high")]
    assert [(a["severity"], a["last_event_time"]) for a in shown_lower] == \
        [(a["SEVERITY"], a["LAST_TIME"]) for a in lower[:cut]]


@pytest.mark.slow  # shares two CLI runs on a 20,000-line log (50-70 s wall on this machine)
def test_many_alerts_per_rule_summary(many_alerts: dict) -> None:
    every = many_alerts["alerts"]
    head, rows = table_rows(section_table(many_alerts["root"], "alert-rules"))
    assert head == ["rule", "severity", "alerts", "events", "first_event_time", "last_event_time"]
    summary = {(r[0].text(), r[1].text()): tuple(td.text() for td in r[2:]) for r in rows}
    expected: dict[tuple[str, str], list] = {}
    for a in every:
        entry = expected.setdefault((a["RULE"], a["SEVERITY"]), [0, 0, a["FIRST_TIME"], a["LAST_TIME"]])
        entry[0] += 1
        entry[1] += a["COUNT"]
        entry[2] = min(entry[2], a["FIRST_TIME"])
        entry[3] = max(entry[3], a["LAST_TIME"])
    assert summary == {k: (str(v[0]), str(v[1]), v[2], v[3]) for k, v in expected.items()}
    ranks = [_rank(r[1].text()) for r in rows]
    assert ranks == sorted(ranks, reverse=True)  # most severe first
    assert sum(int(r[2].text()) for r in rows) == len(every)
    # the per-rule summary comes before the list, which comes before the chart
    ids = [n.attrs.get("id") for n in _walk(many_alerts["root"]) if n.attrs.get("id")]
    assert ids.index("alert-rules") < ids.index("alerts") < ids.index("per-hour")


@pytest.mark.slow  # shares two CLI runs on a 20,000-line log (50-70 s wall on this machine)
def test_many_alerts_rule_and_ip_cells_do_not_wrap(many_alerts: dict) -> None:
    root = many_alerts["root"]
    css = root.all("style")[0].text()
    assert "td.nw{white-space:nowrap;overflow-wrap:normal}" in css
    assert "td{overflow-wrap:anywhere}" in css  # other text still wraps anywhere
    _, rows = table_rows(section_table(root, "alerts"))
    ip_keys = 0
    for row in rows:
        rule, severity, first, last, key, listener, host, count, status, evidence = row
        assert {"nw"} <= rule.classes() and {"nw"} <= severity.classes() and "nw" in first.classes()
        assert "nw" not in evidence.classes()
        assert ("nw" in key.classes()) == _is_ip(key.text())  # an IP key stays whole, user@host may wrap
        ip_keys += _is_ip(key.text())
    assert ip_keys  # the generated log has alerts keyed by an IP
    _, ip_rows = table_rows(section_table(root, "top_client_ips"))
    assert ip_rows and all("nw" in r[0].classes() for r in ip_rows)
    _, program_rows = table_rows(section_table(root, "top_programs"))
    assert program_rows and not any("nw" in r[0].classes() for r in program_rows)


# -- hostile values -------------------------------------------------------------------------------
LONG_PROGRAM = "\u202egnp.exe\u200bC:\\app\\" + "X" * 300 + "<img src=x onerror=alert`1`>" + "Y" * 500
HOSTILE_LINES = [
    b"TNSLSNR for Linux: Version 19.0.0.0.0 - Production on 31-JUL-2024 02:00:00",
    ("31-JUL-2024 02:00:00 * (CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=" + LONG_PROGRAM
     + ")(HOST=evil)(USER=Administrator))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.1.1.5)(PORT=52000)) * establish * "
     "ORCL * 0").encode(),
    # a listener stop by a user that is not the listener's owner: a critical alert whose key and
    # evidence hold NUL, ESC, CSI (C1), a line separator and markup
    ("31-JUL-2024 02:02:00 * (CONNECT_DATA=(CID=(PROGRAM=)(HOST=db1\x1b[2J\u2028x)(USER=\x00<script>alert(1)"
     "</script>\x9b))(COMMAND=stop)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=318767104)) * stop * 0").encode(),
    b"31-JUL-2024 02:03:00 * (CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=tab\there\x07bell)(HOST=h)"
    b"(USER=o'brien&lt;b&gt;))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.1.1.6)(PORT=52001)) * establish * ORCL * 0",
]


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Node, TreeBuilder, str]:
    work = tmp_path_factory.mktemp("hostile")
    log = work / "listener.log"
    log.write_bytes(b"\n".join(HOSTILE_LINES) + b"\n")
    return dashboard(log, work / "hostile.html")


def test_hostile_values_never_reach_the_html(hostile_page: tuple[Node, TreeBuilder, str]) -> None:
    root, builder, page = hostile_page
    common_page_checks(root, builder, page)
    assert "\x00" not in page and "\x1b" not in page and "\u202e" not in page and "\u2028" not in page
    _, rows = table_rows(section_table(root, "top_programs"))
    programs = {full_text(r[0]): r[0] for r in rows}
    # shown as text, hidden characters as escapes; a literal entity stays what the log has
    assert visible(LONG_PROGRAM) in programs
    assert "tab\\x09here\\x07bell" in programs
    _, users = table_rows(section_table(root, "top_os_users"))
    assert "o'brien&lt;b&gt;" in {r[0].text() for r in users}
    head, alerts = table_rows(section_table(root, "alerts"))
    assert len(alerts) == 1
    alert = dict(zip(head, alerts[0]))
    assert alert["rule"].text() == "LISTENER_STOP" and alert["severity"].text() == "critical"
    key = alert["key"].text()
    assert key.startswith("\\x00<script>alert(1") and "db1\\x1b[2J\\u2028x" in key
    assert "<script>alert(1)</script>" in full_text(alert["evidence"])


def test_long_values_clipped_with_the_whole_text_in_details(hostile_page: tuple[Node, TreeBuilder, str]) -> None:
    root, _, _ = hostile_page
    _, rows = table_rows(section_table(root, "top_programs"))
    long_cell = next(r[0] for r in rows if full_text(r[0]) == visible(LONG_PROGRAM))
    details = long_cell.all("details")
    assert len(details) == 1 and "open" not in details[0].attrs
    shown = shown_text(long_cell).rstrip()
    assert shown.endswith("\u2026") and len(shown) == CLIP_CHARS + 1
    assert visible(LONG_PROGRAM).startswith(shown[:-1])
    note = [s for s in long_cell.all("span") if "more" in s.classes()]
    assert note and note[0].text() == f"[{len(visible(LONG_PROGRAM)):,} characters]"
    # short values are plain text, no details
    assert all(not r[0].all("details") for r in rows if full_text(r[0]) != visible(LONG_PROGRAM))
    # the alert's evidence is clipped at its own, longer limit
    head, alerts = table_rows(section_table(root, "alerts"))
    evidence = dict(zip(head, alerts[0]))["evidence"]
    if len(full_text(evidence)) > EVIDENCE_CLIP_CHARS:
        assert len(shown_text(evidence).rstrip()) <= EVIDENCE_CLIP_CHARS + 1 and evidence.all("details")


# -- service events only --------------------------------------------------------------------------
SERVICE_ONLY = """\
TNSLSNR for Linux: Version 19.0.0.0.0 - Production on 03-DEC-2026 09:00:00

Copyright (c) 1991, 2019, Oracle.  All rights reserved.

System parameter file is /u01/app/oracle/product/19.0.0/dbhome_1/network/admin/listener.ora
Log messages written to /u01/app/oracle/diag/tnslsnr/db1/listener/alert/log.xml
Listening on: (DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=db1)(PORT=1521)))
03-DEC-2026 09:00:02 * service_register * ORCL * 0
03-DEC-2026 09:00:05 * service_update * ORCL * 0
03-DEC-2026 09:01:05 * service_update * ORCL * 0
03-DEC-2026 09:02:00 * (CONNECT_DATA=(CID=(PROGRAM=)(HOST=db1)(USER=oracle))(COMMAND=status)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=318767104)) * status * 0
03-DEC-2026 09:11:05 * service_update * ORCL * 0
03-DEC-2026 10:00:05 * service_update * ORCLPDB * 0
"""


def test_service_only_log_says_so(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    log.write_text(SERVICE_ONLY, encoding="utf-8")
    root, builder, page = dashboard(log, tmp_path / "service.html")
    common_page_checks(root, builder, page)
    notice = root.by_id("no-connections")
    assert notice is not None and notice.text().startswith("No connection requests; the events are: ")
    assert "service_update 4" in notice.text() and "service_register 1" in notice.text()
    assert "command 1" in notice.text()
    _, kinds = table_rows(section_table(root, "event-kinds"))
    counted = {r[0].text(): r[1].text() for r in kinds}
    # the banner lines are events of kind "other" (no connection either)
    assert {k: counted[k] for k in ("service_update", "service_register", "command")} == \
        {"service_update": "4", "service_register": "1", "command": "1"}
    assert "establish" not in counted
    _, timeline = table_rows(section_table(root, "service_timeline"))
    assert [[td.text() for td in r] for r in timeline] == [
        ["2026-12-03 09:00:00", "ORCL", "1", "3", "0"], ["2026-12-03 10:00:00", "ORCLPDB", "0", "1", "0"]]
    _, commands = table_rows(section_table(root, "listener_commands"))
    assert [td.text() for td in commands[0]][:2] == ["2026-12-03 09:02:00", "status"]
    # no empty connection tables, no empty chart
    assert root.by_id("top_client_ips") is None and root.by_id("per-hour") is None and not root.all("svg")
    assert card(root, "connection requests")[0] == "0"


def test_log_without_dated_records_and_empty_period_say_so(tmp_path: Path) -> None:
    banner = tmp_path / "banner.log"
    banner.write_text(SERVICE_ONLY.split("03-DEC-2026 09:00:02")[0], encoding="utf-8")  # the banner alone
    root, builder, page = dashboard(banner, tmp_path / "banner.html")
    common_page_checks(root, builder, page)
    notice = root.by_id("no-connections").text()
    assert notice.startswith("No listener events: 7 log lines read, none of them a dated listener record")
    assert "--date-language" in notice and root.by_id("event-kinds") is None
    log = tmp_path / "listener.log"
    log.write_text(SERVICE_ONLY, encoding="utf-8")
    root, _, _ = dashboard(log, tmp_path / "later.html", "--from", "2027-01-01")
    assert root.by_id("no-connections").text() == ("No events in the period asked; the events run from "
                                                    "2026-12-03 09:00:02 to 2026-12-03 10:00:05.")


def test_shared_japanese_service_only_sample_says_so(tmp_path: Path) -> None:
    log = shared_file("samples/clogs/listener.log")
    root, builder, page = dashboard(log, tmp_path / "clogs.html", "--date-language", "JAPANESE")
    common_page_checks(root, builder, page)
    notice = root.by_id("no-connections")
    assert notice is not None and "service_update 5" in notice.text() and "service_register 1" in notice.text()
    _, timeline = table_rows(section_table(root, "service_timeline"))
    assert [[td.text() for td in r] for r in timeline] == [["2012-01-14 02:00:00", "xe", "1", "5", "0"]]
    assert root.by_id("top_client_ips") is None


# -- the output path, checked first ---------------------------------------------------------------
@pytest.fixture
def unread_log(tmp_path: Path) -> Path:
    """A FIFO nobody writes to: opening it for reading blocks, so a command that reads it hangs."""
    fifo = tmp_path / "listener.log"
    os.mkfifo(fifo)
    return fifo


def _refused(out: str, log: Path, cwd: Path) -> str:
    result = lsnrmine("report", "--html", out, "--log", str(log), cwd=cwd, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"lsnrmine: --html {out}: ")
    assert "Traceback" not in result.stderr
    return result.stderr


def test_output_directory_refused_before_the_log_is_read(tmp_path: Path, unread_log: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert "is a directory; give a file name" in _refused(str(folder), unread_log, tmp_path)
    assert "is a directory" in _refused(str(tmp_path / "new") + "/", unread_log, tmp_path)
    assert list(folder.iterdir()) == []


def test_output_missing_parent_refused_before_the_log_is_read(tmp_path: Path, unread_log: Path) -> None:
    out = tmp_path / "no" / "such" / "d.html"
    err = _refused(str(out), unread_log, tmp_path)
    assert f"the directory {out.parent} does not exist" in err and not (tmp_path / "no").exists()
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x", encoding="utf-8")
    assert f"{a_file} is not a directory" in _refused(str(a_file / "d.html"), unread_log, tmp_path)


def test_output_unwritable_folder_refused_before_the_log_is_read(tmp_path: Path, unread_log: Path) -> None:
    if os.geteuid() == 0:
        folder = Path("/sys")  # root may write anywhere but in sysfs (EACCES for a new file)
        if not folder.is_dir():
            pytest.skip("running as root and /sys is not mounted: no folder root cannot write")
    else:
        folder = tmp_path / "readonly"
        folder.mkdir()
        folder.chmod(0o555)
    err = _refused(str(folder / "d.html"), unread_log, tmp_path)
    assert f"cannot write a file in {folder}" in err and "choose a writable path" in err
    assert not (folder / "d.html").exists()


# -- the online queries (report --html --dsn) choose the same alerts ------------------------------
def _binds(sql: str, time_from: Optional[dt.datetime], max_rows: int, max_urgent: int) -> str:
    """The statement with its binds written as literals, for the embedded engine (no binds there)."""
    literal = "cast(null as date)" if time_from is None else \
        f"to_date('{time_from:%Y-%m-%d %H:%M:%S}', 'YYYY-MM-DD HH24:MI:SS')"
    return (sql.replace(":time_from", literal).replace(":time_to", "cast(null as date)")
            .replace(":max_rows", str(max_rows)).replace(":max_urgent", str(max_urgent)))


def test_online_alert_queries_choose_what_the_page_lists() -> None:
    """report_rows' LSNR_ALERTS queries (Oracle SQL, run here through the dialect bridge on the
    alerts the rules raise over tests/fixtures/reports.log: 4 high, 4 medium, 1 low, 2 info) list
    the alerts dashboard.listed_alerts lists, in its order, and summarise them as summarize does:
    with room for lower alerts, with fewer rows than high alerts, and for a period."""
    from lsnrmine import alerts, dashboard
    from lsnrmine.engine.session import OfflineEngine  # duckdb
    from lsnrmine.report_rows import canonical_rows, q_alert_summary, q_alerts
    from lsnrmine.settings import Settings

    from conftest import FIXTURES

    # the statement equals listed_alerts only while the urgent cap is not below the list's size
    assert dashboard.MAX_URGENT_ALERTS >= dashboard.MAX_ALERTS
    settings = Settings()
    engine = OfflineEngine(settings)
    try:
        engine.load([str(FIXTURES / "reports.log")], progress=False)
        store = alerts.AlertStore()
        alerts.evaluate(engine, store)
        alerts.prepare(engine, store)  # LSNR_ALERTS in the engine holds what the job would have stored
        for time_from, max_rows, urgent, max_urgent in ((None, 6, 4, 2000), (None, 2, 4, 2000),
                                                        (dt.datetime(2024, 7, 31, 2), 4, 3, 2000), (None, 2, 4, 3)):
            kept = [a for a in store.alerts if time_from is None or a.last_time >= time_from]
            kept.sort(key=lambda a: (a.last_time, a.alert_id), reverse=True)
            entries = [dashboard.alert_entry(a.rule_id, a.severity, a.first_time, a.last_time, a.alert_key, a.cnt,
                                             a.status, a.evidence, a.listener, a.host) for a in kept]
            listed = dashboard.listed_alerts(entries, limit=max_rows, urgent_limit=max_urgent)
            expected = [tuple(e[c] for c in ("rule", "severity", "first_event_time", "last_event_time", "key",
                                             "count", "status", "evidence", "listener", "host")) for e in listed]
            assert sum(1 for e in entries if e["severity"] in ("critical", "high")) == urgent
            assert len(entries) > max_rows and len(listed) == max(min(urgent, max_urgent), max_rows)
            rows = canonical_rows(engine.query(_binds(q_alerts(settings), time_from, max_rows, max_urgent)).rows)
            assert rows == expected, (time_from, max_rows)
            summary = canonical_rows(engine.query(_binds(q_alert_summary(settings), time_from, max_rows, max_urgent)).rows)
            assert dashboard.sort_summary([dashboard.RuleSummary(*r) for r in summary]) == dashboard.summarize(entries)
    finally:
        engine.con.close()
