"""Uninstall (runs last): the owner keeps only what lsnrmine does not own; the admin phase drops the
directory object and revokes the grants. Then: no password in any CLI output of the session."""

from __future__ import annotations

import pytest

from .conftest import Install, query

FOREIGN_TABLE = "KEEP_ME_NOT_LSNRMINE"


@pytest.mark.live_last
def test_uninstall_owner_leaves_only_foreign_objects(installed: Install, owner_conn) -> None:
    with owner_conn.cursor() as cur:
        cur.execute(f'create table "{FOREIGN_TABLE}" (x number)')  # a DBA's object, outside the manifest
    run = installed.as_owner("uninstall", "--phase", "owner")
    # review F13: a scheduler job session that filled the ON COMMIT PRESERVE ROWS candidates table
    # keeps it bound; DROP then fails with ORA-14452 (named here, not retried: a real uninstall
    # would meet it too)
    assert "ORA-14452" not in run.output, "a session still holds a global temporary table:\n" + run.describe()
    assert run.returncode == 0, run.describe()
    _, rows = query(owner_conn, "select object_name, object_type from user_objects order by 1")
    assert rows == [(FOREIGN_TABLE, "TABLE")], rows


@pytest.mark.live_last
def test_uninstall_admin_drops_directory_and_grants(installed: Install, system_conn) -> None:
    run = installed.as_admin("uninstall", "--phase", "admin")
    assert run.returncode == 0, run.describe()
    _, dirs = query(system_conn, "select directory_name from all_directories where directory_name = :d",
                    d=installed.directory)
    assert dirs == []
    _, privs = query(system_conn, "select privilege from dba_sys_privs where grantee = :u", u=installed.owner)
    assert {p for (p,) in privs} <= {"CREATE SESSION"}, privs
    _, tab_privs = query(system_conn, "select table_name from dba_tab_privs where grantee = :u", u=installed.owner)
    assert tab_privs == [], tab_privs


@pytest.mark.live_last
def test_no_password_in_any_cli_output(installed: Install) -> None:
    assert len(installed.cli.runs) >= 4
    leaks = [run.args for run in installed.cli.runs for secret in installed.secrets if secret in run.output]
    assert not leaks, f"a password appeared in the output of: {leaks}"
