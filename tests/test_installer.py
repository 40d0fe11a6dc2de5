"""Installer orchestration: ordering, idempotency decisions, error translation; CLI contract offline.

STAND-IN, stated plainly: the orchestration tests below run against ``FakeConnection``, a small
recording stand-in for a python-oracledb connection. It records every executed statement, answers
the installer's fixed preflight/bookkeeping queries from a dict keyed by their exact text, and
raises a configured ``oracledb.DatabaseError`` for statements containing a given substring. It
knows nothing about Oracle: it only lets us check WHICH statements run, in WHAT order, what is
decided (skip, keep, alter, drop), and how errors are translated. Everything that needs Oracle's
own answer (install, reinstall no-op, upgrade, a bad directory path, uninstall to zero objects,
least privilege) is in the live suite (tests/live/).

The CLI tests run the real ``lsnrmine`` command without a database: settings errors, dry runs,
passwords and a refused connection to 127.0.0.1:9.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Union

import oracledb
import pytest

from lsnrmine import __version__
from lsnrmine import install as inst
from lsnrmine import install_sql as isql
from lsnrmine import preflight
from lsnrmine import read_errors
from lsnrmine.cli import main
from lsnrmine.manifest import UpgradeStep
from lsnrmine.render import render_objects, render_scripts
from lsnrmine.runner import ScriptError, execute_statements, split_script
from lsnrmine.settings import Settings, owner_privileges

REPO = Path(__file__).resolve().parents[1]
OWNER_PRIVS = ["CREATE SESSION", "CREATE TABLE", "CREATE VIEW", "CREATE PROCEDURE", "CREATE SEQUENCE", "CREATE JOB"]
ADMIN_PRIVS = ["CREATE ANY DIRECTORY", "GRANT ANY PRIVILEGE", "CREATE USER", "ALTER USER", "CREATE SESSION",
               "CREATE ANY PROCEDURE"]

Answer = Union[list, Callable[[dict], list]]


# -- the recording stand-in -------------------------------------------------------------------
class FakeVar:
    def __init__(self, value: Any = None) -> None:
        self.value = value

    def getvalue(self) -> Any:
        return self.value


class FakeCursor:
    def __init__(self, conn: "FakeConnection") -> None:
        self.conn = conn
        self._rows: list = []
        self.warning = None

    def __enter__(self) -> "FakeCursor":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def var(self, _type: Any) -> FakeVar:
        return FakeVar()

    def execute(self, sql: str, binds: Optional[dict] = None, **kwargs: Any) -> None:
        merged = dict(binds or {}, **kwargs)
        self.conn.log.append((sql, merged))
        for fragment, error in self.conn.errors.items():
            if fragment in sql and (not isinstance(error, tuple) or error[0](merged)):
                raise error[1] if isinstance(error, tuple) else error
        if sql == isql.S_PROBE_FILE:
            merged["file_len"].value = 1234
        if sql == isql.S_OUTPUT_LINE:  # DBMS_OUTPUT.GET_LINE: status 0 with a line, 1 when empty
            pending = getattr(self.conn, "output", [])
            merged["out_status"].value = 0 if pending else 1
            merged["out_line"].value = pending.pop(0) if pending else None
        if "returning id into :run_id" in sql:
            merged["run_id"].value = [7]  # DML RETURNING: one value per row
        answer = self.conn.answers.get(sql, [])
        self._rows = list(answer(merged) if callable(answer) else answer)

    def fetchall(self) -> list:
        return self._rows


class FakeConnection:
    def __init__(self, answers: Optional[dict] = None, errors: Optional[dict] = None, version: str = "19.22.0.0.0"):
        self.answers = answers or {}
        self.errors = errors or {}
        self.version = version
        self.log: list[tuple[str, dict]] = []
        self.commits = 0

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    def commit(self) -> None:
        self.commits += 1

    def close(self) -> None:
        pass

    def __enter__(self) -> "FakeConnection":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    @property
    def statements(self) -> list[str]:
        return [sql for sql, _ in self.log]


def owner_answers(settings: Settings, **over: Any) -> dict:
    answers = {
        isql.Q_SESSION_USER: [(settings.schema,)],
        isql.Q_CURRENT_SCHEMA: [(settings.schema,)],  # lsnrmine verify
        isql.Q_SESSION_PRIVS: [(p,) for p in OWNER_PRIVS],
        isql.Q_DIRECTORY_READ: [(1,)],
        isql.Q_DIRECTORY_PATH: [(settings.log_dir,)],
        isql.Q_JOB_QUEUE_PROCESSES: [("20",)],
        isql.Q_USER_OBJECTS: [],
        isql.Q_INVALID_OBJECTS: [],
        isql.Q_SYS_EXECUTE: [(1,)],
        isql.Q_OWNER_SPACE: [("USERS", 1)],
    }
    answers.update(over)
    return answers


def admin_answers(settings: Settings, *, user_exists: bool = True, **over: Any) -> dict:
    answers = {
        isql.Q_SESSION_PRIVS: [(p,) for p in ADMIN_PRIVS],
        isql.Q_ADMIN_OPTION_PRIVS: [],
        isql.Q_USER_EXISTS: [(1 if user_exists else 0,)],
        isql.Q_DIRECTORY_PATH: [(settings.log_dir,)],
        isql.Q_JOB_QUEUE_PROCESSES: [("20",)],
        isql.Q_ADMIN_OWNER_SPACE: [(1,)],
        isql.Q_ADMIN_OWNER_EXECUTE: [(1,)],
        isql.Q_SESSION_USER: [("SYSTEM",)],
        isql.Q_GRANTABLE: [(0,)],
    }
    answers.update(over)
    return answers


def deploy_statements(settings: Settings, phase: str) -> list[str]:
    return [st for item in render_objects(settings, phase) for st in split_script(item.deploy)]


def quiet(settings: Settings, **kw: Any) -> inst.Installer:
    return inst.Installer(settings, out=lambda _line: None, **kw)


@pytest.fixture
def settings(clean_env: Path) -> Settings:
    return Settings()


# -- ordering ------------------------------------------------------------------------------------
def test_admin_phase_runs_preflight_then_rendered_statements_in_order(settings: Settings) -> None:
    conn = FakeConnection(admin_answers(settings))
    quiet(settings).install_admin(conn)
    expected = deploy_statements(settings, "admin")
    ddl = [sql for sql in conn.statements if sql in expected]
    assert ddl == expected
    first_ddl = conn.statements.index(expected[0])
    for query in (isql.Q_SESSION_PRIVS, isql.Q_USER_EXISTS):
        assert conn.statements.index(query) < first_ddl
    # the files are probed through the new directory right after it exists
    assert conn.statements.index(isql.S_PROBE_FILE) > first_ddl


def test_owner_phase_order_history_probes_and_invalid_check(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings))
    report = quiet(settings).install_owner(conn)
    stmts = conn.statements
    expected = deploy_statements(settings, "owner")
    assert [s for s in stmts if s in expected] == expected
    # preflight (privileges, directory, file probe) before the first DDL
    first_ddl = stmts.index(expected[0])
    for query in (isql.Q_SESSION_USER, isql.Q_SESSION_PRIVS, isql.Q_DIRECTORY_READ, isql.S_PROBE_FILE):
        assert stmts.index(query) < first_ddl
    # the history row is written right after INSTALL_HISTORY's statements, before the next object
    items = render_objects(settings, "owner")
    hist = next(i for i in items if i.obj.logical == "INSTALL_HISTORY")
    nxt = items[items.index(hist) + 1]
    start = stmts.index(isql.s_history_start(hist.name))
    assert stmts.index(split_script(hist.deploy)[-1]) < start < stmts.index(split_script(nxt.deploy)[0])
    # probes follow their object; recompile + invalid check come after the last object; history last
    for logical in ("LISTENER_LOG", "LISTENER_LOG_LINES"):
        item = next(i for i in items if i.obj.logical == logical)
        assert stmts.index(isql.q_probe(item.name)) > stmts.index(split_script(item.deploy)[-1])
    assert stmts.index(isql.S_RECOMPILE) > stmts.index(expected[-1])
    end_sql, end_binds = conn.log[-1]
    assert end_sql == isql.s_history_end(hist.name)
    assert end_binds["status"] == "complete" and end_binds["run_id"] == 7
    assert "created TABLE LSNR_SETTINGS" in end_binds["objects"]
    assert len(report.lines) == len(items)


def test_dry_run_is_exactly_the_rendered_statements(settings: Settings) -> None:
    for phase, phases in (("all", ("admin", "owner")), ("admin", ("admin",)), ("owner", ("owner",))):
        text = inst.dry_run_install(settings, phase)
        assert split_script(text) == [st for p in phases for st in deploy_statements(settings, p)]


def test_dry_run_keeps_owner_password_placeholder() -> None:
    s = Settings(create_schema=True)
    text = inst.dry_run_install(s, "admin")
    assert '"&lsnrmine_owner_password"' in text
    first = split_script(text)[0]
    assert first.startswith("declare") and "create user \"LSNRMINE\" identified by \"&lsnrmine_owner_password\"" in first
    assert "-1920" in first  # re-runnable: an existing user is kept (A7)


# -- preflight: everything listed at once, nothing created -----------------------------------
def test_owner_preflight_lists_all_problems_and_creates_nothing(settings: Settings) -> None:
    conn = FakeConnection(
        owner_answers(settings,
                      **{isql.Q_SESSION_PRIVS: [("CREATE SESSION",), ("CREATE TABLE",)],
                         isql.Q_DIRECTORY_READ: [(0,)],
                         isql.Q_JOB_QUEUE_PROCESSES: [("0",)]}),
        version="18.3.0.0.0",
    )
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(settings).install_owner(conn)
    problems = info.value.problems
    text = "\n".join(problems)
    assert "18.3.0.0.0 is not supported" in text and "19c" in text
    assert ("missing privileges: CREATE VIEW, CREATE PROCEDURE, CREATE SEQUENCE, CREATE JOB, "
            "READ on directory LISTENER_LOG_DIR") in text
    assert "job_queue_processes is 0" in text
    assert not set(conn.statements) & set(deploy_statements(settings, "owner"))


def test_owner_preflight_refuses_wrong_schema(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings, **{isql.Q_SESSION_USER: [("SYSTEM",)]}))
    with pytest.raises(inst.PreflightFailed, match="connected as SYSTEM, not the owner LSNRMINE"):
        quiet(settings).install_owner(conn)
    assert conn.statements == [isql.Q_SESSION_USER]


def test_owner_preflight_directory_pointing_elsewhere(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings, **{isql.Q_DIRECTORY_PATH: [("/elsewhere",)]}))
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(settings).install_owner(conn)
    assert any("points at /elsewhere, the settings say" in p for p in info.value.problems)
    assert isql.S_PROBE_FILE not in conn.statements  # no probe through a wrong directory


@pytest.mark.parametrize("code", ["ORA-22288: file or LOB operation FILEOPEN failed\nPermission denied",
                                  "ORA-22285: non-existent directory or file for FILEOPEN operation"])
def test_preflight_file_probe_translated(settings: Settings, code: str) -> None:
    conn = FakeConnection(owner_answers(settings), errors={isql.S_PROBE_FILE: oracledb.DatabaseError(code)})
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(settings).install_owner(conn)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.startswith(
        f"the database cannot read {settings.log_dir}/listener.log: check the path and the OS permissions of the oracle user")
    assert problem.endswith(f"(Oracle: {' | '.join(code.splitlines())})")  # Oracle's own lines kept (A3)
    assert "symbolic link" not in problem  # only for "soft link in path"


def test_admin_preflight_lists_missing_admin_privileges(settings: Settings) -> None:
    s = Settings(create_schema=True)
    conn = FakeConnection(admin_answers(s, user_exists=False, **{isql.Q_SESSION_PRIVS: [("CREATE SESSION",)]}))
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(s).install_admin(conn, owner_password="x")
    text = "\n".join(info.value.problems)
    assert "CREATE ANY DIRECTORY" in text and "CREATE USER" in text and "CREATE JOB WITH ADMIN OPTION" in text
    assert not set(conn.statements) & set(deploy_statements(s, "admin"))


def test_admin_preflight_owner_missing_without_create_schema(settings: Settings) -> None:
    conn = FakeConnection(admin_answers(settings, user_exists=False))
    with pytest.raises(inst.PreflightFailed, match="user LSNRMINE does not exist"):
        quiet(settings).install_admin(conn)


# -- idempotency decisions ---------------------------------------------------------------------
def test_create_user_skipped_when_owner_exists_and_substituted_otherwise() -> None:
    s = Settings(create_schema=True)
    create = split_script(render_objects(s, "admin")[0].deploy)[0]
    conn = FakeConnection(admin_answers(s, user_exists=True))
    quiet(s).install_admin(conn, owner_password="Pw_1")
    assert create not in conn.statements and not any("create user" in x for x in conn.statements)
    conn = FakeConnection(admin_answers(s, user_exists=False))
    quiet(s).install_admin(conn, owner_password="Pw_1")
    created = [x for x in conn.statements if "create user" in x]
    assert created == [create.replace("&lsnrmine_owner_password", "Pw_1")]


def test_password_masked_when_create_user_fails() -> None:
    s = Settings(create_schema=True)
    error = oracledb.DatabaseError('ORA-00988: missing or invalid password(s) near "Secret_99x"')
    conn = FakeConnection(admin_answers(s, user_exists=False), errors={"create user": error})
    with pytest.raises(inst.InstallFailed) as info:
        quiet(s).install_admin(conn, owner_password="Secret_99x")
    assert "Secret_99x" not in info.value.reason and "***" in info.value.reason
    assert info.value.done == []


def test_reinstall_reports_kept_tables_and_replaced_code(settings: Settings) -> None:
    existing = [(i.name, i.obj.object_type, "VALID") for i in render_objects(settings, "owner")]
    hist = settings.object_name("INSTALL_HISTORY")
    conn = FakeConnection(owner_answers(settings, **{isql.Q_USER_OBJECTS: existing,
                                                     isql.q_installed_version(hist): [(__version__,)]}))
    lines = []
    inst.Installer(settings, out=lines.append).install_owner(conn)
    assert "kept TABLE LSNR_SETTINGS" in lines and "replaced PACKAGE LSNR_ERROR_PKG" in lines
    assert f"reinstalling lsnrmine {__version__} over {__version__}" in lines


@pytest.mark.parametrize(
    "installed, existing, current, expected",
    [
        (None, {"EVENTS"}, "0.3.0", []),  # nothing recorded: tables are fresh from this version
        ("0.1.0", {"EVENTS"}, "0.3.0", ["0.2.0 EVENTS", "0.3.0 EVENTS"]),
        ("0.2.0", {"EVENTS"}, "0.3.0", ["0.3.0 EVENTS"]),
        ("0.3.0", {"EVENTS"}, "0.3.0", []),  # reinstall: nothing to alter
        ("0.1.0", set(), "0.3.0", []),  # table created in this run: already the latest shape
        ("0.1.0", {"EVENTS"}, "0.2.0", ["0.2.0 EVENTS"]),  # never a step newer than this lsnrmine
        ("0.1.0", {"ALERTS"}, "0.3.0", ["0.2.1 ALERTS"]),
        ("0.1.10", {"EVENTS"}, "0.3.0", ["0.2.0 EVENTS", "0.3.0 EVENTS"]),  # numeric, not text, compare
    ],
)
def test_plan_upgrade_steps(installed: Optional[str], existing: set, current: str, expected: list) -> None:
    steps = [UpgradeStep("0.2.0", "EVENTS", "a"), UpgradeStep("0.2.1", "ALERTS", "b"), UpgradeStep("0.3.0", "EVENTS", "c")]
    planned = inst.plan_upgrade_steps(steps, installed, existing, current)
    assert [f"{s.version} {s.table}" for s in planned] == expected


def test_upgrade_step_runs_after_its_table_only_on_upgrade(settings: Settings) -> None:
    step = UpgradeStep("0.2.0", "SETTINGS", "alter table {{ obj('SETTINGS') }} add (note varchar2(100))")
    rendered = 'alter table "LSNR_SETTINGS" add (note varchar2(100))'
    hist = settings.object_name("INSTALL_HISTORY")
    existing = [("LSNR_SETTINGS", "TABLE", "VALID"), (hist, "TABLE", "VALID")]
    conn = FakeConnection(owner_answers(settings, **{isql.Q_USER_OBJECTS: existing,
                                                     isql.q_installed_version(hist): [("0.1.0",)]}))
    quiet(settings, steps=[step], version="0.2.0").install_owner(conn)
    settings_item = render_objects(settings, "owner")[0]
    assert conn.statements.index(rendered) > conn.statements.index(split_script(settings_item.deploy)[-1])
    assert conn.statements.index(rendered) < conn.statements.index(isql.s_history_start(hist))
    # fresh schema: same step, not applied
    conn = FakeConnection(owner_answers(settings))
    quiet(settings, steps=[step], version="0.2.0").install_owner(conn)
    assert rendered not in conn.statements
    assert rendered in inst.dry_run_install(settings, "owner", steps=[step])


# -- failure half-way ----------------------------------------------------------------------------
def test_failure_midway_stops_reports_and_records_incomplete(settings: Settings) -> None:
    error = oracledb.DatabaseError("ORA-29913: error in executing ODCIEXTTABLEOPEN callout\n"
                                   "KUP-04040: file listener.log in LISTENER_LOG_DIR not found")
    conn = FakeConnection(owner_answers(settings), errors={'select 1 from "LISTENER_LOG" where': error})
    with pytest.raises(inst.InstallFailed) as info:
        quiet(settings).install_owner(conn)
    failed = info.value
    assert failed.reason == (f"reading LISTENER_LOG: the database cannot read {settings.log_dir}/listener.log: "
                             "check the path and the OS permissions of the oracle user; "
                             f"{read_errors.location_fix(settings)} "
                             "(Oracle: KUP-04040: file listener.log in LISTENER_LOG_DIR not found)")
    assert "exec LSNR_LOG_LOCATION_PKG.refresh` as LSNRMINE" in failed.reason  # A5: the fix for a gone file
    assert failed.done[:2] == ["created TABLE LSNR_SETTINGS", "created TABLE LSNR_INSTALL_HISTORY"]
    assert failed.done[-2:] == ["created TABLE LSNR_LISTENER_LOG_EXT", "created VIEW LISTENER_LOG"]
    # stopped: nothing after the external table was deployed
    after = render_objects(settings, "owner")[[i.obj.logical for i in render_objects(settings, "owner")].index("LISTENER_LOG") + 1]
    assert split_script(after.deploy)[0] not in conn.statements
    end_sql, end_binds = conn.log[-1]
    assert end_sql == isql.s_history_end(settings.object_name("INSTALL_HISTORY"))
    assert end_binds["status"] == "incomplete" and "created VIEW LISTENER_LOG" in end_binds["objects"]
    assert "cannot read" in end_binds["message"]


def test_failure_before_history_table_says_so(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings), errors={"merge into": oracledb.DatabaseError("ORA-01031: insufficient privileges")})
    with pytest.raises(inst.InstallFailed) as info:
        quiet(settings).install_owner(conn)
    assert "ORA-01031" in info.value.reason and "LSNR_SETTINGS" in info.value.reason
    assert any("no install-history row" in n for n in info.value.notes)
    assert not any(s.startswith("update") for s in conn.statements)


def test_invalid_object_fails_install_naming_it(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings, **{
        isql.Q_INVALID_OBJECTS: [("VIEW", "LSNR_FAILED_COMMANDS")],
        isql.Q_FIRST_ERROR: [(3, "ORA-00904: invalid identifier")],
    }))
    with pytest.raises(inst.InstallFailed) as info:
        quiet(settings).install_owner(conn)
    assert "invalid objects after install: VIEW LSNR_FAILED_COMMANDS (line 3: ORA-00904: invalid identifier)" in info.value.reason
    assert conn.log[-1][1]["status"] == "incomplete"


@pytest.mark.parametrize("text, expected", [
    ("ORA-29913: error in executing ODCIEXTTABLEOPEN callout\nKUP-04040: file a.log in D not found", "cannot read"),
    ("ORA-22288: file or LOB operation FILEOPEN failed", "cannot read"),
    ("ORA-22285: non-existent directory or file for FILEOPEN operation", "cannot read"),
    ("ORA-22286: insufficient privileges on file or directory to perform FILEOPEN operation", "has no READ"),
    ("ORA-00942: table or view does not exist", None),
])
def test_translate_read_error(settings: Settings, text: str, expected: Optional[str]) -> None:
    result = read_errors.translate_read_error(text, settings)
    if expected is None:
        assert result is None
    else:
        assert expected in result


def test_translate_names_the_file_from_the_message() -> None:
    s = Settings(log_files=("listener.log", "listener_1.log"))
    text = "ORA-29913: ...\nKUP-04040: file listener_1.log in LISTENER_LOG_DIR not found"
    assert read_errors.translate_read_error(text, s) == (
        f"the database cannot read {s.log_dir}/listener_1.log: check the path and the OS permissions of the oracle user; "
        f"{read_errors.location_fix(s)} (Oracle: KUP-04040: file listener_1.log in LISTENER_LOG_DIR not found)")


# -- uninstall -----------------------------------------------------------------------------------
def test_uninstall_order_jobs_first_then_reverse(settings: Settings) -> None:
    plan = quiet(settings).uninstall_order("owner", keep_data=False)
    names = [item.name for item, _ in plan]
    owner = render_objects(settings, "owner")
    jobs = [i.name for i in reversed(owner) if i.obj.object_type == "JOB"]
    assert jobs and names[:len(jobs)] == jobs  # jobs stopped and dropped before what they call
    installed = [i.name for i in owner if i.obj.object_type != "JOB"]
    assert names[len(jobs):] == list(reversed(installed))
    assert all(kept is None for _, kept in plan)


def test_uninstall_keep_data_and_only_manifest_objects(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings))
    report = quiet(settings).uninstall(conn, "owner", keep_data=True)
    kept = [line for line in report.lines if line.startswith("kept")]
    data_tables = [i.name for i in reversed(render_objects(settings, "owner")) if i.obj.holds_data]
    assert {"LSNR_EVENTS", "LSNR_INSTALL_HISTORY", "LSNR_SETTINGS", "LSNR_ALERTS"} <= set(data_tables)
    assert kept == [f"kept TABLE {name} (--keep-data)" for name in data_tables]
    plan = quiet(settings).uninstall_order("owner", keep_data=True)
    expected = [st for item, why in plan if why is None for st in split_script(item.revert)]
    executed = [s for s in conn.statements if s in expected]
    assert executed == expected
    # besides the drops, only the schema check and existence queries ran (no other DDL)
    others = [s for s in conn.statements if s not in expected]
    assert set(others) <= {isql.Q_SESSION_USER, *(i.obj.verify for i in render_objects(settings)), "select line, position, text from user_errors where name = :name and type = :type and attribute = 'ERROR' order by sequence"}


def test_uninstall_refuses_other_schema(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings, **{isql.Q_SESSION_USER: [("SYSTEM",)]}))
    with pytest.raises(inst.PreflightFailed):
        quiet(settings).uninstall(conn, "owner", keep_data=False)
    assert conn.statements == [isql.Q_SESSION_USER]


def test_uninstall_admin_never_drops_the_user() -> None:
    s = Settings(create_schema=True)
    text = inst.dry_run_uninstall(s, "all", keep_data=False)
    assert "drop user" not in text.lower()
    assert "-- kept user LSNRMINE (lsnrmine never drops it)" in text
    assert text.index("===== phase owner") < text.index("===== phase admin")
    assert "revoke create table" in text and "drop directory \"LISTENER_LOG_DIR\"" in text


# -- CLI: settings rejected before any connection ------------------------------------------------
INJECTIONS = [
    ["--schema", "LSNR'MINE"],
    ["--schema", "LSNRMINE--"],
    ["--schema", "LSNRMINE;DROP"],
    ["--schema", "LSNR\nMINE"],
    ["--schema", "LSNRМINE"],  # Cyrillic EM
    ["--prefix", "LSNR_;"],
    ["--directory", "LOG DIR"],
    ["--log-dir", "/opt/x'; drop table t; --"],
    ["--log-dir", "/opt/x\n/y"],
    ["--log-dir", "/opt/ｘ"],  # full-width x
    ["--log-file", "listener.log;rm"],
    ["--log-file", "../listener.log"],
    ["--date-language", "AMERICAN'"],
]


@pytest.mark.parametrize("command", ["install", "uninstall", "verify", "status"])
@pytest.mark.parametrize("flags", INJECTIONS, ids=lambda f: repr(f[1]))
def test_bad_settings_rejected_before_connecting(clean_env: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture, command: str, flags: list) -> None:
    calls = []
    monkeypatch.setattr(oracledb, "connect", lambda **kw: calls.append(kw))
    monkeypatch.setenv("LSNRMINE_PASSWORD", "pw")
    monkeypatch.setenv("LSNRMINE_OWNER_PASSWORD", "pw")
    rc = main([command, "--dsn", "127.0.0.1:9/X", "--user", "system", *flags])
    assert rc == 2
    assert calls == []
    err = capsys.readouterr().err
    assert err.startswith("lsnrmine: setting ") and err.count("\n") == 1


def run_cli(*args: str, cwd: Path, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=base, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


def test_cli_setting_error_wins_over_unreachable_database(clean_env: Path) -> None:
    result = run_cli("install", "--dsn", "127.0.0.1:9/FREEPDB1", "--user", "system", "--schema", "A';--",
                     cwd=clean_env, env={"LSNRMINE_PASSWORD": "pw", "LSNRMINE_OWNER_PASSWORD": "pw"})
    assert result.returncode == 2
    assert result.stderr.startswith("lsnrmine: setting schema:") and "cannot connect" not in result.stderr


MARK = "Pw-MARKER-7f3a"
OWNER_MARK = "Ow-MARKER-91c2"


def test_password_never_printed_dry_run_and_failed_connection(clean_env: Path) -> None:
    env = {"LSNRMINE_PASSWORD": MARK, "LSNRMINE_OWNER_PASSWORD": OWNER_MARK, "LSNRMINE_CREATE_SCHEMA": "true"}
    runs = [
        run_cli("install", "--dry-run", "--dsn", "127.0.0.1:9/FREEPDB1", "--user", "system", cwd=clean_env, env=env),
        run_cli("uninstall", "--dry-run", cwd=clean_env, env=env),
        run_cli("install", "--dsn", "127.0.0.1:9/FREEPDB1", "--user", "system", cwd=clean_env, env=env),
        run_cli("install", "--phase", "owner", "--dsn", "127.0.0.1:9/FREEPDB1", cwd=clean_env, env=env),
        run_cli("verify", "--dsn", "127.0.0.1:9/FREEPDB1", cwd=clean_env, env=env),
        run_cli("status", "--dsn", "127.0.0.1:9/FREEPDB1", cwd=clean_env, env=env),
        run_cli("uninstall", "--dsn", "127.0.0.1:9/FREEPDB1", "--user", "system", cwd=clean_env, env=env),
    ]
    assert runs[0].returncode == 0 and "&lsnrmine_owner_password" in runs[0].stdout
    for result in runs:
        assert MARK not in result.stdout + result.stderr
        assert OWNER_MARK not in result.stdout + result.stderr
    for result in runs[2:]:
        assert result.returncode == 1, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert errors == [errors[0]] and errors[0].startswith("lsnrmine: cannot connect to 127.0.0.1:9/FREEPDB1: ")


def test_no_tty_and_no_password_is_one_line_exit_2(clean_env: Path) -> None:
    result = run_cli("install", "--dsn", "127.0.0.1:9/FREEPDB1", "--user", "system", cwd=clean_env)
    assert result.returncode == 2
    assert result.stderr == "lsnrmine: no password: set LSNRMINE_PASSWORD, or run from a terminal to be asked for it\n"
    result = run_cli("verify", "--dsn", "127.0.0.1:9/FREEPDB1", cwd=clean_env)
    assert result.returncode == 2 and "LSNRMINE_OWNER_PASSWORD" in result.stderr


def test_cli_usage_errors(clean_env: Path) -> None:
    env = {"LSNRMINE_PASSWORD": "x", "LSNRMINE_OWNER_PASSWORD": "y"}
    result = run_cli("install", cwd=clean_env, env=env)
    assert result.returncode == 2 and "--dsn" in result.stderr
    result = run_cli("install", "--phase", "admin", "--dsn", "127.0.0.1:9/X", cwd=clean_env, env=env)
    assert result.returncode == 2 and "--user" in result.stderr
    result = run_cli("install", "--phase", "owner", "--user", "system", "--dsn", "127.0.0.1:9/X", cwd=clean_env, env=env)
    assert result.returncode == 2 and "connects as the owner LSNRMINE" in result.stderr
    result = run_cli("install", "--dsn", "scott/tiger@db:1521/x", "--user", "system", cwd=clean_env, env=env)
    assert result.returncode == 2 and "tiger" not in result.stderr


def test_dry_run_cli_output_matches_render(clean_env: Path) -> None:
    result = run_cli("install", "--dry-run", cwd=clean_env)
    assert result.returncode == 0, result.stderr
    s = Settings()
    assert split_script(result.stdout) == deploy_statements(s, "admin") + deploy_statements(s, "owner")
    help_text = run_cli("install", "--help", cwd=clean_env).stdout
    for word in ("--phase", "LSNRMINE_OWNER_PASSWORD", "preflight queries", "--wallet-dir", "SYSTEM"):
        assert word in help_text


# -- no statement built from an unvalidated value ------------------------------------------------
ALLOWED_CALLS = {"_q", "quote_identifier"}


def _sql_texts(tree: ast.Module) -> list[ast.AST]:
    """Every string that reaches cursor.execute / db.rows / db.scalar: the first argument nodes."""
    nodes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"execute", "rows", "scalar"} and node.args:
                index = 1 if name in {"rows", "scalar"} else 0
                if len(node.args) > index:
                    nodes.append(node.args[index])
    return nodes


@pytest.mark.parametrize("module", ["install.py", "install_sql.py", "preflight.py", "verify.py"])
def test_statements_are_constants_or_validated_names(module: str) -> None:
    tree = ast.parse((REPO / "installer" / module).read_text())
    functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
    constants = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    imported = {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}

    def check_fstring(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.JoinedStr):
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    call = value.value
                    ok = isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", "")) in ALLOWED_CALLS
                    assert ok, f"{module}:{where}: f-string interpolates {ast.unparse(value.value)} without _q()"
        elif isinstance(node, ast.BinOp):
            raise AssertionError(f"{module}:{where}: SQL built with an operator: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "format":
            raise AssertionError(f"{module}:{where}: SQL built with str.format")

    checked = 0
    for node in _sql_texts(tree):
        where = f"line {node.lineno}"
        if isinstance(node, ast.Name):
            if node.id in constants or node.id in imported:
                checked += 1
                continue
            # a parameter (sql) or a local: accepted only inside the tiny helpers that receive SQL
            assert node.id in {"sql", "statement"}, f"{module}:{where}: executes variable {node.id}"
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("substitute",):
                continue
            target = functions.get(name)
            if target is None and name in imported:
                checked += 1  # builder defined in install.py, checked there
                continue
            assert target is not None, f"{module}:{where}: SQL from unknown call {name}"
            returns = [r.value for r in ast.walk(target) if isinstance(r, ast.Return)]
            for ret in returns:
                check_fstring(ret, f"{name}()")
            checked += 1
        elif isinstance(node, ast.Attribute):
            assert ast.unparse(node) in {"item.obj.verify", "obj.verify"}, f"{module}:{where}: executes {ast.unparse(node)}"
            checked += 1
        else:
            check_fstring(node, where)
            checked += 1
    assert checked >= 5 or module == "install_sql.py"  # install_sql.py holds the statements, runs none
    # and the builders themselves only interpolate validated names
    for name, func in functions.items():
        if name.startswith(("q_", "s_")):
            for ret in (r.value for r in ast.walk(func) if isinstance(r, ast.Return)):
                check_fstring(ret, f"{name}()")


def test_statement_builders_quote_and_validate_names() -> None:
    assert isql.q_probe("LISTENER_LOG") == 'select 1 from "LISTENER_LOG" where rownum = 1'
    with pytest.raises(ValueError):
        isql.q_probe('X" where 1=1 --')
    with pytest.raises(ValueError):
        isql.s_history_start("A;B")


# -- verify / status: which lines are printed for which answers ----------------------------------
def _verify_answers(settings: Settings, statuses: dict, history_rows: list, complete_rows: list,
                    location_status: Optional[str] = "ok: listener.log") -> dict:
    from lsnrmine import verify as ver
    from lsnrmine.manifest import VERIFY_JOB, VERIFY_USER_OBJECT

    hist = settings.object_name("INSTALL_HISTORY")
    answers = owner_answers(settings)
    # A5: the SETTINGS row LOG_LOCATION_STATUS written by LOG_LOCATION_PKG.refresh
    answers[ver.q_setting(settings.object_name("SETTINGS"))] = (
        lambda b: [(location_status,)] if b["name"] == ver.LOCATION_STATUS_SETTING and location_status else [])
    answers[VERIFY_USER_OBJECT] = lambda b: [(statuses[b["name"]],)] if statuses.get(b["name"]) else []
    answers[VERIFY_JOB] = lambda b: [(statuses[b["name"]],)] if statuses.get(b["name"]) else []
    answers[ver.Q_PACKAGE_BODY_STATUS] = lambda b: [(statuses.get(b["object_name"] + " BODY", "VALID"),)]
    answers[ver.Q_HISTORY_TABLE] = [(1,)]
    answers[ver.q_last_run(hist)] = history_rows
    answers[ver.q_last_complete(hist)] = complete_rows
    return answers


def test_verify_ok_and_problems(settings: Settings) -> None:
    from lsnrmine.verify import run_status, run_verify

    names = {i.name: "VALID" for i in render_objects(settings, "owner")}
    good = _verify_answers(settings, names, [(3, __version__, "complete", "t0", "t1", None)], [(__version__, "t1")])
    out: list[str] = []
    assert run_verify(FakeConnection(good), settings, out.append) == 0
    assert out[0].startswith(f"ok: {len(names)}/{len(names)} objects valid")

    broken = dict(names, LSNR_FAILED_COMMANDS=None, LSNR_LINE_READER="VALID", **{"LSNR_LINE_READER BODY": "INVALID"})
    answers = _verify_answers(settings, broken, [(4, __version__, "incomplete", "t0", None, "boom")], [("0.0.9", "t")])
    answers[isql.Q_FIRST_ERROR] = [(12, "PLS-00201: identifier must be declared")]
    out = []
    assert run_verify(FakeConnection(answers), settings, out.append) == 1
    text = "\n".join(out)
    assert "missing VIEW LSNR_FAILED_COMMANDS; fix: run `lsnrmine install`" in text
    assert "invalid PACKAGE LSNR_LINE_READER (line 12: PLS-00201" in text
    assert "installed version is 0.0.9" in text and "the last install (run 4" in text
    assert all("fix:" in line for line in out)

    out = []
    assert run_status(FakeConnection(answers), settings, "db/pdb", out.append) == 0
    assert len(out) <= 24 and out[0].startswith(f"lsnrmine {__version__} on db/pdb as LSNRMINE")


# -- verify / status: load state, jobs, last alert evaluation (stand-in answers, decisions only) ----
def _health_answers(settings: Settings, *, load: Optional[list] = None, alert_run: Optional[list] = None,
                    alert_status: Optional[str] = "ok", failed_rules: Optional[list] = None,
                    job_state: str = "SCHEDULED", intervals: Optional[dict] = None) -> dict:
    from lsnrmine import verify as ver

    names = {i.name: "VALID" for i in render_objects(settings, "owner")}
    answers = _verify_answers(settings, names, [(3, __version__, "complete", "t0", "t1", None)], [(__version__, "t1")])
    table = settings.object_name
    settings_rows = dict(intervals or {}, ALERT_LAST_STATUS=alert_status, LOG_LOCATION_STATUS="ok: listener.log")
    answers[ver.q_setting(table("SETTINGS"))] = lambda b: [(settings_rows[b["name"]],)] if settings_rows.get(b["name"]) else []
    answers[ver.q_setting_age(table("SETTINGS"))] = lambda b: (alert_run or []) if b["name"] == "ALERT_LAST_RUN" else []
    answers[ver.q_load_state(table("LOAD_STATE"))] = lambda b: (load or {}).get(b["file_name"], [])
    answers[ver.q_failed_rules(table("ALERT_RULES"))] = lambda b: (failed_rules or []) if b == {"enabled": "Y", "status": "failed"} else []
    answers[ver.Q_JOB] = [("TRUE", job_state, "2024-07-31 10:00:00", "2024-07-31 10:05:00", 0)]
    answers[ver.Q_JOB_LAST_RUN] = [("SUCCEEDED", "2024-07-31 10:00:01", 0, None)]
    return answers


def _ok_row(minutes: float = 2.0, status: str = "OK", health: Optional[str] = None) -> list:
    return [(status, health, "2024-07-31 10:00:00", minutes, 5001, 5000, 42)]


def _verify(settings: Settings, answers: dict) -> tuple[int, list[str], FakeConnection]:
    from lsnrmine.verify import run_verify

    out: list[str] = []
    conn = FakeConnection(answers)
    return run_verify(conn, settings, out.append), out, conn


def test_verify_load_state_jobs_and_alert_evaluation_ok(settings: Settings) -> None:
    from lsnrmine import verify as ver
    from lsnrmine.verify import run_status

    answers = _health_answers(settings, load={"listener.log": _ok_row()}, alert_run=[("2024-07-31 10:01:00", 3.5)])
    rc, out, conn = _verify(settings, answers)
    assert rc == 0, out
    assert out[0].startswith("ok:")
    assert "ingest: listener.log: OK, last run 2024-07-31 10:00:00 (2 min ago), 5000 of 5000 bytes read, 42 lines" in out
    assert "alert evaluation: last run 2024-07-31 10:01:00 (3.5 min ago): ok" in out
    assert any(line.startswith("job: LSNR_INGEST_JOB: enabled, SCHEDULED, last run SUCCEEDED") for line in out)
    # every new query carries its values as bind variables
    log = dict(conn.log)
    assert log[ver.q_load_state(settings.object_name("LOAD_STATE"))] == {"file_name": "listener.log"}
    assert log[ver.q_setting_age(settings.object_name("SETTINGS"))] == {"name": "ALERT_LAST_RUN"}
    assert log[ver.q_failed_rules(settings.object_name("ALERT_RULES"))] == {"enabled": "Y", "status": "failed"}
    status: list[str] = []
    assert run_status(FakeConnection(answers), settings, "db/pdb", status.append) == 0
    assert any(line.startswith("ingest:     listener.log: OK") for line in status)
    assert "alerts:     last run 2024-07-31 10:01:00 (3.5 min ago): ok" in status


@pytest.mark.parametrize("status, words", [
    ("MISSING", "log file listener.log is MISSING: listener.log: no such file in directory X; fix: check that"),
    ("UNREADABLE", "log file listener.log is UNREADABLE: listener.log: no such file in directory X; fix: let the oracle OS user read"),
    ("ERROR", "log file listener.log is ERROR"),
])
def test_verify_load_state_problem_status(settings: Settings, status: str, words: str) -> None:
    answers = _health_answers(settings, load={"listener.log": _ok_row(status=status, health="listener.log: no such file in directory X")},
                              alert_run=[("2024-07-31 10:01:00", 1)])
    rc, out, _ = _verify(settings, answers)
    assert rc == 1 and len(out) == 1 and out[0].startswith(words), out
    assert "fix:" in out[0]


def test_verify_stale_load_and_alert_evaluation_use_the_settings_interval(settings: Settings) -> None:
    # default interval 5 min: 14.9 min is fine, 15.1 is more than 3 x 5
    answers = _health_answers(settings, load={"listener.log": _ok_row(14.9)}, alert_run=[("2024-07-31 09:00:00", 14.9)])
    assert _verify(settings, answers)[0] == 0
    answers = _health_answers(settings, load={"listener.log": _ok_row(15.1)}, alert_run=[("2024-07-31 09:00:00", 15.1)])
    rc, out, _ = _verify(settings, answers)
    assert rc == 1 and len(out) == 2, out
    assert out[0].startswith("log file listener.log last read 15.1 minutes ago, more than 3 x the ingest interval (5 min); "
                             "fix: check the job LSNR_INGEST_JOB")
    assert out[1].startswith("the alert rules were last evaluated 15.1 minutes ago") and "LSNR_ALERT_JOB" in out[1]
    # a user raised the intervals in the SETTINGS table: no longer stale
    answers = _health_answers(settings, load={"listener.log": _ok_row(15.1)}, alert_run=[("2024-07-31 09:00:00", 15.1)],
                              intervals={"INGEST_INTERVAL_MINUTES": "10", "ALERT_INTERVAL_MINUTES": "10"})
    assert _verify(settings, answers)[0] == 0


def test_verify_no_jobs_no_staleness(clean_env: Path) -> None:
    settings = Settings(jobs_enabled=False)
    answers = _health_answers(settings, load={"listener.log": _ok_row(9999)}, alert_run=[("2024-01-01 00:00:00", 9999)])
    rc, out, _ = _verify(settings, answers)
    assert rc == 0, out
    answers = _health_answers(settings, load={"listener.log": _ok_row(1, status="MISSING")})
    rc, out, _ = _verify(settings, answers)
    assert rc == 1 and out[0].startswith("log file listener.log is MISSING")


def test_verify_not_read_yet_is_a_note_not_a_problem(settings: Settings) -> None:
    rc, out, _ = _verify(settings, _health_answers(settings))
    assert rc == 0, out
    assert "ingest: listener.log: not read yet" in out and "alert evaluation: never run" in out
    assert "note: log file listener.log not read yet by the ingest job LSNR_INGEST_JOB" in out
    assert "note: alert rules not evaluated yet by the alert job LSNR_ALERT_JOB" in out


def test_verify_failed_alert_evaluation_rules_and_broken_job(settings: Settings) -> None:
    answers = _health_answers(settings, load={"listener.log": _ok_row()}, alert_run=[("2024-07-31 10:01:00", 1)],
                              alert_status="1 rule(s) failed",
                              failed_rules=[("SID_ENUMERATION", "2024-07-31 10:01:00", "ORA-01476: divisor is equal to zero")],
                              job_state="BROKEN")
    rc, out, _ = _verify(settings, answers)
    assert rc == 1
    text = "\n".join(out)
    assert "the last alert evaluation (2024-07-31 10:01:00) reported: 1 rule(s) failed; fix: see last_error in LSNR_ALERT_RULES" in text
    assert "alert rule SID_ENUMERATION failed at 2024-07-31 10:01:00: ORA-01476: divisor is equal to zero; fix:" in text
    assert "job LSNR_INGEST_JOB is BROKEN after 0 failure(s); fix:" in text
    assert all("fix:" in line for line in out)


# -- install hardening -----------------------------------------------------------------
def _admin_text(settings: Settings, logical: str, *, force: bool = False) -> str:
    return next(i.deploy for i in render_objects(settings, "admin", force=force) if i.obj.logical == logical)


def _admin_revert(settings: Settings, logical: str, *, force: bool = False) -> str:
    return next(i.revert for i in render_objects(settings, "admin", force=force) if i.obj.logical == logical) or ""


@pytest.mark.parametrize("jobs", [True, False])
def test_owner_grants_create_sequence_quota_and_dbms_lob(clean_env: Path, jobs: bool) -> None:
    """A1, A2, A10: the admin phase grants exactly what both preflights check."""
    s = Settings(jobs_enabled=jobs)
    statements = split_script(_admin_text(s, "OWNER_GRANTS"))
    privileges = owner_privileges(s)
    assert statements[0] == f'grant {", ".join(privileges).lower()} to "LSNRMINE"'
    assert "CREATE SEQUENCE" in privileges and ("CREATE JOB" in privileges) == jobs
    quota = statements[1]
    assert "from sys.dba_users u" in quota and "'UNLIMITED TABLESPACE'" in quota
    assert "'alter user \"LSNRMINE\" quota unlimited on '" in quota and "enquote_name" in quota
    lob = statements[2]
    assert "t.grantee in ('PUBLIC', 'LSNRMINE')" in lob and "'grant execute on sys.dbms_lob to \"LSNRMINE\"'" in lob
    # the SQL*Plus owner preflight checks the same list, the DBMS_LOB grant and the quota
    check = render_scripts(s)["install.sql"]
    listed = "sys.odcivarchar2list(" + ", ".join(f"'{p}'" for p in privileges) + ")"
    assert listed in check
    assert "table_name = 'DBMS_LOB'" in check and "from user_ts_quotas" in check


def test_revoke_one_privilege_at_a_time_tolerating_each_error(settings: Settings) -> None:
    """A12: a privilege that is not granted (ORA-01952/ORA-01927) does not keep the others;
    CREATE JOB is revoked even when jobs are off now (an earlier install may have granted it)."""
    s = Settings(jobs_enabled=False)
    revert = _admin_revert(s, "OWNER_GRANTS")
    for privilege in ("create table", "create view", "create procedure", "create sequence", "create job"):
        assert f"'revoke {privilege} from \"LSNRMINE\"'" in revert
    assert "'revoke execute on sys.dbms_lob from \"LSNRMINE\"'" in revert
    assert "-1952" in revert and "-1927" in revert and "-1917" in revert
    assert "for i in 1..l_statements.count" in revert and revert.count("execute immediate") == 1


def test_create_schema_rerunnable_no_echo_default_tablespace(clean_env: Path) -> None:
    """A6, A7, A13: VERIFY off before the password is substituted, ORA-01920 tolerated, no USERS."""
    s = Settings(create_schema=True)
    text = _admin_text(s, "OWNER_SCHEMA")
    lines = text.splitlines()
    assert lines.index("set verify off") < lines.index("set define on") + 2
    assert lines.index("set verify off") < next(i for i, line in enumerate(lines) if "&lsnrmine_owner_password" in line)
    assert "users" not in text.lower().replace("all_users", "")
    assert "tablespace" not in split_script(text)[0]
    assert "pragma exception_init(e_user_exists, -1920)" in text
    assert render_scripts(s)["install_admin.sql"].splitlines()[3:5] == ["set define off", "set verify off"]


def test_owner_preflight_names_missing_quota_and_dbms_lob(settings: Settings) -> None:
    conn = FakeConnection(owner_answers(settings, **{isql.Q_SYS_EXECUTE: [(0,)], isql.Q_OWNER_SPACE: [("DATA_TS", 0)]}))
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(settings).install_owner(conn)
    text = info.value.problems[0]
    assert "EXECUTE on SYS.DBMS_LOB" in text
    assert "a quota on tablespace DATA_TS" in text and "alter user LSNRMINE quota unlimited on DATA_TS" in text
    assert ("DBMS_LOB",) == tuple(b["object_name"] for sql, b in conn.log if sql == isql.Q_SYS_EXECUTE)
    assert not set(conn.statements) & set(deploy_statements(settings, "owner"))


def test_admin_preflight_sys_grants_need_sys_or_grant_option(clean_env: Path) -> None:
    """C7, A10: the mail, alert-log and (hardened DB) DBMS_LOB grants are made only by an account
    that can make them; the preflight says which account before anything runs."""
    s = Settings(mail_host="smtp.example.com", mail_sender="a@example.com", mail_recipients=("b@example.com",),
                 alert_log=True)
    hardened = {isql.Q_ADMIN_OWNER_EXECUTE: [(0,)]}
    conn = FakeConnection(admin_answers(s, **hardened))
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(s).install_admin(conn)
    text = "\n".join(info.value.problems)
    for package in ("DBMS_LOB", "UTL_SMTP", "DBMS_SYSTEM"):
        assert f"grants EXECUTE on SYS.{package}" in text
    assert "--user SYS --sysdba" in text and "with grant option" in text
    assert not set(conn.statements) & set(deploy_statements(s, "admin"))
    # SYS itself, or an account holding each privilege WITH GRANT OPTION: no problem
    quiet(s).install_admin(FakeConnection(admin_answers(s, **hardened, **{isql.Q_SESSION_USER: [("SYS",)]})))
    quiet(s).install_admin(FakeConnection(admin_answers(s, **hardened, **{isql.Q_GRANTABLE: [(1,)]})))
    # a default database (PUBLIC has DBMS_LOB), no mail, no alert log: SYSTEM is enough
    plain = Settings()
    conn = FakeConnection(admin_answers(plain))
    quiet(plain).install_admin(conn)
    assert isql.Q_GRANTABLE not in conn.statements


def test_admin_preflight_alter_user_only_when_a_quota_is_needed(settings: Settings) -> None:
    privs = {isql.Q_SESSION_PRIVS: [(p,) for p in ADMIN_PRIVS if p != "ALTER USER"]}
    quiet(settings).install_admin(FakeConnection(admin_answers(settings, **privs)))  # owner has its quota
    conn = FakeConnection(admin_answers(settings, **privs, **{isql.Q_ADMIN_OWNER_SPACE: [(0,)]}))
    with pytest.raises(inst.PreflightFailed, match=r"lacks: ALTER USER \(gives LSNRMINE a quota"):
        quiet(settings).install_admin(conn)


def test_existing_directory_elsewhere_needs_force(settings: Settings) -> None:
    """A14: never repoint (or drop) a directory object that points at another folder without --force."""
    conn = FakeConnection(admin_answers(settings, **{isql.Q_DIRECTORY_PATH: [("/u01/app/oracle/admin/dpdump",)]}))
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(settings).install_admin(conn)
    assert info.value.problems == [preflight.directory_conflict("LISTENER_LOG_DIR", "/u01/app/oracle/admin/dpdump",
                                                           settings.log_dir)]
    assert "--force" in info.value.problems[0]
    assert not set(conn.statements) & set(deploy_statements(settings, "admin"))
    # the SQL*Plus path refuses the same way; --force renders the block without the refusal
    plain, forced = _admin_text(settings, "DIRECTORY"), _admin_text(settings, "DIRECTORY", force=True)
    guard, create, grant = split_script(plain)
    assert "num => -20000" in guard and "if l_path <> '/opt/oracle" in guard and "raise_application_error" not in forced
    assert split_script(forced) == [create, grant]
    assert create == f"create or replace directory \"LISTENER_LOG_DIR\" as '{settings.log_dir}'"
    # uninstall drops it only while it points at log_dir, unless --force
    assert f"if l_path = '{settings.log_dir}' then" in _admin_revert(settings, "DIRECTORY")
    assert f"if l_path = '{settings.log_dir}' or l_path is not null then" in _admin_revert(settings, "DIRECTORY", force=True)


def test_existing_directory_elsewhere_with_force_is_repointed(settings: Settings) -> None:
    answers = admin_answers(settings, **{isql.Q_DIRECTORY_PATH: lambda b: [(settings.log_dir,)]})
    conn = FakeConnection(answers)
    lines: list[str] = []
    # first call (preflight) sees the other folder, the check after the directory sees log_dir
    paths = iter([("/other",), (settings.log_dir,)])
    answers[isql.Q_DIRECTORY_PATH] = lambda b: [next(paths, (settings.log_dir,))]
    inst.Installer(settings, out=lines.append, force=True).install_admin(conn)
    assert f"note: directory LISTENER_LOG_DIR points at /other; --force: install repoints it to {settings.log_dir}" in lines
    assert f"create or replace directory \"LISTENER_LOG_DIR\" as '{settings.log_dir}'" in conn.statements
    assert not any("never repoints" in sql for sql in conn.statements)


def test_install_sql_writes_the_install_history_rows(settings: Settings) -> None:
    """A8: install.sql records its run in LSNR_INSTALL_HISTORY like `lsnrmine install`."""
    text = render_scripts(settings)["install.sql"]
    history = settings.object_name("INSTALL_HISTORY")
    start = text.index(f'insert into "{history}" (version, phase, status)')
    assert text.index("@@02_lsnr_install_history.sql") < start < text.index("@@03_")
    assert f"values ('{__version__}', 'owner', 'running')" in text
    assert "variable lsnrmine_run_id number" in text and "returning id into :lsnrmine_run_id" in text
    end = text.index(f'  update "{history}"')
    assert text.index("invalid objects after install") < end < text.index("phase complete")
    assert "set status = 'complete'" in text and "deployed TABLE LSNR_EVENTS" in text
    # the same columns and values as the Python path's statements
    assert "(version, phase, status)" in isql.s_history_start(history)
    assert "finished_at = systimestamp" in isql.s_history_end(history)


def test_access_driver_errors_keep_their_kup_lines(settings: Settings) -> None:
    """A3: ORA-29913/ORA-29400 wrap every access-driver error; only file errors mean 'cannot read'."""
    syntax = ("ORA-29913: error in executing ODCIEXTTABLEOPEN callout\nORA-29400: data cartridge error\n"
              "KUP-00554: error encountered while parsing access parameters\n"
              "KUP-01005: syntax error: found \"language\": expecting one of: \"badfile, byteordermark\"\n"
              "KUP-01007: at line 4 column 5")
    message = read_errors.translate_read_error(syntax, settings)
    assert "cannot read" not in message
    assert message.startswith("the ORACLE_LOADER access driver failed: KUP-00554: error encountered while parsing "
                              "access parameters | KUP-01005: syntax error: found \"language\": expecting one of: "
                              "\"badfile, byteordermark\" | KUP-01007: at line 4 column 5; ")
    conn = FakeConnection(owner_answers(settings), errors={'select 1 from "LISTENER_LOG" where': oracledb.DatabaseError(syntax)})
    with pytest.raises(inst.InstallFailed) as info:
        quiet(settings).install_owner(conn)
    assert info.value.reason.startswith("reading LISTENER_LOG: the ORACLE_LOADER access driver failed: KUP-00554")
    # A4: a parse error of the access parameters names the external table under LISTENER_LOG
    assert "access parameters of LSNR_LISTENER_LOG_EXT (the external table under LISTENER_LOG)" in info.value.reason
    other = "ORA-29913: error in executing ODCIEXTTABLEOPEN callout\nKUP-04043: table column not found"
    assert "access parameters" not in read_errors.translate_read_error(other, settings)
    for code in ("KUP-04001: error opening file /x/listener.log", "KUP-04027: file name check failed: listener.log"):
        assert "cannot read" in read_errors.translate_read_error("ORA-29913: error\n" + code, settings)
    link = read_errors.translate_read_error("ORA-22288: file or LOB operation FILEOPEN failed\nsoft link in path", settings)
    assert "symbolic link" in link and "cannot read" in link and link.endswith("| soft link in path)")
    missing = read_errors.translate_read_error("ORA-22288: file or LOB operation FILEOPEN failed\n"
                                        "No such file or directory\nORA-06512: at line 4", settings)
    assert "symbolic link" not in missing and missing.endswith(
        "(Oracle: ORA-22288: file or LOB operation FILEOPEN failed | No such file or directory)")


class _WarningCursor(FakeCursor):
    """python-oracledb sets Cursor.warning on the execute that created something with
    compilation errors and clears it on the next execute."""

    def execute(self, sql: str, binds: Optional[dict] = None, **kwargs: Any) -> None:
        super().execute(sql, binds, **kwargs)
        self.warning = "DPY-7000: creation succeeded with compilation errors" if sql.startswith("create") else None


class _WarningConnection(FakeConnection):
    def cursor(self) -> FakeCursor:
        return _WarningCursor(self)


def test_runner_reads_cursor_warning_right_after_the_ddl() -> None:
    """A11: USER_ERRORS empty (e.g. another type of the same name), warning set by the DDL."""
    conn = _WarningConnection()
    with pytest.raises(ScriptError, match="compiled with errors: DPY-7000"):
        execute_statements(conn, ["create or replace package p as\nend p;"], label="package P")
    with pytest.raises(ScriptError, match="view V: DPY-7000"):
        execute_statements(_WarningConnection(), ["create or replace view v as select x from t"], label="view V")
    assert execute_statements(FakeConnection(), ["create or replace view v as select 1 x from dual"], label="v") == 1


def _job_names(settings: Settings) -> list[str]:
    return [i.name for i in render_objects(settings, "owner") if i.obj.object_type == "JOB"]


def _job_calls(conn: FakeConnection) -> list[tuple]:
    kinds = {isql.S_DISABLE_JOB: "disable", isql.S_ENABLE_JOB: "enable", isql.S_JOB_COMMENTS: "comments"}
    return [(kinds[sql], b["job_name"], b.get("job_comments")) if sql == isql.S_JOB_COMMENTS else (kinds[sql], b["job_name"])
            for sql, b in conn.log if sql in kinds]


def test_upgrade_disables_running_jobs_waits_and_enables_them_again(settings: Settings) -> None:
    """F7: no CREATE OR REPLACE while a job runs the code (ORA-04021); jobs a DBA disabled stay so."""
    ingest, purge, alert = _job_names(settings)
    running = iter([[(ingest,)], [(ingest,)], []])
    conn = FakeConnection(owner_answers(settings, **{
        isql.Q_JOBS: [(ingest, "TRUE", "read new lines"), (purge, "FALSE", "a DBA's"), (alert, "TRUE", None),
                      ("OTHER_JOB", "TRUE", None)],
        isql.Q_RUNNING_JOBS: lambda _b: next(running, []),
    }))
    lines: list[str] = []
    slept: list[float] = []
    inst.Installer(settings, out=lines.append, sleep=slept.append, clock=lambda: 0.0).install_owner(conn)
    marker = inst.JOB_PAUSE_MARKER
    assert _job_calls(conn) == [
        ("disable", ingest), ("comments", ingest, marker + "read new lines"),
        ("disable", alert), ("comments", alert, marker),
        ("enable", ingest), ("comments", ingest, "read new lines"),
        ("enable", alert), ("comments", alert, "")]
    assert len(slept) == 2 and f"waiting for running job(s) {ingest} to finish (at most 180 s)" in lines
    first_ddl = deploy_statements(settings, "owner")[0]
    assert conn.statements.index(first_ddl) > max(i for i, s in enumerate(conn.statements) if s == isql.Q_RUNNING_JOBS)
    assert conn.statements.index(isql.S_ENABLE_JOB) > conn.statements.index(isql.Q_INVALID_OBJECTS)
    assert f"enabled JOB {alert} again" in lines


def test_upgrade_stops_before_replacing_anything_when_a_job_keeps_running(settings: Settings) -> None:
    ingest = _job_names(settings)[0]
    conn = FakeConnection(owner_answers(settings, **{isql.Q_JOBS: [(ingest, "TRUE", "c")], isql.Q_RUNNING_JOBS: [(ingest,)]}))
    ticks = iter(range(0, 1000, 60))
    with pytest.raises(inst.InstallFailed) as info:
        inst.Installer(settings, out=lambda _l: None, sleep=lambda _s: None, clock=lambda: float(next(ticks))).install_owner(conn)
    assert info.value.reason.startswith(f"job(s) {ingest} still running after 180 s: nothing was replaced")
    assert "stop_job" in info.value.reason
    assert not set(conn.statements) & set(deploy_statements(settings, "owner"))
    # state restored: enabled, marker removed
    assert _job_calls(conn)[-2:] == [("enable", ingest), ("comments", ingest, "c")]


def test_failed_upgrade_marks_paused_jobs_and_the_next_complete_run_enables_them(settings: Settings) -> None:
    """Review R1: a run that stops half-way leaves its jobs disabled AND marked in COMMENTS; the next
    run adds the marked (disabled) jobs to what it enables after completing; a job a DBA disabled
    (no marker) stays disabled."""
    ingest, purge, alert = _job_names(settings)
    marker = inst.JOB_PAUSE_MARKER
    conn = FakeConnection(owner_answers(settings, **{isql.Q_JOBS: [(ingest, "TRUE", "c1"), (alert, "TRUE", "c3")]}),
                          errors={"merge into": oracledb.DatabaseError("ORA-01950: no privileges on tablespace 'USERS'")})
    with pytest.raises(inst.InstallFailed) as info:
        quiet(settings).install_owner(conn)
    assert _job_calls(conn) == [("disable", ingest), ("comments", ingest, marker + "c1"),
                                ("disable", alert), ("comments", alert, marker + "c3")]
    assert any(f"job(s) {ingest}, {alert} left disabled, marked" in n and "next install that completes" in n
               for n in info.value.notes)
    # the next run sees what the failed run left: ingest and alert disabled with the marker, purge
    # disabled by a DBA
    left = [(ingest, "FALSE", marker + "c1"), (purge, "FALSE", "c2"), (alert, "FALSE", marker + "c3")]
    conn = FakeConnection(owner_answers(settings, **{isql.Q_JOBS: left}))
    lines: list[str] = []
    inst.Installer(settings, out=lines.append).install_owner(conn)
    assert _job_calls(conn) == [("enable", ingest), ("comments", ingest, "c1"), ("enable", alert), ("comments", alert, "c3")]
    assert f"JOB {ingest} was left disabled by an install that did not complete: enabled again when this one completes" in lines
    # a marked job a DBA enabled by hand is paused like any enabled job and keeps one marker
    conn = FakeConnection(owner_answers(settings, **{isql.Q_JOBS: [(ingest, "TRUE", marker + "c1")]}))
    quiet(settings).install_owner(conn)
    assert _job_calls(conn) == [("disable", ingest), ("enable", ingest), ("comments", ingest, "c1")]


def test_a_job_that_cannot_be_marked_is_enabled_again_before_anything_changes(settings: Settings) -> None:
    ingest, _purge, alert = _job_names(settings)
    conn = FakeConnection(owner_answers(settings, **{isql.Q_JOBS: [(ingest, "TRUE", None), (alert, "TRUE", None)]}),
                          errors={isql.S_JOB_COMMENTS: (lambda b: b["job_name"] == alert,
                                                        oracledb.DatabaseError("ORA-27486: insufficient privileges"))})
    with pytest.raises(inst.InstallFailed, match=f"could not mark JOB {alert} as paused .ORA-27486"):
        quiet(settings).install_owner(conn)
    assert _job_calls(conn)[-2:] == [("enable", ingest), ("enable", alert)]
    assert not set(conn.statements) & set(deploy_statements(settings, "owner"))


def test_install_sql_pauses_and_resumes_the_jobs_like_the_python_path(settings: Settings) -> None:
    text = render_scripts(settings)["install.sql"]
    names = _job_names(settings)
    jobs = ", ".join(f"'{name}'" for name in names)
    marker = f"co_marker constant varchar2(64) := '{inst.JOB_PAUSE_MARKER}';"
    assert text.count(marker) == 2 and text.count(f"sys.odcivarchar2list({jobs})") == 1
    pause = text.index("dbms_scheduler.disable(name => r_job.job_name, force => true)")
    resume = text.index(f"where j.job_name in ({jobs})")
    assert text.index("connect as LSNRMINE") < pause < text.index("@@01_") and "co_wait_seconds constant pls_integer := 180" in text
    assert text.index("invalid objects after install") < resume < text.index("set status = 'complete'")
    # the pause adds marked, disabled jobs (an earlier run's) to the set it enables at the end
    block = text[pause - 2000:text.index("@@01_")]
    assert "elsif substr(r_job.comments, 1, length(co_marker)) = co_marker then" in block
    assert "value => substr(co_marker || r_job.comments, 1, 240)" in block
    tail = text[resume:]
    assert tail.index("sys.dbms_scheduler.enable(name => r_job.job_name)") < tail.index(
        "value => substr(r_job.comments, length(co_marker) + 1)")
    assert str(inst.JOB_WAIT_SECONDS) in "180"
    nojobs = render_scripts(Settings(jobs_enabled=False))["install.sql"]
    assert "dbms_scheduler" not in nojobs and "lsnrmine_paused_jobs" not in nojobs
    assert "disabled (DBMS_SCHEDULER.DISABLE, force)" in inst.dry_run_install(settings, "owner")


def test_verify_names_a_missing_rotated_segment_and_the_fix(clean_env: Path) -> None:
    """A5: a configured file that is gone: verify names it; LISTENER_LOG reads what exists (refresh)."""
    from lsnrmine.verify import run_verify

    s = Settings(log_files=("listener.log", "listener_1.log"))
    names = {i.name: "VALID" for i in render_objects(s, "owner")}
    answers = _verify_answers(s, names, [(3, __version__, "complete", "t0", "t1", None)], [(__version__, "t1")])
    gone = oracledb.DatabaseError("ORA-22288: file or LOB operation FILEOPEN failed\nNo such file or directory")
    conn = FakeConnection(answers, errors={isql.S_PROBE_FILE: (lambda b: b["file_name"] == "listener_1.log", gone)})
    out: list[str] = []
    assert run_verify(conn, s, out.append) == 1
    problem = next(line for line in out if "listener_1.log" in line)
    assert "cannot read" in problem and "No such file or directory" in problem
    assert "LISTENER_LOG reads the files that exist: LSNR_LOG_LOCATION_PKG.refresh" in problem
    assert not any("listener.log:" in line and "cannot read" in line for line in out)


# -- review R2-R5, R8 and the minor points of the install-hardening review ---------------------------
def test_dbms_output_of_the_deployed_statements_reaches_the_python_output(settings: Settings) -> None:
    """R2: the settings block reports a kept value outside the limits with DBMS_OUTPUT; lsnrmine install
    prints the same lines SQL*Plus shows."""
    conn = FakeConnection(owner_answers(settings))
    conn.output = ["lsnrmine: setting RETENTION_DAYS = '0' is outside its limits: replaced by the install value"]
    lines: list[str] = []
    inst.Installer(settings, out=lines.append).install_owner(conn)
    assert "note: setting RETENTION_DAYS = '0' is outside its limits: replaced by the install value" in lines
    assert conn.statements.index(isql.S_OUTPUT_ENABLE) < conn.statements.index(deploy_statements(settings, "owner")[0])
    assert lines.index("note: setting RETENTION_DAYS = '0' is outside its limits: replaced by the install value") \
        < lines.index("kept TABLE LSNR_SETTINGS" if "kept TABLE LSNR_SETTINGS" in lines else "created TABLE LSNR_SETTINGS")


def test_admin_preflight_checks_the_audit_grants_with_grant_option(clean_env: Path) -> None:
    """R4: SELECT on SYS.DBA_AUDIT_TRAIL / AUDSYS.UNIFIED_AUDIT_TRAIL needs SYS or the grant option too."""
    s = Settings(audit_mode="both")
    grantable = {("AUDSYS", "UNIFIED_AUDIT_TRAIL", "SELECT")}
    answers = admin_answers(s, **{isql.Q_GRANTABLE: lambda b: [(int((b["schema_name"], b["object_name"], b["privilege"]) in grantable),)]})
    conn = FakeConnection(answers)
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(s).install_admin(conn)
    assert info.value.problems == [
        "the admin phase grants SELECT on SYS.DBA_AUDIT_TRAIL (audit_mode = both), which only SYS or an account "
        "holding it WITH GRANT OPTION can grant: run the admin phase as SYS (--user SYS --sysdba), or have SYS run "
        "`grant select on sys.dba_audit_trail to <this account> with grant option`"]
    asked = [(b["schema_name"], b["object_name"], b["privilege"]) for sql, b in conn.log if sql == isql.Q_GRANTABLE]
    assert asked == [("AUDSYS", "UNIFIED_AUDIT_TRAIL", "SELECT"), ("SYS", "DBA_AUDIT_TRAIL", "SELECT")]
    assert not set(conn.statements) & set(deploy_statements(s, "admin"))
    grantable.add(("SYS", "DBA_AUDIT_TRAIL", "SELECT"))
    quiet(s).install_admin(FakeConnection(answers))


def test_utl_smtp_is_granted_only_where_public_lacks_it(clean_env: Path) -> None:
    """R8: on a default database PUBLIC has EXECUTE on UTL_SMTP: SYSTEM installs mail without SYS."""
    s = Settings(mail_host="smtp.example.com", mail_sender="a@example.com", mail_recipients=("b@example.com",))
    conn = FakeConnection(admin_answers(s))  # PUBLIC has DBMS_LOB and UTL_SMTP
    quiet(s).install_admin(conn)
    assert isql.Q_GRANTABLE not in conn.statements
    assert [b["object_name"] for sql, b in conn.log if sql == isql.Q_ADMIN_OWNER_EXECUTE] == ["DBMS_LOB", "UTL_SMTP"]
    hardened = admin_answers(s, **{isql.Q_ADMIN_OWNER_EXECUTE: lambda b: [(int(b["object_name"] != "UTL_SMTP"),)]})
    with pytest.raises(inst.PreflightFailed, match=r"grants EXECUTE on SYS.UTL_SMTP \(mail_host is set; PUBLIC has no EXECUTE"):
        quiet(s).install_admin(FakeConnection(hardened))
    mail = next(i for i in render_objects(s, "admin") if i.obj.logical == "MAIL_ACL").deploy
    guard = mail.index("and t.table_name = 'UTL_SMTP'")
    assert "and t.grantee in ('PUBLIC', 'LSNRMINE')" in mail[guard:] and guard < mail.index(
        "if l_granted = 0 then\n    execute immediate 'grant execute on sys.utl_smtp to \"LSNRMINE\"'")
    assert not any(line.strip().startswith("grant execute on sys.utl_smtp") for line in mail.splitlines())
    # the owner preflight asks for UTL_SMTP (directly or through PUBLIC) only with mail
    text = render_scripts(s)["install.sql"]
    assert "l_missing := l_missing || ', EXECUTE on SYS.UTL_SMTP';" in text
    assert "EXECUTE on SYS.UTL_SMTP" not in render_scripts(Settings())["install.sql"]
    conn = FakeConnection(owner_answers(s, **{isql.Q_SYS_EXECUTE: lambda b: [(int(b["object_name"] != "UTL_SMTP"),)]}))
    with pytest.raises(inst.PreflightFailed, match="EXECUTE on SYS.UTL_SMTP"):
        quiet(s).install_owner(conn)


@pytest.mark.parametrize("tablespace", ["SYSTEM", "SYSAUX"])
def test_admin_refuses_an_owner_whose_tables_would_go_to_system(clean_env: Path, tablespace: str) -> None:
    """R5: no quota unlimited on SYSTEM/SYSAUX: both the preflight and the rendered quota block refuse."""
    s = Settings()
    conn = FakeConnection(admin_answers(s, **{isql.Q_ADMIN_OWNER_TABLESPACE: [(tablespace,)]}))
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(s).install_admin(conn)
    assert info.value.problems == [preflight.system_tablespace_problem("LSNRMINE", tablespace)]
    assert (f"the default tablespace of LSNRMINE is {tablespace}" in info.value.problems[0]
            and "ALTER USER LSNRMINE DEFAULT TABLESPACE <tablespace>" in info.value.problems[0]
            and "ALTER DATABASE DEFAULT TABLESPACE" in info.value.problems[0])
    assert not set(conn.statements) & set(deploy_statements(s, "admin"))
    # a new owner gets the database default: checked before it is created
    new = Settings(create_schema=True)
    conn = FakeConnection(admin_answers(new, user_exists=False, **{isql.Q_DEFAULT_TABLESPACE: [(tablespace,)]}))
    with pytest.raises(inst.PreflightFailed, match=f"default tablespace of LSNRMINE is {tablespace}"):
        quiet(new).install_admin(conn)
    grants = next(i for i in render_objects(s, "admin") if i.obj.logical == "OWNER_GRANTS").deploy
    assert grants.index("if l_tablespace in ('SYSTEM', 'SYSAUX') then") < grants.index("quota unlimited on")
    quiet(s).install_admin(FakeConnection(admin_answers(s, **{isql.Q_ADMIN_OWNER_TABLESPACE: [("USERS",)]})))


def test_admin_uninstall_refuses_grants_it_cannot_revoke_and_names_what_is_left(clean_env: Path) -> None:
    """R3: ORA-01927 (a grant SYS made, revoked by SYSTEM) is tolerated by the revoke blocks; the
    preflight refuses first, and after the revokes every grant still held is named with its grantor."""
    s = Settings(mail_host="smtp.example.com", mail_sender="a@example.com", mail_recipients=("b@example.com",),
                 alert_log=True, audit_mode="traditional")
    held = [("SYS", "DBMS_SYSTEM", "EXECUTE", "SYS"), ("SYS", "UTL_SMTP", "EXECUTE", "SYSTEM"),
            ("SYS", "DBMS_SQL", "EXECUTE", "SYS")]  # not lsnrmine's: never named
    conn = FakeConnection({isql.Q_SESSION_USER: [("SYSTEM",)], isql.Q_OWNER_SYS_GRANTS: held})
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(s).uninstall(conn, "admin", keep_data=False)
    assert info.value.problems == ["LSNRMINE holds EXECUTE on SYS.DBMS_SYSTEM granted by SYS, which only SYS can "
                                   "revoke: run the admin uninstall as SYS (--user SYS --sysdba), or have SYS run "
                                   "`revoke execute on sys.dbms_system from LSNRMINE`"]
    assert conn.statements == [isql.Q_SESSION_USER, isql.Q_OWNER_SYS_GRANTS]
    # SYS cannot revoke what SYSTEM granted (WITH GRANT OPTION); a grant recorded with AUDSYS (the
    # owner) as grantor is SYS's to revoke
    held_sys = [("SYS", "UTL_SMTP", "EXECUTE", "SYSTEM"), ("AUDSYS", "UNIFIED_AUDIT_TRAIL", "SELECT", "AUDSYS")]
    both = Settings(mail_host="smtp.example.com", mail_sender="a@example.com", mail_recipients=("b@example.com",),
                    audit_mode="unified")
    conn = FakeConnection({isql.Q_SESSION_USER: [("SYS",)], isql.Q_OWNER_SYS_GRANTS: held_sys})
    with pytest.raises(inst.PreflightFailed) as info:
        quiet(both).uninstall(conn, "admin", keep_data=False)
    assert [p.split(",")[0] for p in info.value.problems] == ["LSNRMINE holds EXECUTE on SYS.UTL_SMTP granted by SYSTEM"]
    assert "run the admin uninstall as SYSTEM" in info.value.problems[0]
    # as SYS: everything runs, then what is still held fails the run (here a grant another account
    # made between the preflight and the revokes: the stand-in answers the second lookup differently)
    answers = iter([[], [("SYS", "DBA_AUDIT_TRAIL", "SELECT", "AUDIT_ADMIN")]])
    conn = FakeConnection({isql.Q_SESSION_USER: [("SYS",)], isql.Q_OWNER_SYS_GRANTS: lambda _b: next(answers)})
    with pytest.raises(inst.InstallFailed) as failed:
        quiet(s).uninstall(conn, "admin", keep_data=False)
    assert failed.value.reason == ("uninstall could not revoke: LSNRMINE still holds SELECT on SYS.DBA_AUDIT_TRAIL "
                                   "(granted by AUDIT_ADMIN): AUDIT_ADMIN must run "
                                   "`revoke select on sys.dba_audit_trail from LSNRMINE`")
    assert "revoked privileges from LSNRMINE" in failed.value.done  # the rest was done first
    revokes = [st for item in render_objects(s, "admin") if item.revert for st in split_script(item.revert)]
    assert set(revokes) <= set(conn.statements)
    # the SQL*Plus uninstall ends with the same check, after the last revoke
    text = render_scripts(s)["uninstall_admin.sql"]
    check = text.index("lsnrmine: uninstall could not revoke: LSNRMINE still holds")
    assert check > text.rindex("revoke select on") and check > text.rindex("revoke execute on sys.dbms_system")
    for owner, name, privilege in [("SYS", "DBMS_LOB", "EXECUTE"), ("SYS", "UTL_SMTP", "EXECUTE"),
                                   ("SYS", "DBMS_SYSTEM", "EXECUTE"), ("SYS", "DBA_AUDIT_TRAIL", "SELECT")]:
        assert f"(p.owner = '{owner}' and p.table_name = '{name}' and p.privilege = '{privilege}')" in text
    assert "UNIFIED_AUDIT_TRAIL" not in text[check - 3000:]


def test_owner_checks_use_the_session_user_and_the_loader_directory_needs_write(clean_env: Path) -> None:
    """Minor points: ALTER SESSION SET CURRENT_SCHEMA must not pass the owner check; ORACLE_LOADER
    writes its log files into the loader log directory, so the owner needs WRITE there."""
    s = Settings(loader_log_directory="LSNR_LOADER_LOG_DIR", loader_log_dir="/u01/app/oracle/lsnrmine_loader_logs")
    paths = {s.directory: s.log_dir, s.loader_log_directory: s.loader_log_dir}
    answers = owner_answers(s, **{isql.Q_DIRECTORY_PATH: lambda b: [(paths[b["dir_name"]],)],
                                  isql.Q_DIRECTORY_WRITE: lambda b: [(0,)]})
    conn = FakeConnection(answers)
    with pytest.raises(inst.PreflightFailed, match="WRITE on directory LSNR_LOADER_LOG_DIR"):
        quiet(s).install_owner(conn)
    assert [b["dir_name"] for sql, b in conn.log if sql == isql.Q_DIRECTORY_WRITE] == ["LSNR_LOADER_LOG_DIR"]
    quiet(s).install_owner(FakeConnection(dict(answers, **{isql.Q_DIRECTORY_WRITE: [(1,)]})))
    text = render_scripts(s)["install.sql"]
    assert "sys_context('USERENV', 'SESSION_USER') <> 'LSNRMINE'" in text and "CURRENT_SCHEMA') <>" not in text
    assert "l_missing := l_missing || ', WRITE on directory LSNR_LOADER_LOG_DIR';" in text
    assert "WRITE on directory" not in render_scripts(Settings())["install.sql"]


def test_dry_run_uninstall_names_the_revoke_checks(clean_env: Path) -> None:
    s = Settings(alert_log=True)
    text = inst.dry_run_uninstall(s, "admin", keep_data=False)
    assert "EXECUTE on SYS.DBMS_LOB, EXECUTE on SYS.DBMS_SYSTEM the owner still holds" in text
    assert "still holds" not in inst.dry_run_uninstall(s, "owner", keep_data=False)


def test_alert_log_gives_the_owner_a_ksdwrt_wrapper_only(clean_env: Path) -> None:
    """R7: EXECUTE on SYS.DBMS_SYSTEM goes to a schema-only account owning a one-line wrapper; the
    owner gets EXECUTE on the wrapper; the admin preflight asks for CREATE USER and CREATE ANY PROCEDURE."""
    s = Settings(alert_log=True)
    assert s.alert_log_schema == "LSNRMINE_ALERT_LOG"
    deploy = next(i for i in render_objects(s, "admin") if i.obj.logical == "ALERT_LOG_GRANT").deploy
    statements = split_script(deploy)
    assert "create user \"LSNRMINE_ALERT_LOG\" no authentication" in statements[0]
    assert statements[1] == 'grant execute on sys.dbms_system to "LSNRMINE_ALERT_LOG"'
    assert statements[2].startswith('create or replace procedure "LSNRMINE_ALERT_LOG"."WRITE_ALERT_LOG" (in_text in varchar2)')
    assert "sys.dbms_system.ksdwrt(2, l_line);" in statements[2] and "co_max_bytes constant pls_integer := 500;" in statements[2]
    assert statements[3] == 'grant execute on "LSNRMINE_ALERT_LOG"."WRITE_ALERT_LOG" to "LSNRMINE"'
    assert "revoke execute on sys.dbms_system from \"LSNRMINE\"" in statements[4]  # an earlier version's grant
    assert not any(st.startswith('grant execute on sys.dbms_system to "LSNRMINE"') for st in statements)
    revert = next(i for i in render_objects(s, "admin") if i.obj.logical == "ALERT_LOG_GRANT").revert
    assert "drop user \"LSNRMINE_ALERT_LOG\" cascade" in revert
    package = next(i for i in render_objects(s, "owner") if i.obj.logical == "ALERT_PKG").deploy
    assert "execute immediate 'begin \"LSNRMINE_ALERT_LOG\".\"WRITE_ALERT_LOG\"(:txt); end;'" in package
    assert "sys.dbms_system" not in package
    privs = {isql.Q_SESSION_PRIVS: [(p,) for p in ADMIN_PRIVS if p != "CREATE ANY PROCEDURE"],
             isql.Q_SESSION_USER: [("SYS",)]}
    with pytest.raises(inst.PreflightFailed, match=r"CREATE ANY PROCEDURE \(alert_log: the wrapper LSNRMINE_ALERT_LOG"):
        quiet(s).install_admin(FakeConnection(admin_answers(s, **privs)))
    quiet(Settings()).install_admin(FakeConnection(admin_answers(Settings(), **privs)))  # without alert_log: not needed
