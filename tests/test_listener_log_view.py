"""A4: LISTENER_LOG is a view over the raw external table LSNR_LISTENER_LOG_EXT (log_date read as
text, no LANGUAGE clause) that converts log_date with TO_DATE(... DEFAULT NULL ON CONVERSION ERROR,
'DD-MON-YYYY HH24:MI:SS', 'NLS_DATE_LANGUAGE = <lang>').

The rendered view runs on the embedded engine over the raw fields of real log lines, and must
give exactly the rows of the engine's own listener_log (which drops the lines whose date does not
convert, as ORACLE_LOADER did with its DATE mask): both engines agree by construction, and a
change of either side fails here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from lsnrmine.engine import dialect, loader
from lsnrmine.engine.session import ENGINE_DATE_COLUMNS, OfflineEngine
from lsnrmine.manifest import MANIFEST
from lsnrmine.render import render_objects
from lsnrmine.runner import split_script
from lsnrmine.settings import Settings
from lsnrmine.templates import render_template

from conftest import shared_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SIX = "log_date, connect_string, protocol_info, action, service_name, return_code"

# Lines as real listener logs carry them (banners, warnings, the ctime line before a service
# update, a blank line) plus the date forms TO_DATE accepts without FX (one-digit day, full month
# name, lower case, no time) and ones it refuses (31-FEB, hour 24, a stray word).
EDGE_LINES = """\
Wed Dec 02 10:00:00 2026
WARNING: Subscription for node down event still pending

02-DEC-2026 10:00:01 * service_update * ORCLCDB * 0
2-Dec-2026 10:00:02 * (CONNECT_DATA=(SERVICE_NAME=orclpdb1)(CID=(PROGRAM=sqlplus)(HOST=db1)(USER=oracle))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.5)(PORT=40001)) * establish * orclpdb1 * 0
02-DECEMBER-2026 10:00:03 * ping * 0
02-dec-2026 10:00:04 * status * 0
02-DEC-2026 * service_update * ORCLCDB * 0
31-FEB-2026 10:00:05 * service_update * ORCLCDB * 0
02-DEC-2026 24:00:00 * service_update * ORCLCDB * 0
02-DEC-2026 10:00:06 PM * service_update * ORCLCDB * 0
TNS-12514: TNS:listener does not currently know of service requested in connect descriptor
"""


def _view_statements(settings: Settings) -> list[str]:
    item = next(i for i in render_objects(settings, "owner") if i.obj.logical == "LISTENER_LOG")
    return split_script(item.deploy)


def _engine_rows_vs_view(settings: Settings, paths: list[str]) -> tuple[list, list, int]:
    engine = OfflineEngine(settings)
    engine.load(paths)
    chars = loader._trim_chars(True)  # ORACLE_LOADER's LRTRIM set, as the loader uses it
    # the raw external table: field 1 as text (trimmed, '' is NULL), the other five as loaded;
    # a field longer than 4000 bytes rejects the row in the external table itself (CHAR(4000))
    engine.con.execute(f"""
        CREATE TABLE lsnr_listener_log_ext AS
        SELECT nullif(trim(string_split(l.line, '*')[1], '{chars}'), '') AS log_date,
               s.connect_string, s.protocol_info, s.action, s.service_name, s.return_code
          FROM listener_log_src s JOIN listener_log_lines l USING (source, line_no)
         WHERE s.reject_reason IS DISTINCT FROM 'field too long'""")
    view = _view_statements(settings)[-1].replace('"LISTENER_LOG"', '"LISTENER_LOG_VIEW"', 1)
    # the raw log_date is text here, not one of the engine's DATE columns (dialect.to_duckdb
    # always counts log_date as a DATE, so the translation is called with the options itself)
    opts = dataclasses.replace(dialect.BridgeOptions(), date_columns=frozenset(ENGINE_DATE_COLUMNS - {"log_date"}))
    tree = dialect.transpile_statement(dialect.parse_oracle(view), opts)
    engine.con.execute(tree.sql(dialect="duckdb"))
    from_view = sorted(engine.con.execute(f"SELECT {SIX} FROM listener_log_view").fetchall(), key=repr)
    loaded = sorted(engine.con.execute(f"SELECT {SIX} FROM listener_log").fetchall(), key=repr)
    dropped = engine.con.execute("SELECT count(*) FROM listener_log_src WHERE reject_reason = 'date'").fetchone()[0]
    return from_view, loaded, dropped


def test_view_gives_the_engines_listener_log_on_the_article_log(tmp_path: Path) -> None:
    edge = tmp_path / "listener.log"
    edge.write_text((FIXTURES / "article.log").read_text(encoding="utf-8") + EDGE_LINES, encoding="utf-8")
    from_view, loaded, dropped = _engine_rows_vs_view(Settings(), [str(edge)])
    assert from_view == loaded
    assert dropped >= 7  # banner, ctime, WARNING, 31-FEB, hour 24, "PM", TNS- line
    dates = {row[0] for row in from_view}
    assert None in dates  # the blank line: an all-NULL row, as before
    for kept in ("2026-12-02 10:00:01", "2026-12-02 10:00:02", "2026-12-02 10:00:03", "2026-12-02 10:00:04",
                 "2026-12-02 00:00:00"):
        assert any(d is not None and str(d).startswith(kept) for d in dates), kept
    assert not any(str(row[0]).startswith("2026-12-02 10:00:05") for row in from_view)
    article_rows = [r for r in from_view if r[0] is not None and r[0].year == 2005]
    assert len(article_rows) > 10


def test_view_converts_japanese_month_names() -> None:
    log = shared_file("samples/clogs/listener.log")
    from_view, loaded, dropped = _engine_rows_vs_view(Settings(date_language="JAPANESE"), [str(log)])
    assert from_view == loaded
    dated = [r for r in from_view if r[0] is not None]
    assert len(dated) == 6 and all(r[0].year == 2012 and r[0].month == 1 for r in dated)
    assert len(from_view) - len(dated) == 2  # the two blank lines: all-NULL rows
    assert dropped > 0
    # with AMERICAN month names the same lines do not convert: the view drops them
    from_view, loaded, _ = _engine_rows_vs_view(Settings(), [str(log)])
    assert from_view == loaded and all(r[0] is None for r in from_view)


@pytest.mark.parametrize("language", ["AMERICAN", "JAPANESE"])
def test_rendered_view_text(language: str) -> None:
    statements = _view_statements(Settings(date_language=language))
    assert len(statements) == 2
    guard, view = statements
    # upgrade: an external table of the name is dropped, a user's heap table never
    assert "from user_external_tables" in guard and "drop table \"LISTENER_LOG\" purge" in guard
    assert "co_not_external_table" in guard and "from user_tables" in guard
    assert view.startswith('create or replace view "LISTENER_LOG" '
                           "(log_date, connect_string, protocol_info, action, service_name, return_code) as")
    conversion = (f"to_date(x.log_date default null on conversion error, 'DD-MON-YYYY HH24:MI:SS',\n"
                  f"               'NLS_DATE_LANGUAGE = {language}')")
    assert view.count(conversion) == 2
    assert 'from "LSNR_LISTENER_LOG_EXT" x' in view
    assert f"where x.log_date is null\n    or {conversion} is not null" in view


def test_external_table_has_no_language_clause_and_text_date() -> None:
    item = next(i for i in render_objects(Settings(date_language="JAPANESE"), "owner")
                if i.obj.logical == "LISTENER_LOG_EXT")
    assert item.name == "LSNR_LISTENER_LOG_EXT"
    text = "\n".join(line for line in item.deploy.splitlines() if not line.startswith("--"))
    assert "language" not in text.lower() and "date_format" not in text and "mask" not in text
    assert "log_date       varchar2(4000)" in text and "log_date       char(4000)" in text
    for kept in ("records delimited by detected newline", "characterset AL32UTF8", "nobadfile", "nodiscardfile",
                 "nologfile", "missing field values are null", "reject limit unlimited"):
        assert kept in text


def test_manifest_order_and_kinds() -> None:
    names = [o.logical for o in MANIFEST]
    ext, view = (next(o for o in MANIFEST if o.logical == n) for n in ("LISTENER_LOG_EXT", "LISTENER_LOG"))
    assert ext.object_type == "TABLE" and not ext.fixed_name
    assert view.object_type == "VIEW" and view.fixed_name and not view.offline
    assert view.revert == "views/drop_listener_log.sql"
    assert names.index("LISTENER_LOG_EXT") < names.index("LISTENER_LOG") < names.index("JDBC_SERVICE_HOSTS")


def test_uninstall_drops_the_view_or_an_old_external_table_never_a_user_table() -> None:
    text = render_template("views/drop_listener_log.sql", Settings(), name='"LISTENER_LOG"',
                           name_literal="'LISTENER_LOG'", kind="VIEW")
    assert "from user_views" in text and "from user_external_tables" in text
    assert "execute immediate 'drop view \"LISTENER_LOG\"'" in text
    assert "execute immediate 'drop table \"LISTENER_LOG\" purge'" in text
    assert "user_tables" not in text  # a heap table LISTENER_LOG is not looked at, never dropped
    # R6: only lsnrmine's view (its text reads the prefixed external table) is dropped; another is reported
    assert ("where view_name = 'LISTENER_LOG'\n      and instr(upper(text_vc), 'LSNR_LISTENER_LOG_EXT') > 0;"
            in text)
    assert "' is not lsnrmine''s: not dropped'" in text


@pytest.mark.parametrize("prefix", ["LSNR_", "XX_"])
def test_only_lsnrmines_view_is_replaced(prefix: str) -> None:
    """R6: a LISTENER_LOG view is lsnrmine's when its text (USER_VIEWS.TEXT_VC: the first 4000 bytes)
    names the prefixed external table; any other view of the name stops the install (ORA-20002)."""
    settings = Settings(prefix=prefix)
    guard, view = _view_statements(settings)
    ext = f"{prefix}LISTENER_LOG_EXT"
    assert (f"where view_name = 'LISTENER_LOG'\n      and nvl(instr(upper(text_vc), '{ext}'), 0) = 0;"
            in guard)
    assert guard.index("from user_views") < guard.index("if l_other_count > 0 then") \
        < guard.index("raise_application_error")
    # the stored text of our own view is the query after AS: the name is within TEXT_VC's 4000 bytes
    query = view[view.index(") as\n") + len(") as\n"):]
    assert 0 <= query.upper().find(ext) and len(query[:query.upper().find(ext) + len(ext)].encode()) <= 4000
    # another prefix's view is not ours
    assert "OTHER_LISTENER_LOG_EXT" not in query.upper() and (prefix == "XX_") == ("LSNR_LISTENER_LOG_EXT" not in query)


def test_old_external_table_grants_are_printed_before_the_drop() -> None:
    """R6: dropping the old LISTENER_LOG external table drops other users' grants on it: they are
    printed first (USER_TAB_PRIVS_MADE) so the DBA can grant SELECT on the view again."""
    guard = _view_statements(Settings())[0]
    grants = guard.index("from user_tab_privs_made p")
    assert "where p.table_name = 'LISTENER_LOG'" in guard
    assert grants < guard.index("sys.dbms_output.put_line(") < guard.index("execute immediate 'drop table \"LISTENER_LOG\" purge'")
    assert "' drops the grant of ' || r_grant.privilege || ' to ' || r_grant.grantee" in guard
