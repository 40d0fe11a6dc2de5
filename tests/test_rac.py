"""Issue 22, offline: a copied two-node RAC diag tree (tests/fixtures/rac: node listeners and SCAN
listeners on rac1 and rac2, LISTENER_SCAN1 moving from rac1 to rac2 at 10:30) through the CLI and the
embedded engine: per-node counts, no double counting across the move, the host and listener of
every event, the breakdown report, --listener/--host, the dashboard section and the labels of
lines outside an ADR tree (the log's header, else the settings)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

RAC = FIXTURES / "rac"
#: every text log of the tree (listener.log, its 19c segment listener_1.log, the SCAN logs)
TEXT_LOGS = sorted(RAC.glob("*/diag/tnslsnr/*/*/trace/*.log"))
SCAN1_XML = RAC / "rac1/diag/tnslsnr/rac1/listener_scan1/alert/log.xml"
_DIAG = re.compile(r"/diag/tnslsnr/([^/]+)/([^/]+)/(?:trace|alert)/[^/]+$")


def lsnrmine(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_") and k != "ORACLE_BASE"}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def csv_rows(result: subprocess.CompletedProcess) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def log_args(paths) -> list[str]:
    return [arg for p in paths for arg in ("--log", str(p))]


def establish_lines(path: Path) -> list[str]:
    """The connection requests of a text log, counted here on the raw lines (not by our parser)."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if " * establish * " in line]


def node_of(path: Path) -> tuple[str, str]:
    host, listener = _DIAG.search(path.as_posix()).groups()
    return host, listener.upper()


def test_fixture_is_two_nodes_with_scan1_moving() -> None:
    homes = {node_of(p) for p in TEXT_LOGS}
    assert homes == {("rac1", "LISTENER"), ("rac1", "LISTENER_SCAN1"), ("rac2", "LISTENER"),
                     ("rac2", "LISTENER_SCAN1"), ("rac2", "LISTENER_SCAN2")}
    old = (RAC / "rac1/diag/tnslsnr/rac1/listener_scan1/trace/listener_scan1.log").read_text()
    new = (RAC / "rac2/diag/tnslsnr/rac2/listener_scan1/trace/listener_scan1.log").read_text()
    # rac1's SCAN1 log ends with the stop of the relocation, rac2's starts with the listener's header
    assert "(COMMAND=stop)" in old.splitlines()[-3] and "SERVICE=LISTENER_SCAN1" in old.splitlines()[-3]
    assert "Log messages written to /u01/app/grid/diag/tnslsnr/rac2/listener_scan1/alert/log.xml" in new
    for path in TEXT_LOGS:
        text = path.read_text()
        if path.name != "listener_1.log":  # a 19c segment starts mid-log, without a header
            host, listener = node_of(path)
            assert f"/diag/tnslsnr/{host}/{listener.lower()}/alert/log.xml" in text


def test_breakdown_per_node_through_the_cli(tmp_path: Path) -> None:
    rows = csv_rows(lsnrmine("report", "listener_hosts", "--format", "csv", *log_args(TEXT_LOGS), cwd=tmp_path))
    got = {(r["HOST"], r["LISTENER"]): (int(r["CONNECTIONS"]), int(r["FAILURES"]), int(r["LOG_FILES"])) for r in rows}
    expected: dict[tuple[str, str], list[int]] = {}
    for path in TEXT_LOGS:
        lines = establish_lines(path)
        entry = expected.setdefault(node_of(path), [0, 0, 0])
        entry[0] += len(lines)
        entry[1] += sum(1 for line in lines if not line.rstrip().endswith("* 0"))
        entry[2] += 1
    assert got == {k: tuple(v) for k, v in expected.items()}
    # the figures, written out: rac1's LISTENER over listener.log and its segment listener_1.log
    assert got == {("rac1", "LISTENER"): (6, 1, 2), ("rac1", "LISTENER_SCAN1"): (3, 0, 1),
                   ("rac2", "LISTENER"): (5, 0, 1), ("rac2", "LISTENER_SCAN1"): (2, 1, 1),
                   ("rac2", "LISTENER_SCAN2"): (3, 0, 1)}
    assert [(r["HOST"], r["LISTENER"]) for r in rows] == sorted(got)  # ordered by host, listener
    events = sum(int(r["EVENTS"]) for r in rows)
    lines = csv_rows(lsnrmine("sql", "select count(*) n from lsnr_events", "--format", "csv",
                              *log_args(TEXT_LOGS), cwd=tmp_path))
    assert int(lines[0]["N"]) == events


def test_every_event_has_its_node_and_nothing_is_counted_twice(tmp_path: Path) -> None:
    # every file given twice (a glob over the whole tree and each path again): loaded once
    args = ["--log", str(RAC / "*/diag/tnslsnr/*/*/trace/*.log"), *log_args(TEXT_LOGS)]
    rows = csv_rows(lsnrmine(
        "sql", "select source, listener, host, line_no, event_kind, to_char(event_time, 'HH24:MI:SS') t, client_ip "
        "from lsnr_events order by event_id", "--format", "csv", *args, cwd=tmp_path))
    assert rows
    for row in rows:
        assert (row["HOST"], row["LISTENER"]) == node_of(Path(row["SOURCE"])), row
    keys = [(Path(r["SOURCE"]).resolve(), r["LINE_NO"]) for r in rows]
    assert len(keys) == len(set(keys))
    connects = [r for r in rows if r["EVENT_KIND"] == "establish"]
    assert len(connects) == sum(len(establish_lines(p)) for p in TEXT_LOGS) == 19
    scan1 = [r for r in connects if r["LISTENER"] == "LISTENER_SCAN1"]
    # before the move on rac1, after it on rac2, each connection request once
    assert [(r["HOST"], r["T"], r["CLIENT_IP"]) for r in scan1] == [
        ("rac1", "10:02:17", "10.20.0.31"), ("rac1", "10:09:48", "10.20.0.33"), ("rac1", "10:18:30", "10.20.0.40"),
        ("rac2", "10:34:52", "10.20.0.31"), ("rac2", "10:44:15", "10.20.0.40")]
    stops = [r for r in rows if r["EVENT_KIND"] == "command" and r["LISTENER"] == "LISTENER_SCAN1"]
    assert [(r["HOST"], r["T"]) for r in stops] == [("rac1", "10:29:59")]


def test_same_file_names_of_two_nodes_stay_apart(shared_engine) -> None:
    logs = [RAC / "rac1/diag/tnslsnr/rac1/listener/trace/listener.log",
            RAC / "rac2/diag/tnslsnr/rac2/listener/trace/listener.log"]
    engine = shared_engine(*logs)
    got = engine.query("select source, listener, host, count(*) from listener_log_lines "
                       "group by source, listener, host order by host").rows
    assert got == [(str(logs[0]), "LISTENER", "rac1", len(logs[0].read_text().splitlines())),
                   (str(logs[1]), "LISTENER", "rac2", len(logs[1].read_text().splitlines()))]
    assert engine.query("select host, count(*) from lsnr_events where event_kind = 'establish' "
                        "group by host order by host").rows == [("rac1", 4), ("rac2", 5)]


def test_log_xml_of_a_scan_listener(shared_engine) -> None:
    text_log = RAC / "rac1/diag/tnslsnr/rac1/listener_scan1/trace/listener_scan1.log"
    engine = shared_engine(SCAN1_XML, text_log)
    got = engine.query("select source, listener, host, event_kind, event_time, client_ip, return_code "
                       "from lsnr_events where event_kind in ('establish', 'command') order by source, line_no").rows
    xml = [r[1:] for r in got if r[0] == str(SCAN1_XML)]
    text = [r[1:] for r in got if r[0] == str(text_log)]
    assert xml == text and len(xml) == 4  # the same records, each labelled rac1 / LISTENER_SCAN1
    assert {(r[0], r[1]) for r in xml} == {("LISTENER_SCAN1", "rac1")}


def _engine(settings=None):
    from lsnrmine.engine.session import OfflineEngine

    return OfflineEngine(settings)


def test_outside_an_adr_tree_the_header_then_the_settings_label(tmp_path: Path) -> None:
    from lsnrmine.settings import Settings

    copied = tmp_path / "from_rac2.log"  # a log copied out of its ADR tree: the header names the node
    shutil.copy(RAC / "rac2/diag/tnslsnr/rac2/listener_scan1/trace/listener_scan1.log", copied)
    segment = tmp_path / "segment.log"  # no header, no ADR path: the settings' listener, no host
    shutil.copy(RAC / "rac1/diag/tnslsnr/rac1/listener/trace/listener_1.log", segment)
    engine = _engine(Settings(listener_name="LSNR_APP"))
    engine.load([str(copied), str(segment)], progress=False)
    assert engine.query("select source, listener, host, count(*) from lsnr_events group by source, listener, host "
                        "order by source").rows == [
        (str(copied), "LISTENER_SCAN1", "rac2", 14), (str(segment), "LSNR_APP", None, 3)]
    # lines added later (sql --follow) carry the labels of their source
    engine.own_lines()
    engine.append_lines([(str(segment), 4, "14-MAR-2024 09:59:40 * ping * 0"), (str(copied), 27, None)])
    assert engine.query(f"select source, listener, host from listener_log_lines where (source = '{segment}' and "
                        f"line_no = 4) or (source = '{copied}' and line_no = 27) order by line_no").rows == [
        (str(segment), "LSNR_APP", None), (str(copied), "LISTENER_SCAN1", "rac2")]


def test_windows_header_and_gzip(tmp_path: Path) -> None:
    import gzip

    from lsnrmine.engine.reading import file_labels

    text = ("Sat Jan 14 02:37:23 2012\nSystem parameter file is C:\\app\\network\\admin\\listener.ora\n"
            "Log messages written to C:\\app\\oracle\\diag\\tnslsnr\\winhost\\listener_app\\alert\\log.xml\n")
    (tmp_path / "w.log").write_text(text, encoding="utf-8")
    with gzip.open(tmp_path / "w.log.gz", "wt", encoding="utf-8") as fh:
        fh.write(text)
    assert file_labels(str(tmp_path / "w.log")) == ("LISTENER_APP", "winhost")
    assert file_labels(str(tmp_path / "w.log.gz")) == ("LISTENER_APP", "winhost")
    (tmp_path / "plain.log").write_text("14-MAR-2024 09:59:40 * ping * 0\n")
    assert file_labels(str(tmp_path / "plain.log")) == (None, None)
    assert file_labels("-") == (None, None)


def test_report_restricted_to_a_node_and_listener(tmp_path: Path) -> None:
    rows = csv_rows(lsnrmine("report", "top_client_ips", "--host", "rac2", "--listener", "listener_scan1",
                             "--format", "csv", *log_args(TEXT_LOGS), cwd=tmp_path))
    assert [(r["CLIENT_IP"], r["CONNECTIONS"], r["FAILURES"]) for r in rows] == [("10.20.0.31", "1", "0"),
                                                                                  ("10.20.0.40", "1", "1")]
    bad = lsnrmine("report", "new_clients", "--host", "rac2", *log_args(TEXT_LOGS[:1]), cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no listener/host columns" in bad.stderr
    bad = lsnrmine("report", "top_client_ips", "--host", "rac2' or 1=1 --", *log_args(TEXT_LOGS[:1]), cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--host" in bad.stderr


def test_report_views_carry_listener_and_host(shared_engine) -> None:
    engine = shared_engine(*TEXT_LOGS)
    for view, expected in (("lsnr_report_connections", 19), ("lsnr_report_commands", 5),
                           ("lsnr_report_tns_errors", 2), ("lsnr_report_service_events", 10)):
        rows = engine.query(f"select listener, host, count(*) from {view} group by listener, host").rows
        assert sum(r[2] for r in rows) == expected, view
        assert all(r[0] and r[1] in ("rac1", "rac2") for r in rows), view
    assert engine.query("select host, count(*) from lsnr_report_connections group by host order by host").rows == [
        ("rac1", 9), ("rac2", 10)]


def test_dashboard_shows_the_breakdown(tmp_path: Path) -> None:
    out = tmp_path / "d.html"
    result = lsnrmine("report", "--html", str(out), *log_args(TEXT_LOGS), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    section = page.split('<h2 id="listener-hosts">Per host and listener</h2>', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td class=\"n\">(\d+)</td><td class=\"n\">(\d+)</td>",
                      section)
    assert [(h, l, int(c)) for h, l, _, c in rows] == [
        ("rac1", "LISTENER", 6), ("rac1", "LISTENER_SCAN1", 3), ("rac2", "LISTENER", 5),
        ("rac2", "LISTENER_SCAN1", 2), ("rac2", "LISTENER_SCAN2", 3)]


def test_labels_are_cut_to_the_event_columns(tmp_path: Path) -> None:
    """EVENTS.listener is varchar2(128 char), host varchar2(255 char): a longer ADR directory name or
    header host is cut there (a 129-character listener directory, a 256-character host in a header)."""
    listener = "l" * 129
    trace = tmp_path / "diag/tnslsnr/node1" / listener / "trace"
    trace.mkdir(parents=True)
    (trace / "a.log").write_text("14-MAR-2024 09:59:40 * ping * 0\n")
    host = "h" * 256
    (tmp_path / "b.log").write_text(f"Log messages written to /u01/diag/tnslsnr/{host}/listener/alert/log.xml\n"
                                    "14-MAR-2024 09:59:41 * ping * 0\n")
    engine = _engine()
    engine.load([str(trace / "a.log"), str(tmp_path / "b.log")], progress=False)
    assert sorted(engine.query("select listener, host from listener_log_lines where line_no = 1").rows) == sorted([
        (listener.upper(), "node1"), ("LISTENER", host)])
    assert sorted(engine.query("select listener, host from lsnr_events where event_kind = 'ping'").rows) == sorted([
        ("L" * 128, "node1"), ("LISTENER", "h" * 255)])


def test_configured_sources_label_their_files(tmp_path: Path) -> None:
    """With [[sources]] in lsnrmine.toml, a --log file that is a configured source's file (or one of
    its 19c segments) carries that source's listener and host, before its path and header."""
    from lsnrmine.settings import load_settings

    logs = tmp_path / "logs"
    logs.mkdir()
    # a copy of rac2's SCAN1 log: its header names rac2/LISTENER_SCAN1, the configuration says otherwise
    shutil.copy(RAC / "rac2/diag/tnslsnr/rac2/listener_scan1/trace/listener_scan1.log", logs / "app.log")
    shutil.copy(RAC / "rac1/diag/tnslsnr/rac1/listener/trace/listener_1.log", logs / "app_2.log")
    shutil.copy(RAC / "rac1/diag/tnslsnr/rac1/listener/trace/listener_1.log", logs / "other.log")
    config = tmp_path / "lsnrmine.toml"
    config.write_text(f'[[sources]]\nname = "APP"\nlistener = "LSNR_APP"\nhost = "apphost"\ndirectory = "LSNR_APP_DIR"\n'
                      f'path = "{logs}"\nfiles = ["app.log"]\n')
    settings = load_settings({}, config_path=str(config), environ={})
    engine = _engine(settings)
    engine.load([str(logs / "app.log"), str(logs / "app_2.log"), str(logs / "other.log")], progress=False)
    assert engine.query("select source, listener, host from listener_log_lines where line_no = 1 order by source").rows == [
        (str(logs / "app.log"), "LSNR_APP", "apphost"), (str(logs / "app_2.log"), "LSNR_APP", "apphost"),
        (str(logs / "other.log"), "LSNR_APP", None)]  # not configured: the settings' listener_name, no host


def test_a_recursive_glob_reads_the_whole_copied_tree(tmp_path: Path) -> None:
    # what a DBA types after copying the nodes' diag trees: one ** pattern instead of every path
    by_glob = csv_rows(lsnrmine("report", "listener_hosts", "--format", "csv",
                                "--log", str(RAC / "**" / "*.log"), cwd=tmp_path))
    by_paths = csv_rows(lsnrmine("report", "listener_hosts", "--format", "csv", *log_args(TEXT_LOGS), cwd=tmp_path))
    assert by_glob == by_paths
    assert {(r["HOST"], r["LISTENER"]) for r in by_glob} == {node_of(p) for p in TEXT_LOGS}
