"""The event parse (views/events.sql) on the embedded engine: every line kind of the fixtures,
row by row; the text log and its log.xml twin give the same events; real samples; the CLI.
The tests that only query share one engine per log (conftest.shared_engine)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lsnrmine.engine.session import OfflineEngine
from lsnrmine.engine.events import EVENT_COLUMNS, EVENT_KINDS
from lsnrmine.settings import Settings

from conftest import FIXTURES, shared_file

TEXT = FIXTURES / "events_text.log"
XML = FIXTURES / "events_log.xml"

COLUMNS = ("line_no, event_kind, command, to_char(event_time, 'YYYY-MM-DD HH24:MI:SS'), service_name, "
           "sid, program, client_host, client_user, client_ip, client_port, protocol, return_code, "
           "error_text")

# line_no, kind, command, event_time, service_name, sid, program, client_host, client_user,
# client_ip, client_port, protocol, return_code, error_text
EXPECTED = [
    (2, 'error_only', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, 12541, 'TNS-12541: TNS:no listener | TNS-12560: TNS:protocol adapter error | TNS-00511: No listener | Linux Error: 111: Connection refused'),
    (6, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (8, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (9, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (10, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (12, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (13, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (15, 'other', None, '2024-07-31 01:59:58', None, None, None, None, None, None, None, None, None, None),
    (17, 'service_register', None, '2024-07-31 02:00:00', None, 'ORCL', None, None, None, None, None, None, 0, None),
    (18, 'establish', None, '2024-07-31 02:00:00', 'ORCL', None, 'JDBC Thin Client', '__jdbc__', 'oracle', '10.0.0.21', 40001, 'tcp', 0, None),
    (19, 'establish', None, '2024-07-31 02:00:01', None, 'ORCL', 'sqlplus@app1 (TNS V1-V3', 'app1', 'scott', '10.0.0.22', 51000, 'tcp', 0, None),
    (20, 'establish', None, '2024-07-31 02:00:02', 'NOSUCH', None, 'python3', 'app2', 'etl', '10.0.0.23', 51001, 'tcp', 12514, 'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor'),
    (22, 'service_update', None, '2024-07-31 02:00:03', None, 'ORCL', None, None, None, None, None, None, 0, None),
    (23, 'ping', None, '2024-07-31 02:00:04', None, None, None, None, None, None, None, None, 0, None),
    (24, 'command', 'stop', '2024-07-31 02:00:05', None, None, None, 'db1', 'ananda', None, None, None, 1190, 'TNS-01190: The user is not authorized to execute the requested listener command'),
    (26, 'command', 'status', '2024-07-31 02:00:06', None, None, None, 'db1', 'oracle', None, None, None, 0, None),
    (27, 'command', 'trc_level', '2024-07-31 02:00:07', None, None, None, None, None, None, None, None, 12508, 'TNS-12508: TNS:listener could not resolve the COMMAND given'),
    (29, 'error_only', None, '2024-07-31 02:00:08', None, None, None, None, None, None, None, None, 12502, 'TNS-12502: TNS:listener received no CONNECT_DATA from client'),
    (31, 'establish', None, '2024-07-31 02:00:09', None, None, None, None, None, None, None, None, 12537, 'TNS-12537: TNS:connection closed'),
    (33, 'establish', None, '2024-07-31 02:00:10', None, None, None, None, None, '10.0.0.24', 48784, 'tcps', 29024, 'ORA-29024: Certificate validation failure | TNS-00542: SSL Handshake failed'),
    (36, 'establish', None, '2024-07-31 02:00:11', 'ORCL', None, 'java', 'app3', 'app', '10.0.0.25', 51002, 'tcp', 12518, 'TNS-12518: TNS:listener could not hand off client connection | TNS-12547: TNS:lost contact | TNS-12560: TNS:protocol adapter error | TNS-00517: Lost contact | Linux Error: 32: Broken pipe'),
    (42, 'service_died', None, '2024-07-31 02:00:12', None, 'ORCL', None, None, None, None, None, None, 12537, 'TNS-12537: TNS:connection closed'),
    (45, 'other', None, '2024-07-31 02:00:13', None, None, None, None, None, None, None, None, None, 'ns main err code: 12535 | nt secondary err code: 110'),
    (48, 'other', None, '2024-07-31 02:00:13', None, None, None, None, None, None, None, None, None, None),
    (49, 'establish', None, '2024-07-31 02:00:14', 'ORCL', None, 'a&b <x> "q" \'y\'', 'app4', "o'brien", '10.0.0.26', 51003, 'tcp', 0, None),
    (50, 'command', 'log_file', '2024-07-31 02:00:15', None, None, None, None, None, None, None, None, 0, None),
    (51, 'command', 'reload', '2024-07-31 02:00:16', None, None, None, 'db1', 'oracle', None, None, None, 0, None),
    (52, 'ping', None, '2024-07-31 02:00:16', None, None, None, None, None, None, None, None, 0, None),
    (53, 'other', None, '2024-07-31 02:00:16', None, None, None, None, None, None, None, None, None, None),
    (54, 'error_only', None, '2008-02-29 15:36:46', None, None, None, None, None, None, None, None, 12502, 'TNS-12502: TNS:listener received no CONNECT_DATA from client'),
]

# columns that differ between a text log and its log.xml twin by nature
TWIN_SKIP = {"EVENT_ID", "HOST", "SOURCE", "LINE_NO", "RAW_LINE"}


def _engine(*paths: Path, settings: Settings | None = None, encoding: str = "utf-8") -> OfflineEngine:
    engine = OfflineEngine(settings or Settings())
    engine.load([str(p) for p in paths], encoding=encoding, progress=False)
    return engine


def test_text_fixture_row_by_row(shared_engine) -> None:
    rows = shared_engine(TEXT).query(f"select {COLUMNS} from lsnr_events order by event_id").rows
    assert [tuple(r) for r in rows] == EXPECTED


def test_xml_twin_gives_the_same_events(shared_engine) -> None:
    text = shared_engine(TEXT).query("select * from lsnr_events order by event_id")
    xml = shared_engine(XML).query("select * from lsnr_events order by event_id")
    keep = [i for i, c in enumerate(text.columns) if c not in TWIN_SKIP]
    assert len(text.rows) == len(xml.rows) == len(EXPECTED)
    for a, b in zip(text.rows, xml.rows):
        assert [a[i] for i in keep] == [b[i] for i in keep], a[-1]
    hosts = {r[xml.columns.index("HOST")] for r in xml.rows}
    assert hosts == {"db1"}  # host_id of the <msg> element


def test_columns_and_types_are_the_contract(shared_engine) -> None:
    engine = shared_engine(TEXT)
    engine.ensure_events()  # built lazily: a query naming lsnr_events would build them too
    described = engine.con.execute("describe lsnr_events").fetchall()
    assert [(c[0], c[1]) for c in described] == [(n, d) for n, _, d in EVENT_COLUMNS]
    ids = [r[0] for r in engine.query("select event_id from lsnr_events order by line_no").rows]
    assert ids == list(range(1, len(EXPECTED) + 1))
    kinds = {r[0] for r in engine.query("select distinct event_kind from lsnr_events").rows}
    assert kinds == set(EVENT_KINDS)  # the fixture covers every kind


def test_connect_data_protocol_info_and_raw_line() -> None:
    engine = _engine(TEXT, XML)
    by_line = {(r[0], r[1]): r[2:] for r in engine.query(
        "select source, line_no, connect_data, protocol_info, raw_line, listener from lsnr_events").rows}
    cd, pi, raw, listener = by_line[(str(TEXT), 49)]
    assert cd == "(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=a&b <x> \"q\" 'y')(HOST=app4)(USER=o'brien)))"
    assert pi == "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.26)(PORT=51003))"
    assert raw.startswith("31-JUL-2024 02:00:14 * (CONNECT_DATA=") and listener == "LISTENER"
    program = engine.query(f"select program from lsnr_events where source = '{XML}' and client_host = 'app4'").rows
    assert program == [("a&b <x> \"q\" 'y'",)]  # XML entities decoded
    xml_raw = engine.query(f"select raw_line from lsnr_events where source = '{XML}' and event_kind = 'ping' "
                           "order by line_no").rows[0][0]
    assert xml_raw.startswith(" <txt>31-JUL-2024 02:00:04")
    cd33 = by_line[(str(TEXT), 33)]
    assert cd33[0] == "<unknown connect data>" and cd33[1].startswith("(ADDRESS=(PROTOCOL=tcps)")


def test_nothing_dropped_every_content_line_is_an_event_or_part_of_one(shared_engine) -> None:
    engine = shared_engine(TEXT)
    lines = engine.query("select line_no, line from listener_log_lines order by line_no").rows
    events = {r[0] for r in engine.query("select line_no from lsnr_events").rows}
    import re
    header = re.compile(r"^(\d{4}-\d\d-\d\dT|\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$)")
    cont = re.compile(r"^(\s+\S|TNS-|ORA-)")
    for line_no, line in lines:
        if line is None or header.match(line) or cont.match(line):
            continue
        assert line_no in events, line


def test_japanese_sample_with_localised_month_names() -> None:
    path = shared_file("samples/clogs/listener.log")
    engine = _engine(path, settings=Settings(date_language="JAPANESE"))
    rows = engine.query("select line_no, event_kind, sid, return_code, to_char(event_time, "
                        "'YYYY-MM-DD HH24:MI:SS') from lsnr_events where event_kind like 'service%' "
                        "order by line_no").rows
    assert rows[0] == (15, "service_register", "xe", 0, "2012-01-14 02:39:08")
    assert [r[1] for r in rows[1:]] == ["service_update"] * 5
    assert rows[-1] == (24, "service_update", "xe", 0, "2012-01-14 02:40:22")
    # undated lines take the ctime header before them
    other = engine.query("select to_char(event_time, 'HH24:MI:SS') from lsnr_events where line_no = 14").rows
    assert other == [("02:39:08",)]
    assert engine.query("select count(*) from lsnr_events where event_time is null").rows == [(0,)]
    sjis = _engine(shared_file("samples/clogs/listener.sjis.log"), settings=Settings(date_language="JAPANESE"),
                   encoding="shift_jis")
    a = engine.query("select line_no, event_kind, event_time, sid from lsnr_events order by 1").rows
    assert sjis.query("select line_no, event_kind, event_time, sid from lsnr_events order by 1").rows == a


def test_wrong_date_language_falls_back_and_is_noted() -> None:
    path = shared_file("samples/clogs/listener.log")
    engine = _engine(path)  # AMERICAN: '14-1月 -2012' does not convert
    notes = engine.query("select count(*) from lsnr_event_parse where parse_note = 'date'").rows
    assert notes == [(6,)]
    # the ctime headers still date them
    assert engine.query("select count(*) from lsnr_events where event_time is null").rows == [(0,)]


def test_article_log_commands_and_errors() -> None:
    engine = _engine(FIXTURES / "article.log")
    rows = engine.query("select command, return_code, client_user, error_text from lsnr_events "
                        "where event_kind = 'command' and return_code = 1190 order by line_no").rows
    assert rows == [
        ("stop", 1190, "ananda", "TNS-01190: The user is not authorized to execute the requested listener command"),
        ("log_file", 1190, "ananda", "TNS-01190: The user is not authorized to execute the requested listener command"),
        ("log_directory", 1190, "ananda", "TNS-01190: The user is not authorized to execute the requested listener command"),
    ]
    restricted = engine.query("select command from lsnr_events where return_code = 12508 order by line_no").rows
    assert [r[0] for r in restricted] == ["log_file", "trc_level", "save_config_on_stop", "log_directory", "log_directory"]
    jdbc = engine.query("select client_ip, count(*) from lsnr_events where client_host = '__jdbc__' "
                        "group by client_ip order by 1").rows
    assert jdbc == [("10.20.191.60", 3), ("10.20.214.170", 5)]


def test_error_text_is_bounded() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "listener.log"
        log.write_text("31-JUL-2024 02:00:00 * ping * 0\n" + "".join(f"  TNS-{i:05d}: " + "e" * 300 + "\n" for i in range(40)))
        text = _engine(log).query("select error_text from lsnr_events").rows[0][0]
    assert len(text.encode()) <= 4000 and text.count(" | ") == 9


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_sql_exposes_lsnr_events(clean_env: Path) -> None:
    result = _run("sql", "select event_kind, count(*) n from lsnr_events group by event_kind order by 1",
                  "--log", str(TEXT), "--format", "csv", "--quiet", cwd=clean_env)
    assert result.returncode == 0, result.stderr
    assert "establish,7" in result.stdout.replace(" ", "")


@pytest.mark.slow  # a subprocess polling a growing file for tens of seconds
def test_cli_sql_follow_reads_appended_lines_until_interrupted(clean_env: Path) -> None:
    """A live view: lines appended (one in two pieces) show up; SIGINT ends it cleanly."""
    import signal

    log = clean_env / "listener.log"
    log.write_bytes(TEXT.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lsnrmine", "sql",
         "select count(*) n, max(line_no) last_line from lsnr_events where event_kind = 'ping'",
         "--log", str(log), "--follow", "--interval", "0.2", "--format", "csv", "--quiet"],
        cwd=clean_env, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as in a terminal: SIGINT not ignored (a runner started in the background, `pytest &`,
        # passes SIG_IGN on, and Python then raises no KeyboardInterrupt)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        def wait_for(text: str, out: list[str]) -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                out.append(line)
                if text in line:
                    return
            raise AssertionError(f"{text!r} not shown: {''.join(out)}")
        seen: list[str] = []
        wait_for("2,52", seen)  # the fixture's two ping events
        with open(log, "ab") as fh:
            fh.write(b"01-AUG-2024 00:00:00 * ping * 0\n01-AUG-2024 00:00:01 * pi")
        wait_for("3,56", seen)
        with open(log, "ab") as fh:
            fh.write(b"ng * 0\n")
        wait_for("4,57", seen)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


REAL_LAYOUT = FIXTURES / "events_real_layout.xml"
ONE_LINE_TAGS = FIXTURES / "events_log_oneline.xml"


def test_real_layout_log_xml_one_event_per_record_through_the_cli(clean_env: Path) -> None:
    """Oracle's log.xml layout (start tag over three lines; 11.2, 12.2, 19c and 23ai attribute
    sets; an error record after an establish; an error stack inside one <txt>; entities): one
    event per record, host from host_id, time from time= when the text has none, clean
    error_text, no error_only event."""
    result = _run("sql", "select line_no, host, event_kind, return_code, "
                  "to_char(event_time, 'YYYY-MM-DD HH24:MI:SS') t, program, connect_data, error_text "
                  "from lsnr_events order by line_no",
                  "--log", str(REAL_LAYOUT), "--format", "csv", "--quiet", cwd=clean_env)
    assert result.returncode == 0, result.stderr
    import csv
    import io
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["LINE_NO", "HOST", "EVENT_KIND", "RETURN_CODE", "T", "PROGRAM", "CONNECT_DATA", "ERROR_TEXT"]
    assert rows[1:] == [
        ["4", "dbhost11", "command", "0", "2013-05-10 17:25:56", "",
         "(CONNECT_DATA=(CID=(PROGRAM=)(HOST=dbhost11)(USER=oracle))(COMMAND=status)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=186646784))", ""],
        ["10", "dbhost12", "establish", "12514", "2018-11-28 17:06:46", "sqlplus",
         "(CONNECT_DATA=(SERVICE_NAME=sales)(CID=(PROGRAM=sqlplus)(HOST=app7)(USER=etl)))",
         "TNS-12514: TNS:listener does not currently know of service requested in connect descriptor"],
        ["22", "dbhost19", "service_update", "0", "2019-08-14 10:26:27", "", "", ""],
        ["28", "dbhost19", "establish", "0", "2019-08-14 10:26:28", "C:\\apps\\o'hara & sons.exe",
         "(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=C:\\apps\\o'hara & sons.exe)(HOST=WS-0042)(USER=Administrator)))", ""],
        ["34", "dbhost19", "other", "", "2019-08-14 10:26:29", "", "", ""],
        ["40", "4f0c2a9e77b1", "establish", "29019", "2025-12-12 09:21:47", "", "<unknown connect data>",
         "ORA-29019: The protocol version is incorrect. | TNS-00542: SSL Handshake failed | "
         "TNS-12560: Database communication protocol error. | TNS-00542: SSL Handshake failed"],
        ["51", "4f0c2a9e77b1", "establish", "12537", "2025-12-12 09:22:03", "", "<unknown connect data>",
         "TNS-12537: TNS:connection closed | ns secondary err code: 12560 | nt main err code: 0"],
    ]


def test_real_layout_markup_never_reaches_an_event(shared_engine) -> None:
    engine = shared_engine(XML)
    rows = engine.query("select event_kind, error_text, raw_line from lsnr_events").rows
    assert len(rows) == len(EXPECTED)
    for kind, error_text, raw in rows:
        assert "='" not in (error_text or "") and "<msg" not in (error_text or "") and "</txt>" not in (error_text or "")
        assert not raw.lstrip().startswith(("<msg", "type=", "host_addr=", "</"))
    # the only error_only events are the text twin's (12541 stack, two 12502 lines): none from markup
    assert sum(1 for r in rows if r[0] == "error_only") == sum(1 for r in EXPECTED if r[1] == "error_only")
    hosts = engine.query("select count(*) from lsnr_events where host is null or host <> 'db1'").rows
    assert hosts == [(0,)]


def test_one_line_start_tags_still_parse_like_the_text_log(shared_engine) -> None:
    text = shared_engine(TEXT).query("select * from lsnr_events order by event_id")
    one = _engine(ONE_LINE_TAGS).query("select * from lsnr_events order by event_id")
    keep = [i for i, c in enumerate(text.columns) if c not in TWIN_SKIP]
    assert len(one.rows) == len(EXPECTED)
    for a, b in zip(text.rows, one.rows):
        assert [a[i] for i in keep] == [b[i] for i in keep], a[-1]


def test_entities_are_decoded_in_log_xml_only(tmp_path: Path) -> None:
    line = ("31-JUL-2024 02:00:14 * (CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=&lt;b&gt; &amp;x)"
            "(HOST=h)(USER=u))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.26)(PORT=51003)) * establish * ORCL * 0\n")
    text_log = tmp_path / "listener.log"
    text_log.write_text(line + "  TNS-00000: &apos;as written&apos;\n")
    xml_log = tmp_path / "log.xml"
    xml_log.write_text("<msg time='2024-07-31T02:00:14.000+00:00' org_id='oracle' comp_id='tnslsnr'\n"
                       " type='UNKNOWN' level='16' host_id='h1'\n host_addr='10.0.0.5'>\n <txt>" + line
                       + "  TNS-00000: &apos;decoded&apos;\n </txt>\n</msg>\n")
    engine = _engine(text_log, xml_log)
    rows = dict(engine.query("select source, program || ' / ' || error_text from lsnr_events").rows)
    assert rows[str(text_log)] == "&lt;b&gt; &amp;x / TNS-00000: &apos;as written&apos;"
    assert rows[str(xml_log)] == "<b> &x / TNS-00000: 'decoded'"


def test_establish_without_protocol_info_is_an_establish(tmp_path: Path) -> None:
    """The log header: TIMESTAMP * CONNECT DATA [* PROTOCOL INFO] * EVENT [* SID] * RETURN CODE.
    Five fields without PROTOCOL INFO (a bequeath/IPC hand-off) is an establish with no client
    address; five fields without SID keep the address; six fields unchanged."""
    log = tmp_path / "listener.log"
    log.write_text(
        "TIMESTAMP * CONNECT DATA [* PROTOCOL INFO] * EVENT [* SID] * RETURN CODE\n"
        "31-JUL-2024 02:00:00 * (CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=sqlplus@db1)(HOST=db1)(USER=oracle))) "
        "* establish * ORCL * 0\n"
        "31-JUL-2024 02:00:01 * (CONNECT_DATA=(SERVICE_NAME=NOSUCH)(CID=(PROGRAM=sqlplus@db1)(HOST=db1)"
        "(USER=oracle))) * establish * NOSUCH * 12514\n"
        "TNS-12514: TNS:listener does not currently know of service requested in connect descriptor\n"
        "31-JUL-2024 02:00:02 * (CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=java)(HOST=app1)(USER=app))) "
        "* (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.30)(PORT=51010)) * establish * 0\n"
        "31-JUL-2024 02:00:03 * (CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=java)(HOST=app1)(USER=app))) "
        "* (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.31)(PORT=51011)) * establish * ORCL * 0\n")
    rows = _engine(log).query(
        "select line_no, event_kind, sid, service_name, program, client_host, client_user, client_ip, protocol_info, "
        "return_code, error_text from lsnr_events where event_kind <> 'other' order by line_no").rows
    assert [tuple(r) for r in rows] == [
        (2, "establish", "ORCL", None, "sqlplus@db1", "db1", "oracle", None, None, 0, None),
        (3, "establish", None, "NOSUCH", "sqlplus@db1", "db1", "oracle", None, None, 12514,
         "TNS-12514: TNS:listener does not currently know of service requested in connect descriptor"),
        (5, "establish", None, "ORCL", "java", "app1", "app", "10.0.0.30",
         "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.30)(PORT=51010))", 0, None),
        (6, "establish", None, "ORCL", "java", "app1", "app", "10.0.0.31",
         "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.31)(PORT=51011))", 0, None),
    ]


def test_entities_stay_as_written_outside_log_xml_sources() -> None:
    """tests/fixtures/entities: the same two records in a log.xml, in a copy of it under a .log name
    and in a text listener.log. Entities are decoded in the .xml source only, in its multi-line
    <txt> record (line 4) and its one-line <txt>...</txt> record (line 14) alike; the copy's <txt>
    lines and the text log keep the entity text as written (the one-line record still loses its
    </txt>: its return code reads 0), so events agree with listener_log and the file."""
    entities = FIXTURES / "entities"
    engine = _engine(entities / "log.xml", entities / "log_xml_copy.log", entities / "listener.log")
    rows = engine.query("select source, line_no, program, client_user, return_code from lsnr_events "
                        "where event_kind = 'establish' order by source, line_no").rows
    written = [("C:\\apps\\r&amp;d &lt;b&gt;.exe", "o&apos;brien", 12514),
               ("&quot;q&quot; &amp;amp;", "admin@&lt;b&gt;", 0)]
    decoded = [("C:\\apps\\r&d <b>.exe", "o'brien", 12514), ('"q" &amp;', "admin@<b>", 0)]
    by_source: dict[str, list[tuple]] = {}
    for source, line_no, *values in rows:
        by_source.setdefault(Path(source).name, []).append((line_no, *values))
    assert by_source == {
        "listener.log": [(4, *written[0]), (6, *written[1])],
        "log.xml": [(4, *decoded[0]), (14, *decoded[1])],
        "log_xml_copy.log": [(4, *written[0]), (14, *written[1])],
    }
    listener_log = engine.query("select count(*) from listener_log where connect_string like '%&lt;b&gt;%'").rows
    assert listener_log == [(2,)]
