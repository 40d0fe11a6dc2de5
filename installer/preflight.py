"""Checks of the database that install runs before it creates anything and verify runs afterwards.

The small checks return problems (one line each, with the fix) or notes, so both commands word
them alike; :func:`admin_preflight` and :func:`owner_preflight` run every check of an install
phase and raise :class:`PreflightFailed` listing all problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from . import audit, db
from .install_sql import (
    Q_ADMIN_OPTION_PRIVS,
    Q_ADMIN_OWNER_EXECUTE,
    Q_ADMIN_OWNER_SPACE,
    Q_ADMIN_OWNER_TABLESPACE,
    Q_DEFAULT_TABLESPACE,
    Q_DIRECTORY_PATH,
    Q_DIRECTORY_READ,
    Q_DIRECTORY_WRITE,
    Q_GRANTABLE,
    Q_INSTANCE_NUMBER,
    Q_JOB_QUEUE_PROCESSES,
    Q_OWNER_SPACE,
    Q_SESSION_PRIVS,
    Q_SESSION_USER,
    Q_SYS_EXECUTE,
    Q_USER_EXISTS,
    S_PROBE_FILE,
)
from .read_errors import translate_read_error
from .settings import LogSource, Settings, owner_privileges, sys_object_grants

MIN_ORACLE_MAJOR = 19
OLD_VERSION_MISSES = (
    "ORACLE_LOADER's RECORDS DELIMITED BY DETECTED NEWLINE (LISTENER_LOG) and Premier/Extended Support"
)
FIX_ADMIN = "run `lsnrmine install --phase admin` as a DBA"
SYSTEM_TABLESPACES = ("SYSTEM", "SYSAUX")  # never the owner's default tablespace


class PreflightFailed(Exception):
    """Nothing was created; ``problems`` lists every problem found (one line each, with the fix)."""

    def __init__(self, phase: str, problems: Sequence[str]) -> None:
        super().__init__(f"{phase} phase preflight failed: " + "; ".join(problems))
        self.phase = phase
        self.problems = list(problems)


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
    """What the owner found about its directory objects (every source's, and the loader log one)."""

    missing: list[str] = field(default_factory=list)  # grants the owner lacks
    problems: list[str] = field(default_factory=list)  # a directory missing or pointing elsewhere
    log_dir_path: Optional[str] = None  # where the (first source's) log directory points, as the owner sees it
    usable: bool = True  # READ granted and every path as set: the log files can be probed
    paths: dict[str, Optional[str]] = field(default_factory=dict)  # directory -> where it points (None: missing)


def directory_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(directory object, path, the setting naming its path) of every directory lsnrmine reads or
    writes: one per distinct source folder, then the loader log directory."""
    s = settings
    path_setting = "sources[].path" if s.multi_source else "log_dir"
    found = [(directory, path, path_setting) for directory, path in s.directories()]
    if s.loader_log_directory is not None and s.loader_log_dir is not None:
        found.append((s.loader_log_directory, s.loader_log_dir, "loader_log_dir"))
    return found


def check_directories(conn: Any, settings: Settings) -> DirectoryCheck:
    """READ (and WRITE for the loader log directory) granted to the owner, and each path as set."""
    s = settings
    found = DirectoryCheck()
    for directory, path, path_setting in directory_settings(s):
        if not db.scalar(conn, Q_DIRECTORY_READ, dir_name=directory):
            found.missing.append(f"READ on directory {directory}")
            found.usable = False
            continue
        if directory == s.loader_log_directory and not db.scalar(conn, Q_DIRECTORY_WRITE, dir_name=directory):
            found.missing.append(f"WRITE on directory {directory} (ORACLE_LOADER writes its log files there)")
        current = db.scalar(conn, Q_DIRECTORY_PATH, dir_name=directory)
        found.paths[directory] = current
        if directory == s.directory:
            found.log_dir_path = current
        if current != path:
            found.usable = False
        if current is None:
            found.problems.append(f"directory {directory} does not exist; fix: {FIX_ADMIN}")
        elif current != path:
            fix = "log_dir" if path_setting == "loader_log_dir" else path_setting  # the wording before sources
            found.problems.append(f"directory {directory} points at {current}, the settings say {path}; "
                                  f"fix: run `lsnrmine install --phase admin` again, or correct {fix}")
    return found


def _probe(conn: Any, directory: str, file_name: str) -> tuple[Optional[int], Optional[str]]:
    """(size in bytes, None) when the database can open the file, else (None, Oracle's error text)."""
    try:
        with conn.cursor() as cursor:
            length = cursor.var(int)
            cursor.execute(S_PROBE_FILE, dir_name=directory, file_name=file_name, file_len=length)
            return length.getvalue(), None
    except Exception as exc:
        return None, str(exc)


def probe_file(conn: Any, settings: Settings, file_name: str,
               source: Optional[LogSource] = None) -> tuple[Optional[int], Optional[str]]:
    """(size in bytes, None) when the database can open the file, else (None, the problem). The
    file is looked for in ``source``'s directory (default: the first source's, ``settings.directory``)."""
    one = settings if source is None else settings.single_source(source)
    size, text = _probe(conn, one.directory, file_name)
    if text is None:
        return size, None
    return None, (translate_read_error(text, one, file_name)
                  or f"cannot read {file_name} through directory {one.directory}: {db.first_line(text)}")


# a BFILE open of a file that is not there: ORA-22285, or ORA-22288 with the OS's "No such file"
_MISSING_FILE = ("ORA-22285", "No such file or directory", "cannot find the file")


def current_instance(conn: Any) -> Optional[int]:
    """The instance number of this session (1 on a single instance); None when it cannot be read."""
    try:
        return int(str(db.scalar(conn, Q_INSTANCE_NUMBER)))
    except Exception:  # information only: every source is then probed
        return None


def probe_files(conn: Any, settings: Settings, notes: Optional[list[str]] = None) -> list[str]:
    """One problem per log file the database cannot open (BFILE, nothing created).

    With [[sources]] the files are node-local: only the sources of this session's instance (and
    the unpinned ones) are probed; a file that is not there (yet) is a note, since a SCAN listener
    writes its log only on the node it runs on; any other error is a problem, and so is finding
    no file at all among the sources probed."""
    if not settings.multi_source:
        problems = []
        for file_name in settings.log_files:
            problem = probe_file(conn, settings, file_name)[1]
            if problem:
                problems.append(problem)
        return problems
    notes = [] if notes is None else notes
    instance = current_instance(conn)
    problems, missing, readable = [], [], 0
    for source in settings.sources:
        if source.instance is not None and instance is not None and source.instance != instance:
            notes.append(f"source {source.name} is read on instance {source.instance}: its files were not "
                         f"probed from instance {instance} (run `lsnrmine verify` connected there)")
            continue
        for file_name in source.files:
            size, text = _probe(conn, source.directory, file_name)
            if text is None:
                readable += 1
            elif any(marker in text for marker in _MISSING_FILE):
                missing.append(f"{source.path}/{file_name}")
            else:
                problem = probe_file(conn, settings, file_name, source=source)[1]
                problems.append(f"source {source.name}: {problem}")
    if missing and readable == 0 and not problems:
        problems.append(f"no log file of the sources of this instance exists: {', '.join(missing)}; check each "
                        "source's path and files (lsnrctl status shows the Listener Log File of each listener)")
    elif missing:
        notes.append(f"not there yet (read once the listener writes it): {', '.join(missing)}")
    return problems


def system_tablespace_problem(schema: str, tablespace: str) -> str:
    return (f"the default tablespace of {schema} is {tablespace}: lsnrmine never puts its tables (or a quota) "
            f"there; set a default tablespace for {schema} (ALTER USER {schema} DEFAULT TABLESPACE <tablespace>) "
            "or for the database (ALTER DATABASE DEFAULT TABLESPACE <tablespace>)")


def directory_conflict(directory: str, current: str, path: str, setting: str = "directory") -> str:
    return (f"directory {directory} exists and points at {current}, not {path}: lsnrmine never repoints a "
            f"directory object it may not own; choose another name (setting {setting}), or give --force "
            "to repoint it (and let uninstall drop it)")


# -- the checks of each install phase ---------------------------------------------------------
def admin_preflight(conn: Any, settings: Settings, *, force: bool = False) -> tuple[list[str], bool]:
    """(notes, owner_exists); raises PreflightFailed listing every problem."""
    s = settings
    problems: list[str] = []
    notes: list[str] = []
    problems += [p for p in (version_problem(conn),) if p]
    privs = {row[0] for row in db.rows(conn, Q_SESSION_PRIVS)}
    missing = []
    if "CREATE ANY DIRECTORY" not in privs:
        missing.append("CREATE ANY DIRECTORY")
    if "GRANT ANY PRIVILEGE" not in privs:
        with_admin = {row[0] for row in db.rows(conn, Q_ADMIN_OPTION_PRIVS)}
        missing += [f"{p} WITH ADMIN OPTION (or GRANT ANY PRIVILEGE)" for p in owner_privileges(s) if p not in with_admin]
    owner_exists = bool(db.scalar(conn, Q_USER_EXISTS, user_name=s.schema))
    if s.create_schema and not owner_exists and "CREATE USER" not in privs:
        missing.append("CREATE USER")
    if s.alert_log:  # the KSDWRT wrapper: a schema-only account and a procedure in it
        missing += [f"{p} (alert_log: the wrapper {s.alert_log_schema}.WRITE_ALERT_LOG)"
                    for p in ("CREATE USER", "CREATE ANY PROCEDURE")
                    if p not in privs and not (p == "CREATE USER" and "CREATE USER" in missing)]
    # the owner grants give a quota on the owner's default tablespace when it has none
    if "ALTER USER" not in privs and (not owner_exists or not db.scalar(conn, Q_ADMIN_OWNER_SPACE, user_name=s.schema)):
        missing.append(f"ALTER USER (gives {s.schema} a quota on its default tablespace)")
    if missing:
        problems.append(f"the admin account lacks: {', '.join(missing)}; connect as a DBA (e.g. SYSTEM) with --user")
    if not s.create_schema and not owner_exists:
        problems.append(f"user {s.schema} does not exist: create it, or set create_schema = true "
                        "(LSNRMINE_CREATE_SCHEMA=true) to let lsnrmine create it")
    if s.create_schema and owner_exists:
        notes.append(f"user {s.schema} exists: not created again")
    tablespace = (db.scalar(conn, Q_ADMIN_OWNER_TABLESPACE, user_name=s.schema) if owner_exists
                  else db.scalar(conn, Q_DEFAULT_TABLESPACE) if s.create_schema else None)
    if tablespace is not None and str(tablespace).upper() in SYSTEM_TABLESPACES:
        problems.append(system_tablespace_problem(s.schema, str(tablespace)))
    problems += _sys_grant_problems(conn, s)
    for directory, path, path_setting in directory_settings(s):
        current = db.scalar(conn, Q_DIRECTORY_PATH, dir_name=directory)
        if current is not None and current != path:
            if force:
                notes.append(f"directory {directory} points at {current}; --force: install repoints it to {path}")
            else:
                setting = {"sources[].path": "sources[].directory", "loader_log_dir": "directory"}.get(
                    path_setting, "directory")  # the loader directory kept the wording it had
                problems.append(directory_conflict(directory, current, path, setting))
    check_job_queue(conn, s, problems, notes)
    notes += audit.admin_notes(conn, s)
    if problems:
        raise PreflightFailed("admin", problems)
    return notes, owner_exists


def sys_grants(conn: Any, settings: Settings) -> list[tuple[str, str, str, str]]:
    """(schema, object, privilege, why) for every grant on a SYS/AUDSYS object the admin phase
    will make: DBMS_LOB and UTL_SMTP only where neither PUBLIC nor the owner has EXECUTE (the
    same guard as admin/owner_grants.sql and admin/mail_acl.sql), the audit trails always."""
    s = settings
    grants = []
    whys = {"UTL_SMTP": "mail_host is set", "DBMS_SYSTEM": f"alert_log is on; to {s.alert_log_schema}",
            "UNIFIED_AUDIT_TRAIL": f"audit_mode = {s.audit_mode}", "DBA_AUDIT_TRAIL": f"audit_mode = {s.audit_mode}"}
    for schema, name, privilege in sys_object_grants(s):
        if name in ("DBMS_LOB", "UTL_SMTP"):
            if db.scalar(conn, Q_ADMIN_OWNER_EXECUTE, object_name=name, user_name=s.schema):
                continue
            why = (f"{whys[name]}; " if name in whys else "") + "PUBLIC has no EXECUTE on it here"
        else:
            why = whys[name]
        grants.append((schema, name, privilege, why))
    return grants


def _sys_grant_problems(conn: Any, settings: Settings) -> list[str]:
    """Only SYS, or an account holding the privilege WITH GRANT OPTION, may grant on a SYS
    object: GRANT ANY OBJECT PRIVILEGE (SYSTEM's, through the DBA role) does not reach SYS's
    objects under dictionary protection (docs/oracle-facts.md, "Install hardening")."""
    grants = sys_grants(conn, settings)
    if not grants or db.scalar(conn, Q_SESSION_USER) == "SYS":
        return []
    problems = []
    for schema, name, privilege, why in grants:
        if not db.scalar(conn, Q_GRANTABLE, schema_name=schema, object_name=name, privilege=privilege):
            problems.append(
                f"the admin phase grants {privilege} on {schema}.{name} ({why}), which only SYS or an account "
                f"holding it WITH GRANT OPTION can grant: run the admin phase as SYS (--user SYS --sysdba), "
                f"or have SYS run `grant {privilege.lower()} on {schema.lower()}.{name.lower()} to <this account> "
                "with grant option`")
    return problems


def owner_preflight(conn: Any, settings: Settings) -> list[str]:
    """Notes; raises PreflightFailed listing every problem (nothing is created before)."""
    s = settings
    problems = [p for p in (version_problem(conn),) if p]
    notes: list[str] = []
    schema = db.scalar(conn, Q_SESSION_USER)
    if schema != s.schema:
        raise PreflightFailed("owner", [f"connected as {schema}, not the owner {s.schema}: "
                                        f"the owner phase connects as {s.schema} (LSNRMINE_OWNER_PASSWORD)"])
    missing = missing_system_privileges(conn, s)
    directories = check_directories(conn, s)
    missing += directories.missing
    problems += directories.problems
    for package in ("DBMS_LOB", "UTL_SMTP") if s.mail_host else ("DBMS_LOB",):
        if not db.scalar(conn, Q_SYS_EXECUTE, object_name=package):
            missing.append(f"EXECUTE on SYS.{package}")
    space = db.rows(conn, Q_OWNER_SPACE)
    if space and not space[0][1]:
        missing.append(f"a quota on tablespace {space[0][0]} (its default tablespace; "
                       f"or `alter user {s.schema} quota unlimited on {space[0][0]}`)")
    missing += audit.missing_owner_grants(conn, s)
    if missing:
        problems.insert(0, missing_privileges_problem(missing))
    check_job_queue(conn, s, problems, notes)
    if directories.usable:
        problems += probe_files(conn, s, notes)
    if problems:
        raise PreflightFailed("owner", problems)
    return notes
