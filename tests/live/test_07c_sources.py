"""Many listeners as log sources ([[sources]], issue 22) against the database: a second listener
LSNRMINE2 started in the container with `lsnrctl start` (its own listener.ora entry on port 1522
and its own ADR home diag/tnslsnr/<host>/lsnrmine2), both listeners configured as sources of one
installation (owner <OWNER>_M), both mined, every event labelled with its listener; the RAC
affinity path on the single-instance container: the second source is pinned to instance 1, so
the install creates INGEST_JOB_I1 with the job attribute instance_id = 1 (action
LOG_LOCATION_PKG.run_instance_ingest), and that job, run by the scheduler, loads it; INGEST_JOB (the
unpinned MAIN source, and LISTENER_LOG's file list) is pinned to listener_log_instance, 1 by default. One failing source (a SOURCES row whose file does not exist) is recorded in
its LOAD_STATE row and the other source is read all the same. What a real RAC run must check
besides: docs/live-suite.md, "RAC".
"""

from __future__ import annotations

import json
import os
import re
import shlex
import time
from pathlib import Path
from typing import Iterator

import pytest

from . import traffic as t
from .conftest import (CONTAINER_HOSTNAME, OWNER, Cli, Install, LiveDb, _password, _user_exists,
                       drop_test_objects, query)

SRC_OWNER = os.environ.get("LSNRMINE_TEST_SOURCES_OWNER", f"{OWNER}_M").upper()
MAIN_DIRECTORY = f"{SRC_OWNER}_MAIN_DIR"
SECOND_DIRECTORY = f"{SRC_OWNER}_L2_DIR"
LISTENER2 = "LSNRMINE2"
PORT2 = 1522
BACKUP_SUFFIX = ".lsnrmine_sources.bak"
MAIN_LABEL = "MAIN/listener.log"
SECOND_FILE = f"{LISTENER2.lower()}.log"  # the text log of an ADR home is <listener name>.log in trace/
SECOND_LABEL = f"SECOND/{SECOND_FILE}"
JOB_WAIT_S = 180

_LOG_FILE = re.compile(r"^\s*Listener Log File\s+(\S+)\s*$", re.M)


def listener_ora_entry() -> str:
    """The second listener's listener.ora entry (Net Services Reference, listener.ora: a listener
    alias with its DESCRIPTION list; ADR_BASE_<listener> sets its ADR base)."""
    return (f"\n{LISTENER2} =\n  (DESCRIPTION_LIST =\n    (DESCRIPTION =\n"
            f"      (ADDRESS = (PROTOCOL = TCP)(HOST = 0.0.0.0)(PORT = {PORT2}))\n    )\n  )\n"
            f"ADR_BASE_{LISTENER2} = /opt/oracle\n")


@pytest.fixture(scope="module")
def second_listener(live_db: LiveDb) -> Iterator[str]:
    """LSNRMINE2 running in the container; yields the server path of its trace directory. Stopped
    and listener.ora restored byte for byte afterwards."""
    live_db.require_shell()
    parameter_file = t.listener_parameter_file(live_db.sh("lsnrctl status"))
    assert parameter_file, "lsnrctl status names no Listener Parameter File"
    f, b = shlex.quote(parameter_file), shlex.quote(parameter_file + BACKUP_SUFFIX)
    live_db.sh(f"set -e; test -f {b} || cp -p {f} {b}; cp -p {b} {f}; printf '%s' {shlex.quote(listener_ora_entry())} >> {f}")
    try:
        live_db.sh(f"lsnrctl start {LISTENER2}")
        status = live_db.sh(f"lsnrctl status {LISTENER2}")
        match = _LOG_FILE.search(status)
        assert match, f"lsnrctl status {LISTENER2} names no Listener Log File:\n{status}"
        # "Listener Log File" is the XML log <ADR home>/alert/log.xml; the text log is in trace/
        adr_home = str(Path(match.group(1)).parent.parent)
        assert adr_home.endswith(f"/diag/tnslsnr/{CONTAINER_HOSTNAME}/{LISTENER2.lower()}"), adr_home
        trace = f"{adr_home}/trace"
        live_db.sh(f"test -s {shlex.quote(trace + '/' + SECOND_FILE)}")
        yield trace
    finally:
        live_db.sh(f"lsnrctl stop {LISTENER2}", check=False)
        live_db.sh(f"if test -f {b}; then cp -p {b} {f} && rm -f {b}; fi")


def lsnrctl_traffic(live_db: LiveDb) -> None:
    """Command lines in both listeners' logs: STATUS and SERVICES are logged with their
    CONNECT_DATA and return code (Net Services Reference, Listener Control Utility)."""
    for command in ("status", "services"):
        live_db.sh(f"lsnrctl {command} {LISTENER2} >/dev/null")
        live_db.sh(f"lsnrctl {command} >/dev/null")


def sources_toml(live_db: LiveDb, trace2: str) -> str:
    host = json.dumps(CONTAINER_HOSTNAME)
    return (f"[lsnrmine]\nschema = {json.dumps(SRC_OWNER)}\ncreate_schema = true\n\n"
            f"[[sources]]\nname = \"MAIN\"\nlistener = \"LISTENER\"\nhost = {host}\n"
            f"directory = {json.dumps(MAIN_DIRECTORY)}\npath = {json.dumps(live_db.log_dir)}\n"
            f"files = [\"listener.log\"]\n\n"
            f"[[sources]]\nname = \"SECOND\"\nlistener = {json.dumps(LISTENER2)}\nhost = {host}\n"
            f"directory = {json.dumps(SECOND_DIRECTORY)}\npath = {json.dumps(trace2)}\n"
            f"files = [{json.dumps(SECOND_FILE)}]\ninstance = 1\n")


@pytest.fixture(scope="module")
def multi(live_db: LiveDb, system_conn, second_listener: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """lsnrmine installed through the CLI as SRC_OWNER with the two sources. Dropped at the end."""
    if _user_exists(system_conn, SRC_OWNER):
        pytest.fail(f"user {SRC_OWNER} already exists in {live_db.dsn}; drop it or set LSNRMINE_TEST_SOURCES_OWNER")
    lsnrctl_traffic(live_db)
    cli = Cli(tmp_path_factory.mktemp("lsnrmine_sources"))
    (cli.workdir / "lsnrmine.toml").write_text(sources_toml(live_db, second_listener), encoding="utf-8")
    install = Install(live_db, cli, SRC_OWNER, _password(), MAIN_DIRECTORY, admin_run=None, owner_run=None)  # type: ignore[arg-type]
    try:
        install.admin_run = install.as_admin("install", "--phase", "admin")
        if install.admin_run.returncode != 0:
            pytest.fail("sources install, phase admin failed:\n" + install.admin_run.describe())
        install.owner_run = install.as_owner("install", "--phase", "owner")
        if install.owner_run.returncode != 0:
            pytest.fail("sources install, phase owner failed:\n" + install.owner_run.describe())
        yield install
    finally:
        drop_test_objects(system_conn, SRC_OWNER, MAIN_DIRECTORY)
        with system_conn.cursor() as cur:
            cur.execute("select count(*) from all_directories where directory_name = :d", d=SECOND_DIRECTORY)
            if cur.fetchone()[0]:
                cur.execute(f'drop directory "{SECOND_DIRECTORY}"')


def wait_for_run(con, job: str, since: float) -> tuple:
    """The first USER_SCHEDULER_JOB_RUN_DETAILS row of ``job`` logged after ``since`` (epoch s):
    (status, instance_id, error#, additional_info); fails after JOB_WAIT_S."""
    deadline = time.time() + JOB_WAIT_S
    while time.time() < deadline:
        _, rows = query(con, "select status, instance_id, error#, additional_info from user_scheduler_job_run_details "
                             "where job_name = :j and log_date > from_tz(cast(date '1970-01-01' as timestamp), 'UTC') "
                             "+ numtodsinterval(:s, 'second') order by log_date", j=job, s=since)
        if rows:
            return rows[0]
        time.sleep(3)
    pytest.fail(f"job {job} logged no run within {JOB_WAIT_S} s of dbms_scheduler.run_job")


def test_one_job_per_instance_with_its_affinity(multi: Install) -> None:
    s = multi.settings()
    with multi.connect_owner() as con:
        _, rows = query(con, "select job_name, instance_id, enabled, job_type, job_action from user_scheduler_jobs "
                             "where job_name like :p order by job_name", p=s.object_name("INGEST_JOB") + "%")
    assert s.listener_log_instance == 1
    package = f"{s.schema}.{s.object_name('LOG_LOCATION_PKG')}"
    # INGEST_JOB: the parameterless run_ingest (STORED_PROCEDURE), pinned to listener_log_instance
    assert rows[0] == (s.object_name("INGEST_JOB"), 1, "TRUE", "STORED_PROCEDURE", f"{package}.RUN_INGEST"), rows
    assert rows[1][:4] == (s.object_name("INGEST_JOB") + "_I1", 1, "TRUE", "PLSQL_BLOCK"), rows
    assert rows[1][4] == f"begin {package}.run_instance_ingest(in_instance => 1); end;", rows
    assert len(rows) == 2, rows


def test_the_instance_job_runs_on_its_instance_and_both_listeners_are_mined(multi: Install, live_db: LiveDb) -> None:
    s = multi.settings()
    events = s.object_name("EVENTS")
    lsnrctl_traffic(live_db)
    with multi.connect_owner(program="lsnrmine_it_sources") as con:
        for job in (s.object_name("INGEST_JOB"), s.object_name("INGEST_JOB") + "_I1"):
            since = time.time() - 5
            with con.cursor() as cur:  # the scheduler runs it in a job slave (affinity applies)
                cur.execute("begin sys.dbms_scheduler.run_job(job_name => :j, use_current_session => false); end;", j=job)
            status, instance_id, error_no, info = wait_for_run(con, job, since)
            assert status == "SUCCEEDED", (job, status, error_no, info)
            assert instance_id == 1, (job, instance_id)  # both pinned (INGEST_JOB: listener_log_instance)
        _, rows = query(con, f'select source, listener, host, count(*), sum(case when command in (\'status\', '
                             f'\'services\') then 1 else 0 end) from "{events}" group by source, listener, host '
                             f'order by source')
        by_source = {r[0]: r[1:] for r in rows}
        assert set(by_source) >= {MAIN_LABEL, SECOND_LABEL}, rows
        assert by_source[MAIN_LABEL][0] == "LISTENER" and by_source[SECOND_LABEL][0] == LISTENER2, rows
        assert by_source[SECOND_LABEL][1] == CONTAINER_HOSTNAME, rows
        assert by_source[MAIN_LABEL][2] > 0 and by_source[SECOND_LABEL][2] > 0, rows
        assert by_source[SECOND_LABEL][3] >= 4, rows  # two status + two services commands at least
        _, state = query(con, f'select file_name, status from "{s.object_name("LOAD_STATE")}" '
                              f"where file_name in (:a, :b) order by file_name", a=MAIN_LABEL, b=SECOND_LABEL)
        assert state == [(MAIN_LABEL, "OK"), (SECOND_LABEL, "OK")], state


def test_lines_and_the_article_table_cover_both_listeners(multi: Install) -> None:
    s = multi.settings()
    with multi.connect_owner() as con:
        _, lines = query(con, "select source, listener, count(*) from listener_log_lines group by source, listener "
                              "order by source")
        assert [(r[0], r[1]) for r in lines] == [(MAIN_LABEL, "LISTENER"), (SECOND_LABEL, LISTENER2)], lines
        assert all(r[2] > 0 for r in lines), lines
        _, locations = query(con, "select directory_name, location from user_external_locations "
                                  "where table_name = :t order by directory_name",
                             t=s.object_name("LISTENER_LOG_EXT"))
        assert locations == sorted([(MAIN_DIRECTORY, "listener.log"), (SECOND_DIRECTORY, SECOND_FILE)]), locations
        _, counted = query(con, "select count(*) from listener_log where connect_string like '%(COMMAND=status)%' "
                                "or connect_string like '%(COMMAND=services)%'")
        assert counted[0][0] >= 8, counted  # both logs' STATUS/SERVICES lines (two rounds, two listeners)
        # refreshed on instance 1 = listener_log_instance (the install session and INGEST_JOB are there)
        _, status = query(con, f'select value from "{s.object_name("SETTINGS")}" where name = \'LOG_LOCATION_STATUS\'')
        assert status[0][0].startswith("ok: 2 files: "), status


def test_a_failing_source_does_not_stop_the_other(multi: Install, live_db: LiveDb) -> None:
    s = multi.settings()
    sources, load_state = s.object_name("SOURCES"), s.object_name("LOAD_STATE")
    with multi.connect_owner() as con:
        with con.cursor() as cur:
            cur.execute(f'insert into "{sources}" (source_name, file_name, label, listener, host, directory_name, '
                        "instance_number, enabled) values ('GHOST', 'absent.log', 'GHOST/absent.log', :l, :h, :d, 1, 'Y')",
                        l=LISTENER2, h=CONTAINER_HOSTNAME, d=SECOND_DIRECTORY)
            con.commit()
        try:
            _, before = query(con, f'select line_no from "{load_state}" where file_name = :f', f=SECOND_LABEL)
            lsnrctl_traffic(live_db)
            with con.cursor() as cur:
                cur.execute(f'begin "{s.object_name("INGEST_PKG")}".run(in_instance => 1); end;')
            _, rows = query(con, f'select file_name, status, health, line_no from "{load_state}" '
                                 "where file_name in ('GHOST/absent.log', :f) order by file_name", f=SECOND_LABEL)
            assert rows[0][:2] == ("GHOST/absent.log", "MISSING") and "absent.log" in rows[0][2], rows
            assert rows[1][:2] == (SECOND_LABEL, "OK") and rows[1][3] > before[0][0], rows
        finally:
            with con.cursor() as cur:
                cur.execute(f'delete from "{sources}" where source_name = \'GHOST\'')
                cur.execute(f'delete from "{load_state}" where file_name = \'GHOST/absent.log\'')
                con.commit()


def test_status_shows_each_node_source_and_the_job_affinity(multi: Install) -> None:
    run = multi.as_owner("status")
    assert run.returncode == 0, run.describe()
    s = multi.settings()
    out = run.output
    assert f"instance 1, source SECOND ({LISTENER2}@{CONTAINER_HOSTNAME}), {SECOND_LABEL}: OK, last read" in out, out
    assert f"any instance, source MAIN (LISTENER@{CONTAINER_HOSTNAME}), {MAIN_LABEL}: OK, last read" in out, out
    assert re.search(rf"{re.escape(s.object_name('INGEST_JOB'))}_I1: enabled, .*, instance 1, instance_id 1", out), out
    assert "listener_log: files of instance 1 (listener_log_instance) and of the unpinned sources" in out, out


def test_the_python_twin_reads_the_second_source_as_ingest_pkg_did(multi: Install, live_db: LiveDb,
                                                                     second_listener: str, tmp_path: Path) -> None:
    """Differential: the twin's run_sources over a copy of LSNRMINE2's log (nothing writes to it
    between the last INGEST_PKG run and the copy: no service registers with LSNRMINE2) ends where
    LOAD_STATE says INGEST_PKG ended."""
    from lsnrmine.ingest import FileState, SourceRow, run_sources

    s = multi.settings()
    with multi.connect_owner() as con:
        with con.cursor() as cur:
            cur.execute(f'begin "{s.object_name("INGEST_PKG")}".run(in_instance => 1); end;')
        _, rows = query(con, f'select byte_offset, line_no, lines from "{s.object_name("LOAD_STATE")}" '
                             "where file_name = :f", f=SECOND_LABEL)
    data = live_db.exec(["cat", f"{second_listener}/{SECOND_FILE}"])[1]
    (tmp_path / SECOND_FILE).write_bytes(data)
    states: dict[str, FileState] = {}
    run_sources([SourceRow("SECOND", SECOND_FILE, str(tmp_path), 1)], states, lambda staged: [], instance=1)
    twin = states[SECOND_LABEL]
    assert rows == [(twin.byte_offset, twin.line_no, twin.lines)], (rows, twin)
    assert twin.line_no > 0


def test_unpinning_every_source_unpins_ingest_job_and_drops_the_instance_job(multi: Install) -> None:
    """Review 7b, finding 4: the logs moved to shared storage, `instance` left out of every source
    (the facts' advice): a re-install clears INGEST_JOB's instance_id (SET_ATTRIBUTE_NULL) and drops
    INGEST_JOB_I1. Run last in the module; the pinned configuration is installed again afterwards."""
    s = multi.settings()
    toml = multi.cli.workdir / "lsnrmine.toml"
    pinned = toml.read_text(encoding="utf-8")
    assert pinned.endswith("instance = 1\n")
    toml.write_text(pinned[:-len("instance = 1\n")], encoding="utf-8")
    try:
        run = multi.as_owner("install", "--phase", "owner")
        assert run.returncode == 0, run.describe()
        with multi.connect_owner() as con:
            _, rows = query(con, "select job_name, instance_id, enabled from user_scheduler_jobs "
                                 "where job_name like :p order by job_name", p=s.object_name("INGEST_JOB") + "%")
        assert rows == [(s.object_name("INGEST_JOB"), None, "TRUE")], rows
    finally:
        toml.write_text(pinned, encoding="utf-8")
        run = multi.as_owner("install", "--phase", "owner")
        assert run.returncode == 0, run.describe()
