"""Install hardening (issue 15) on a real database: the privileges, quota and grants of the admin
phase, the errors that diagnose, the settings on re-install and an upgrade while a job runs.

Each test names the finding it guards. A4 (the ORACLE_LOADER LANGUAGE clause) comes first: it is
the biggest syntax unknown (docs/oracle-facts.md, "Install hardening"). Everything runs through the
installed schemas of conftest.py (``installed``: the database's own listener log; ``scratch``: a
scratch folder the suite writes), with lsnrmine's own code (CLI or ``lsnrmine.install``)."""

from __future__ import annotations

import time

import oracledb
import pytest

from lsnrmine import install as inst
from lsnrmine.render import render_objects
from lsnrmine.runner import ScriptError, execute_statements, split_script

from .conftest import Install, query


# -- A4: the LANGUAGE clause is accepted and converts the log's dates --------------------------------
def test_a4_listener_log_language_clause_reads_dated_rows(installed: Install, owner_conn) -> None:
    try:
        _, rows = query(owner_conn, 'select count(*), min(log_date), max(log_date) from "LISTENER_LOG" '
                                    "where log_date is not null")
    except oracledb.DatabaseError as exc:
        pytest.fail("A4: LISTENER_LOG refused: " + (inst.translate_read_error(str(exc), installed.settings())
                                                      or str(exc)) + " -> switch to the CHAR fallback "
                    "(docs/oracle-facts.md, Install hardening, A4)")
    count, first, last = rows[0]
    assert count > 0 and first is not None and first <= last, rows


# -- A1, A2, A10, A13: the owner has exactly what the admin phase gives, and it is enough ----------
def test_a1_a2_owner_privileges_quota_and_identity_tables(installed: Install, owner_conn, system_conn) -> None:
    settings = installed.settings()
    _, privs = query(owner_conn, "select privilege from session_privs")
    granted = {r[0] for r in privs}
    assert set(inst.owner_privileges(settings)) <= granted, granted
    assert not any(p.endswith(" ANY") or " ANY " in p for p in granted), granted  # no ANY privilege
    _, roles = query(owner_conn, "select granted_role from user_role_privs")
    assert roles == [], roles  # no RESOURCE, no DBA: the README's admin phase only
    _, space = query(owner_conn, inst.Q_OWNER_SPACE)
    assert space and space[0][1] >= 1, space
    # A13: created by the admin phase, the owner lives in the database's default permanent tablespace
    _, rows = query(system_conn, "select property_value from database_properties "
                                 "where property_name = 'DEFAULT_PERMANENT_TABLESPACE'")
    assert rows == [(space[0][0],)], (rows, space)
    # A1: the identity columns exist (their sequences are in the owner's schema)
    _, seqs = query(owner_conn, "select count(*) from user_sequences where sequence_name like 'ISEQ$$%'")
    assert seqs[0][0] >= 3, seqs
    history = settings.object_name("INSTALL_HISTORY")
    _, runs = query(owner_conn, f'select status from "{history}" order by id')
    assert runs and runs[-1][0] == "complete", runs
    # A10: EXECUTE on SYS.DBMS_LOB usable by definer's-rights code (PUBLIC or direct)
    _, lob = query(owner_conn, inst.Q_SYS_EXECUTE, object_name="DBMS_LOB")
    assert lob[0][0] >= 1


# -- C7: SYSTEM cannot grant on SYS's packages; the admin preflight says so first ------------------
def test_c7_system_cannot_grant_on_sys_packages(installed: Install, system_conn) -> None:
    with system_conn.cursor() as cursor:
        cursor.execute(inst.Q_SESSION_USER)
        if cursor.fetchone()[0] == "SYS":
            pytest.skip("the suite's DBA account is SYS: the restriction does not apply")
        with pytest.raises(oracledb.DatabaseError, match="ORA-01031"):
            cursor.execute(f'grant execute on sys.dbms_system to "{installed.owner}"')
    run = installed.as_admin("install", "--phase", "admin", "--dry-run")
    assert run.returncode == 0
    # the preflight of the real admin phase with alert_log on stops before running anything
    run = installed.as_admin("install", "--phase", "admin", env={"LSNRMINE_ALERT_LOG": "true"})
    assert run.returncode != 0 and "grants EXECUTE on SYS.DBMS_SYSTEM" in run.output and "--sysdba" in run.output, \
        run.describe()
    for secret in installed.secrets:
        assert secret not in run.output


# -- A3: access-driver errors keep their KUP lines ------------------------------------------------
def test_a3_syntax_error_is_reported_with_its_kup_lines(scratch: Install) -> None:
    settings = scratch.settings()
    with scratch.connect_owner() as con:
        with con.cursor() as cursor:
            cursor.execute(f"""create table lsnr_it_bad_loader (c varchar2(10))
                organization external (type oracle_loader default directory "{settings.directory}"
                access parameters (records delimited by newline no_such_option fields (c char(10)))
                location ('{settings.log_files[0]}')) reject limit unlimited""")
        try:
            with pytest.raises(oracledb.DatabaseError) as info:
                query(con, "select * from lsnr_it_bad_loader")
            message = inst.translate_read_error(str(info.value), settings)
            assert message is not None and message.startswith("the ORACLE_LOADER access driver failed: KUP-"), message
            assert "cannot read" not in message
        finally:
            with con.cursor() as cursor:
                cursor.execute("drop table lsnr_it_bad_loader purge")


# -- A5: a configured file that disappears; verify names it, a re-install with the real list heals
def test_a5_missing_configured_file(scratch: Install, live_db) -> None:
    live_db.write_scratch("scratch_1.log", b"")
    run = scratch.as_owner("install", "--phase", "owner", "--log-file", "scratch.log", "--log-file", "scratch_1.log")
    assert run.returncode == 0, run.describe()
    live_db.remove_scratch("scratch_1.log")
    try:
        with scratch.connect_owner() as con:
            with pytest.raises(oracledb.DatabaseError, match="KUP-04040"):
                query(con, 'select count(*) from "LISTENER_LOG"')
        verify = scratch.as_owner("verify", "--log-file", "scratch.log", "--log-file", "scratch_1.log")
        assert verify.returncode == 1 and "scratch_1.log" in verify.output, verify.describe()
    finally:
        run = scratch.as_owner("install", "--phase", "owner")
    assert run.returncode == 0, run.describe()
    with scratch.connect_owner() as con:
        query(con, 'select count(*) from "LISTENER_LOG"')


# -- A11: a unit created with compilation errors fails through cursor.warning/USER_ERRORS --------
def test_a11_compilation_error_is_caught(scratch: Install) -> None:
    with scratch.connect_owner() as con:
        try:
            with pytest.raises(ScriptError, match="compiled with errors"):
                execute_statements(con, ["create or replace procedure lsnr_it_bad as begin no_such_thing; end;"],
                                   label="procedure LSNR_IT_BAD")
        finally:
            with con.cursor() as cursor:
                cursor.execute("drop procedure lsnr_it_bad")


# -- A14: a directory pointing elsewhere is not repointed without --force -------------------------
def test_a14_directory_pointing_elsewhere_is_refused(scratch: Install, system_conn) -> None:
    run = scratch.as_admin("install", "--phase", "admin", "--log-dir", "/tmp")
    assert run.returncode != 0 and "--force" in run.output, run.describe()
    _, rows = query(system_conn, "select directory_path from all_directories where directory_name = :d",
                    d=scratch.directory)
    assert rows == [(scratch.settings().log_dir,)], rows


# -- A7, A12: the admin phase re-runs; one REVOKE per privilege --------------------------------------
def test_a7_admin_phase_reruns_and_a12_revokes_each_privilege(scratch: Install, system_conn) -> None:
    run = scratch.as_admin("install", "--phase", "admin")
    assert run.returncode == 0, run.describe()
    settings = scratch.settings()
    revert = next(i.revert for i in render_objects(settings, "admin") if i.obj.logical == "OWNER_GRANTS")
    with system_conn.cursor() as cursor:
        cursor.execute(f'revoke create view from "{scratch.owner}"')  # one of them already gone
    execute_statements(system_conn, split_script(revert), label="revoke")
    _, rows = query(system_conn, "select privilege from dba_sys_privs where grantee = :g", g=scratch.owner)
    assert {r[0] for r in rows} <= {"CREATE SESSION"}, rows  # the others went too
    run = scratch.as_admin("install", "--phase", "admin")  # and the admin phase gives them back
    assert run.returncode == 0, run.describe()


# -- A9/C8: settings on re-install -------------------------------------------------------------------
def test_a9_toml_wins_unless_changed_by_hand(scratch: Install) -> None:
    table = scratch.settings().object_name("SETTINGS")
    with scratch.connect_owner() as con:
        with con.cursor() as cursor:
            cursor.execute(f"""update "{table}" set value = '45' where name = 'RETENTION_DAYS'""")
        con.commit()
    run = scratch.as_owner("install", "--phase", "owner", env={"LSNRMINE_RETENTION_DAYS": "60",
                                                             "LSNRMINE_INGEST_INTERVAL_MINUTES": "7"})
    assert run.returncode == 0, run.describe()
    with scratch.connect_owner() as con:
        _, rows = query(con, f'select name, value, seeded_value from "{table}" '
                             "where name in ('RETENTION_DAYS', 'INGEST_INTERVAL_MINUTES', 'DATE_LANGUAGE') order by name")
        assert rows == [("INGEST_INTERVAL_MINUTES", "7", "7"), ("RETENTION_DAYS", "45", "60")], rows
        with pytest.raises(oracledb.DatabaseError, match="ORA-02290"):  # F10: the limits hold by hand too
            with con.cursor() as cursor:
                cursor.execute(f"""update "{table}" set value = '99999' where name = 'INGEST_INTERVAL_MINUTES'""")
        con.rollback()
        with con.cursor() as cursor:
            cursor.execute(f"""update "{table}" set value = seeded_value where name = 'RETENTION_DAYS'""")
        con.commit()
    assert scratch.as_owner("install", "--phase", "owner").returncode == 0


# -- F7: install while the ingest job runs --------------------------------------------------------
def test_f7_install_while_a_job_runs(scratch: Install) -> None:
    settings = scratch.settings()
    if not settings.jobs_enabled:
        pytest.skip("jobs_enabled = false")
    job = settings.object_name("INGEST_JOB")
    with scratch.connect_owner() as con:
        with con.cursor() as cursor:
            cursor.execute("begin sys.dbms_scheduler.run_job(job_name => :j, use_current_session => false); end;", j=job)
        lines: list[str] = []
        inst.Installer(settings, out=lines.append).install_owner(con)
        _, rows = query(con, "select enabled from user_scheduler_jobs where job_name = :j", j=job)
        assert rows == [("TRUE",)], (rows, lines)
        assert any(f"disabled JOB {job}" in line for line in lines), lines
        assert any(f"enabled JOB {job} again" in line for line in lines), lines
        deadline = time.monotonic() + 60
        while query(con, inst.Q_RUNNING_JOBS)[1] and time.monotonic() < deadline:
            time.sleep(2)
