"""Checks of the database that install runs before it creates anything and verify runs afterwards.

Each check returns problems (one line each, ending in the fix) or notes, so both commands word
them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from . import db
from .install_sql import (
    Q_DIRECTORY_PATH,
    Q_DIRECTORY_READ,
    Q_DIRECTORY_WRITE,
    Q_JOB_QUEUE_PROCESSES,
    Q_SESSION_PRIVS,
    S_PROBE_FILE,
)
from .read_errors import translate_read_error
from .settings import Settings, owner_privileges

MIN_ORACLE_MAJOR = 19
OLD_VERSION_MISSES = (
    "ORACLE_LOADER's RECORDS DELIMITED BY DETECTED NEWLINE (LISTENER_LOG) and Premier/Extended Support"
)
FIX_ADMIN = "run `lsnrmine install --phase admin` as a DBA"


def server_major_version(conn: Any) -> int:
    """Major release from python-oracledb's ``Connection.version`` (e.g. '19.3.0.0.0' -> 19)."""
    version = str(getattr(conn, "version", "") or "0")
    try:
        return int(version.split(".", 1)[0])
    except ValueError:
        return 0


def version_problem(conn: Any) -> Optional[str]:
    if server_major_version(conn) >= MIN_ORACLE_MAJOR:
        return None
    return (f"Oracle {getattr(conn, 'version', '?')} is not supported: lsnrmine needs {MIN_ORACLE_MAJOR}c or later; "
            f"older releases miss {OLD_VERSION_MISSES}; fix: upgrade to {MIN_ORACLE_MAJOR}c or later")


def check_job_queue(conn: Any, settings: Settings, problems: list[str], notes: list[str]) -> None:
    """With jobs enabled, job_queue_processes = 0 is a problem (the jobs would never run)."""
    if not settings.jobs_enabled:
        return
    try:
        value = db.scalar(conn, Q_JOB_QUEUE_PROCESSES)
    except Exception as exc:  # ORA-00942 without SELECT on V$PARAMETER: cannot tell
        notes.append(f"could not read job_queue_processes ({db.first_line(exc)}); make sure it is > 0")
        return
    if value is not None and str(value).strip() == "0":
        problems.append("job_queue_processes is 0, so scheduler jobs never run; fix: "
                        "`alter system set job_queue_processes = 20` as a DBA (or set jobs_enabled = false)")


def missing_system_privileges(conn: Any, settings: Settings) -> list[str]:
    """The owner's system privileges (settings.owner_privileges) this session lacks."""
    privs = {row[0] for row in db.rows(conn, Q_SESSION_PRIVS)}
    return [p for p in owner_privileges(settings) if p not in privs]


def missing_privileges_problem(missing: list[str]) -> str:
    return f"missing privileges: {', '.join(missing)}; fix: {FIX_ADMIN} (or install_admin.sql as a DBA)"


@dataclass
class DirectoryCheck:
    """What the owner found about its directory objects (log_dir, and the loader log one)."""

    missing: list[str] = field(default_factory=list)  # grants the owner lacks
    problems: list[str] = field(default_factory=list)  # a directory missing or pointing elsewhere
    log_dir_path: Optional[str] = None  # where the log directory points, as the owner sees it
    usable: bool = True  # READ granted and every path as set: the log files can be probed


def check_directories(conn: Any, settings: Settings) -> DirectoryCheck:
    """READ (and WRITE for the loader log directory) granted to the owner, and each path as set."""
    s = settings
    found = DirectoryCheck()
    for directory, path in ((s.directory, s.log_dir), (s.loader_log_directory, s.loader_log_dir)):
        if directory is None:
            continue
        if not db.scalar(conn, Q_DIRECTORY_READ, dir_name=directory):
            found.missing.append(f"READ on directory {directory}")
            found.usable = False
            continue
        if directory == s.loader_log_directory and not db.scalar(conn, Q_DIRECTORY_WRITE, dir_name=directory):
            found.missing.append(f"WRITE on directory {directory} (ORACLE_LOADER writes its log files there)")
        current = db.scalar(conn, Q_DIRECTORY_PATH, dir_name=directory)
        if directory == s.directory:
            found.log_dir_path = current
        if current != path:
            found.usable = False
        if current is None:
            found.problems.append(f"directory {directory} does not exist; fix: {FIX_ADMIN}")
        elif current != path:
            found.problems.append(f"directory {directory} points at {current}, the settings say {path}; "
                                  "fix: run `lsnrmine install --phase admin` again, or correct log_dir")
    return found


def probe_file(conn: Any, settings: Settings, file_name: str) -> tuple[Optional[int], Optional[str]]:
    """(size in bytes, None) when the database can open the file, else (None, the problem)."""
    try:
        with conn.cursor() as cursor:
            length = cursor.var(int)
            cursor.execute(S_PROBE_FILE, dir_name=settings.directory, file_name=file_name, file_len=length)
            return length.getvalue(), None
    except Exception as exc:
        text = str(exc)
        return None, (translate_read_error(text, settings, file_name)
                      or f"cannot read {file_name} through directory {settings.directory}: {db.first_line(text)}")


def probe_files(conn: Any, settings: Settings) -> list[str]:
    """One problem per log file the database cannot open (BFILE, nothing created)."""
    problems = []
    for file_name in settings.log_files:
        problem = probe_file(conn, settings, file_name)[1]
        if problem:
            problems.append(problem)
    return problems
