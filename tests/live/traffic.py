"""Listener traffic for the live suite: real connects (good, wrong service, wrong SID), JDBC-like
clients, a connect storm and lsnrctl commands run inside the database container.

python-oracledb Thin mode sends ``(CID=(PROGRAM=p)(HOST=machine)(USER=osuser))`` in the connect
descriptor, so every attempt below is recognisable in the listener log by its ``program`` value
(``connect(program=..., machine=..., osuser=...)``: python-oracledb 2.5 release notes; only letters,
digits and ``"'<>/\\,.:;-_$+*#&!%?@`` are accepted, ../shared/oracle-notes.md section 12; ``*`` is
avoided here because it is the log's field separator).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .conftest import LiveDb

MACHINE = "lsnrmine_it_client"
OSUSER = "lsnrmine_it"
# JDBC thin clients log HOST=__jdbc__ in CONNECT_DATA (the article, "JDBC Connections"); the
# article's JDBC reports only see such lines, so the suite sends some.
JDBC_MACHINE = "__jdbc__"

# Every PROGRAM value the suite counts carries this session's tag: a DSN database's listener log
# persists across runs (and other clients write to it), so exact counts select this session's
# lines by their program value (review R4). 8 hex digits: letters and digits only.
SESSION_TAG = secrets.token_hex(4)


def tagged(name: str) -> str:
    """``name`` with this session's tag: ``lsnrmine_it_good`` -> ``lsnrmine_it_good_1a2b3c4d``."""
    return f"{name}_{SESSION_TAG}"


PROGRAM_GOOD = tagged("lsnrmine_it_good")
PROGRAM_JDBC = tagged("JDBC_Thin_Client")
PROGRAM_BAD_SERVICE = tagged("lsnrmine_it_badsvc")
PROGRAM_BAD_SID = tagged("lsnrmine_it_badsid")
PROGRAM_STORM = tagged("lsnrmine_it_storm")
PROGRAM_WAIT = "lsnrmine_it_wait"  # never counted

BAD_SERVICE = "LSNRMINE_NO_SUCH_SERVICE"
BAD_SID = "LSNRMINENOSID"

GOOD_CONNECTS = 3
JDBC_SERVICE_CONNECTS = 4
JDBC_SID_CONNECTS = 2
BAD_SERVICE_CONNECTS = 2
BAD_SID_CONNECTS = 2
STORM_CONNECTS = 60
PROGRAM_CASE = tagged("lsnrmine_it_case")
SERVICE_CASE_CONNECTS = 2
PROGRAM_PRIVILEGED = tagged("lsnrmine_it_root")
PRIVILEGED_OSUSER = "root"
PRIVILEGED_CONNECTS = 2
# the program values whose establish lines test_03 counts exactly
PROGRAMS = (PROGRAM_GOOD, PROGRAM_JDBC, PROGRAM_BAD_SERVICE, PROGRAM_BAD_SID, PROGRAM_STORM, PROGRAM_CASE,
            PROGRAM_PRIVILEGED)

# lsnrctl commands (Net Services Reference, "Listener Control Utility Commands": STATUS, SERVICES,
# RELOAD, SET LOG_STATUS). The log_status pair: logging off, then on again.
LSNRCTL_COMMANDS = (
    ("status",),
    ("services",),
    ("reload",),
    ("set", "log_status", "off"),
    ("set", "log_status", "on"),
)

# Commands refused to a local OS user that does not own the listener. Local OS authentication
# refuses only the privileged commands (TNS-01190, "Most of the listener administrative commands
# are only intended to be issued by privileged users", docs.oracle.com/en/error-help/db/tns-01190;
# privileged: SAVE_CONFIG, STOP, TRACE, SPAWN, RELOAD, SET ..., SHOW ...): STATUS and SERVICES are
# allowed to anyone and exit 0, so they are not sent here (review R1). The super user is the
# listener's other administrator (Net Services Administrator's Guide 23, "Managing Oracle Net
# Listener Security": "The super user is the only exception"): root would really stop the
# listener, so these run as ``nobody`` or not at all (review R2).
# Logged with CONNECT_DATA, COMMAND and return code 1190: the article's failed commands (stop), a
# refused listener stop and log/trace redirection attempts (trc_level, log_file, log_directory),
# refused, so the log the suite reads does not move.
UNAUTHORIZED_OS_USER = "nobody"
UNAUTHORIZED_WORKDIR = "/"  # nobody may not enter the image's WORKDIR
# `lsnrctl help` lists the commands without contacting the listener: can nobody run lsnrctl at all?
UNAUTHORIZED_PROBE = ("help",)
REFUSED_MARK = "TNS-01190"
REDIRECT_TARGET = "/tmp/lsnrmine_it_redirect.log"
# In this order: a command is sent only while every earlier one was refused. The first is harmless
# if it were obeyed (a trace level); the stop comes last.
UNAUTHORIZED_COMMANDS = (
    ("set", "trc_level", "admin"),
    ("set", "log_file", REDIRECT_TARGET),
    ("set", "log_directory", "/tmp"),
    ("stop",),  # the article's listener-stop query; refused, so the listener keeps running
)
# the alert rules' view of them: LOG_REDIRECTION (views/alert_r2_redirect.sql) and LISTENER_STOP
REDIRECT_COMMANDS = ("log_file", "log_directory", "trc_file", "trc_directory", "trc_level")


def command_word(argv: tuple[str, ...]) -> str:
    """The COMMAND value the listener logs: ``set log_file x`` -> ``log_file``, ``stop`` -> ``stop``."""
    return argv[1] if argv[0] == "set" else argv[0]


def refused(output: str) -> bool:
    return REFUSED_MARK in output


# Commands refused under ADMIN_RESTRICTIONS_LISTENER=ON (TNS-12508, the article's "Admin
# Restrictions" lines: three fields, the command and the return code). The parameter is appended
# to the listener's parameter file, RELOAD reads it (RELOAD stays allowed under the restriction),
# the SET commands are refused, the file is restored and RELOAD run again.
# Only SET commands that would do no harm if the restriction did not take effect: a trace level
# (reset by the second RELOAD) and the log status it already has; never log_file here.
RESTRICTED_COMMANDS = (
    ("set", "trc_level", "admin"),
    ("set", "log_status", "on"),
)
LISTENER_NAME = "LISTENER"
ADMIN_RESTRICTIONS = f"ADMIN_RESTRICTIONS_{LISTENER_NAME}=ON"
BACKUP_SUFFIX = ".lsnrmine_it_backup"


def lsnrctl_argv(command: tuple[str, ...]) -> list[str]:
    return ["lsnrctl", *command]


_PARAMETER_FILE = re.compile(r"^\s*Listener Parameter File\s+(\S+)\s*$", re.M)


def listener_parameter_file(status_output: str) -> Optional[str]:
    """The listener.ora path ``lsnrctl status`` prints ("Listener Parameter File  /path")."""
    match = _PARAMETER_FILE.search(status_output)
    return match.group(1) if match else None


def _quote(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def restrict_script(parameter_file: str) -> str:
    """sh: back the parameter file up (once), then append ADMIN_RESTRICTIONS_LISTENER=ON."""
    f, b = _quote(parameter_file), _quote(parameter_file + BACKUP_SUFFIX)
    return (f"set -e; test -f {b} || cp -p {f} {b}; cp -p {b} {f}; "
            f"printf '\\n%s\\n' {_quote(ADMIN_RESTRICTIONS)} >> {f}")


def unrestrict_script(parameter_file: str) -> str:
    """sh: put the backed-up parameter file back, byte for byte."""
    f, b = _quote(parameter_file), _quote(parameter_file + BACKUP_SUFFIX)
    return f"set -e; if test -f {b}; then cp -p {b} {f} && rm -f {b}; fi"


def grep_script(path: str, needles: tuple[str, ...], limit: int = 40) -> str:
    """sh: the last ``limit`` lines of ``path`` holding any of ``needles`` (fixed strings), with
    their line numbers (grep -n): the real shape of lines an assertion expected (review R5)."""
    patterns = " ".join(f"-e {_quote(n)}" for n in needles)
    return f"grep -n -F {patterns} -- {_quote(path)} | tail -n {int(limit)}"


def log_evidence(db: "LiveDb", needles: tuple[str, ...], limit: int = 40) -> str:
    """What the listener log really holds for ``needles``, for an assertion message: grep -n inside
    the container, or over the DSN host copy; never raises (it only decorates a failure)."""
    try:
        if db.has_shell:
            text = db.sh(grep_script(db.log_path, needles, limit), check=False)
        elif db.host_log_dir is not None:
            data = (db.host_log_dir / db.log_file).read_bytes().decode("utf-8", "replace")
            hits = [f"{n}:{line}" for n, line in enumerate(data.splitlines(), start=1)
                    if any(needle in line for needle in needles)]
            text = "\n".join(hits[-limit:])
        else:
            return f"(no access to {db.log_path} from here to show the lines with {', '.join(needles)})"
    except Exception as exc:  # the evidence must not replace the assertion's own message
        return f"(reading {db.log_path} failed: {type(exc).__name__}: {exc})"
    return (f"lines of {db.log_path} with {' or '.join(needles)} (grep -n, last {limit}):\n"
            + (text.strip() or "(none)"))


ADMIN_RESTRICTED_NEEDLES = ("12508",)


def public_connect_script(ip: str, port: int, service: str, user: str) -> str:
    """sh run in the container: SQL*Plus connects to the container's own address on the
    non-RFC 1918 network, so the listener logs that address as the client (HOST= in
    PROTOCOL_INFO). The password comes from the environment variable LSNRMINE_IT_PW, not argv."""
    return ("sqlplus -L -S /nolog <<EOF\n"
            f"connect {user}/\"$LSNRMINE_IT_PW\"@//{ip}:{port}/{service}\n"
            "select 'lsnrmine-public-ok' from dual;\n"
            "exit\n"
            "EOF\n")


PUBLIC_CONNECTS = 3


@dataclass
class Attempt:
    label: str
    program: str
    machine: str
    service_name: Optional[str]
    sid: Optional[str]
    ok: bool
    error: Optional[str] = None


@dataclass
class Command:
    argv: tuple[str, ...]
    exit_code: int
    output: str
    group: str = "oracle"  # "oracle" (the listener's owner), "probe", "unauthorized", "restricted", "setup", "public"
    os_user: str = "oracle"


@dataclass
class TrafficReport:
    attempts: list[Attempt] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    commands_skipped: Optional[str] = None
    public_ip: Optional[str] = None  # the container's address on the non-RFC 1918 network, if any
    public_skipped: Optional[str] = None  # why no connect from a public address was made
    unauthorized_user: Optional[str] = None  # the OS user the refused lsnrctl commands ran as
    unauthorized_skipped: Optional[str] = None  # why they were not sent (nobody cannot run lsnrctl)
    unauthorized_stopped: Optional[str] = None  # why the rest was not sent (one was not refused)

    def by_label(self, label: str) -> list[Attempt]:
        return [a for a in self.attempts if a.label == label]

    def by_group(self, group: str) -> list[Command]:
        return [c for c in self.commands if c.group == group]


def error_text(exc: BaseException) -> str:
    """The whole python-oracledb message on one line. Thin mode wraps a listener refusal: the first
    line is ``DPY-6005: cannot connect to database (CONNECTION_ID=...).`` and the reason
    (``DPY-6001 ... (Similar to ORA-12514)``, ``DPY-6003 ... (Similar to ORA-12505)``) is the second
    line, appended from the cause (python-oracledb errors.py, _create_err)."""
    return " ".join(str(exc).split())


_SIMILAR = re.compile(r"\b(DPY-\d{4}|ORA-\d{5})\b")
_SIMILAR_ORA = re.compile(r"\(Similar to (ORA-\d{5})\)")


def error_codes(error: Optional[str]) -> list[str]:
    """Every DPY-/ORA- code in a kept message, in order, including the ``Similar to ORA-nnnnn`` one."""
    return _SIMILAR.findall(error or "")


def refusal_code(error: Optional[str]) -> Optional[int]:
    """The listener's ORA code behind a thin-mode refusal (12514, 12505, ...), or None."""
    match = _SIMILAR_ORA.search(error or "")
    return int(match.group(1)[4:]) if match else None


def connect_once(db: "LiveDb", label: str, *, program: str, machine: str = MACHINE,
                 service_name: Optional[str] = None, sid: Optional[str] = None, osuser: str = OSUSER) -> Attempt:
    import oracledb

    target = {"service_name": service_name} if sid is None else {"sid": sid}
    try:
        con = oracledb.connect(user=db.system_user, password=db.system_password, host=db.host,
                               port=db.port, program=program, machine=machine, osuser=osuser,
                               tcp_connect_timeout=20, **target)
    except oracledb.Error as exc:
        return Attempt(label, program, machine, service_name, sid, False, error_text(exc))
    try:
        with con.cursor() as cur:
            cur.execute("select 1 from dual")
    finally:
        con.close()
    return Attempt(label, program, machine, service_name, sid, True)


def wait_for_service(db: "LiveDb", timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        attempt = connect_once(db, "wait", program=PROGRAM_WAIT, service_name=db.service)
        if attempt.ok:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"service {db.service} not back after lsnrctl commands: {attempt.error}")
        time.sleep(3)


def generate(db: "LiveDb") -> TrafficReport:
    report = TrafficReport()
    add = report.attempts.append
    for _ in range(GOOD_CONNECTS):
        add(connect_once(db, "good", program=PROGRAM_GOOD, service_name=db.service))
    for _ in range(JDBC_SERVICE_CONNECTS):
        add(connect_once(db, "jdbc_service", program=PROGRAM_JDBC, machine=JDBC_MACHINE, service_name=db.service))
    if db.mode == "container":
        # SID = the CDB instance; SYSTEM is a common user, so the logon succeeds
        for _ in range(JDBC_SID_CONNECTS):
            add(connect_once(db, "jdbc_sid", program=PROGRAM_JDBC, machine=JDBC_MACHINE, sid="FREE"))
    for _ in range(BAD_SERVICE_CONNECTS):
        add(connect_once(db, "bad_service", program=PROGRAM_BAD_SERVICE, service_name=BAD_SERVICE))
    for _ in range(BAD_SID_CONNECTS):
        add(connect_once(db, "bad_sid", program=PROGRAM_BAD_SID, sid=BAD_SID))
    for _ in range(STORM_CONNECTS):
        add(connect_once(db, "storm", program=PROGRAM_STORM, service_name=db.service))
    # the service name in lower case: a second spelling of the same service (service_name_cases);
    # the listener matches service names without regard to case [I]
    for _ in range(SERVICE_CASE_CONNECTS):
        add(connect_once(db, "service_case", program=PROGRAM_CASE, service_name=db.service.lower()))
    # CID USER=root: a privileged OS user (privileged_os_users; the default list holds root)
    for _ in range(PRIVILEGED_CONNECTS):
        add(connect_once(db, "privileged", program=PROGRAM_PRIVILEGED, service_name=db.service,
                         osuser=PRIVILEGED_OSUSER))
    if db.has_shell:
        for argv in LSNRCTL_COMMANDS:
            report.commands.append(_run(db, lsnrctl_argv(argv), "oracle"))
        # RELOAD re-reads listener.ora; wait until the PDB service answers again
        wait_for_service(db)
        _unauthorized(db, report)
        # the refused stop must have left the listener up (test_01 fails on a non-zero setup command)
        report.commands.append(_run(db, lsnrctl_argv(("status",)), "setup"))
        _restricted(db, report)
        wait_for_service(db)
        _public_connects(db, report)
    else:
        report.commands_skipped = "no shell on the database host (LSNRMINE_TEST_DSN mode)"
        report.public_skipped = report.commands_skipped
        report.unauthorized_skipped = report.commands_skipped
    return report


def _run(db: "LiveDb", argv: list[str], group: str, *, user: Optional[str] = None,
         env: Optional[dict[str, str]] = None, workdir: Optional[str] = None) -> Command:
    code, out = db.exec(argv, check=False, user=user, environment=env, workdir=workdir)
    return Command(tuple(argv), code, out.decode("utf-8", "replace"), group, user or "oracle")


def _unauthorized(db: "LiveDb", report: TrafficReport) -> None:
    """UNAUTHORIZED_COMMANDS as OS user nobody (never root, review R2). When nobody cannot run
    lsnrctl, nothing is sent and the reason is kept (the checks that need these lines skip with
    it). A command that is not refused stops the sequence: the next one (log_file, stop) would be
    obeyed too."""
    probe = _run(db, lsnrctl_argv(UNAUTHORIZED_PROBE), "probe", user=UNAUTHORIZED_OS_USER,
                 workdir=UNAUTHORIZED_WORKDIR)
    report.commands.append(probe)
    report.unauthorized_skipped = probe_problem(probe)
    if report.unauthorized_skipped is not None:
        return
    report.unauthorized_user = UNAUTHORIZED_OS_USER
    for argv in UNAUTHORIZED_COMMANDS:
        command = _run(db, lsnrctl_argv(argv), "unauthorized", user=UNAUTHORIZED_OS_USER,
                       workdir=UNAUTHORIZED_WORKDIR)
        report.commands.append(command)
        if not refused(command.output):
            report.unauthorized_stopped = stopped_reason(command)
            return


def probe_problem(probe: Command) -> Optional[str]:
    """None when OS user nobody ran ``lsnrctl help``; else why the refused-command traffic is not sent."""
    if probe.exit_code == 0:
        return None
    tail = " ".join(probe.output.split())[-300:]
    return (f"OS user {UNAUTHORIZED_OS_USER} cannot run lsnrctl in the container (`lsnrctl help` exited "
            f"{probe.exit_code}: {tail or 'no output'}); root is never used instead (the super user may "
            "administer the listener), so no refused lsnrctl command was sent")


def stopped_reason(command: Command) -> str:
    tail = " ".join(command.output.split())[-400:]
    return (f"`{' '.join(command.argv)}` as OS user {command.os_user} was not refused with {REFUSED_MARK} "
            f"(exit {command.exit_code}: {tail or 'no output'}); the remaining commands were not sent")


def _restricted(db: "LiveDb", report: TrafficReport) -> None:
    status = _run(db, lsnrctl_argv(("status",)), "setup")
    report.commands.append(status)
    parameter_file = listener_parameter_file(status.output)
    if parameter_file is None:
        raise AssertionError(f"lsnrctl status printed no 'Listener Parameter File':\n{status.output[-1500:]}")
    report.commands.append(_run(db, ["sh", "-c", restrict_script(parameter_file)], "setup"))
    try:
        report.commands.append(_run(db, lsnrctl_argv(("reload",)), "setup"))
        for argv in RESTRICTED_COMMANDS:
            report.commands.append(_run(db, lsnrctl_argv(argv), "restricted"))
    finally:
        report.commands.append(_run(db, ["sh", "-c", unrestrict_script(parameter_file)], "setup"))
        report.commands.append(_run(db, lsnrctl_argv(("reload",)), "setup"))


def _public_connects(db: "LiveDb", report: TrafficReport) -> None:
    ip = db.public_ip
    if ip is None:
        report.public_skipped = db.public_skipped or "the container has no address on a non-RFC 1918 network"
        return
    report.public_ip = ip
    script = public_connect_script(ip, 1521, db.service, db.system_user)
    for _ in range(PUBLIC_CONNECTS):
        report.commands.append(_run(db, ["sh", "-c", script], "public", env={"LSNRMINE_IT_PW": db.system_password}))


# --------------------------------------------------------------------------------------------
# traffic built for the alert rules (tests/live/test_08_alerts.py)

PROGRAM_ENUM = tagged("lsnrmine_it_enum")
PROGRAM_ALERT_STORM = tagged("lsnrmine_it_alertstorm")
ENUM_SIDS = tuple(f"LSNRMINEENUM{i:02d}" for i in range(20))  # 20 distinct unknown SIDs (rule 6: >= 5 in 5 min)
# rule 7 threshold for the suite (set with an UPDATE of ALERT_RULES, see conftest.set_storm_threshold)
# and the connects sent inside one clock minute to pass it
STORM_THRESHOLD = 100
STORM_ALERT_CONNECTS = 150
STORM_THREADS = 10

# crafted lines (rules 1, 2, 3): who "sent" them
INTRUDER_USER = "lsnrmine_it_intruder"
INTRUDER_HOST = "lsnrmine_it_host"
PASSWORD_FAILURES = 4  # rule 1: >= 3 within 5 minutes is the rule's severity (high)


@dataclass
class AlertTraffic:
    enum: list[Attempt] = field(default_factory=list)
    storm: list[Attempt] = field(default_factory=list)
    storm_minute: Optional[str] = None  # 'YYYY-MM-DD HH24:MI' on the database clock


def _db_seconds(db: "LiveDb") -> int:
    with db.connect_system(program=PROGRAM_WAIT) as con:
        with con.cursor() as cur:
            cur.execute("select to_number(to_char(sysdate, 'SS')) from dual")
            return int(cur.fetchone()[0])


def generate_alert_traffic(db: "LiveDb") -> AlertTraffic:
    """Rule 6: one client (this machine) asks for 20 unknown SIDs (real connects, ORA-12505).
    Rule 7: STORM_ALERT_CONNECTS good connects from STORM_THREADS threads, started just after a
    minute began on the database clock (the listener writes the database host's clock [I]) so all
    land in one minute (trunc(event_time, 'MI')). Rule 4 (reload) comes from generate()'s lsnrctl
    commands."""
    from concurrent.futures import ThreadPoolExecutor

    report = AlertTraffic()
    for sid in ENUM_SIDS:
        report.enum.append(connect_once(db, "enum", program=PROGRAM_ENUM, sid=sid))
    seconds = _db_seconds(db)
    if seconds > 5:
        time.sleep(60 - seconds + 1)
    with db.connect_system(program=PROGRAM_WAIT) as con:
        with con.cursor() as cur:
            cur.execute("select to_char(sysdate, 'YYYY-MM-DD HH24:MI') from dual")
            report.storm_minute = cur.fetchone()[0]
    with ThreadPoolExecutor(max_workers=STORM_THREADS) as pool:
        report.storm = list(pool.map(
            lambda _: connect_once(db, "alert_storm", program=PROGRAM_ALERT_STORM, service_name=db.service),
            range(STORM_ALERT_CONNECTS)))
    return report


def crafted_alert_lines(now) -> bytes:
    """Lines in the article's format (Part 3: "Listener Password", "Log File Redirection", "Admin
    Restrictions"; the same shapes as tests/fixtures/alerts/*.log), so that those rules fire with
    exact counts in every run: the real refused commands depend on OS user nobody being able to run
    lsnrctl (else they are not sent, and root never replaces it); the listener's owner (oracle) is
    never refused, and its own `set log_file` would move the log the suite reads. ``now``: the
    database's SYSDATE (a datetime), so the lines follow the real ones in time."""
    import datetime as dt

    def stamp(offset_s: int) -> str:
        t = now + dt.timedelta(seconds=offset_s)
        return t.strftime("%d-") + t.strftime("%b").upper() + t.strftime("-%Y %H:%M:%S")

    cid = f"(CID=(PROGRAM=)(HOST={INTRUDER_HOST})(USER={INTRUDER_USER}))"
    lines = []
    for i in range(PASSWORD_FAILURES):
        lines.append(f"{stamp(10 + i)} * (CONNECT_DATA={cid}(COMMAND=stop)(ARGUMENTS=64)(SERVICE=LISTENER)"
                     f"(VERSION=385875968)) * stop * 1190")
        lines.append("TNS-01190: The user is not authorized to execute the requested listener command")
    lines.append(f"{stamp(20)} * (CONNECT_DATA={cid}(COMMAND=log_file)(ARGUMENTS=4)(SERVICE=LISTENER)"
                 f"(VERSION=385875968)(VALUE=/tmp/lsnrmine_it.log)) * log_file * 1190")
    lines.append("TNS-01190: The user is not authorized to execute the requested listener command")
    lines.append(f"{stamp(21)} * trc_level * 12508")
    lines.append("TNS-12508: TNS:listener could not resolve the COMMAND given")
    return ("\n".join(lines) + "\n").encode("ascii")
