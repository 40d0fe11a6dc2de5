"""Listener traffic for the live suite: real connects (good, wrong service, wrong SID), JDBC-like
clients, a connect storm and lsnrctl commands run inside the database container.

python-oracledb Thin mode sends ``(CID=(PROGRAM=p)(HOST=machine)(USER=osuser))`` in the connect
descriptor, so every attempt below is recognisable in the listener log by its ``program`` value
(``connect(program=..., machine=..., osuser=...)``: python-oracledb 2.5 release notes; only letters,
digits and ``"'<>/\\,.:;-_$+*#&!%?@`` are accepted, ../shared/oracle-notes.md section 12; ``*`` is
avoided here because it is the log's field separator).
"""

from __future__ import annotations

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

PROGRAM_GOOD = "lsnrmine_it_good"
PROGRAM_JDBC = "JDBC_Thin_Client"
PROGRAM_BAD_SERVICE = "lsnrmine_it_badsvc"
PROGRAM_BAD_SID = "lsnrmine_it_badsid"
PROGRAM_STORM = "lsnrmine_it_storm"
PROGRAM_WAIT = "lsnrmine_it_wait"
PROGRAMS = (PROGRAM_GOOD, PROGRAM_JDBC, PROGRAM_BAD_SERVICE, PROGRAM_BAD_SID, PROGRAM_STORM)

BAD_SERVICE = "LSNRMINE_NO_SUCH_SERVICE"
BAD_SID = "LSNRMINENOSID"

GOOD_CONNECTS = 3
JDBC_SERVICE_CONNECTS = 4
JDBC_SID_CONNECTS = 2
BAD_SERVICE_CONNECTS = 2
BAD_SID_CONNECTS = 2
STORM_CONNECTS = 60

# lsnrctl commands (Net Services Reference, "Listener Control Utility Commands": STATUS, SERVICES,
# RELOAD, SET LOG_STATUS). The log_status pair: logging off, then on again.
LSNRCTL_COMMANDS = (
    ("status",),
    ("services",),
    ("reload",),
    ("set", "log_status", "off"),
    ("set", "log_status", "on"),
)


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


@dataclass
class TrafficReport:
    attempts: list[Attempt] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    commands_skipped: Optional[str] = None

    def by_label(self, label: str) -> list[Attempt]:
        return [a for a in self.attempts if a.label == label]


def connect_once(db: "LiveDb", label: str, *, program: str, machine: str = MACHINE,
                 service_name: Optional[str] = None, sid: Optional[str] = None) -> Attempt:
    import oracledb

    target = {"service_name": service_name} if sid is None else {"sid": sid}
    try:
        con = oracledb.connect(user=db.system_user, password=db.system_password, host=db.host,
                               port=db.port, program=program, machine=machine, osuser=OSUSER,
                               tcp_connect_timeout=20, **target)
    except oracledb.Error as exc:
        return Attempt(label, program, machine, service_name, sid, False, str(exc).splitlines()[0])
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
    if db.has_shell:
        for argv in LSNRCTL_COMMANDS:
            code, out = db.exec(["lsnrctl", *argv], check=False)
            report.commands.append(Command(("lsnrctl", *argv), code, out.decode("utf-8", "replace")))
        # RELOAD re-reads listener.ora; wait until the PDB service answers again
        wait_for_service(db)
    else:
        report.commands_skipped = "no shell on the database host (LSNRMINE_TEST_DSN mode)"
    return report
