"""Upgrade from a previous version: the versioned ALTER steps run once on existing tables.

0.1.0 is the first release, so there is no earlier wheel to install. The test makes the
installed schema look like an older release (its INSTALL_HISTORY says 0.0.9 and a table lacks a
column a newer release adds) and runs the owner phase with one extra upgrade step, through
``lsnrmine.install.Installer`` (the code behind ``lsnrmine install``) on a real connection."""

from __future__ import annotations

from lsnrmine.install import Installer
from lsnrmine.manifest import UpgradeStep

from .conftest import Install, query

# UpgradeStep.table is the manifest's LOGICAL name (installer/manifest.py), which
# plan_upgrade_steps matches against the installed tables' logical names: "SETTINGS", not the
# physical "LSNR_SETTINGS" (review F2; tests/test_live_helpers.py plans this very step offline)
STEP = UpgradeStep(
    version="0.1.0",
    table="SETTINGS",
    statement=(
        "declare\n"
        "  e_column_exists exception;\n"
        "  pragma exception_init(e_column_exists, -1430);\n"
        "begin\n"
        "  execute immediate 'alter table {{ obj(\"SETTINGS\") }} add (lsnrmine_it_upgrade varchar2(10))';\n"
        "exception\n"
        "  when e_column_exists then\n"
        "    null;\n"
        "end;"
    ),
)


def _column_exists(con, table: str, column: str) -> bool:
    _, rows = query(con, "select count(*) from user_tab_columns where table_name = :t and column_name = :c",
                    t=table, c=column)
    return rows[0][0] == 1


def test_upgrade_applies_versioned_steps_once(installed: Install) -> None:
    settings = installed.settings()
    history = settings.object_name("INSTALL_HISTORY")
    table = settings.object_name("SETTINGS")
    lines: list[str] = []
    with installed.connect_owner(program="lsnrmine_it_upgrade") as con:
        assert not _column_exists(con, table, "LSNRMINE_IT_UPGRADE")
        with con.cursor() as cursor:
            cursor.execute(f'update "{history}" set version = :v where status = \'complete\'', v="0.0.9")
        con.commit()
        try:
            Installer(settings, out=lines.append, steps=(STEP,)).install_owner(con)
            assert _column_exists(con, table, "LSNRMINE_IT_UPGRADE"), lines
            assert any("upgrading from lsnrmine 0.0.9" in line for line in lines), lines
            _, rows = query(con, f'select version, status from "{history}" order by id desc fetch first 1 rows only')
            assert rows == [(Installer(settings).version, "complete")], rows
            # the second run finds 0.1.0 installed: the step is not applied again
            with con.cursor() as cursor:
                cursor.execute(f'alter table "{table}" drop column lsnrmine_it_upgrade')
            lines.clear()
            Installer(settings, out=lines.append, steps=(STEP,)).install_owner(con)
            assert not _column_exists(con, table, "LSNRMINE_IT_UPGRADE"), lines
        finally:
            if _column_exists(con, table, "LSNRMINE_IT_UPGRADE"):
                with con.cursor() as cursor:
                    cursor.execute(f'alter table "{table}" drop column lsnrmine_it_upgrade')
