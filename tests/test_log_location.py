"""A5: LOG_LOCATION_PKG keeps LISTENER_LOG_EXT's LOCATION to the files that exist (rendered text,
the install and job wiring, and the Python decisions of install/verify). Nothing here ran on
Oracle: tests/live/test_03b_location.py deletes a segment in the container and checks it."""

from __future__ import annotations

import pytest

from lsnrmine import install as inst
from lsnrmine import verify as ver
from lsnrmine.manifest import MANIFEST
from lsnrmine.render import render_objects, render_scripts
from lsnrmine.runner import split_script
from lsnrmine.settings import Settings

@pytest.fixture
def settings(clean_env) -> Settings:
    return Settings()


THREE = Settings(log_files=("listener.log", "listener_1.log", "log.xml"), prefix="XX_", directory="MY_LOG_DIR")


def _deploy(settings: Settings, logical: str) -> str:
    return next(i for i in render_objects(settings, "owner") if i.obj.logical == logical).deploy


def test_package_renders_the_configured_files_and_validates_names() -> None:
    text = _deploy(THREE, "LOG_LOCATION_PKG")
    spec, body, call = split_script(text)
    assert spec.startswith('create or replace package "XX_LOG_LOCATION_PKG" authid definer is')
    assert "procedure refresh;" in spec and "procedure run_ingest;" in spec
    assert "co_log_files constant t_file_list := t_file_list(\n      'listener.log',\n      'listener_1.log',\n" \
           "      'log.xml'\n   );" in body
    assert "co_directory constant varchar2(128) := 'MY_LOG_DIR';" in body
    assert "co_table     constant varchar2(128) := 'XX_LISTENER_LOG_EXT';" in body
    # every name entering the DDL goes through DBMS_ASSERT
    assert "sys.dbms_assert.enquote_literal(str => in_files(i_file))" in body
    assert "sys.dbms_assert.enquote_name(str => sys.dbms_assert.simple_sql_name(co_table)" in body
    assert "' location (' || l_sql || ')'" in body and "l_sql := 'alter table ' ||" in body
    # existence: FILEEXISTS on a BFILENAME of the directory; segments from LOAD_STATE (INGEST_PKG's discovery)
    assert "sys.dbms_lob.fileexists(file_loc => bfilename(co_directory, in_name)) = 1" in body
    assert 'from "XX_LOAD_STATE" t' in body and "from user_external_locations l" in body
    # the DDL commits only its own (autonomous) transaction; errors recorded, raised only by refresh
    refresh = body[body.index("procedure do_refresh"):body.index("end do_refresh;")]
    assert "pragma autonomous_transaction;" in refresh
    assert "if l_wanted.count = 0 then" in refresh and "LOCATION kept" in refresh
    # only when the list differs: the DDL, then the views it may have invalidated compiled again
    assert "apply_location(in_files => l_wanted); -- DDL: commits this autonomous transaction only\n" \
           "            compile_invalid_views;" in refresh
    assert "sys.dbms_assert.enquote_name(str => r_view.object_name, capitalize => false) || ' compile'" in body
    assert refresh.index("if in_raise then") > refresh.index("put_status(in_value => 'error: ' || l_error);")
    assert ("do_refresh(in_raise => false);\n      \"XX_INGEST_PKG\".run;\n      do_refresh(in_raise => false);"
            in body)  # before the run (gone files) and after it (segments it has just discovered)
    # install runs it once, in the script itself (the SQL*Plus path does the same)
    assert call == 'begin\n   "XX_LOG_LOCATION_PKG".refresh;\nend;'


def test_ingest_job_runs_the_refresh_first() -> None:
    job = _deploy(Settings(), "INGEST_JOB")
    assert job.count("'LSNRMINE.LSNR_LOG_LOCATION_PKG.RUN_INGEST'") == 2  # create_job and set_attribute
    assert "attribute => 'job_action'" in job
    assert "LSNR_INGEST_PKG.RUN'" not in job


def test_manifest_order() -> None:
    names = [o.logical for o in MANIFEST]
    for before in ("SETTINGS", "LISTENER_LOG_EXT", "LOAD_STATE", "INGEST_PKG"):
        assert names.index(before) < names.index("LOG_LOCATION_PKG"), before
    assert names.index("LOG_LOCATION_PKG") < names.index("INGEST_JOB")


def test_uninstall_drops_the_package_after_the_job() -> None:
    text = render_scripts(Settings())["uninstall.sql"]
    assert text.index("LSNR_INGEST_JOB") < text.index('drop package "LSNR_LOG_LOCATION_PKG"') \
        < text.index('drop table "LSNR_LISTENER_LOG_EXT" purge')


@pytest.mark.parametrize("status, expected", [
    ("ok: listener_1.log, listener.log", None),
    (None, "never refreshed"),
    ("no configured log file exists in directory LISTENER_LOG_DIR: LOCATION kept (listener.log)",
     "no configured log file exists in directory LISTENER_LOG_DIR"),
    ("error: ORA-00054: resource busy and acquire with NOWAIT specified", "could not be refreshed: error: ORA-00054"),
])
def test_verify_location_status(status, expected) -> None:
    problem = ver.location_problem(status, "LSNR_LOG_LOCATION_PKG", "LSNRMINE")
    if expected is None:
        assert problem is None
    else:
        assert expected in problem and "`exec LSNR_LOG_LOCATION_PKG.refresh` as LSNRMINE" in problem


def test_verify_reports_a_location_problem(settings: Settings) -> None:
    from test_installer import FakeConnection, _verify_answers

    from lsnrmine import __version__

    names = {i.name: "VALID" for i in render_objects(settings, "owner")}
    history = ([(3, __version__, "complete", "t0", "t1", None)], [(__version__, "t1")])
    out: list[str] = []
    answers = _verify_answers(settings, names, *history,
                              location_status="no configured log file exists in directory X: LOCATION kept (listener.log)")
    assert ver.run_verify(FakeConnection(answers), settings, out.append) == 1
    assert out == ["no configured log file exists in directory X: LOCATION kept (listener.log); fix: check log_dir "
                   "and log_file (lsnrctl status, Listener Log File), then `exec LSNR_LOG_LOCATION_PKG.refresh` "
                   "as LSNRMINE"]
    out.clear()
    answers = _verify_answers(settings, names, *history, location_status="ok: listener_1.log, listener.log")
    assert ver.run_verify(FakeConnection(answers), settings, out.append) == 0
    assert "note: LISTENER_LOG reads listener_1.log, listener.log" in out


def test_a_missing_location_file_names_the_refresh(settings: Settings) -> None:
    text = "ORA-29913: error in executing ODCIEXTTABLEOPEN callout\nKUP-04040: file listener_3.log in X not found"
    message = inst.translate_read_error(text, settings)
    assert message.startswith("the database cannot read ")
    assert "`exec LSNR_LOG_LOCATION_PKG.refresh` as LSNRMINE keeps LISTENER_LOG to the files that exist" in message
    # other file errors are not about a gone segment
    assert "refresh" not in inst.translate_read_error("ORA-29913: x\nKUP-04001: error opening file x", settings)
