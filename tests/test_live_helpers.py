"""The Python side of the live suite (tests/live) that needs no database, run in every CI run: the
python-oracledb messages it keeps and parses, the upgrade step it plans, the command lines and shell
scripts of its traffic, how it finds a Docker engine and keeps a container, the DDL it compares,
the reports it expects rows from, and the checklist it prints at the end. Everything runs for real
(python-oracledb's own error objects, sh, docker-py's context store, pytest itself); nothing talks
to Oracle."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from live import conftest as lc
from live import traffic as t

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "live-suite.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# F1: the whole python-oracledb message


def test_refused_tcp_connect_keeps_the_cause_line() -> None:
    """A real thin-mode connect to a closed port: DPY-6005 on the first line, the reason on the
    second; error_text keeps both on one line."""
    import oracledb

    with pytest.raises(oracledb.Error) as info:
        oracledb.connect(user="u", password="p", host="127.0.0.1", port=_free_port(), service_name="X",
                         tcp_connect_timeout=5)
    raw = str(info.value)
    assert "\n" in raw and raw.startswith("DPY-6005")
    kept = t.error_text(info.value)
    assert "\n" not in kept and kept.startswith("DPY-6005") and raw.splitlines()[1].strip() in kept
    assert t.error_codes(kept)[0] == "DPY-6005"
    assert t.refusal_code(kept) is None  # nothing answered: no listener refusal


@pytest.mark.parametrize("number, args, code, dpy", [
    ("ERR_INVALID_SERVICE_NAME", {"service_name": t.BAD_SERVICE, "host": "127.0.0.1", "port": 1521}, 12514, "DPY-6001"),
    ("ERR_INVALID_SID", {"sid": t.BAD_SID, "host": "127.0.0.1", "port": 1521}, 12505, "DPY-6003"),
])
def test_listener_refusal_code_is_on_the_second_line(number: str, args: dict, code: int, dpy: str) -> None:
    """The message python-oracledb builds for a listener REFUSE (its own message table and its own
    wrapping, errors._create_err with cause=, as thin connection.pyx does): the first line alone has
    no code (the bug of review F1); the kept text gives 12514 / 12505."""
    import oracledb
    from oracledb import errors

    cause = oracledb.DatabaseError(errors._create_err(getattr(errors, number), **args))
    wrapped = oracledb.OperationalError(errors._create_err(errors.ERR_CONNECTION_FAILED, cause=cause,
                                                           connection_id="abc"))
    first_line = str(wrapped).splitlines()[0]
    assert t.refusal_code(first_line) is None and dpy not in first_line
    kept = t.error_text(wrapped)
    assert t.refusal_code(kept) == code
    assert t.error_codes(kept) == ["DPY-6005", dpy, f"ORA-{code}"]


# --------------------------------------------------------------------------------------------
# F2: the upgrade step is planned by its logical table name


def test_upgrade_step_of_the_live_suite_is_planned() -> None:
    from live.test_02b_upgrade import STEP

    from lsnrmine.install import plan_upgrade_steps
    from lsnrmine.manifest import MANIFEST

    logical_tables = [o.logical for o in MANIFEST if o.object_type == "TABLE"]
    assert STEP.table in logical_tables
    assert plan_upgrade_steps((STEP,), "0.0.9", logical_tables, "0.1.0") == [STEP]
    # installed at the step's version already: not again
    assert plan_upgrade_steps((STEP,), "0.1.0", logical_tables, "0.1.0") == []
    # the physical name (the old test's mistake) is planned for nothing
    physical = STEP.__class__(version=STEP.version, table="LSNR_SETTINGS", statement=STEP.statement)
    assert plan_upgrade_steps((physical,), "0.0.9", logical_tables, "0.1.0") == []


# --------------------------------------------------------------------------------------------
# F7: the traffic's command lines and scripts


# `lsnrctl status` output as the Net Services Administrator's Guide shows it ("Determining the
# Current Status of a Listener"), with gvenzl's paths
STATUS_OUTPUT = """
LSNRCTL for Linux: Version 23.0.0.0.0 - Production

Connecting to (DESCRIPTION=(ADDRESS=(PROTOCOL=IPC)(KEY=EXTPROC_FOR_FREE)))
STATUS of the LISTENER
------------------------
Alias                     LISTENER
Version                   TNSLSNR for Linux: Version 23.0.0.0.0 - Production
Start Date                03-DEC-2026 07:01:02
Listener Parameter File   /opt/oracle/product/23ai/dbhomeFree/network/admin/listener.ora
Listener Log File         /opt/oracle/diag/tnslsnr/lsnrminedb/listener/alert/log.xml
Listening Endpoints Summary...
  (DESCRIPTION=(ADDRESS=(PROTOCOL=ipc)(KEY=EXTPROC_FOR_FREE)))
The command completed successfully
"""


def test_listener_parameter_file_is_read_from_lsnrctl_status() -> None:
    assert t.listener_parameter_file(STATUS_OUTPUT) == "/opt/oracle/product/23ai/dbhomeFree/network/admin/listener.ora"
    assert t.listener_parameter_file("TNS-12541: TNS:no listener") is None


def test_lsnrctl_command_lines() -> None:
    assert t.lsnrctl_argv(("set", "log_file", t.REDIRECT_TARGET)) == ["lsnrctl", "set", "log_file", t.REDIRECT_TARGET]
    # every refused command is one the article's queries look for
    unauthorized = [t.command_word(c) for c in t.UNAUTHORIZED_COMMANDS]
    assert "stop" in unauthorized  # failed commands, listener stops
    assert {"log_file", "log_directory"} <= set(unauthorized)  # log redirection
    assert all(c[0] == "set" for c in t.RESTRICTED_COMMANDS)  # SET is what ADMIN_RESTRICTIONS refuses
    # run as the listener's owner: if the restriction did not take effect they would run, so none
    # of them may move the log the suite reads
    assert not {c[1] for c in t.RESTRICTED_COMMANDS} & {"log_file", "log_directory", "trc_directory", "trc_file"}
    assert t.ADMIN_RESTRICTIONS == "ADMIN_RESTRICTIONS_LISTENER=ON"


# --------------------------------------------------------------------------------------------
# R1/R2: only privileged commands, only as nobody, never root


def test_unauthorized_commands_are_privileged_only() -> None:
    """TNS-01190 refuses a non-owner only the privileged commands (SAVE_CONFIG, STOP, TRACE, SPAWN,
    RELOAD, SET, SHOW): STATUS and SERVICES would exit 0 and are not sent; the first command is one
    that does no harm if obeyed, the stop comes last."""
    privileged = {"save_config", "stop", "trace", "spawn", "reload", "set", "show"}
    assert all(argv[0] in privileged for argv in t.UNAUTHORIZED_COMMANDS), t.UNAUTHORIZED_COMMANDS
    assert not {"status", "services"} & {argv[0] for argv in t.UNAUTHORIZED_COMMANDS}
    assert t.UNAUTHORIZED_COMMANDS[0] == ("set", "trc_level", "admin")
    assert t.UNAUTHORIZED_COMMANDS[-1] == ("stop",) and t.UNAUTHORIZED_COMMANDS.count(("stop",)) == 1
    assert t.UNAUTHORIZED_OS_USER == "nobody" and not hasattr(t, "FALLBACK_OS_USER")


def _in_list(sql: str, anchor: str) -> set[str]:
    body = sql[sql.index(anchor):]
    return set(re.findall(r"'([a-z_]+)'", body[body.index("(") + 1:body.index(")")]))


def test_refused_commands_fill_the_rules_and_queries_test_08_counts() -> None:
    """test_08's exact counts come from the rules' own command lists: LOG_REDIRECTION
    (views/alert_r2_redirect.sql) takes the three SET commands, the article's failed commands and
    listener stops the stop."""
    redirect = _in_list((REPO / "views" / "alert_r2_redirect.sql").read_text(encoding="utf-8"), "e.command in")
    assert redirect == set(t.REDIRECT_COMMANDS)
    words = [t.command_word(c) for c in t.UNAUTHORIZED_COMMANDS]
    assert [w for w in words if w in redirect] == ["trc_level", "log_file", "log_directory"]
    failed = _in_list((REPO / "views" / "failed_commands.sql").read_text(encoding="utf-8"), "in (")
    assert [w for w in words if w in failed] == ["stop"]


LSNRCTL_STANDIN = """#!/bin/sh
# stand-in for lsnrctl with its real messages: help is local; the listener refuses privileged
# commands to this user unless LSNRCTL_OBEYS names the command
case "$1" in
  help) echo "The following operations are available"; exit 0 ;;
esac
word="$1"; [ "$1" = set ] && word="$2"
if [ "$word" = "$LSNRCTL_OBEYS" ]; then echo "The command completed successfully"; exit 0; fi
echo "Connecting to (DESCRIPTION=(ADDRESS=(PROTOCOL=IPC)(KEY=EXTPROC_FOR_FREE)))"
echo "TNS-01190: The user is not authorized to execute the requested listener command"
exit 1
"""


class _LocalShell:
    """Runs the traffic's argv here (no container here): with a stand-in lsnrctl first on PATH,
    recording the OS user and working directory each command was asked to run as."""

    def __init__(self, bin_dir: Path, env: dict[str, str]):
        self.bin_dir, self.env, self.calls = bin_dir, env, []

    def exec(self, argv, *, check=True, user=None, environment=None, workdir=None):
        self.calls.append((tuple(argv), user, workdir))
        env = {"PATH": f"{self.bin_dir}:/usr/bin:/bin", **self.env, **(environment or {})}
        # through sh, as docker exec reports it: a file that cannot be executed is exit 126, not an exception
        result = subprocess.run(["sh", "-c", 'exec "$@"', "sh", *argv], capture_output=True, env=env,
                                cwd=workdir or None)
        return result.returncode, result.stdout + result.stderr


def _shell(tmp_path: Path, **env: str) -> _LocalShell:
    lsnrctl = tmp_path / "lsnrctl"
    lsnrctl.write_text(LSNRCTL_STANDIN)
    lsnrctl.chmod(0o755)
    return _LocalShell(tmp_path, env)


def test_refused_commands_run_as_nobody_never_root(tmp_path: Path) -> None:
    db = _shell(tmp_path)
    report = t.TrafficReport()
    t._unauthorized(db, report)
    assert report.unauthorized_skipped is None and report.unauthorized_stopped is None
    assert report.unauthorized_user == "nobody"
    assert {(user, workdir) for _, user, workdir in db.calls} == {("nobody", "/")}
    assert [c.argv[1:] for c in report.by_group("unauthorized")] == list(t.UNAUTHORIZED_COMMANDS)
    assert all(t.refused(c.output) for c in report.by_group("unauthorized"))


def test_nobody_without_lsnrctl_sends_nothing_and_says_why(tmp_path: Path) -> None:
    db = _shell(tmp_path)
    (tmp_path / "lsnrctl").chmod(0o644)  # not executable, as for a user outside the Oracle install group
    report = t.TrafficReport()
    t._unauthorized(db, report)
    assert report.by_group("unauthorized") == [] and report.unauthorized_user is None
    assert report.unauthorized_skipped.startswith("OS user nobody cannot run lsnrctl")
    assert "root is never used" in report.unauthorized_skipped
    assert [argv for argv, _, _ in db.calls] == [("lsnrctl", "help")]


def test_a_command_obeyed_stops_the_sequence_before_log_file_and_stop(tmp_path: Path) -> None:
    db = _shell(tmp_path, LSNRCTL_OBEYS="trc_level")
    report = t.TrafficReport()
    t._unauthorized(db, report)
    assert [c.argv[1:] for c in report.by_group("unauthorized")] == [("set", "trc_level", "admin")]
    assert "was not refused with TNS-01190" in report.unauthorized_stopped
    assert not any(argv[1:] == ("stop",) for argv, _, _ in db.calls)


def test_article_queries_filled_by_refused_commands_skip_when_they_were_not_sent() -> None:
    from live.test_05_article_offline import NONEMPTY_BECAUSE, require_rows
    from collections import Counter

    assert set(NONEMPTY_BECAUSE.values()) == {"connects", "lsnrctl", "refused"}
    refused = [name for name, why in NONEMPTY_BECAUSE.items() if why == "refused"]
    assert sorted(refused) == ["FAILED_COMMANDS", "article_failed_commands.sql", "article_listener_stops.sql",
                               "article_log_redirection.sql"]
    report = t.TrafficReport(unauthorized_skipped="OS user nobody cannot run lsnrctl in the container")
    with pytest.raises(pytest.skip.Exception, match="nobody cannot run lsnrctl"):
        require_rows("FAILED_COMMANDS", Counter(), Counter(), report)
    # the traffic was sent: 0 rows fail, with the log's lines for the query in the message
    with pytest.raises(pytest.fail.Exception, match=r"(?s)0 rows online.*EVIDENCE 12508"):
        require_rows("ADMIN_RESTRICTED", Counter(), Counter(), t.TrafficReport(),
                     lambda needles: "EVIDENCE " + " ".join(needles))
    require_rows("FAILED_COMMANDS", Counter({("x",): 1}), Counter({("x",): 1}), report)  # rows: passes


# --------------------------------------------------------------------------------------------
# R3: SYS fallback of the audit test in DSN mode


def _db(mode: str, **kwargs) -> "lc.LiveDb":
    return lc.LiveDb(mode=mode, host="db.example", port=1521, service="PDB1", system_user="SYSTEM",
                     system_password="SysTemPw1", log_dir="/u01/trace", **kwargs)


def test_sys_password_for_the_audit_fallback() -> None:
    from live.test_06_audit import ENV_SYS_PASSWORD, no_sys_fallback_reason, sys_password

    assert ENV_SYS_PASSWORD == "LSNRMINE_TEST_SYS_PASSWORD"
    assert sys_password(_db("container"), environ={}) == "SysTemPw1"  # gvenzl: one password for both
    assert sys_password(_db("dsn"), environ={}) is None
    assert sys_password(_db("dsn"), environ={ENV_SYS_PASSWORD: ""}) is None
    assert sys_password(_db("dsn"), environ={ENV_SYS_PASSWORD: "SysPw2"}) == "SysPw2"
    output = ("lsnrmine: phase admin failed at 14_audit_grants.sql\n"
              "ORA-01031: insufficient privileges\nHelp: https://docs.oracle.com/error-help/db/ora-01031/\n")
    reason = no_sys_fallback_reason(output)
    assert "(ORA-01031: insufficient privileges)" in reason and ENV_SYS_PASSWORD in reason


# --------------------------------------------------------------------------------------------
# R4: this session's program values


def test_counted_program_values_carry_the_session_tag() -> None:
    from live import test_06_audit as audit

    assert re.fullmatch(r"[0-9a-f]{8}", t.SESSION_TAG)
    counted = [*t.PROGRAMS, t.PROGRAM_ENUM, t.PROGRAM_ALERT_STORM, audit.PROGRAM_AUDIT_OK,
               audit.PROGRAM_AUDIT_BAD, audit.PROGRAM_TRADITIONAL]
    assert len(set(counted)) == len(counted)
    for program in counted:
        # letters, digits and _ only: python-oracledb's allowed set, and no '*' (the log's separator)
        assert re.fullmatch(r"[A-Za-z_]+_" + t.SESSION_TAG, program), program
    assert {t.PROGRAM_BAD_SERVICE, t.PROGRAM_BAD_SID, t.PROGRAM_STORM, t.PROGRAM_JDBC} <= set(t.PROGRAMS)


def test_each_session_gets_its_own_tag() -> None:
    code = "from live import traffic as t; print(t.PROGRAM_GOOD)"
    runs = [subprocess.run([sys.executable, "-c", code], cwd=REPO / "tests", capture_output=True, text=True)
            for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    first, second = (r.stdout.strip() for r in runs)
    assert first.startswith("lsnrmine_it_good_") and first != second


# --------------------------------------------------------------------------------------------
# R5: the log's real lines in a failure message


def test_grep_script_shows_the_real_lines_with_numbers(tmp_path: Path) -> None:
    import datetime as dt

    log = tmp_path / "it's listener.log"
    log.write_bytes(b"03-DEC-2026 07:30:00 * service_update * FREE * 0\n"
                    + t.crafted_alert_lines(dt.datetime(2026, 12, 3, 7, 30, 5)))
    result = _sh(t.grep_script(str(log), t.ADMIN_RESTRICTED_NEEDLES))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("12:03-DEC-2026 07:30:26 * trc_level * 12508"), lines
    assert lines[1] == "13:TNS-12508: TNS:listener could not resolve the COMMAND given"
    limited = _sh(t.grep_script(str(log), ("1190",), limit=2)).stdout.splitlines()
    assert len(limited) == 2 and limited[-1].startswith("11:TNS-01190")


def test_log_evidence_reads_a_dsn_host_copy(tmp_path: Path) -> None:
    (tmp_path / "listener.log").write_bytes(b"a * trc_level * 12508\nb * status * 0\n")
    text = t.log_evidence(_db("dsn", host_log_dir=tmp_path), ("12508",))
    assert text.endswith("\n1:a * trc_level * 12508") and "/u01/trace/listener.log" in text
    assert "no access" in t.log_evidence(_db("dsn"), ("12508",))


# --------------------------------------------------------------------------------------------
# R6: container-mode teardown warns, DSN mode raises


def test_teardown_raises_in_dsn_mode_and_warns_in_a_container() -> None:
    import oracledb

    def drop() -> None:
        raise oracledb.DatabaseError("ORA-14452: attempt to create, alter or drop an index on temporary table "
                                     "already in use")

    with pytest.raises(oracledb.DatabaseError, match="ORA-14452"):
        lc.run_teardown("dropping LSNRMINE_IT_S", drop, strict=True)
    with pytest.warns(UserWarning, match=r"dropping LSNRMINE_IT_S failed, ignored in container mode.*ORA-14452"):
        lc.run_teardown("dropping LSNRMINE_IT_S", drop, strict=False)
    done = []
    lc.run_teardown("nothing", lambda: done.append(1), strict=True)
    assert done == [1]


# --------------------------------------------------------------------------------------------
# R7: public_ips must hold the SQL*Plus client itself


def test_public_ips_column_values() -> None:
    from collections import Counter

    from live.test_09_reports import column_values

    columns = ["CLIENT_IP", "CONNECTIONS", "FAILURES", "FIRST_TIME", "LAST_TIME"]
    gateway_only = Counter({("198.18.117.1", 80, 2, "2026-12-03 07:00:00", "2026-12-03 07:05:00"): 1})
    assert "198.18.117.2" not in column_values(columns, gateway_only, "CLIENT_IP")
    both = gateway_only + Counter({("198.18.117.2", 3, 0, "2026-12-03 07:06:00", "2026-12-03 07:06:09"): 1})
    assert column_values(columns, both, "CLIENT_IP") == {"198.18.117.1", "198.18.117.2"}
    # the report's own columns (tests/test_reports.py's contract)
    text = (REPO / "reports" / "public_ips.sql").read_text(encoding="utf-8")
    assert re.search(r"select client_ip, count\(\*\) connections", text)


def _sh(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True)


def test_restrict_and_unrestrict_scripts_restore_listener_ora(tmp_path: Path) -> None:
    folder = tmp_path / "net admin's"  # a blank and a quote: the scripts quote paths
    folder.mkdir()
    ora = folder / "listener.ora"
    original = b"LISTENER =\n  (DESCRIPTION_LIST =\n    (DESCRIPTION = (ADDRESS = (PROTOCOL = TCP)(HOST = 0.0.0.0)(PORT = 1521))))\n"
    ora.write_bytes(original)
    for _ in range(2):  # run twice (a retried session): the parameter is there once
        result = _sh(t.restrict_script(str(ora)))
        assert result.returncode == 0, result.stderr
    text = ora.read_text()
    assert text.startswith(original.decode()) and text.count(t.ADMIN_RESTRICTIONS) == 1
    assert text.endswith(t.ADMIN_RESTRICTIONS + "\n")
    result = _sh(t.unrestrict_script(str(ora)))
    assert result.returncode == 0, result.stderr
    assert ora.read_bytes() == original
    assert not Path(str(ora) + t.BACKUP_SUFFIX).exists()
    assert _sh(t.unrestrict_script(str(ora))).returncode == 0  # nothing to restore: no error


def test_public_connect_script_keeps_the_password_out_of_argv() -> None:
    script = t.public_connect_script("198.18.117.2", 1521, "FREEPDB1", "SYSTEM")
    assert "$LSNRMINE_IT_PW" in script and "//198.18.117.2:1521/FREEPDB1" in script
    assert _sh("set -n\n" + script).returncode == 0  # valid sh
    # what SQL*Plus reads on stdin: the same here-document with `cat` as its reader (SQL*Plus is
    # not installed here); the variable is expanded by sh, the password is in no argv
    assert script.startswith("sqlplus -L -S /nolog <<EOF\n")
    reader = "cat <<EOF\n" + script.split("\n", 1)[1]
    result = subprocess.run(["sh", "-c", reader], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "LSNRMINE_IT_PW": "Pw1"})
    assert result.stdout.splitlines() == ['connect SYSTEM/"Pw1"@//198.18.117.2:1521/FREEPDB1',
                                          "select 'lsnrmine-public-ok' from dual;", "exit"]


def test_public_subnets_count_as_public_in_the_reports() -> None:
    """The classification views/report_connections.sql applies (is_public): the suite's network
    must not fall into its private ranges."""
    text = (REPO / "views" / "report_connections.sql").read_text(encoding="utf-8")
    private = re.search(r"'(\^\(10.*?)'\)", text).group(1)
    for subnet in lc.PUBLIC_SUBNETS:
        gateway = subnet.replace(".0/24", ".1")
        assert not re.match(private, gateway), (subnet, private)


def test_crafted_alert_lines_are_in_the_article_format() -> None:
    import datetime as dt

    from lsnrmine.parse import parse_listener_log_line

    lines = t.crafted_alert_lines(dt.datetime(2026, 12, 3, 7, 30, 5)).decode("ascii").splitlines()
    assert lines[0].startswith("03-DEC-2026 07:30:15 * (CONNECT_DATA=")
    commands = [parse_listener_log_line(line.split(" * ")[1], "COMMAND") for line in lines if "(CONNECT_DATA=" in line]
    assert commands == ["stop"] * t.PASSWORD_FAILURES + ["log_file"]


# --------------------------------------------------------------------------------------------
# F5: DDL compared without segment attributes

DEFERRED = '''
  CREATE TABLE "LSNRMINE_IT"."LSNR_ALERTS"
   (	"ALERT_ID" NUMBER GENERATED BY DEFAULT AS IDENTITY MINVALUE 1 MAXVALUE 9999999999999999999999999999 INCREMENT BY 1 START WITH 1 CACHE 20 NOORDER  NOCYCLE  NOKEEP  NOSCALE  NOT NULL ENABLE,
	"RULE_ID" VARCHAR2(30) NOT NULL ENABLE
   ) SEGMENT CREATION DEFERRED '''
IMMEDIATE = DEFERRED.replace("SEGMENT CREATION DEFERRED", "SEGMENT CREATION IMMEDIATE")


def test_normalize_ddl_ignores_segment_creation() -> None:
    assert lc.normalize_ddl(DEFERRED) == lc.normalize_ddl(IMMEDIATE)
    assert "SEGMENT CREATION" not in lc.normalize_ddl(IMMEDIATE)
    assert lc.normalize_ddl(DEFERRED) != lc.normalize_ddl(DEFERRED.replace("VARCHAR2(30)", "VARCHAR2(31)"))
    assert lc.normalize_ddl(None) is None


def test_ddl_transforms_are_dbms_metadata_parameters() -> None:
    from live.test_02_install import DDL_TRANSFORMS

    assert set(DDL_TRANSFORMS) == {"SEGMENT_ATTRIBUTES", "STORAGE"}


# --------------------------------------------------------------------------------------------
# F7: every comparison has traffic declared for it


def test_every_catalogue_report_declares_what_fills_it() -> None:
    from live.test_09_reports import REPORT_ROWS_FROM, REPORTS

    assert set(REPORTS) == set(REPORT_ROWS_FROM)
    assert set(REPORT_ROWS_FROM.values()) <= {"connects", "crafted", "fresh", "public", "audit"}


def test_every_article_query_declares_what_fills_it() -> None:
    from live.test_05_article_offline import ARTICLE_REPORTS, ARTICLE_VIEWS, NONEMPTY_BECAUSE
    from live.test_06_audit import ARTICLE_AUDIT_REPORTS

    assert len(ARTICLE_VIEWS) == len(lc.ARTICLE_VIEW_NAMES)
    assert set(ARTICLE_VIEWS) | set(ARTICLE_REPORTS) == set(NONEMPTY_BECAUSE)
    catalogue = lc.expected_catalogue()["article"]
    covered = [f"view {v}" for v in ARTICLE_VIEWS] + list(ARTICLE_REPORTS) + list(ARTICLE_AUDIT_REPORTS)
    assert sorted(covered) == sorted(catalogue)


@pytest.mark.parametrize("report", ["article_audit_jdbc_users.sql", "article_audit_service_user.sql"])
def test_article_audit_query_edit_replaces_only_the_sample_values(report: str) -> None:
    from live.test_06_audit import article_audit_sql, edited_article_audit_sql

    verbatim = article_audit_sql(report)
    edited = edited_article_audit_sql(report, client_ip="198.18.117.1", client_host="__jdbc__",
                                      service_name="FREEPDB1")
    assert "dba_audit_trail" in verbatim.lower() and verbatim != edited
    assert "'10.20.214.170'" not in edited and "'STSCOTIGERAT42'" not in edited
    # the rest of the statement is the article's text, character for character
    strip = re.compile(r"'[^']*'")
    assert strip.sub("''", verbatim) == strip.sub("''", edited)


# --------------------------------------------------------------------------------------------
# F3: keeping the container; F9: finding the engine


@pytest.fixture
def tc_config():
    from testcontainers.core.config import testcontainers_config

    saved = testcontainers_config._ryuk_disabled
    yield testcontainers_config
    testcontainers_config._ryuk_disabled = saved


def test_keep_container_disables_ryuk(monkeypatch: pytest.MonkeyPatch, tc_config) -> None:
    # setenv records the previous value: apply_keep_container's own write is undone after the test
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "false")
    monkeypatch.setenv(lc.ENV_KEEP, "0")
    tc_config._ryuk_disabled = None
    assert lc.apply_keep_container() is False
    assert tc_config.ryuk_disabled is False  # Ryuk on: the container goes at exit
    tc_config._ryuk_disabled = False  # read already, as after a first container of the session
    monkeypatch.setenv(lc.ENV_KEEP, "1")
    assert lc.apply_keep_container() is True
    # what DockerContainer.start() consults before starting the Reaper (core/container.py)
    assert tc_config.ryuk_disabled is True
    assert os.environ["TESTCONTAINERS_RYUK_DISABLED"] == "true"


def test_well_known_sockets_cover_rootless_podman_desktop(tmp_path: Path) -> None:
    paths = lc.well_known_sockets({"XDG_RUNTIME_DIR": "/run/user/1000"}, tmp_path)
    assert "/run/user/1000/docker.sock" in paths and "/run/user/1000/podman/podman.sock" in paths
    assert str(tmp_path / ".docker/run/docker.sock") in paths


def _clean_docker_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))  # no context of this machine
    (tmp_path / "docker-config").mkdir(exist_ok=True)
    from testcontainers.core.config import testcontainers_config

    if testcontainers_config.tc_properties_get_tc_host():
        pytest.skip("~/.testcontainers.properties sets tc.host on this machine")


def test_docker_host_is_pinged_and_named_in_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _clean_docker_env(monkeypatch, tmp_path)
    path = tmp_path / "engine.sock"
    with socket.socket(socket.AF_UNIX) as server:  # a real socket nobody accepts on
        server.bind(str(path))
        monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
        assert lc.docker_endpoint() == (f"unix://{path}", "DOCKER_HOST")
        problem = lc._docker_problem()
    assert problem.startswith(f"no Docker engine answers at unix://{path} (DOCKER_HOST; "), problem


def test_current_docker_context_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`docker context use rootless` (how dockerd-rootless-setuptool.sh and Docker Desktop register
    their engine): written with docker-py's own context store, found as testcontainers finds it."""
    from docker.context import ContextAPI

    _clean_docker_env(monkeypatch, tmp_path)
    config = tmp_path / "docker-config"
    (config / "config.json").write_text(json.dumps({"currentContext": "rootless"}))
    socket_path = tmp_path / "rootless.sock"
    ContextAPI.create_context("rootless", host=f"unix://{socket_path}")
    host, source = lc.docker_endpoint()
    # docker-py stores a unix socket of a context as http+unix://, which DockerClient accepts
    assert host in (f"unix://{socket_path}", f"http+unix://{socket_path}") and source == "the current docker context"
    problem = lc._docker_problem()
    assert f"unix://{socket_path} (the current docker context;" in problem, problem


def test_engine_socket_outside_var_run_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if os.path.exists("/var/run/docker.sock"):
        pytest.skip("/var/run/docker.sock exists here: docker-py's default would be used")
    _clean_docker_env(monkeypatch, tmp_path)
    runtime = tmp_path / "run"
    (runtime / "podman").mkdir(parents=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    podman = runtime / "podman" / "podman.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(podman))
        problem = lc._docker_problem()
    assert problem.startswith("no Docker engine:"), problem
    assert problem.endswith(f"export DOCKER_HOST=unix://{podman}"), problem


# --------------------------------------------------------------------------------------------
# the checklist summary


def test_summary_lists_every_entry_with_its_worst_outcome() -> None:
    catalogue = {"object": ["01_a.sql", "02_b.sql", "03_c.sql"], "article": ["q1.sql", "q2.sql"], "report": ["r"]}
    checks = [
        lc.Check("object", "01_a.sql", True, None, "VIEW A: VALID"),
        lc.Check("object", "02_b.sql", False, None, "VIEW B: INVALID"),
        lc.Check("article", "q1.sql", True, True, "3 rows"),
        lc.Check("article", "q1.sql", True, False, "3 rows online, 2 offline"),  # a second test disagrees
        lc.Check("report", "r", True, True, "1 rows"),
    ]
    lines = lc.summary_lines(checks, catalogue)
    text = "\n".join(lines)
    assert "rendered objects (compiled VALID on Oracle): 1 FAILED, 1 not run, 1 ran" in text
    assert re.search(r"^  ran +01_a\.sql  VIEW A: VALID$", text, re.M)
    assert re.search(r"^  FAILED +02_b\.sql", text, re.M) and re.search(r"^  not run +03_c\.sql$", text, re.M)
    assert re.search(r"^  MISMATCH +q1\.sql  3 rows online, 2 offline$", text, re.M)
    assert re.search(r"^  not run +q2\.sql$", text, re.M)
    assert "catalogue reports (ran on Oracle; matched the offline engine): 1 ok" in text


def test_summary_without_any_run_says_so_and_counts_nothing_as_passed() -> None:
    lines = lc.summary_lines([], {"object": ["01_a.sql"], "article": ["q1.sql"], "report": []},
                             skip_reason="no Docker engine")
    assert lines[0] == "nothing ran against Oracle: no Docker engine"
    assert not any(" ok" in line or "ran" == line.split()[0] for line in lines[1:]), lines


def test_checks_travel_in_pytest_reports() -> None:
    from _pytest.reports import TestReport

    def report(nodeid: str, when: str, props: list) -> TestReport:
        return TestReport(nodeid, ("x.py", 1, "t"), {}, "passed", None, when, user_properties=props)

    first = lc.Check("article", "q1.sql", False, None, "did not run").as_property()
    then = lc.Check("article", "q1.sql", True, True, "2 rows").as_property()
    reports = [report("tests/live/test_05.py::a", "setup", []), report("tests/live/test_05.py::a", "call", [first, then]),
               report("tests/live/test_05.py::a", "teardown", [first, then]),
               report("tests/live/test_05.py::b", "call", [first])]  # stopped before it ran
    checks = lc.checks_from_reports(reports)
    assert sorted((c.name, c.ran, c.matched) for c in checks) == [("q1.sql", False, None), ("q1.sql", True, True)]
    assert re.search(r"^  FAILED +q1\.sql  did not run$", "\n".join(lc.summary_lines(checks, {"article": ["q1.sql"]})), re.M)


def test_expected_catalogue_names_every_render_file() -> None:
    from lsnrmine.render import render_objects
    from lsnrmine.settings import Settings

    catalogue = lc.expected_catalogue()
    settings = Settings(schema=lc.OWNER, directory=lc.DIRECTORY, log_dir=lc.CONTAINER_TRACE_DIR, create_schema=True)
    names = [item.file_name for item in render_objects(settings)]
    assert catalogue["object"] == names and any(n.startswith("admin_") for n in names)
    assert all(n.endswith(".sql") for n in names)


# --------------------------------------------------------------------------------------------
# the suite as pytest runs it without a database: one skip reason, the checklist, the docs


def _run_live(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LSNRMINE_TEST_", "DOCKER_", "TESTCONTAINERS_"))}
    env["DOCKER_HOST"] = "unix:///nonexistent/lsnrmine-test/docker.sock"  # no engine, whatever the machine has
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, "tests/live"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def live_run_without_engine() -> subprocess.CompletedProcess:
    return _run_live("-q", "-rs")


def test_live_suite_skips_with_one_reason(live_run_without_engine) -> None:
    run = live_run_without_engine
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    reasons = {line.split(": ", 1)[1] for line in run.stdout.splitlines() if line.startswith("SKIPPED [")}
    assert len(reasons) == 1, reasons
    (reason,) = reasons
    assert reason.startswith("live Oracle suite skipped: no Docker engine answers at unix:///nonexistent/"), reason
    assert re.search(r"^\d+ skipped in ", run.stdout.splitlines()[-1]), run.stdout[-500:]
    assert " passed" not in run.stdout.splitlines()[-1]


def test_live_suite_prints_the_checklist(live_run_without_engine) -> None:
    out = live_run_without_engine.stdout
    assert "lsnrmine live checklist" in out
    assert "nothing ran against Oracle: live Oracle suite skipped" in out
    objects = len(lc.expected_catalogue()["object"])
    assert f"rendered objects (compiled VALID on Oracle): {objects} not run" in out


def test_docs_describe_every_collected_live_module_and_give_no_hand_counted_total() -> None:
    run = _run_live("--collect-only", "-q")
    assert run.returncode == 0, run.stdout[-2000:]
    modules = sorted({Path(line.split("::")[0]).stem for line in run.stdout.splitlines() if "::" in line})
    assert "test_01_environment" in modules
    docs = DOCS.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(test_[\w*]+)`", docs, re.M)
    undocumented = [m for m in modules if not any(fnmatch.fnmatch(m, row) for row in rows)]
    assert not undocumented, f"modules without a row in docs/live-suite.md: {undocumented}"
    # review F4: the count is whatever --collect-only prints, never a number typed into the docs
    assert not re.search(r"\b\d+ in all\b|lists them all \(\d+\)|\b\d+ tests\b", docs), "a hand-written test count"
