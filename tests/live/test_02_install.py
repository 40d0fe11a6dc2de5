"""Install through the real CLI: dry run, two phases, least privilege, verify, re-install, preflight."""

from __future__ import annotations

import re
import time


import lsnrmine

from .conftest import ORACLE_BASE, Cli, Install, LiveDb, drop_test_objects, normalize_ddl, query, write_config


def test_dry_run_prints_statements_without_connecting(live_db: LiveDb, tmp_path) -> None:
    cli = Cli(tmp_path)
    write_config(tmp_path, schema="LSNRMINE_DRY", directory="LSNRMINE_DRY_DIR", log_dir=live_db.log_dir,
                 create_schema=True)
    secret = "DrySecret42x"
    env = {"LSNRMINE_PASSWORD": secret, "LSNRMINE_OWNER_PASSWORD": secret}
    # port 9 on the loopback (discard): any connection attempt would fail the command
    admin = cli.run("install", "--phase", "admin", "--dry-run", "--dsn", "127.0.0.1:9/NOPE", "--user", "SYSTEM", env=env)
    assert admin.returncode == 0, admin.describe()
    assert re.search(r'create or replace directory "LSNRMINE_DRY_DIR"', admin.stdout, re.I), admin.describe()
    assert re.search(r'grant create session', admin.stdout, re.I), admin.describe()
    owner = cli.run("install", "--phase", "owner", "--dry-run", "--dsn", "127.0.0.1:9/NOPE", "--user", "LSNRMINE_DRY", env=env)
    assert owner.returncode == 0, owner.describe()
    assert re.search(r"function\s+parse_listener_log_line", owner.stdout, re.I), owner.describe()
    assert re.search(r'create or replace view "LSNR_JDBC_SERVICE_HOSTS"', owner.stdout, re.I), owner.describe()
    for run in (admin, owner):
        assert secret not in run.output, "a password appeared in dry-run output"


def test_install_both_phases_succeed(installed: Install) -> None:
    assert installed.admin_run.returncode == 0, installed.admin_run.describe()
    assert installed.owner_run.returncode == 0, installed.owner_run.describe()


def test_every_installed_object_is_valid(installed: Install, owner_conn, checklist) -> None:
    from lsnrmine.render import render_objects

    rendered = render_objects(installed.settings(), "owner")
    expected = {(o.name, o.obj.object_type) for o in rendered}
    _, rows = query(owner_conn, "select object_name, object_type, status from user_objects")
    present = {(name, kind): status for name, kind, status in rows}
    for item in rendered:
        status = present.get((item.name, item.obj.object_type))
        checklist("object", item.file_name, ran=status == "VALID", matched=None,
                  detail=f"{item.obj.object_type} {item.name}: {status or 'missing'}")
    for item in render_objects(installed.settings(), "admin"):
        # the admin phase (directory, grants, the user) ran as SYSTEM when the install succeeded
        checklist("object", item.file_name, ran=installed.admin_run.returncode == 0, matched=None,
                  detail=f"{item.obj.object_type} {item.name}: admin phase exit {installed.admin_run.returncode}")
    missing = sorted(expected - set(present))
    assert not missing, f"manifest objects missing after install: {missing}"
    invalid = sorted(k for k, status in present.items() if status != "VALID")
    assert not invalid, f"invalid objects: {invalid}"


def test_install_history_has_complete_rows(installed: Install, owner_conn) -> None:
    table = installed.settings().object_name("INSTALL_HISTORY")
    _, rows = query(owner_conn, f'select version, phase, status, started_at, finished_at, installed_by '
                                f'from "{table}" order by id')
    assert rows, f"{table} is empty after install"
    for version, phase, status, started, finished, by in rows:
        assert status == "complete", rows
        assert version == lsnrmine.__version__, rows
        assert phase in ("admin", "owner") and started is not None and finished is not None, rows
        assert finished >= started, rows
    assert any(r[1] == "owner" and r[5] == installed.owner for r in rows), rows


def _granted_system_privileges(installed: Install) -> set[str]:
    """System privileges granted by the admin phase's GRANT objects, as rendered."""
    from lsnrmine.render import render_objects

    text = "\n".join(item.deploy for item in render_objects(installed.settings(), "admin")
                     if item.obj.object_type == "GRANT")
    privileges: set[str] = set()
    for match in re.finditer(r"^\s*grant\s+(.+?)\s+to\s+", text, re.I | re.M | re.S):
        if re.search(r"\son\s", match.group(1), re.I):
            continue  # an object privilege
        privileges |= {p.strip().upper() for p in match.group(1).split(",")}
    return privileges


def test_owner_has_exactly_the_granted_privileges(installed: Install, owner_conn) -> None:
    expected = _granted_system_privileges(installed)
    assert "CREATE SESSION" in expected and "CREATE TABLE" in expected, expected
    # SESSION_PRIVS: the system privileges currently available to the user (Database Reference)
    _, rows = query(owner_conn, "select privilege from session_privs")
    assert {r[0] for r in rows} == expected


def test_owner_has_no_dba_role_and_no_any_privilege(installed: Install, owner_conn) -> None:
    # the owner was created by the rendered admin phase only: no role at all (no RESOURCE, no
    # CONNECT, no DBA), every privilege a direct grant of that phase
    _, roles = query(owner_conn, "select granted_role from user_role_privs")
    assert roles == [], roles
    _, privs = query(owner_conn, "select privilege from user_sys_privs")
    assert not [p for (p,) in privs if " ANY " in f" {p} "], privs
    _, dirs = query(owner_conn, "select privilege from all_tab_privs where table_name = :d and grantee = user",
                    d=installed.directory)
    assert {p for (p,) in dirs} == {"READ"}, dirs


def test_verify_passes_after_install(installed: Install) -> None:
    run = installed.as_owner("verify")
    assert run.returncode == 0, run.describe()


def test_status_prints_a_summary(installed: Install) -> None:
    run = installed.as_owner("status")
    assert run.returncode == 0, run.describe()
    assert installed.owner in run.stdout.upper(), run.describe()


# Review F5: GET_DDL of a table whose segment was created meanwhile (deferred segment creation;
# a background job inserting its first row) prints SEGMENT CREATION IMMEDIATE and a STORAGE
# clause where it printed SEGMENT CREATION DEFERRED. The comparison is about the columns and
# constraints the install defines, so the session transform drops segment attributes and
# storage (PL/SQL Packages and Types Reference, DBMS_METADATA SET_TRANSFORM_PARAM,
# SESSION_TRANSFORM; SEGMENT_ATTRIBUTES, STORAGE) and normalize_ddl removes a SEGMENT CREATION
# clause if a release still prints one.
DDL_TRANSFORMS = ("SEGMENT_ATTRIBUTES", "STORAGE")


def _table_state(con) -> dict[str, tuple]:
    with con.cursor() as cur:
        for param in DDL_TRANSFORMS:
            cur.execute("begin sys.dbms_metadata.set_transform_param(sys.dbms_metadata.session_transform, "
                        ":name, false); end;", name=param)
    try:
        return _table_state_rows(con)
    finally:
        with con.cursor() as cur:  # back to the defaults for the session's other users
            cur.execute("begin sys.dbms_metadata.set_transform_param(sys.dbms_metadata.session_transform, "
                        "'DEFAULT'); end;")


def _table_state_rows(con) -> dict[str, tuple]:
    _, rows = query(con, """
        select t.table_name,
               case when e.table_name is not null then 'EXTERNAL'
                    when t.temporary = 'Y' then 'TEMPORARY' else 'HEAP' end,
               to_char(o.last_ddl_time, 'YYYY-MM-DD HH24:MI:SS'),
               sys.dbms_metadata.get_ddl('TABLE', t.table_name)
          from user_tables t
          join user_objects o on o.object_name = t.table_name and o.object_type = 'TABLE'
          left join user_external_tables e on e.table_name = t.table_name""")
    return {name: (kind, ddl_time, normalize_ddl(ddl)) for name, kind, ddl_time, ddl in rows}


def test_second_install_changes_no_table(installed: Install, owner_conn) -> None:
    before = _table_state(owner_conn)
    _, objects_before = query(owner_conn, "select object_name, object_type from user_objects order by 1, 2")
    time.sleep(1.5)  # LAST_DDL_TIME has whole seconds
    admin = installed.as_admin("install", "--phase", "admin", env={"LSNRMINE_CREATE_SCHEMA": "false"})
    assert admin.returncode == 0, admin.describe()
    owner = installed.as_owner("install", "--phase", "owner")
    assert owner.returncode == 0, owner.describe()
    after = _table_state(owner_conn)
    _, objects_after = query(owner_conn, "select object_name, object_type from user_objects order by 1, 2")
    assert objects_after == objects_before
    assert set(after) == set(before)
    for name, (kind, ddl_time, ddl) in before.items():
        # DBMS_METADATA.GET_DDL: the table's DDL is the same text after the second run
        assert after[name][2] == ddl, f"DDL of {name} changed"
        # the external table is re-created by design (its comment says why); a global temporary
        # table may be truncated by a job between the runs (TRUNCATE is DDL)
        if kind == "HEAP":
            assert after[name][1] == ddl_time, f"{name} was altered (LAST_DDL_TIME {ddl_time} -> {after[name][1]})"


def test_unreadable_log_dir_fails_in_preflight(live_db: LiveDb, system_conn, tmp_path) -> None:
    schema, directory = "LSNRMINE_IT_BAD", "LSNRMINE_IT_BAD_DIR"
    missing_dir = f"{ORACLE_BASE}/lsnrmine_no_such_dir" if live_db.has_shell else "/lsnrmine_no_such_dir"
    cli = Cli(tmp_path)
    write_config(tmp_path, schema=schema, directory=directory, log_dir=missing_dir, create_schema=True)
    password = "Lm" + "0123456789abcdef" + "Q7"
    base = ("--dsn", live_db.dsn)
    try:
        admin = cli.run("install", "--phase", "admin", *base, "--user", live_db.system_user,
                        env={"LSNRMINE_PASSWORD": live_db.system_password, "LSNRMINE_OWNER_PASSWORD": password})
        failing = admin
        if admin.returncode == 0:  # CREATE DIRECTORY does not check the path: the owner's preflight does
            failing = cli.run("install", "--phase", "owner", *base, "--user", schema,
                              env={"LSNRMINE_PASSWORD": password, "LSNRMINE_OWNER_PASSWORD": password})
        assert failing.returncode == 1, failing.describe()
        lines = [line for line in failing.output.splitlines() if "the database cannot read" in line]
        assert len(lines) == 1 and missing_dir in lines[0], failing.describe()
        assert "Traceback" not in failing.output, failing.describe()
        # preflight runs before anything is created: at most the history table records the attempt
        _, rows = query(system_conn, "select object_name, object_type from all_objects where owner = :o", o=schema)
        created = [r for r in rows if not (r[0].startswith("LSNR_INSTALL_HISTORY") or r[0].startswith("ISEQ$$")
                                          or r[0].startswith("SYS_"))]
        assert not created, f"objects created before the preflight failed: {created}"
    finally:
        drop_test_objects(system_conn, schema, directory)
