"""Install hardening on a real database: the privileges, quota and grants of the admin
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
from lsnrmine import install_sql as isql
from lsnrmine import preflight
from lsnrmine import read_errors
from lsnrmine.render import render_objects
from lsnrmine.runner import ScriptError, execute_statements, split_script
from lsnrmine.settings import owner_privileges

from .conftest import Install, query


# -- A4: LISTENER_LOG is a view converting the external table's text dates with TO_DATE ------------
def test_a4_listener_log_view_reads_dated_rows(installed: Install, owner_conn) -> None:
    try:
        _, rows = query(owner_conn, 'select count(*), min(log_date), max(log_date) from "LISTENER_LOG" '
                                    "where log_date is not null")
    except oracledb.DatabaseError as exc:
        pytest.fail("A4: LISTENER_LOG refused: " + (read_errors.translate_read_error(str(exc), installed.settings())
                                                      or str(exc)))
    count, first, last = rows[0]
    assert count > 0 and first is not None and first <= last, rows
    _, kinds = query(owner_conn, "select object_type from user_objects where object_name = 'LISTENER_LOG'")
    assert kinds == [("VIEW",)], kinds
    ext = installed.settings().object_name("LISTENER_LOG_EXT")
    _, params = query(owner_conn, "select access_parameters from user_external_tables where table_name = :t", t=ext)
    assert params and "language" not in str(params[0][0]).lower(), params


# -- A1, A2, A10, A13: the owner has exactly what the admin phase gives, and it is enough ----------
def test_a1_a2_owner_privileges_quota_and_identity_tables(installed: Install, owner_conn, system_conn) -> None:
    settings = installed.settings()
    _, privs = query(owner_conn, "select privilege from session_privs")
    granted = {r[0] for r in privs}
    assert set(owner_privileges(settings)) <= granted, granted
    assert not any(p.endswith(" ANY") or " ANY " in p for p in granted), granted  # no ANY privilege
    _, roles = query(owner_conn, "select granted_role from user_role_privs")
    assert roles == [], roles  # no RESOURCE, no DBA: the README's admin phase only
    _, space = query(owner_conn, isql.Q_OWNER_SPACE)
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
    _, lob = query(owner_conn, isql.Q_SYS_EXECUTE, object_name="DBMS_LOB")
    assert lob[0][0] >= 1


# -- C7: SYSTEM cannot grant on SYS's packages; the admin preflight says so first ------------------
def test_c7_system_cannot_grant_on_sys_packages(installed: Install, system_conn) -> None:
    with system_conn.cursor() as cursor:
        cursor.execute(isql.Q_SESSION_USER)
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
            message = read_errors.translate_read_error(str(info.value), settings)
            assert message is not None and message.startswith("the ORACLE_LOADER access driver failed: KUP-"), message
            assert "cannot read" not in message
        finally:
            with con.cursor() as cursor:
                cursor.execute("drop table lsnr_it_bad_loader purge")


# -- A5: a configured file that disappears; verify names it, the LOCATION refresh heals LISTENER_LOG
# (more in test_03b_location.py)
def test_a5_missing_configured_file(scratch: Install, live_db) -> None:
    live_db.write_scratch("scratch_1.log", b"")
    run = scratch.as_owner("install", "--phase", "owner", "--log-file", "scratch.log", "--log-file", "scratch_1.log")
    assert run.returncode == 0, run.describe()
    live_db.remove_scratch("scratch_1.log")
    try:
        with scratch.connect_owner() as con:
            with con.cursor() as cursor:
                cursor.execute(f'begin "{scratch.settings().object_name("LOG_LOCATION_PKG")}".refresh; end;')
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
        while query(con, isql.Q_RUNNING_JOBS)[1] and time.monotonic() < deadline:
            time.sleep(2)


# -- review of the merged hardening (R1-R8) -------------------------------------------------------------
def _jobs(con) -> dict[str, tuple[str, str]]:
    _, rows = query(con, "select job_name, enabled, comments from user_scheduler_jobs")
    return {r[0]: (r[1], r[2] or "") for r in rows}


def test_r1_jobs_paused_by_a_failed_install_are_enabled_by_the_next_complete_one(scratch: Install) -> None:
    """R1: a run that stops half-way leaves its jobs disabled and marked in COMMENTS; the next complete
    run enables them and removes the marker; a job disabled by hand (no marker) stays disabled."""
    settings = scratch.settings()
    if not settings.jobs_enabled:
        pytest.skip("jobs_enabled = false")
    ingest, purge = settings.object_name("INGEST_JOB"), settings.object_name("PURGE_JOB")
    blocker = settings.object_name("JDBC_SERVICE_HOSTS")  # a view of the manifest; a table of that name fails it
    with scratch.connect_owner() as con:
        before = _jobs(con)
        assert before[ingest][0] == "TRUE", before
        with con.cursor() as cursor:
            cursor.execute("begin sys.dbms_scheduler.disable(name => :j); end;", j=purge)  # a DBA's choice
            cursor.execute(f'drop view "{blocker}"')
            cursor.execute(f'create table "{blocker}" (x number)')
    try:
        failed = scratch.as_owner("install", "--phase", "owner")
        assert failed.returncode != 0 and blocker in failed.output, failed.describe()
        with scratch.connect_owner() as con:
            left = _jobs(con)
        assert left[ingest] == ("FALSE", (inst.JOB_PAUSE_MARKER + before[ingest][1])[:240]), left
        assert left[purge] == ("FALSE", before[purge][1]), left  # disabled by hand: not marked
    finally:
        with scratch.connect_owner() as con:
            with con.cursor() as cursor:
                cursor.execute(f'drop table "{blocker}" purge')
    run = scratch.as_owner("install", "--phase", "owner")
    assert run.returncode == 0, run.describe()
    assert f"JOB {ingest} was left disabled by an install that did not complete" in run.output, run.describe()
    with scratch.connect_owner() as con:
        after = _jobs(con)
        assert after[ingest] == ("TRUE", before[ingest][1]), after
        assert after[purge][0] == "FALSE", after
        with con.cursor() as cursor:
            cursor.execute("begin sys.dbms_scheduler.enable(name => :j); end;", j=purge)


def test_r2_r6_an_old_value_outside_the_limits_is_replaced_and_the_check_is_a_case(scratch: Install) -> None:
    """R2: a kept value the limits refuse no longer stops the upgrade with ORA-02290; R6: the
    constraint refuses NULL for a limited row and never converts another row's value."""
    table = scratch.settings().object_name("SETTINGS")
    check = scratch.settings().object_name("SETTINGS_LIMITS_CK")
    with scratch.connect_owner() as con:
        with con.cursor() as cursor:  # a table of an earlier version: no constraint, a by-hand '0'
            cursor.execute(f'alter table "{table}" drop constraint "{check}"')
            cursor.execute(f"""update "{table}" set value = '0' where name = 'INGEST_INTERVAL_MINUTES'""")
        con.commit()
    run = scratch.as_owner("install", "--phase", "owner")
    assert run.returncode == 0, run.describe()
    assert "setting INGEST_INTERVAL_MINUTES = '0' is outside its limits: replaced by the install value" in run.output
    with scratch.connect_owner() as con:
        _, rows = query(con, f"""select value, seeded_value from "{table}" where name = 'INGEST_INTERVAL_MINUTES'""")
        assert rows[0][0] == rows[0][1] and rows[0][0] != "0", rows
        with con.cursor() as cursor:
            cursor.execute(f"""update "{table}" set value = 'smtp.invalid.example' where name = 'MAIL_SENDER'""")
            with pytest.raises(oracledb.DatabaseError, match="ORA-02290"):
                cursor.execute(f"""update "{table}" set value = null where name = 'RETENTION_DAYS'""")
        con.rollback()


def test_r3_default_database_owner_holds_no_direct_sys_grant(installed: Install, system_conn) -> None:
    """R3: on a default database (PUBLIC has DBMS_LOB and UTL_SMTP) nothing is left for the admin
    uninstall to need SYS for; its preflight passes for the suite's DBA account."""
    installer = inst.Installer(installed.settings(), out=lambda _l: None)
    assert installer.sys_grants_left(system_conn) == []
    installer.preflight_uninstall_admin(system_conn)


def test_r4_r8_system_preflight_names_audit_grants_and_not_utl_smtp(installed: Install, system_conn) -> None:
    """R4: SYSTEM holds no grant option on SYS.DBA_AUDIT_TRAIL: the admin preflight says so before
    anything runs. R8: PUBLIC has EXECUTE on UTL_SMTP by default: mail needs no SYS then."""
    from lsnrmine.settings import Settings

    if str(query(system_conn, isql.Q_SESSION_USER)[1][0][0]) == "SYS":
        pytest.skip("the suite's DBA account is SYS: the restriction does not apply")
    base = installed.settings()
    audit = Settings(schema=base.schema, directory=base.directory, log_dir=base.log_dir,
                     log_files=base.log_files, audit_mode="traditional")
    with pytest.raises(inst.PreflightFailed) as info:
        inst.Installer(audit, out=lambda _l: None).preflight_admin(system_conn)
    assert any("grants SELECT on SYS.DBA_AUDIT_TRAIL" in p for p in info.value.problems), info.value.problems
    mail = Settings(schema=base.schema, directory=base.directory, log_dir=base.log_dir, log_files=base.log_files,
                    mail_host="smtp.example.com", mail_sender="a@example.com", mail_recipients=("b@example.com",))
    _, public = query(system_conn, "select count(*) from dba_tab_privs where owner = 'SYS' and table_name = 'UTL_SMTP' "
                                   "and privilege = 'EXECUTE' and grantee = 'PUBLIC'")
    if not public[0][0]:
        pytest.skip("this database revoked EXECUTE on UTL_SMTP from PUBLIC")
    inst.Installer(mail, out=lambda _l: None).preflight_admin(system_conn)  # no problem raised


def test_r5_owner_in_system_tablespace_is_refused(installed: Install, system_conn) -> None:
    """R5: an owner whose default tablespace is SYSTEM gets no quota there: the preflight refuses."""
    import secrets

    from lsnrmine.settings import Settings

    user = "LSNR_IT_SYSTS"
    with system_conn.cursor() as cursor:
        cursor.execute(f'create user "{user}" identified by "P{secrets.token_hex(8)}x" default tablespace system')
    try:
        base = installed.settings()
        s = Settings(schema=user, directory=base.directory, log_dir=base.log_dir, log_files=base.log_files)
        with pytest.raises(inst.PreflightFailed) as info:
            inst.Installer(s, out=lambda _l: None).preflight_admin(system_conn)
        assert preflight.system_tablespace_problem(user, "SYSTEM") in info.value.problems, info.value.problems
        grants = next(i.deploy for i in render_objects(s, "admin") if i.obj.logical == "OWNER_GRANTS")
        with pytest.raises(ScriptError, match="default tablespace of LSNR_IT_SYSTS is SYSTEM"):
            execute_statements(system_conn, split_script(grants), label="owner grants")
        _, quota = query(system_conn, "select count(*) from dba_ts_quotas where username = :u", u=user)
        assert quota == [(0,)], quota
    finally:
        with system_conn.cursor() as cursor:
            cursor.execute(f'drop user "{user}" cascade')


def test_owner_check_uses_the_session_user(installed: Install, system_conn) -> None:
    """Minor: ALTER SESSION SET CURRENT_SCHEMA = <owner> as SYSTEM must not pass the owner preflight."""
    with system_conn.cursor() as cursor:
        cursor.execute(f'alter session set current_schema = "{installed.owner}"')
    try:
        with pytest.raises(inst.PreflightFailed, match=f"not the owner {installed.owner}"):
            inst.Installer(installed.settings(), out=lambda _l: None).preflight_owner(system_conn)
    finally:
        with system_conn.cursor() as cursor:
            cursor.execute("begin execute immediate 'alter session set current_schema = ' || "
                           "sys.dbms_assert.enquote_name(sys_context('USERENV', 'SESSION_USER'), false); end;")


def test_r7_alert_log_wrapper_is_all_the_owner_gets(installed: Install, live_db) -> None:
    """R7: with alert_log the owner may execute the KSDWRT wrapper only; EXECUTE on SYS.DBMS_SYSTEM
    is held by the schema-only wrapper account. Run as SYS (only SYS can grant on DBMS_SYSTEM)."""
    from lsnrmine.settings import Settings

    from .test_06_audit import sys_connection, sys_password

    if sys_password(live_db) is None:
        pytest.skip("granting EXECUTE on SYS.DBMS_SYSTEM needs SYS: set LSNRMINE_TEST_SYS_PASSWORD")
    base = installed.settings()
    s = Settings(schema=base.schema, directory=base.directory, log_dir=base.log_dir, log_files=base.log_files,
                 alert_log=True)
    item = next(i for i in render_objects(s, "admin") if i.obj.logical == "ALERT_LOG_GRANT")
    with sys_connection(live_db) as sys_con:
        execute_statements(sys_con, split_script(item.deploy), label="alert-log wrapper")
        try:
            _, grants = query(sys_con, "select grantee from dba_tab_privs where owner = 'SYS' "
                                       "and table_name = 'DBMS_SYSTEM' and grantee in (:o, :w)",
                              o=s.schema, w=s.alert_log_schema)
            assert grants == [(s.alert_log_schema,)], grants
            _, auth = query(sys_con, "select authentication_type from dba_users where username = :w", w=s.alert_log_schema)
            assert auth == [("NONE",)], auth
            with installed.connect_owner() as con:
                with con.cursor() as cursor:
                    cursor.execute(f'begin "{s.alert_log_schema}"."WRITE_ALERT_LOG"(:t); end;',
                                   t="lsnrmine_it r7 wrapper line\nsecond line " + "x" * 900)
                    with pytest.raises(oracledb.DatabaseError, match="PLS-00201|ORA-06550"):
                        cursor.execute("begin sys.dbms_system.ksdwrt(2, 'lsnrmine_it r7 direct'); end;")
        finally:
            execute_statements(sys_con, split_script(item.revert or ""), label="drop alert-log wrapper")
        _, left = query(sys_con, "select count(*) from dba_users where username = :w", w=s.alert_log_schema)
        assert left == [(0,)], left
