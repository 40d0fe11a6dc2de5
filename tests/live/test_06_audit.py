"""Audit against the database: a unified LOGON audit policy, real connects (one good, one
with a wrong password), the ingest, and their matches in LSNR_AUDIT_UNIFIED_MATCH / LSNR_AUDIT_MATCH.

gvenzl images disable every audit policy and purge the trail at build time (../shared/oracle-notes.md
section 8), so the test creates and enables its own policy (CREATE AUDIT POLICY .. ACTIONS LOGON;
AUDIT POLICY ..: SQL Language Reference, AUDIT (Unified Auditing): "take effect in subsequent user
sessions"). lsnrmine is re-installed with audit_mode = unified from a second work folder (install =
upgrade: the existing objects are replaced, the audit grant and views added); the teardown removes
exactly the audit objects, the policy, so test_z_uninstall still finds only the base install.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Iterator, Optional

import pytest

from lsnrmine.render import render_objects
from lsnrmine.runner import execute_statements, split_script

from .conftest import Cli, Install, LiveDb, query, write_config
from .traffic import MACHINE, OSUSER, tagged

POLICY = "LSNRMINE_IT_LOGON"
PROGRAM_AUDIT_OK = tagged("lsnrmine_it_audit_ok")
PROGRAM_AUDIT_BAD = tagged("lsnrmine_it_audit_badpw")
POLL_S = 60


def _execute_ignoring(con, statement: str, *codes: int) -> None:
    import oracledb

    with con.cursor() as cur:
        try:
            cur.execute(statement)
        except oracledb.DatabaseError as exc:
            if exc.args[0].code not in codes:
                raise


def _audit_settings(installed: Install, folder):
    from lsnrmine.settings import load_settings

    return load_settings(config_path=str(folder / "lsnrmine.toml"), environ={})


ENV_SYS_PASSWORD = "LSNRMINE_TEST_SYS_PASSWORD"


def sys_password(live_db: LiveDb, environ: Optional[dict[str, str]] = None) -> Optional[str]:
    """SYS's password for the ORA-01031 fallback: in a gvenzl container the ORACLE_PASSWORD, which
    is SYS's and SYSTEM's [I]; in DSN mode LSNRMINE_TEST_SYS_PASSWORD, or None (no fallback)."""
    if live_db.mode == "container":
        return live_db.system_password
    return (os.environ if environ is None else environ).get(ENV_SYS_PASSWORD) or None


def no_sys_fallback_reason(output: str) -> str:
    """The skip reason when SYSTEM may not grant on the audit trail and no SYS password is given."""
    lines = [line.strip() for line in output.splitlines() if "ORA-01031" in line]
    return (f"the admin phase with audit_mode = {AUDIT_MODE} needs grants SYSTEM may not give "
            f"({lines[0] if lines else 'ORA-01031: insufficient privileges'}) and {ENV_SYS_PASSWORD} is not "
            "set for the SYS AS SYSDBA fallback (docs/live-suite.md, DSN mode)")


@pytest.fixture(scope="module")
def audit_install(installed: Install, live_db: LiveDb, system_conn, tmp_path_factory) -> Iterator[Cli]:
    # ORA-46358: audit policy already exists (a kept container)
    _execute_ignoring(system_conn, f"create audit policy {POLICY} actions logon", 46358)
    _execute_ignoring(system_conn, f"audit policy {POLICY}")
    cli = Cli(tmp_path_factory.mktemp("lsnrmine_audit"))
    # "both": the unified trail for the match views, and SELECT on DBA_AUDIT_TRAIL, which the
    # article's two audit queries read (they run verbatim below; review F8)
    write_config(cli.workdir, schema=installed.owner, directory=installed.directory, log_dir=live_db.log_dir,
                 log_file=[live_db.log_file], create_schema=True, audit_mode=AUDIT_MODE)
    dsn = ["--dsn", live_db.dsn]
    granted_as_sys = False
    skip_reason: Optional[str] = None
    try:
        admin = cli.run("install", "--phase", "admin", *dsn, "--user", live_db.system_user, env=installed.admin_env())
        if admin.returncode != 0 and "ORA-01031" in admin.output:
            # docs/audit.md: granting on AUDSYS/SYS objects may need SYS (SYSTEM holds no grant
            # option on SYS.DBA_AUDIT_TRAIL; 19c answers ORA-01031)
            password = sys_password(live_db)
            if password is None:
                skip_reason = no_sys_fallback_reason(admin.output)
            else:
                admin = cli.run("install", "--phase", "admin", *dsn, "--user", "SYS", "--sysdba",
                                env={**installed.admin_env(), "LSNRMINE_PASSWORD": password})
                granted_as_sys = True
        if skip_reason is None:
            assert admin.returncode == 0, admin.describe()
            owner = cli.run("install", "--phase", "owner", *dsn, "--user", installed.owner, env=installed.owner_env())
            assert owner.returncode == 0, owner.describe()
            yield cli
    finally:
        settings = _audit_settings(installed, cli.workdir)
        with installed.connect_owner(program="lsnrmine_it_audit_teardown") as con:
            for item in reversed(render_objects(settings, "owner")):
                if item.obj.logical.startswith("AUDIT_"):
                    execute_statements(con, split_script(item.revert or ""), label=f"drop {item.name}")
        # review F6: a grant is revoked by the account that made it (REVOKE of a grant made by
        # another grantor fails with ORA-01927, which the revert script tolerates: the grant would stay)
        revoker = sys_connection(live_db) if granted_as_sys else contextlib.nullcontext(system_conn)
        with revoker as con:
            for item in render_objects(settings, "admin"):
                if item.obj.logical == "AUDIT_GRANTS":
                    execute_statements(con, split_script(item.revert or ""), label="revoke audit grants")
        _execute_ignoring(system_conn, f"noaudit policy {POLICY}", 46357)  # not enabled
        _execute_ignoring(system_conn, f"drop audit policy {POLICY}", 46357)
    if skip_reason is not None:
        pytest.skip(skip_reason)


AUDIT_MODE = "both"


def sys_connection(live_db: LiveDb):
    """SYS AS SYSDBA into the PDB, with sys_password() (the fallback ran, so there is one)."""
    import oracledb

    password = sys_password(live_db)
    assert password is not None, f"no SYS password ({ENV_SYS_PASSWORD})"
    return live_db.connect("SYS", password, mode=oracledb.AUTH_MODE_SYSDBA, program="lsnrmine_it_sys")


def _listener_time_zone(con) -> None:
    """The listener writes its log in the server's OS time; CAST(EVENT_TIMESTAMP AS DATE) gives the
    session time zone: align the session with the server's offset (docs/audit.md)."""
    _, rows = query(con, "select to_char(systimestamp, 'TZH:TZM') from dual")
    with con.cursor() as cur:
        cur.execute(f"alter session set time_zone = '{rows[0][0]}'")


def _ingest_until(installed: Install, con, sql: str, **binds) -> list[tuple]:
    package = installed.settings().object_name("INGEST_PKG")
    deadline = time.monotonic() + POLL_S
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        with con.cursor() as cur:
            cur.execute(f'begin "{package}".run; end;')
        con.commit()
        _, rows = query(con, sql, **binds)
        if rows:
            return rows
        time.sleep(3)
    return rows


def test_unified_logon_matches_the_listener_connect(audit_install: Cli, installed: Install, live_db: LiveDb) -> None:
    import oracledb

    with live_db.connect(installed.owner, installed.owner_password, program=PROGRAM_AUDIT_OK,
                         machine=MACHINE, osuser=OSUSER) as con:
        with con.cursor() as cur:
            cur.execute("select 1 from dual")
    with pytest.raises(oracledb.DatabaseError, match="ORA-01017"):
        live_db.connect(installed.owner, "Wrong" + installed.owner_password, program=PROGRAM_AUDIT_BAD,
                        machine=MACHINE, osuser=OSUSER).close()
    events = installed.settings().object_name("EVENTS")
    match = installed.settings().prefix + "AUDIT_UNIFIED_MATCH"
    with installed.connect_owner(program="lsnrmine_it_audit_check") as con:
        _listener_time_zone(con)
        sql = (f'select e.program, m.db_user, m.delay_seconds, m.logon_rc, m.audit_ip, e.client_ip '
               f'from "{match}" m join "{events}" e on e.event_id = m.event_id '
               f'where e.program in (:ok, :bad) order by e.event_time')
        rows = _ingest_until(installed, con, sql, ok=PROGRAM_AUDIT_OK, bad=PROGRAM_AUDIT_BAD)
        by_program = {r[0]: r for r in rows}
        assert PROGRAM_AUDIT_OK in by_program, f"no match for the good connect; rows: {rows}"
        _, user, delay, rc, audit_ip, client_ip = by_program[PROGRAM_AUDIT_OK]
        assert user == installed.owner and rc == 0 and 0 <= delay <= 2 and audit_ip == client_ip
        if PROGRAM_AUDIT_BAD in by_program:  # failed logons are audited by a LOGON policy [I]
            assert by_program[PROGRAM_AUDIT_BAD][3] == 1017
        # the combined view lists the connect once, matched, from the unified trail
        combined = installed.settings().prefix + "AUDIT_MATCH"
        _, rows = query(con, f'select audit_source, db_user, matched from "{combined}" where program = :p',
                        p=PROGRAM_AUDIT_OK)
        assert rows and all(r == ("unified", installed.owner, 1) for r in rows), rows


# --------------------------------------------------------------------------------------------
# review F8: the article's two audit queries (reports/article_audit_*.sql), verbatim

ARTICLE_AUDIT_REPORTS = ("article_audit_jdbc_users.sql", "article_audit_service_user.sql")
PROGRAM_TRADITIONAL = tagged("lsnrmine_it_audit_trad")
TRADITIONAL_MACHINE = "__jdbc__"  # the JDBC query wants HOST=__jdbc__ in CONNECT_DATA and a.userhost


def article_audit_sql(report: str) -> str:
    from lsnrmine.templates import template_root

    (sql,) = split_script((template_root() / "reports" / report).read_text(encoding="utf-8"))
    return sql


def edited_article_audit_sql(report: str, *, client_ip: str, client_host: str, service_name: str) -> str:
    """The query with the article's sample values replaced by the suite's client, as the script's
    own header tells the reader to ("Edit the IP address and the client's host name")."""
    sql = article_audit_sql(report)
    replacements = {
        "article_audit_jdbc_users.sql": {"'10.20.214.170'": client_ip, "'stcdelpas01'": client_host},
        "article_audit_service_user.sql": {"'DBA'": service_name, "'STSCOTIGERAT42'": client_host},
    }[report]
    for literal, value in replacements.items():
        assert literal in sql, f"{report} no longer holds the article's {literal}"
        sql = sql.replace(literal, "'" + value.replace("'", "''") + "'")
    return sql


@pytest.mark.parametrize("report", ARTICLE_AUDIT_REPORTS)
def test_article_audit_query_runs_verbatim(report: str, audit_install: Cli, installed: Install, checklist) -> None:
    """The script's statement as shipped (the article's sample IP and host names included), as the
    owner with SELECT on DBA_AUDIT_TRAIL (audit_mode both): it compiles and runs. Its sample values
    match no row anywhere, so the row count is reported, not asserted; the next test runs it with
    the suite's own client values."""
    checklist("article", report, ran=False, matched=None, detail="did not run")
    with installed.connect_owner(program="lsnrmine_it_audit_article") as con:
        columns, rows = query(con, article_audit_sql(report))
    assert columns, report
    checklist("article", report, ran=True, matched=None,
              detail=f"ran verbatim, {len(rows)} rows (the article's sample values); no offline twin (audit trail)")


@pytest.fixture(scope="module")
def traditional_logon_audit(audit_install: Cli, system_conn) -> Iterator[None]:
    """AUDIT CREATE SESSION (traditional auditing, AUDIT_TRAIL=DB). Oracle 23ai desupports
    traditional auditing: no new traditional audit settings can be created (Reference, AUDIT_TRAIL;
    SQL Language Reference, AUDIT (Traditional Auditing)), so on gvenzl/oracle-free this skips with
    the database's own error; on 19c with AUDIT_TRAIL=DB it runs."""
    import oracledb

    _, rows = query(system_conn, "select value from v$parameter where name = 'audit_trail'")
    trail = (rows[0][0] if rows else None) or "NONE"
    try:
        with system_conn.cursor() as cur:
            cur.execute("audit create session")
    except oracledb.DatabaseError as exc:
        pytest.skip(f"traditional logon auditing cannot be enabled here (audit_trail={trail}): "
                    f"{' '.join(str(exc).split())[:200]}; DBA_AUDIT_TRAIL stays empty (23ai desupports "
                    "traditional auditing; on 19c set AUDIT_TRAIL=DB)")
    if trail.upper().startswith("NONE"):
        _execute_ignoring(system_conn, "noaudit create session")
        pytest.skip("AUDIT CREATE SESSION accepted but audit_trail=NONE writes no record to DBA_AUDIT_TRAIL")
    yield
    _execute_ignoring(system_conn, "noaudit create session")


@pytest.mark.parametrize("report", ARTICLE_AUDIT_REPORTS)
def test_article_audit_query_finds_the_suites_logon(report: str, traditional_logon_audit, audit_install: Cli,
                                                   installed: Install, live_db: LiveDb, checklist) -> None:
    """With traditional logon auditing on: a JDBC-like connect (machine __jdbc__, terminal =
    machine) as the owner, then the query with the suite's values returns it."""
    with live_db.connect(installed.owner, installed.owner_password, program=PROGRAM_TRADITIONAL,
                         machine=TRADITIONAL_MACHINE, terminal=TRADITIONAL_MACHINE, osuser=OSUSER) as con:
        with con.cursor() as cur:
            cur.execute("select 1 from dual")
    with installed.connect_owner(program="lsnrmine_it_audit_article") as con:
        _, ips = query(con, "select parse_listener_log_line(protocol_info, 'HOST') from listener_log "
                            "where parse_listener_log_line(connect_string, 'PROGRAM') = :p", p=PROGRAM_TRADITIONAL)
        assert ips, "the traditional-audit connect is not in the listener log"
        sql = edited_article_audit_sql(report, client_ip=ips[-1][0], client_host=TRADITIONAL_MACHINE,
                                       service_name=live_db.service)
        deadline = time.monotonic() + POLL_S
        rows: list[tuple] = []
        while time.monotonic() < deadline and not rows:
            _, rows = query(con, sql)
            if not rows:
                time.sleep(3)
    checklist("article", report, ran=True, matched=None, detail=f"with the suite's client values: {len(rows)} rows")
    assert rows, f"{report} with the suite's values found no audited logon"
    if report == "article_audit_jdbc_users.sql":
        assert any(r[1] == installed.owner for r in rows), rows
