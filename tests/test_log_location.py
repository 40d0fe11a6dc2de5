"""A5: LOG_LOCATION_PKG keeps LISTENER_LOG_EXT's LOCATION to the files that exist (rendered text,
the install and job wiring, and the Python decisions of install/verify). Nothing here ran on
Oracle: tests/live/test_03b_location.py deletes a segment in the container and checks it."""

from __future__ import annotations

import pytest

from lsnrmine import read_errors
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
    # only when the list differs: the DDL, then the objects it may have invalidated compiled again
    assert "apply_location(in_files => l_wanted); -- DDL: commits this autonomous transaction only\n" \
           "            compile_invalid_objects;" in refresh
    assert refresh.index("if in_raise then") > refresh.index("put_status(in_value => 'error: ' || l_error);")
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
    ("ok: 2 files: listener_1.log .. listener.log", None),
    ("ok: 1 file: listener.log", None),
    (None, "never refreshed"),
    ("no configured log file exists in directory LISTENER_LOG_DIR: LOCATION kept (listener.log)",
     "no configured log file exists in directory LISTENER_LOG_DIR"),
    ("no configured log file is readable in directory LISTENER_LOG_DIR (listener.log: ORA-22288: file or LOB "
     "operation FILEEXISTS failed\nsoft link in path): LOCATION kept (1 file: listener.log)",
     "no configured log file is readable in directory LISTENER_LOG_DIR (listener.log: ORA-22288"),
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
    answers = _verify_answers(settings, names, *history, location_status="ok: 2 files: listener_1.log .. listener.log")
    assert ver.run_verify(FakeConnection(answers), settings, out.append) == 0
    assert "note: LISTENER_LOG reads 2 files: listener_1.log .. listener.log" in out


def test_a_missing_location_file_names_the_refresh(settings: Settings) -> None:
    text = "ORA-29913: error in executing ODCIEXTTABLEOPEN callout\nKUP-04040: file listener_3.log in X not found"
    message = read_errors.translate_read_error(text, settings)
    assert message.startswith("the database cannot read ")
    assert "`exec LSNR_LOG_LOCATION_PKG.refresh` as LSNRMINE keeps LISTENER_LOG to the files that exist" in message
    # other file errors are not about a gone segment
    assert "refresh" not in read_errors.translate_read_error("ORA-29913: x\nKUP-04001: error opening file x", settings)


def _unit(body: str, start: str, end: str) -> str:
    return body[body.index(start):body.index(end) + len(end)]


def test_status_is_cut_in_plsql_and_short() -> None:
    """R1: a bind over 4000 bytes fails in SQL (ORA-01460) before a SUBSTRB in the MERGE could cut
    it, so the value is cut with SUBSTRB into a varchar2(4000) in PL/SQL; the status names the count and
    the first and last file, never the whole list."""
    body = split_script(_deploy(THREE, "LOG_LOCATION_PKG"))[1]
    put = _unit(body, "procedure put_status(", "end put_status;")
    assert "l_value varchar2(4000) := substrb(in_value, 1, 4000);" in put
    merge = put[put.index("merge into"):]
    assert "in_value" not in merge and "select co_status_setting name, l_value value," in merge
    refresh = _unit(body, "procedure do_refresh", "end do_refresh;")
    assert "put_status(in_value => 'ok: ' || summary(in_files => l_wanted));" in refresh
    assert "LOCATION kept (' || summary(in_files => l_current) || ')'" in refresh
    assert "joined(" not in body
    summary = _unit(body, "function summary(", "end summary;")
    assert "return in_files.count || ' files: ' || in_files(1) || ' .. ' || in_files(in_files.count);" in summary
    assert "return '1 file: ' || in_files(1);" in summary


def test_invalid_objects_compiled_in_dependency_order() -> None:
    """R3: ALTER VIEW ... COMPILE invalidates the views depending on it again; COMPILE_SCHEMA with
    compile_all => false compiles only the invalid objects, in dependency order."""
    body = split_script(_deploy(THREE, "LOG_LOCATION_PKG"))[1]
    assert "sys.dbms_utility.compile_schema(schema => user, compile_all => false);" in body
    assert "'alter view '" not in body.lower() and "user_objects" not in body


def test_file_errors_are_kept_for_the_status() -> None:
    """R4: ORA-22285..22288 (e.g. 22288 soft link in path) mean 'not readable', not 'absent': the
    first one is kept and named in the status instead of 'no configured log file exists'."""
    body = split_script(_deploy(THREE, "LOG_LOCATION_PKG"))[1]
    exists = _unit(body, "function file_exists(", "end file_exists;")
    assert "when e_file_access or e_file_privs or e_invalid_directory or e_open_failed then" in exists
    assert exists.index("if g_file_error is null then") < exists.index("g_file_error := substrb(in_name || ': ' || sqlerrm, 1, 1000);") \
        < exists.index("return false;")
    refresh = _unit(body, "procedure do_refresh", "end do_refresh;")
    assert refresh.index("g_file_error := null;") < refresh.index("l_wanted := existing_files;")
    assert "when g_file_error is null then 'no configured log file exists in directory ' || co_directory" in refresh
    assert "else 'no configured log file is readable in directory ' || co_directory || ' (' || g_file_error || ')'" \
        in refresh
    for name, code in (("e_file_access", 22285), ("e_file_privs", 22286), ("e_invalid_directory", 22287),
                       ("e_open_failed", 22288)):
        assert f"pragma exception_init({name}, -{code});" in body


def test_run_ingest_refreshes_even_when_the_ingest_raises() -> None:
    """R5: INGEST_PKG.run raising still gets the second refresh, then the error is raised again."""
    body = split_script(_deploy(THREE, "LOG_LOCATION_PKG"))[1]
    run = _unit(body, "procedure run_ingest is", "end run_ingest;")
    assert run == (
        "procedure run_ingest is\n"
        "   begin\n"
        "      do_refresh(in_raise => false);\n"
        "      begin\n"
        "         \"XX_INGEST_PKG\".run;\n"
        "      exception\n"
        "         when others then\n"
        "            do_refresh(in_raise => false); -- the segments it discovered before failing; then re-raised\n"
        "            raise;\n"
        "      end;\n"
        "      do_refresh(in_raise => false); -- segments the run has just discovered (LOAD_STATE rows)\n"
        "   end run_ingest;"
    )


# -- review 7a: [[sources]] on RAC (listener_log_instance, run_instance_ingest) ---------------------

RAC_TOML = __import__("pathlib").Path(__file__).resolve().parent / "fixtures" / "rac" / "lsnrmine.toml"


def _rac(**values) -> Settings:
    from lsnrmine.settings import load_settings

    return load_settings(values, config_path=str(RAC_TOML), environ={})


def test_rac_ingest_job_keeps_a_parameterless_action_and_is_pinned_to_the_listener_log_instance() -> None:
    job = _deploy(_rac(listener_log_instance=2), "INGEST_JOB")
    # finding 2: INGEST_JOB stays a STORED_PROCEDURE job on the parameterless run_ingest
    assert job.count("'LSNRMINE.LSNR_LOG_LOCATION_PKG.RUN_INGEST'") == 2
    # finding 1: created disabled, pinned to listener_log_instance, then enabled (also set on upgrade)
    create = job[job.index("sys.dbms_scheduler.create_job(\n      job_name        => 'LSNR_INGEST_JOB'"):]
    assert "enabled         => false," in create[:create.index(");")]
    pin = "sys.dbms_scheduler.set_attribute(name => 'LSNR_INGEST_JOB', attribute => 'instance_id', value => 2);"
    assert job.count(pin) == 1
    assert job.index(pin) < job.index("sys.dbms_scheduler.enable(name => 'LSNR_INGEST_JOB');")
    # the instance jobs call the separately named procedure
    assert job.count("LSNR_LOG_LOCATION_PKG.run_instance_ingest(in_instance => '") == 2
    assert ".run_ingest(in_instance" not in job


def test_rac_package_lists_and_refreshes_only_the_listener_log_instances_files() -> None:
    spec, body, call = split_script(_deploy(_rac(), "LOG_LOCATION_PKG"))
    assert "   procedure run_ingest;\n" in spec
    assert "   procedure run_instance_ingest(in_instance in number);\n" in spec
    assert "default null" not in spec  # no overload, no defaulted parameter (PLS-00307 / 0 job arguments)
    assert "co_location_instance constant pls_integer := 1;" in body
    existing = body[body.index("function existing_files"):body.index("end existing_files;")]
    assert "and (s.instance_number is null or s.instance_number = co_location_instance)" in existing
    refresh = body[body.index("procedure do_refresh"):body.index("end do_refresh;")]
    skip = refresh.index("if to_number(sys_context('USERENV', 'INSTANCE')) <> co_location_instance then")
    assert skip < refresh.index("l_wanted := existing_files;")
    assert "'not refreshed from instance '" in refresh[skip:refresh.index("return;")]
    instance_run = body[body.index("procedure run_instance_ingest"):body.index("end run_instance_ingest;")]
    assert '"LSNR_INGEST_PKG".run(in_instance => in_instance);' in instance_run and "do_refresh" not in instance_run
    unpinned_run = body[body.index("procedure run_ingest is"):body.index("end run_ingest;")]
    assert unpinned_run.count("do_refresh(in_raise => false);") == 3
    assert '"LSNR_INGEST_PKG".run(in_instance => null);' in unpinned_run
    # the install's refresh: a note on another instance (refresh itself changes nothing there)
    assert call.startswith("begin\n   if to_number(sys_context('USERENV', 'INSTANCE')) <> 1 then\n"
                           "      sys.dbms_output.put_line('lsnrmine: LISTENER_LOG''s file list is not refreshed")
    assert call.endswith('"LSNR_LOG_LOCATION_PKG".refresh;\nend;')


def test_unpinned_sources_have_no_listener_log_instance_and_an_unpinned_job() -> None:
    from lsnrmine.settings import LogSource

    s = Settings(sources=(LogSource("A", "LISTENER", None, "LSNR_A_DIR", "/a", ("listener.log",), None),
                          LogSource("B", "LISTENER_DG", None, "LSNR_B_DIR", "/b", ("listener_dg.log",), None)))
    assert s.listener_log_instance is None
    job = _deploy(s, "INGEST_JOB")
    assert "set_attribute(name => 'LSNR_INGEST_JOB', attribute => 'instance_id'" not in job
    assert "enabled         => true," in job
    assert "t_instances()" in job  # no instance job (stale ones dropped)
    # review 7b, finding 4: an instance_id left by an install with pinned sources is cleared
    assert _clears_instance_id(job)
    body = split_script(_deploy(s, "LOG_LOCATION_PKG"))[1]
    assert "co_location_instance" not in body and "sys_context('USERENV', 'INSTANCE')" not in body


def test_rac_ingest_run_guards_each_source_and_records_its_error() -> None:
    # review 7a, finding 3: %type globals; one source's error is its LOAD_STATE health, the loop goes on
    body = split_script(_deploy(_rac(), "INGEST_PKG"))[1]
    assert 'g_listener  "LSNR_SOURCES".listener%type;' in body and 'g_host      "LSNR_SOURCES".host%type;' in body
    assert 'g_prefix    "LSNR_SOURCES".label%type;' in body
    run = body[body.index("procedure run(in_instance in number default null) is"):body.index("end run;")]
    loop = run[run.index("for r_source in ("):run.index("end loop;")]
    assert loop.index("read_source(in_instance    => in_instance,") < loop.index("exception")
    guard = loop[loop.index("exception"):]
    # the session ending is re-raised before the catch-all; the catch-all records sqlerrm and the backtrace
    assert guard.index("when e_cancelled or e_session_killed or e_package_state_gone or e_package_state_discarded "
                       "then\n               raise;") < guard.index("when others then")
    assert "sqlerrm || ' '\n                                  || sys.dbms_utility.format_error_backtrace" in guard
    assert guard.index("rollback;") < guard.index("record_health(in_file => r_source.label, in_status => "
                                                  "co_status_error, in_health => l_error);")
    assert "l_failed := substrb(l_failed || l_error || '; ', 1, 3900);" in guard
    # raised at the end, after every source
    assert run.index("if l_failed is not null then") > run.index("end loop;")


@pytest.mark.parametrize("multi", [False, True])
def test_ingest_file_reraises_the_session_end_before_its_catch_all(multi: bool) -> None:
    # review 7b, finding 3: reading files is almost all of a run, so STOP_JOB's interrupt
    # (ORA-01013) nearly always lands in ingest_file; its catch-all must not turn it into a file ERROR
    body = split_script(_deploy(_rac() if multi else Settings(), "INGEST_PKG"))[1]
    assert "pragma exception_init(e_cancelled, -1013);" in body
    assert "pragma exception_init(e_package_state_discarded, -4068);" in body
    proc = body[body.index("procedure ingest_file(in_file in varchar2, in_configured in boolean default true) is"):
                body.index("end ingest_file;")]
    handlers = proc[proc.rindex("   exception\n"):]
    reraise = handlers.index("when e_cancelled or e_session_killed or e_package_state_gone or e_package_state_discarded "
                             "then\n         if l_is_open then\n            sys.dbms_lob.fileclose(l_bfile);\n"
                             "         end if;\n         raise;")
    assert reraise < handlers.index("when others then")
    assert "record_health" not in handlers[reraise:handlers.index("when others then")]


def _clears_instance_id(job: str) -> bool:
    """SET_ATTRIBUTE_NULL of INGEST_JOB's instance_id, on an existing job only (after its
    repeat_interval/job_action, before the branch's end), and only when that job is pinned (review
    7c, finding 5: a job never pinned, as on every single-instance database, is not touched)."""
    existing = job[job.index("  else\n    sys.dbms_scheduler.set_attribute(name => 'LSNR_INGEST_JOB'"):]
    existing = existing[:existing.index("\n  end if;\n")]
    pinned = ("  select count(*)\n    into l_pinned\n    from user_scheduler_jobs\n"
              "   where job_name = 'LSNR_INGEST_JOB'\n     and instance_id is not null;\n")
    return (pinned in job[:job.index("if l_count = 0 then")]
            and "    if l_pinned > 0 then\n      sys.dbms_scheduler.set_attribute_null(name => 'LSNR_INGEST_JOB', "
                "attribute => 'instance_id');\n    end if;" in existing)


def test_every_render_without_pinned_sources_unpins_ingest_job_and_drops_instance_jobs() -> None:
    # review 7b, finding 4: the shorthand (default) render, after an install with pinned sources
    # (the facts' advice: logs moved to shared storage, `instance` left out): INGEST_JOB may run
    # anywhere again and the INGEST_JOB_I<n> jobs are dropped. Where no such job exists, the drop
    # loop finds no row and the job is created without the NULL call (the branch of an existing job).
    job = _deploy(Settings(), "INGEST_JOB")
    assert _clears_instance_id(job)
    create = job[job.index("if l_count = 0 then"):job.index("  else\n")]
    assert "set_attribute_null" not in create and "instance_id" not in create
    blocks = split_script(job)
    assert len(blocks) == 2
    drop = blocks[1]
    assert "co_instances constant t_instances := t_instances();" in drop
    assert "co_prefix    constant varchar2(128) := 'LSNR_INGEST_JOB_I';" in drop
    assert "regexp_like(substr(j.job_name, length(co_prefix) + 1), '^[0-9]{1,3}$')" in drop
    assert "sys.dbms_scheduler.drop_job(job_name => r_job.job_name, force => true);" in drop
    # pinned: set, never cleared
    rac = _deploy(_rac(), "INGEST_JOB")
    assert "set_attribute_null" not in rac and "attribute => 'instance_id', value => 1);" in rac
    assert "l_pinned" not in rac


def test_line_reader_holds_sources_values_in_their_column_types() -> None:
    # review 7b, finding 6: SOURCES' columns are CHAR (128/255 char); a PL/SQL varchar2(n) is BYTE by
    # default, so a multibyte host of more than 255 bytes raised ORA-06502 in all_lines and failed
    # the whole LISTENER_LOG_LINES query. Every copy is %type (the gate cannot parse `n char` in
    # PL/SQL), so SOURCES is created before LINE_READER.
    import re

    rac = _rac()
    names = [o.logical for o in MANIFEST if o.applies(rac)]
    assert names.index("SOURCES") < names.index("LINE_READER") < names.index("INGEST_PKG")
    spec, body = split_script(_deploy(rac, "LINE_READER"))
    record = spec[spec.index("type t_line is record ("):spec.index("type t_line_tab")]
    assert 'listener    "LSNR_SOURCES".listener%type,' in record and 'host        "LSNR_SOURCES".host%type,' in record
    assert 'source      "LSNR_SOURCES".label%type,' in record
    source = body[body.index("type t_source is record ("):body.index("function file_set")]
    for column in ("source_name", "label", "listener", "host", "directory_name"):
        assert f'"LSNR_SOURCES".{column}%type' in source
    assert 'type t_file_list is table of "LSNR_SOURCES".label%type;' in body
    reader = body[body.index("function all_lines return t_line_tab pipelined is"):body.index("end all_lines;")]
    declared = reader[:reader.index("begin")]
    assert "l_source_names t_source_names" in declared and "l_hosts        t_hosts" in declared
    assert "l_listeners    t_listeners" in declared and "l_directories  t_directories" in declared
    # no byte-length varchar2 left in the sources' code (records, collections, file_set)
    multi_part = body[body.index("type t_source is record ("):body.index("end all_lines;")]
    assert not re.search(r"varchar2\(\d+\)", multi_part), re.findall(r".*varchar2\(\d+\).*", multi_part)
    # the shorthand keeps its byte-length types (its listener is the validated ASCII listener_name)
    default_spec = split_script(_deploy(Settings(), "LINE_READER"))[0]
    assert "listener    varchar2(128)," in default_spec and "LSNR_SOURCES" not in default_spec
