"""Ingest on real log layouts against the database: 19c+ segment rotation discovered by
INGEST_PKG.run (the file renamed to <stem>_<n>.<ext> through the container, n = 1, 2, 3, with lines
written between the last poll and each rename: every line exactly once), the same for a log.xml in
Oracle's layout (start tag over three lines: host from host_id, no markup in error_text), no stall
after 60,000 non-event lines, events without a time purged by the documented criterion, and the
TNS error texts. A third install (owner <OWNER>_R) reads only files this module writes in the
scratch directory, so nothing else of the suite sees them."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import OWNER, Cli, Install, LiveDb, _drop_test_objects, _password, _user_exists, query, write_config

ROT_OWNER = os.environ.get("LSNRMINE_TEST_ROT_OWNER", f"{OWNER}_R").upper()
ROT_DIRECTORY = f"{ROT_OWNER}_DIR"
TEXT_LOG = "lsnrmine_rot.log"  # segments lsnrmine_rot_<n>.log
XML_LOG = "lsnrmine_rot.xml"  # segments lsnrmine_rot_<n>.xml
STALL_LOG = "lsnrmine_stall.log"
PURGE_LOG = "lsnrmine_purge.log"
SEQ_LOG = "lsnrmine_seq.log"  # the differential script (twin vs INGEST_PKG)
GAP_LOG = "lsnrmine_gap.log"  # segments deleted before discovery (review S1)
ENT_TEXT_LOG = "lsnrmine_ent.log"  # tests/fixtures/entities: entity text in a text log ...
ENT_XML_LOG = "lsnrmine_ent.xml"  # ... and in a log.xml
CONFIGURED = [TEXT_LOG, XML_LOG, STALL_LOG, PURGE_LOG, SEQ_LOG, GAP_LOG, ENT_TEXT_LOG, ENT_XML_LOG]
ALL_FILES = CONFIGURED + [
    f"{Path(name).stem}_{n}{Path(name).suffix}" for name in (TEXT_LOG, XML_LOG, SEQ_LOG) for n in (1, 2, 3)] + [
    f"lsnrmine_gap_{n}.log" for n in (1, 2, 3, 4, 5)]


@pytest.fixture(scope="module")
def rot(live_db: LiveDb, system_conn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """lsnrmine installed through the CLI as ROT_OWNER over the scratch directory, configured files
    TEXT_LOG, XML_LOG, STALL_LOG and PURGE_LOG (empty at first). Dropped at the end, with the files."""
    live_db.require_scratch()
    if _user_exists(system_conn, ROT_OWNER):
        pytest.fail(f"user {ROT_OWNER} already exists in {live_db.dsn}; drop it or set LSNRMINE_TEST_ROT_OWNER")
    for name in ALL_FILES:
        live_db.remove_scratch(name)
    for name in CONFIGURED:
        live_db.write_scratch(name, b"")
    cli = Cli(tmp_path_factory.mktemp("lsnrmine_rot"))
    write_config(cli.workdir, schema=ROT_OWNER, directory=ROT_DIRECTORY, log_dir=live_db.scratch_dir,
                 log_file=CONFIGURED, create_schema=True)
    install = Install(live_db, cli, ROT_OWNER, _password(), ROT_DIRECTORY, admin_run=None, owner_run=None)  # type: ignore[arg-type]
    try:
        install.admin_run = install.as_admin("install", "--phase", "admin")
        if install.admin_run.returncode != 0:
            pytest.fail("rotation install, phase admin failed:\n" + install.admin_run.describe())
        install.owner_run = install.as_owner("install", "--phase", "owner")
        if install.owner_run.returncode != 0:
            pytest.fail("rotation install, phase owner failed:\n" + install.owner_run.describe())
        yield install
    finally:
        _drop_test_objects(system_conn, ROT_OWNER, ROT_DIRECTORY)
        for name in ALL_FILES:
            live_db.remove_scratch(name)


def rename_scratch(live_db: LiveDb, old: str, new: str) -> None:
    """The rotation as the listener does it: a rename in the same directory (same inode)."""
    if live_db.has_shell:
        folder = live_db.scratch_dir
        live_db.sh(f"mv {shlex.quote(f'{folder}/{old}')} {shlex.quote(f'{folder}/{new}')}")
    else:
        os.rename(live_db.scratch_host_dir / old, live_db.scratch_host_dir / new)  # type: ignore[operator]


def run_ingest(con, settings) -> None:
    with con.cursor() as cur:
        cur.execute(f'begin "{settings.object_name("INGEST_PKG")}".run; end;')


def establish(k: int) -> str:
    return (f"03-DEC-2026 08:{k // 60 % 60:02d}:{k % 60:02d} * (CONNECT_DATA=(SERVICE_NAME=rot{k})"
            f"(CID=(PROGRAM=sqlplus)(HOST=app{k % 7})(USER=scott))) * (ADDRESS=(PROTOCOL=tcp)"
            f"(HOST=10.1.0.{k % 200})(PORT={40000 + k})) * establish * rot{k} * 12514")


def xml_record(k: int) -> str:
    """One record as a real listener log.xml writes it (19c attribute set), then its error record."""
    stamp = f"2026-12-03T08:{k // 60 % 60:02d}:{k % 60:02d}.120+00:00"
    head = (f"<msg time='{stamp}' org_id='oracle' comp_id='tnslsnr'\n"
            f" type='UNKNOWN' level='16' host_id='rothost'\n"
            f" host_addr='10.1.0.1' version='1'>\n")
    return (head + f" <txt>{establish(k)}\n </txt>\n</msg>\n"
            + head + " <txt>TNS-12514: TNS:listener does not currently know of service requested in connect descriptor\n"
            " </txt>\n</msg>\n")


@pytest.mark.parametrize("base,fmt", [(TEXT_LOG, "text"), (XML_LOG, "xml")])
def test_repeated_rotations_read_every_record_exactly_once(rot: Install, live_db: LiveDb, base: str, fmt: str) -> None:
    settings = rot.settings()
    events = settings.object_name("EVENTS")
    offset = 0 if fmt == "text" else 1000
    written: list[int] = []
    counter = offset

    def write(count: int) -> None:
        nonlocal counter
        ks = list(range(counter, counter + count))
        counter += count
        body = "".join((establish(k) + "\n") if fmt == "text" else xml_record(k) for k in ks)
        live_db.write_scratch(base, body.encode(), append=True)
        written.extend(ks)

    stem, ext = Path(base).stem, Path(base).suffix
    with rot.connect_owner(program="lsnrmine_it_rotation") as con:
        write(30)
        run_ingest(con, settings)
        for n in (1, 2, 3):
            write(10)
            run_ingest(con, settings)
            write(4)  # written after the last poll, before the rename: read from the segment
            rename_scratch(live_db, base, f"{stem}_{n}{ext}")
            write(2)  # the new live file
            run_ingest(con, settings)
        run_ingest(con, settings)
        _, rows = query(con, f'select service_name, count(*), min(host), max(error_text) from "{events}" '
                             "where source like :p and event_kind = 'establish' group by service_name",
                        p=f"{stem}%{ext}")
        _, states = query(con, f'select file_name, status, generation from "{settings.object_name("LOAD_STATE")}" '
                               "where file_name like :p order by file_name", p=f"{stem}%{ext}")
    counts = {r[0]: r[1] for r in rows}
    assert sorted(counts) == sorted(f"rot{k}" for k in written), "a record is missing or extra"
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    assert {r[3] for r in rows} == {None} if fmt == "text" else {
        "TNS-12514: TNS:listener does not currently know of service requested in connect descriptor"}
    if fmt == "xml":
        assert {r[2] for r in rows} == {"rothost"}  # host_id of the second line of the start tag
    assert [s[0] for s in states] == sorted([base] + [f"{stem}_{n}{ext}" for n in (1, 2, 3)])
    # the configured file is OK; every segment was read to its end: CLOSED (review S4)
    assert all(s[1] == ("OK" if s[0] == base else "CLOSED") for s in states), states


def test_no_stall_after_60000_non_event_lines(rot: Install, live_db: LiveDb) -> None:
    settings = rot.settings()
    filler = "".join("\n" if i % 3 else "  nt secondary err code: 0\n" for i in range(60000))
    data = (establish(5000) + "\n" + filler + establish(5001) + "\n").encode()
    live_db.write_scratch(STALL_LOG, data)
    with rot.connect_owner(program="lsnrmine_it_stall") as con:
        run_ingest(con, settings)
        run_ingest(con, settings)
        _, rows = query(con, f'select line_no from "{settings.object_name("EVENTS")}" where source = :s '
                             "order by line_no", s=STALL_LOG)
        _, state = query(con, f'select line_no, byte_offset from "{settings.object_name("LOAD_STATE")}" '
                              "where file_name = :s", s=STALL_LOG)
    assert [r[0] for r in rows] == [1, 60002]
    assert state == [(60002, len(data) + 1)]


def test_events_without_a_time_are_purged_by_the_documented_criterion(rot: Install, live_db: LiveDb) -> None:
    """Error lines before any record of a new file make an error_only event without a time; it is
    deleted once a later-loaded event of the same source is older than the retention limit."""
    settings = rot.settings()
    events = settings.object_name("EVENTS")
    live_db.write_scratch(PURGE_LOG, b"TNS-12537: TNS:connection closed\n"
                          b"02-JAN-2019 10:00:00 * (CONNECT_DATA=(SERVICE_NAME=old)(CID=(PROGRAM=x)(HOST=h)(USER=u)))"
                          b" * (ADDRESS=(PROTOCOL=tcp)(HOST=10.2.0.1)(PORT=1)) * establish * old * 0\n")
    with rot.connect_owner(program="lsnrmine_it_purge") as con:
        run_ingest(con, settings)
        _, before = query(con, f'select event_kind, event_time from "{events}" where source = :s order by line_no',
                          s=PURGE_LOG)
        assert [r[0] for r in before] == ["error_only", "establish"] and before[0][1] is None, before
        with con.cursor() as cur:
            cur.execute(f'begin "{settings.object_name("INGEST_PKG")}".purge(in_retention_days => 30); end;')
        _, after = query(con, f'select count(*) from "{events}" where source = :s', s=PURGE_LOG)
        _, kept = query(con, f'select count(*) from "{events}" where source like :p', p="lsnrmine_rot%")
    assert after == [(0,)]
    assert kept[0][0] > 0  # this month's events stay


def test_tns_error_text_has_the_listener_codes(rot: Install) -> None:
    settings = rot.settings()
    codes = (12537, 12547, 12170, 12535, 12541, 12560, 12502, 12505, 12514, 12516, 12518, 12519, 12520,
             12528, 1169, 1189, 1190, 1180, 1182, 1185, 12508)
    with rot.connect_owner(program="lsnrmine_it_tns_text") as con:
        _, rows = query(con, f'select code, message from "{settings.object_name("TNS_ERROR_TEXT")}"')
    messages = dict(rows)
    assert set(codes) <= set(messages), set(codes) - set(messages)
    assert messages[12537] == "TNS:connection closed" and messages[12547] == "TNS:lost contact"


def test_scripted_sequence_matches_the_twin(rot: Install, live_db: LiveDb, tmp_path: Path) -> None:
    """The differential test on Oracle: the same appends, truncations, renames (19c segments) and an
    empty file, applied to SEQ_LOG in the scratch directory (read by INGEST_PKG.run) and to a local
    copy (read by the twin, lsnrmine.follow.Follower with segments); after every step the state
    columns of every file of the family and the lines read are the same."""
    from lsnrmine.follow import Follower

    settings = rot.settings()
    local = tmp_path / SEQ_LOG
    local.write_bytes(b"")
    twin = Follower([str(local)], segments=True)
    twin.poll()
    stem, ext = Path(SEQ_LOG).stem, Path(SEQ_LOG).suffix
    renames = 0

    def apply(action: str, data: bytes = b"") -> None:
        nonlocal renames
        if action == "append":
            live_db.write_scratch(SEQ_LOG, data, append=True)
            with open(local, "ab") as fh:
                fh.write(data)
        elif action == "truncate":
            live_db.write_scratch(SEQ_LOG, data)
            local.write_bytes(data)
        elif action == "rename":
            renames += 1
            rename_scratch(live_db, SEQ_LOG, f"{stem}_{renames}{ext}")
            os.rename(local, tmp_path / f"{stem}_{renames}{ext}")
            live_db.write_scratch(SEQ_LOG, data)
            local.write_bytes(data)

    script = [("append", b"l1\nl2\n"), ("append", b"l3\npar"), ("truncate", b"t1\n"), ("append", b"t2\n"),
              ("append", b"t3\n"), ("rename", b"n1\n"), ("truncate", b""), ("append", b"m1\nm2\n"),
              ("rename", b"x1\n"), ("append", b"x2\n")]
    events = settings.object_name("EVENTS")
    state_table = settings.object_name("LOAD_STATE")
    with rot.connect_owner(program="lsnrmine_it_seq") as con:
        run_ingest(con, settings)
        for step, (action, data) in enumerate(script):
            apply(action, data)
            read_twin = sorted(line.text for line in twin.poll())
            _, before = query(con, f'select nvl(sum(lines), 0) from "{state_table}" where file_name like :p',
                              p=f"{stem}%{ext}")
            run_ingest(con, settings)
            _, rows = query(con, f'select file_name, generation, byte_offset, line_no, restarts, signature, '
                                 f'prev_signature, status, lines from "{state_table}" where file_name like :p '
                                 "order by file_name", p=f"{stem}%{ext}")
            online = {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows}
            offline = {Path(path).name: (s.generation, s.byte_offset, s.line_no, s.restarts, s.signature,
                                         s.prev_signature, s.status)
                       for path, s in twin.states.items() if Path(path).name in online or s.generation > 0}
            assert online == offline, (step, action)
            assert sum(r[8] for r in rows) - before[0][0] == len(read_twin), (step, action)
        _, kinds = query(con, f'select count(*) from "{events}" where source like :p', p=f"{stem}%{ext}")
    # every complete line of the script is a line of no record format: one 'other' event each
    assert kinds[0][0] == sum(s.lines for p, s in twin.states.items() if Path(p).name.startswith(stem))


def test_segments_behind_a_gap_are_found(rot: Install, live_db: LiveDb) -> None:
    """Review S1: LOG_FILE_NUM deleted segments 2 and 3 before INGEST_PKG.run saw them (the DB was
    down during several rotations); segments 4 and 5 are still found (window above the highest
    known n), every record of them is read once, and the configured file's health says its previous
    generation was not continued by any segment."""
    settings = rot.settings()
    events = settings.object_name("EVENTS")
    state_table = settings.object_name("LOAD_STATE")
    with rot.connect_owner(program="lsnrmine_it_gap") as con:
        live_db.write_scratch(GAP_LOG, (establish(1) + "\n").encode())
        run_ingest(con, settings)
        live_db.write_scratch(GAP_LOG, (establish(2) + "\n").encode(), append=True)
        rename_scratch(live_db, GAP_LOG, "lsnrmine_gap_1.log")
        live_db.write_scratch(GAP_LOG, (establish(3) + "\n").encode())
        run_ingest(con, settings)  # segment 1 known
        for n, k in ((2, 4), (3, 5), (4, 6), (5, 7)):  # rotations while no run happens
            live_db.write_scratch(GAP_LOG, (establish(k) + "\n").encode(), append=True)
            rename_scratch(live_db, GAP_LOG, f"lsnrmine_gap_{n}.log")
            live_db.write_scratch(GAP_LOG, b"")
        for n in (2, 3):  # LOG_FILE_NUM removed them before any run
            live_db.sh(f"rm -f {shlex.quote(f'{live_db.scratch_dir}/lsnrmine_gap_{n}.log')}") \
                if live_db.has_shell else (live_db.scratch_host_dir / f"lsnrmine_gap_{n}.log").unlink()  # type: ignore[operator]
        live_db.write_scratch(GAP_LOG, (establish(8) + "\n").encode())
        run_ingest(con, settings)
        _, rows = query(con, f'select service_name, count(*) from "{events}" where source like :p '
                             "group by service_name order by service_name", p="lsnrmine_gap%")
        _, states = query(con, f'select file_name, status, health from "{state_table}" where file_name like :p '
                               "order by file_name", p="lsnrmine_gap%")
    counts = dict((r[0], r[1]) for r in rows)
    # rot4/rot5 were in the deleted segments 2 and 3: lost by the listener's own cleanup
    assert counts == {f"rot{k}": 1 for k in (1, 2, 3, 6, 7, 8)}, counts
    names = [s[0] for s in states]
    assert "lsnrmine_gap_4.log" in names and "lsnrmine_gap_5.log" in names, names
    health = {s[0]: s[2] for s in states}
    assert "not found in any segment" in (health[GAP_LOG] or ""), health


def test_entities_are_decoded_in_log_xml_only(rot: Install, live_db: LiveDb) -> None:
    """tests/fixtures/entities through INGEST_PKG and EVENT_PARSE: the text log's &lt;b&gt; and
    &apos; stay as written, the log.xml's are decoded: the values the embedded engine gives for the
    same files (tests/test_events.py::test_entities_stay_as_written_outside_log_xml_sources)."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "entities"
    live_db.write_scratch(ENT_TEXT_LOG, (fixtures / "listener.log").read_bytes())
    live_db.write_scratch(ENT_XML_LOG, (fixtures / "log.xml").read_bytes())
    settings = rot.settings()
    with rot.connect_owner(program="lsnrmine_it_entities") as con:
        run_ingest(con, settings)
        _, rows = query(con, f'select source, program, client_user, return_code from "{settings.object_name("EVENTS")}" '
                             "where source in (:t, :x) and event_kind = 'establish' order by source, line_no",
                        t=ENT_TEXT_LOG, x=ENT_XML_LOG)
    assert [tuple(r) for r in rows] == [
        (ENT_TEXT_LOG, "C:\\apps\\r&amp;d &lt;b&gt;.exe", "o&apos;brien", 12514),
        (ENT_TEXT_LOG, "&quot;q&quot; &amp;amp;", "admin@&lt;b&gt;", 0),
        (ENT_XML_LOG, "C:\\apps\\r&d <b>.exe", "o'brien", 12514),
        (ENT_XML_LOG, '"q" &amp;', "admin@<b>", 0),
    ]
