"""A5 on a real database: a rotated segment among LISTENER_LOG's files is deleted or renamed;
after LOG_LOCATION_PKG.refresh (run by install and by the ingest job's action) LISTENER_LOG and the
article's views answer again, reading the files that exist. Also: the install leaves the ingest
job's action on run_ingest, and with no configured file at all the LOCATION is kept and verify
says so.

Uses the scratch install (its own files loc.log, loc_1.log, loc_2.log in the scratch directory,
never the ingest's scratch.log segments) and restores its configuration at the end.
"""

from __future__ import annotations

import datetime as dt
import time

import oracledb
import pytest

from .conftest import Install, LiveDb, query

STEM_FILES = ("loc.log", "loc_1.log", "loc_2.log")
SERVICE = "LSNRMINE_IT_LOC"
ARTICLE_VIEWS = ("JDBC_SERVICE_HOSTS", "SID_SERVICE_BREAKUP", "LISTENER_COMMANDS", "ADMIN_RESTRICTED",
                 "FAILED_COMMANDS")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _line(when: dt.datetime, host: str) -> bytes:
    """A JDBC connect line in the listener log's format (the article's jdbc_service_hosts counts it)."""
    stamp = f"{when.day:02d}-{_MONTHS[when.month - 1]}-{when.year:04d} {when:%H:%M:%S}"
    return (f"{stamp} * (CONNECT_DATA=(SERVICE_NAME={SERVICE})(CID=(PROGRAM=JDBC Thin Client)(HOST=__jdbc__)"
            f"(USER=oracle))) * (ADDRESS=(PROTOCOL=tcp)(HOST={host})(PORT=40001)) * establish * {SERVICE} * 0\n"
            ).encode("ascii")


def _rename(live_db: LiveDb, old: str, new: str) -> None:
    if live_db.has_shell:
        live_db.sh(f"mv -f '{live_db.scratch_dir}/{old}' '{live_db.scratch_dir}/{new}'")
    else:
        (live_db.scratch_host_dir / old).rename(live_db.scratch_host_dir / new)  # type: ignore[operator]


def _locations(con, table: str) -> set[str]:
    _, rows = query(con, "select location from user_external_locations where table_name = :t", t=table)
    return {r[0] for r in rows}


def _refresh(con, package: str) -> str:
    with con.cursor() as cur:
        cur.execute(f'begin "{package}".refresh; end;')
    settings_table = package.replace("LOG_LOCATION_PKG", "SETTINGS")
    _, rows = query(con, f'select value from "{settings_table}" where name = \'LOG_LOCATION_STATUS\'')
    return rows[0][0]


def _jdbc_hosts(con, settings) -> set[str]:
    _, rows = query(con, f'select host from "{settings.object_name("JDBC_SERVICE_HOSTS")}" where sn = :sn', sn=SERVICE)
    return {r[0] for r in rows}


def _pause_ingest(con, job: str) -> bool:
    """Disable the scratch's ingest job for the test (its action refreshes the LOCATION and, with
    segment discovery, would read the loc files into the scratch's EVENTS); True if it was enabled."""
    _, rows = query(con, "select enabled from user_scheduler_jobs where job_name = :j", j=job)
    if not rows or rows[0][0] != "TRUE":
        return False
    with con.cursor() as cur:
        cur.execute("begin sys.dbms_scheduler.disable(name => :j, force => true); end;", j=job)
    for _ in range(60):
        _, running = query(con, "select count(*) from user_scheduler_running_jobs where job_name = :j", j=job)
        if running[0][0] == 0:
            return True
        time.sleep(1)
    raise AssertionError(f"job {job} still running after 60 s")


def test_a5_listener_log_follows_the_files_that_exist(scratch: Install, live_db: LiveDb) -> None:
    live_db.require_scratch()
    job = scratch.settings().object_name("INGEST_JOB")
    with scratch.connect_owner() as con:
        _, now = query(con, "select sysdate from dual")
        job_was_enabled = _pause_ingest(con, job)
    when = now[0][0]
    hosts = {"loc.log": "198.18.0.70", "loc_1.log": "198.18.0.71", "loc_2.log": "198.18.0.72"}
    for name in STEM_FILES:
        live_db.write_scratch(name, _line(when, hosts[name]))
    files = [arg for name in STEM_FILES for arg in ("--log-file", name)]
    settings = scratch.settings()
    ext, package = settings.object_name("LISTENER_LOG_EXT"), settings.object_name("LOG_LOCATION_PKG")
    load_state = settings.object_name("LOAD_STATE")
    try:
        run = scratch.as_owner("install", "--phase", "owner", *files)
        assert run.returncode == 0, run.describe()
        with scratch.connect_owner() as con:
            assert _locations(con, ext) == set(STEM_FILES)
            assert _jdbc_hosts(con, settings) == set(hosts.values())
            # the install set the ingest job's action to the refresh-then-ingest wrapper
            _, jobs = query(con, "select job_action from user_scheduler_jobs where job_name = :j",
                            j=settings.object_name("INGEST_JOB"))
            assert jobs == [(f"{settings.schema}.{package}.RUN_INGEST",)], jobs

        # a rotated segment deleted: every query fails (KUP-04040) until the refresh
        live_db.remove_scratch("loc_1.log")
        with scratch.connect_owner() as con:
            with pytest.raises(oracledb.DatabaseError, match="KUP-04040"):
                query(con, 'select count(*) from "LISTENER_LOG"')
            status = _refresh(con, package)
            assert status.startswith("ok: 2 files: ") and "loc_1.log" not in status, status  # count, first .. last
            assert _locations(con, ext) == {"loc.log", "loc_2.log"}
            _, count = query(con, 'select count(*) from "LISTENER_LOG" where log_date is not null')
            assert count[0][0] >= 2
            for view in ARTICLE_VIEWS:
                query(con, f'select * from "{settings.object_name(view)}"')  # answers, no KUP-04040
            assert _jdbc_hosts(con, settings) == {hosts["loc.log"], hosts["loc_2.log"]}

        # a segment renamed (loc_2.log -> loc_3.log): the configured loc_2.log is gone; loc_3.log is
        # read once the ingest has recorded it in LOAD_STATE (its segment discovery; the row stands
        # for that record here: the refresh reads only file_name)
        _rename(live_db, "loc_2.log", "loc_3.log")
        with scratch.connect_owner() as con:
            _refresh(con, package)
            assert _locations(con, ext) == {"loc.log"}
            with con.cursor() as cur:
                cur.execute(f'insert into "{load_state}" (file_name) values (\'loc_3.log\')')
            con.commit()
            status = _refresh(con, package)
            assert status == "ok: 2 files: loc_3.log .. loc.log", status  # segments by ascending n, then the file
            assert _locations(con, ext) == {"loc.log", "loc_3.log"}
            assert _jdbc_hosts(con, settings) == {hosts["loc.log"], hosts["loc_2.log"]}

        # verify names the configured files that are gone; LISTENER_LOG itself answers
        verify = scratch.as_owner("verify", *files)
        assert verify.returncode == 1 and "loc_1.log" in verify.output and "loc_2.log" in verify.output, verify.describe()
        assert "select from LISTENER_LOG failed" not in verify.output, verify.describe()

        # no configured file left: the LOCATION is kept and recorded; verify reports it
        _rename(live_db, "loc.log", "loc.log.gone")
        with scratch.connect_owner() as con:
            with con.cursor() as cur:
                cur.execute(f'delete from "{load_state}" where file_name = \'loc_3.log\'')
            con.commit()
            status = _refresh(con, package)
            assert status.startswith("no configured log file exists in directory"), status
            assert _locations(con, ext) == {"loc.log", "loc_3.log"}
        verify = scratch.as_owner("verify", *files)
        assert verify.returncode == 1 and "no configured log file exists" in verify.output, verify.describe()
    finally:
        with scratch.connect_owner() as con:
            with con.cursor() as cur:
                cur.execute(f'delete from "{load_state}" where file_name like \'loc%\'')
            con.commit()
        for name in ("loc.log", "loc.log.gone", "loc_1.log", "loc_2.log", "loc_3.log"):
            live_db.remove_scratch(name)
        run = scratch.as_owner("install", "--phase", "owner")  # the scratch's own configuration again
        if job_was_enabled:
            with scratch.connect_owner() as con:
                with con.cursor() as cur:
                    cur.execute("begin sys.dbms_scheduler.enable(name => :j); end;", j=job)
    assert run.returncode == 0, run.describe()
    with scratch.connect_owner() as con:
        query(con, 'select count(*) from "LISTENER_LOG"')
        assert _locations(con, ext) == set(settings.log_files)
