"""Install (= upgrade) and uninstall against a live connection: preflight, phases, history.

Phase ``admin`` runs as a DBA account (``--user``): it creates the owner schema when asked, the
directory object(s) and the owner's grants. Phase ``owner`` runs as the owner schema and creates
every other object. Both execute exactly the statements of :mod:`lsnrmine.render` (split by
:func:`lsnrmine.runner.split_script`), so ``--dry-run`` and ``lsnrmine render`` show what runs.

Around those statements the installer only runs the fixed queries below (module-level constants,
values always bound; object names only through :func:`identifiers.quote_identifier`): preflight
checks, the install-history rows, probes of the log files, the invalid-object check.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Sequence

from . import __version__, audit
from . import identifiers as ids
from .manifest import UPGRADE_STEPS, DbObject, UpgradeStep
from .render import JOB_PAUSE_MARKER, RenderedObject, render_objects, revoked_sys_grants
from .runner import ScriptError, execute_statements, mask, split_script
from .settings import Settings, owner_privileges, sys_object_grants
from .templates import environment, template_context

MIN_ORACLE_MAJOR = 19
OLD_VERSION_MISSES = (
    "ORACLE_LOADER's RECORDS DELIMITED BY DETECTED NEWLINE (LISTENER_LOG) and Premier/Extended Support"
)
OWNER_PASSWORD_DEFINE = "lsnrmine_owner_password"

# -- fixed statements (values are bind variables) -------------------------------------------------
Q_CURRENT_SCHEMA = "select sys_context('USERENV', 'CURRENT_SCHEMA') from dual"
Q_SESSION_PRIVS = "select privilege from session_privs"
Q_ADMIN_OPTION_PRIVS = "select privilege from user_sys_privs where admin_option = 'YES'"
Q_USER_EXISTS = "select count(*) from all_users where username = :user_name"
Q_DIRECTORY_PATH = "select directory_path from all_directories where directory_name = :dir_name"
# Directories appear in ALL_TAB_PRIVS with TABLE_NAME = directory name; only direct grants count
# (definer's-rights code ignores roles; oracle-notes section 1 and 5).
Q_DIRECTORY_READ = (
    "select count(*) from all_tab_privs "
    "where table_name = :dir_name and privilege = 'READ' and grantee in (user, 'PUBLIC')"
)
# Space for the owner's tables: a quota on its default tablespace or UNLIMITED TABLESPACE (SQL
# Language Reference, CREATE TABLE, Prerequisites; without it: ORA-01950 at the first INSERT).
Q_OWNER_SPACE = (
    "select u.default_tablespace, (select count(*) from user_ts_quotas q "
    "where q.tablespace_name = u.default_tablespace and (q.max_bytes = -1 or q.max_bytes > 0)) "
    "+ (select count(*) from session_privs where privilege = 'UNLIMITED TABLESPACE') from user_users u"
)
# EXECUTE on a SYS package usable by definer's-rights code: granted directly or to PUBLIC.
Q_SYS_EXECUTE = (
    "select count(*) from all_tab_privs where table_schema = 'SYS' and table_name = :object_name "
    "and privilege = 'EXECUTE' and grantee in (user, 'PUBLIC')"
)
# admin phase: the same questions about the owner, and whether this account may grant on SYS objects
Q_ADMIN_OWNER_SPACE = (
    "select (select count(*) from dba_ts_quotas q where q.username = u.username "
    "and q.tablespace_name = u.default_tablespace and (q.max_bytes = -1 or q.max_bytes > 0)) "
    "+ (select count(*) from dba_sys_privs p where p.grantee = u.username and p.privilege = 'UNLIMITED TABLESPACE') "
    "from dba_users u where u.username = :user_name"
)
Q_ADMIN_OWNER_EXECUTE = (
    "select count(*) from dba_tab_privs where owner = 'SYS' and table_name = :object_name "
    "and privilege = 'EXECUTE' and grantee in ('PUBLIC', :user_name)"
)
# The owner's default tablespace (R5: never SYSTEM/SYSAUX) and, when the owner is still to be
# created, the database default it will get (CREATE USER without DEFAULT TABLESPACE).
Q_ADMIN_OWNER_TABLESPACE = "select default_tablespace from dba_users where username = :user_name"
Q_DEFAULT_TABLESPACE = (
    "select property_value from database_properties where property_name = 'DEFAULT_PERMANENT_TABLESPACE'"
)
SYSTEM_TABLESPACES = ("SYSTEM", "SYSAUX")
# R3: the owner's grants on the SYS/AUDSYS objects lsnrmine grants, with who granted them
# (only the grantor, or SYS, can revoke a grant on a SYS object: ORA-01927 otherwise).
Q_OWNER_SYS_GRANTS = (
    "select owner, table_name, privilege, grantor from dba_tab_privs "
    "where grantee = :user_name and owner in ('SYS', 'AUDSYS') "
    "and table_name in ('DBMS_LOB', 'UTL_SMTP', 'DBMS_SYSTEM', 'DBA_AUDIT_TRAIL', 'UNIFIED_AUDIT_TRAIL') "
    "order by owner, table_name, privilege"
)
Q_SESSION_USER = "select sys_context('USERENV', 'SESSION_USER') from dual"
# WITH GRANT OPTION is granted to users only, never to roles: a direct row or nothing.
Q_GRANTABLE = (
    "select count(*) from all_tab_privs where table_schema = :schema_name and table_name = :object_name "
    "and privilege = :privilege and grantee = user and grantable = 'YES'"
)
# the loader log directory must be writable by the owner (ORACLE_LOADER writes its log there)
Q_DIRECTORY_WRITE = (
    "select count(*) from all_tab_privs "
    "where table_name = :dir_name and privilege = 'WRITE' and grantee in (user, 'PUBLIC')"
)
# DBMS_OUTPUT lines of the statements just run (what SQL*Plus shows with SERVEROUTPUT ON)
S_OUTPUT_ENABLE = "begin sys.dbms_output.enable(buffer_size => null); end;"
S_OUTPUT_LINE = "begin sys.dbms_output.get_line(line => :out_line, status => :out_status); end;"
Q_JOB_QUEUE_PROCESSES = "select value from v$parameter where name = 'job_queue_processes'"
Q_USER_OBJECTS = "select object_name, object_type, status from user_objects"
Q_INVALID_OBJECTS = (
    "select object_type, object_name from user_objects where status = 'INVALID' "
    "order by object_type, object_name"
)
Q_FIRST_ERROR = (
    "select line, text from user_errors where name = :object_name and attribute = 'ERROR' "
    "order by sequence fetch first 1 rows only"
)
# Reads the file through a BFILE (needs only READ on the directory): the database's own view of
# the path and the OS permissions (DBMS_LOB.FILEOPEN / GETLENGTH; ORA-22285 no such directory or
# file, ORA-22288 FILEOPEN failed with the OS error text: oracle-notes section 2).
S_PROBE_FILE = """declare
  l_file bfile := bfilename(:dir_name, :file_name);
begin
  sys.dbms_lob.fileopen(l_file, sys.dbms_lob.file_readonly);
  :file_len := sys.dbms_lob.getlength(l_file);
  sys.dbms_lob.fileclose(l_file);
end;"""
# Upgrade while jobs run (F7): CREATE OR REPLACE of a unit a running job executes waits on a library
# cache lock and fails with ORA-04021 after about 5 minutes. lsnrmine's enabled jobs are disabled
# first (FORCE: a running instance is not stopped, it finishes), the run waits a bounded time for
# running instances to end, and the jobs it disabled are enabled again after a complete run
# (PL/SQL Packages and Types Reference, DBMS_SCHEDULER.DISABLE / ENABLE; USER_SCHEDULER_RUNNING_JOBS).
# A failed run leaves the jobs it disabled disabled (their code may be half-replaced). Each job it
# disables carries JOB_PAUSE_MARKER at the start of its COMMENTS (DBMS_SCHEDULER.SET_ATTRIBUTE
# 'comments'), so the next run (Python or install.sql) knows which disabled jobs are lsnrmine's to
# enable again after it completes; a job a DBA disabled (no marker) stays disabled.
Q_JOBS = "select job_name, enabled, comments from user_scheduler_jobs"
Q_RUNNING_JOBS = "select job_name from user_scheduler_running_jobs"
S_DISABLE_JOB = "begin sys.dbms_scheduler.disable(name => :job_name, force => true); end;"
S_ENABLE_JOB = "begin sys.dbms_scheduler.enable(name => :job_name); end;"
S_JOB_COMMENTS = ("begin sys.dbms_scheduler.set_attribute(name => :job_name, attribute => 'comments', "
                  "value => :job_comments); end;")
JOB_WAIT_SECONDS = 180
# compile_all => false recompiles only invalid objects (PL/SQL Packages and Types Reference,
# DBMS_UTILITY.COMPILE_SCHEMA): dependants of a replaced package are invalid until next use.
S_RECOMPILE = "begin sys.dbms_utility.compile_schema(schema => user, compile_all => false); end;"


def _q(name: str) -> str:
    """A validated, double-quoted object name: the only way a name enters a statement."""
    return ids.quote_identifier(name)


def q_installed_version(history: str) -> str:
    return (
        f"select version from {_q(history)} where phase = 'owner' and status = 'complete' "
        "order by id desc fetch first 1 rows only"
    )


def s_history_start(history: str) -> str:
    return (
        f"insert into {_q(history)} (version, phase, status) values (:version, 'owner', 'running') "
        "returning id into :run_id"
    )


def s_history_end(history: str) -> str:
    return (
        f"update {_q(history)} set status = :status, finished_at = systimestamp, "
        "objects = :objects, message = :message where id = :run_id"
    )


def q_probe(name: str) -> str:
    return f"select 1 from {_q(name)} where rownum = 1"


# -- errors -------------------------------------------------------------------------------------
class PreflightFailed(Exception):
    """Nothing was created; ``problems`` lists every problem found (one line each, with the fix)."""

    def __init__(self, phase: str, problems: Sequence[str]) -> None:
        super().__init__(f"{phase} phase preflight failed: " + "; ".join(problems))
        self.phase = phase
        self.problems = list(problems)


class InstallFailed(Exception):
    """A run stopped half-way; ``done`` lists what was created or replaced before."""

    def __init__(self, phase: str, reason: str, done: Sequence[str], notes: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.phase = phase
        self.reason = reason
        self.done = list(done)
        self.notes = list(notes)


# ORA-29913 / ORA-29400 wrap EVERY access-driver error (syntax errors included): only these are
# file errors (KUP-04040 not found, KUP-04001 open failed, KUP-04027 file name check failed;
# ORA-22285 / ORA-22288 from a BFILE open). Every other error is reported with Oracle's KUP lines.
_FILE_ERRORS = re.compile(r"KUP-04040|KUP-04001|KUP-04027|ORA-22288|ORA-22285")
_NO_GRANT_ERRORS = re.compile(r"ORA-22286|KUP-04080|ORA-29289")
_DRIVER_LINE = re.compile(r"^\s*((?:KUP|ORA)-\d{5}.*)$", re.MULTILINE)
_WRAPPERS = ("ORA-29913", "ORA-29400", "ORA-06512")
_OS_ERROR_AFTER_22288 = re.compile(r"ORA-22288[^\n]*\n\s*((?!(?:ORA|KUP)-\d)[^\n]+)")
SYMLINK_HINT = ("since 18c a directory object's path must not contain a symbolic link "
                "(ORA-22288 \"soft link in path\"): give log_dir as the real path")


def location_fix(settings: Settings) -> str:
    """How a LOCATION file that is gone leaves LISTENER_LOG (A5)."""
    return (f"if the file is gone (a rotated segment deleted), `exec {settings.object_name('LOG_LOCATION_PKG')}.refresh` "
            f"as {settings.schema} keeps LISTENER_LOG to the files that exist (the ingest job does it at every run)")


def driver_lines(text: str) -> list[str]:
    """Oracle's own error lines without the ORA-29913/ORA-29400/ORA-06512 wrappers, in order."""
    lines = [m.group(1).strip() for m in _DRIVER_LINE.finditer(str(text))]
    inner = [line for line in lines if not line.startswith(_WRAPPERS)]
    return list(dict.fromkeys(inner or lines))


def translate_read_error(text: str, settings: Settings, file_name: Optional[str] = None) -> Optional[str]:
    """Oracle's error when reading the log, as the one fix the DBA needs; None if unrelated.

    A file error names the path (and the symbolic-link rule for ORA-22288) and keeps Oracle's
    lines; any other access-driver error (ORA-29913/ORA-29400 around a KUP-xxxxx) is reported as
    the KUP lines the database gave, never as a file problem."""
    if _NO_GRANT_ERRORS.search(text):
        return (f"{settings.schema} has no READ on directory {settings.directory}: "
                "run `lsnrmine install --phase admin` as a DBA (grants READ)")
    lines = driver_lines(text)
    os_error = _OS_ERROR_AFTER_22288.search(text)
    if os_error:  # ORA-22288 puts the operating system's reason on the next line
        lines.append(os_error.group(1).strip())
    if not _FILE_ERRORS.search(text):
        if "ORA-29913" in text or "ORA-29400" in text:
            message = "the ORACLE_LOADER access driver failed: " + " | ".join(lines)
            if re.search(r"KUP-0(?:0554|1005|1007)", text):  # the access parameters did not parse
                message += (f"; the access parameters of {settings.object_name('LISTENER_LOG_EXT')} (the external "
                            "table under LISTENER_LOG) were refused: see docs/oracle-facts.md, 'Install hardening'")
            return message
        return None
    if file_name is None:
        named = [f for f in settings.log_files if f in text]
        file_name = named[0] if named else ",".join(settings.log_files)
    sep = "\\" if "\\" in settings.log_dir and "/" not in settings.log_dir else "/"
    path = settings.log_dir.rstrip("/\\") + sep + file_name
    message = f"the database cannot read {path}: check the path and the OS permissions of the oracle user"
    if "ORA-22288" in text and re.search(r"soft link|symbolic link", text, re.IGNORECASE):
        message += f"; {SYMLINK_HINT}"
    if "KUP-04040" in text:  # A5: a LOCATION file that is gone (a rotated segment deleted)
        message += f"; {location_fix(settings)}"
    return f"{message} (Oracle: {' | '.join(lines)})" if lines else message


def _error_text(exc: BaseException) -> str:
    detail = getattr(exc, "detail", "")
    return detail or str(exc)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


# -- small DB-API helpers ----------------------------------------------------------------------
def _rows(conn: Any, sql: str, **binds: Any) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(sql, binds) if binds else cursor.execute(sql)
        return list(cursor.fetchall())


def _scalar(conn: Any, sql: str, **binds: Any) -> Any:
    rows = _rows(conn, sql, **binds)
    return rows[0][0] if rows else None


def server_major_version(conn: Any) -> int:
    """Major release from python-oracledb's ``Connection.version`` (e.g. '19.3.0.0.0' -> 19)."""
    version = str(getattr(conn, "version", "") or "0")
    try:
        return int(version.split(".", 1)[0])
    except ValueError:
        return 0


def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in str(version).split("."):
        digits = re.match(r"\d+", piece)
        parts.append(int(digits.group(0)) if digits else 0)
    return tuple(parts)


def plan_upgrade_steps(
    steps: Iterable[UpgradeStep],
    installed_version: Optional[str],
    preexisting_tables: Iterable[str],
    current_version: str = __version__,
) -> list[UpgradeStep]:
    """Which versioned ALTER steps a run applies, in list order.

    A step applies to a table that existed before this run when the installed version (last
    complete run) is older than the step and the step is not newer than this lsnrmine. With no
    complete run recorded there is nothing to upgrade: every table was created by this version's
    templates (INSTALL_HISTORY is created right after SETTINGS and kept with the data tables)."""
    if installed_version is None:
        return []
    installed = version_tuple(installed_version)
    current = version_tuple(current_version)
    existing = set(preexisting_tables)
    return [s for s in steps if s.table in existing and installed < version_tuple(s.version) <= current]


def render_step(step: UpgradeStep, settings: Settings) -> str:
    return environment().from_string(step.statement).render(**template_context(settings)).strip()


def _check_job_queue(conn: Any, settings: Settings, problems: list[str], notes: list[str]) -> None:
    if not settings.jobs_enabled:
        return
    try:
        value = _scalar(conn, Q_JOB_QUEUE_PROCESSES)
    except Exception as exc:  # ORA-00942 without SELECT on V$PARAMETER: cannot tell
        notes.append(f"could not read job_queue_processes ({_first_line(str(exc))}); make sure it is > 0")
        return
    if value is not None and str(value).strip() == "0":
        problems.append("job_queue_processes is 0, so scheduler jobs never run: "
                        "`alter system set job_queue_processes = 20` (or set jobs_enabled = false)")


def _check_version(conn: Any, problems: list[str]) -> None:
    major = server_major_version(conn)
    if major < MIN_ORACLE_MAJOR:
        problems.append(
            f"Oracle {getattr(conn, 'version', '?')} is not supported: lsnrmine needs {MIN_ORACLE_MAJOR}c or later; "
            f"older releases miss {OLD_VERSION_MISSES}"
        )


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
                      or f"cannot read {file_name} through directory {settings.directory}: {_first_line(text)}")


def probe_files(conn: Any, settings: Settings) -> list[str]:
    """One problem per log file the database cannot open (BFILE, nothing created)."""
    problems = []
    for file_name in settings.log_files:
        problem = probe_file(conn, settings, file_name)[1]
        if problem:
            problems.append(problem)
    return problems


def revoker(owner: str, grantor: str) -> str:
    """Who can revoke a grant on a SYS/AUDSYS object: its grantor; a grant recorded with the object
    owner as grantor (made by the owner or through GRANT ANY OBJECT PRIVILEGE) also SYS."""
    return "SYS" if grantor in ("SYS", owner) else grantor


def system_tablespace_problem(schema: str, tablespace: str) -> str:
    return (f"the default tablespace of {schema} is {tablespace}: lsnrmine never puts its tables (or a quota) "
            f"there; set a default tablespace for {schema} (ALTER USER {schema} DEFAULT TABLESPACE <tablespace>) "
            "or for the database (ALTER DATABASE DEFAULT TABLESPACE <tablespace>)")


def directory_conflict(directory: str, current: str, path: str) -> str:
    return (f"directory {directory} exists and points at {current}, not {path}: lsnrmine never repoints a "
            "directory object it may not own; choose another name (setting directory), or give --force "
            "to repoint it (and let uninstall drop it)")


# -- the orchestrator --------------------------------------------------------------------------
@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Installer:
    """Runs one phase at a time on a DB-API connection; ``out`` receives progress lines."""

    def __init__(
        self,
        settings: Settings,
        *,
        out: Callable[[str], None] = print,
        steps: Sequence[UpgradeStep] = UPGRADE_STEPS,
        version: str = __version__,
        force: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.force = force
        self.clock = clock
        self.sleep = sleep
        self.out = out
        self.steps = steps
        self.version = version

    # -- admin phase ----------------------------------------------------------------------------
    def preflight_admin(self, conn: Any) -> tuple[list[str], bool]:
        """(notes, owner_exists); raises PreflightFailed listing every problem."""
        s = self.settings
        problems: list[str] = []
        notes: list[str] = []
        _check_version(conn, problems)
        privs = {row[0] for row in _rows(conn, Q_SESSION_PRIVS)}
        missing = []
        if "CREATE ANY DIRECTORY" not in privs:
            missing.append("CREATE ANY DIRECTORY")
        if "GRANT ANY PRIVILEGE" not in privs:
            with_admin = {row[0] for row in _rows(conn, Q_ADMIN_OPTION_PRIVS)}
            missing += [f"{p} WITH ADMIN OPTION (or GRANT ANY PRIVILEGE)" for p in owner_privileges(s) if p not in with_admin]
        owner_exists = bool(_scalar(conn, Q_USER_EXISTS, user_name=s.schema))
        if s.create_schema and not owner_exists and "CREATE USER" not in privs:
            missing.append("CREATE USER")
        if s.alert_log:  # the KSDWRT wrapper: a schema-only account and a procedure in it
            missing += [f"{p} (alert_log: the wrapper {s.alert_log_schema}.WRITE_ALERT_LOG)"
                        for p in ("CREATE USER", "CREATE ANY PROCEDURE")
                        if p not in privs and not (p == "CREATE USER" and "CREATE USER" in missing)]
        # the owner grants give a quota on the owner's default tablespace when it has none
        if "ALTER USER" not in privs and (not owner_exists or not _scalar(conn, Q_ADMIN_OWNER_SPACE, user_name=s.schema)):
            missing.append(f"ALTER USER (gives {s.schema} a quota on its default tablespace)")
        if missing:
            problems.append(f"the admin account lacks: {', '.join(missing)}; connect as a DBA (e.g. SYSTEM) with --user")
        if not s.create_schema and not owner_exists:
            problems.append(f"user {s.schema} does not exist: create it, or set create_schema = true "
                            "(LSNRMINE_CREATE_SCHEMA=true) to let lsnrmine create it")
        if s.create_schema and owner_exists:
            notes.append(f"user {s.schema} exists: not created again")
        tablespace = (_scalar(conn, Q_ADMIN_OWNER_TABLESPACE, user_name=s.schema) if owner_exists
                      else _scalar(conn, Q_DEFAULT_TABLESPACE) if s.create_schema else None)
        if tablespace is not None and str(tablespace).upper() in SYSTEM_TABLESPACES:
            problems.append(system_tablespace_problem(s.schema, str(tablespace)))
        problems += self._sys_grant_problems(conn)
        for directory, path in ((s.directory, s.log_dir), (s.loader_log_directory, s.loader_log_dir)):
            if directory is None:
                continue
            current = _scalar(conn, Q_DIRECTORY_PATH, dir_name=directory)
            if current is not None and current != path:
                if self.force:
                    notes.append(f"directory {directory} points at {current}; --force: install repoints it to {path}")
                else:
                    problems.append(directory_conflict(directory, current, path))
        _check_job_queue(conn, s, problems, notes)
        notes += audit.admin_notes(conn, s)
        if problems:
            raise PreflightFailed("admin", problems)
        return notes, owner_exists

    def sys_grants(self, conn: Any) -> list[tuple[str, str, str, str]]:
        """(schema, object, privilege, why) for every grant on a SYS/AUDSYS object the admin phase
        will make: DBMS_LOB and UTL_SMTP only where neither PUBLIC nor the owner has EXECUTE (the
        same guard as admin/owner_grants.sql and admin/mail_acl.sql), the audit trails always."""
        s = self.settings
        grants = []
        whys = {"UTL_SMTP": "mail_host is set", "DBMS_SYSTEM": f"alert_log is on; to {s.alert_log_schema}",
                "UNIFIED_AUDIT_TRAIL": f"audit_mode = {s.audit_mode}", "DBA_AUDIT_TRAIL": f"audit_mode = {s.audit_mode}"}
        for schema, name, privilege in sys_object_grants(s):
            if name in ("DBMS_LOB", "UTL_SMTP"):
                if _scalar(conn, Q_ADMIN_OWNER_EXECUTE, object_name=name, user_name=s.schema):
                    continue
                why = (f"{whys[name]}; " if name in whys else "") + "PUBLIC has no EXECUTE on it here"
            else:
                why = whys[name]
            grants.append((schema, name, privilege, why))
        return grants

    def _sys_grant_problems(self, conn: Any) -> list[str]:
        """Only SYS, or an account holding the privilege WITH GRANT OPTION, may grant on a SYS
        object: GRANT ANY OBJECT PRIVILEGE (SYSTEM's, through the DBA role) does not reach SYS's
        objects under dictionary protection (docs/oracle-facts.md, "Install hardening")."""
        grants = self.sys_grants(conn)
        if not grants or _scalar(conn, Q_SESSION_USER) == "SYS":
            return []
        problems = []
        for schema, name, privilege, why in grants:
            if not _scalar(conn, Q_GRANTABLE, schema_name=schema, object_name=name, privilege=privilege):
                problems.append(
                    f"the admin phase grants {privilege} on {schema}.{name} ({why}), which only SYS or an account "
                    f"holding it WITH GRANT OPTION can grant: run the admin phase as SYS (--user SYS --sysdba), "
                    f"or have SYS run `grant {privilege.lower()} on {schema.lower()}.{name.lower()} to <this account> "
                    "with grant option`")
        return problems

    def install_admin(self, conn: Any, owner_password: Optional[str] = None) -> Report:
        s = self.settings
        notes, owner_exists = self.preflight_admin(conn)
        for note in notes:
            self.out(f"note: {note}")
        report = Report(notes=notes)
        substitutions = {OWNER_PASSWORD_DEFINE: owner_password} if owner_password else None
        secrets = [owner_password] if owner_password else []
        self._enable_output(conn)
        for item in render_objects(s, "admin", force=self.force):
            kind = item.obj.object_type
            if kind == "USER" and owner_exists:
                continue
            if kind == "USER" and not owner_password:
                raise InstallFailed("admin", f"creating user {item.name} needs the owner password "
                                    "(LSNRMINE_OWNER_PASSWORD or a prompt)", report.lines)
            try:
                execute_statements(conn, split_script(item.deploy), label=f"{kind.lower()} {item.name}",
                                   substitutions=substitutions)
            except ScriptError as exc:
                raise InstallFailed("admin", mask(str(exc), secrets), report.lines) from None
            self._print_output(conn)
            report.lines.append(self._done_line("admin", item))
            self.out(report.lines[-1])
            if item.obj.logical == "DIRECTORY":
                self._check_directory_after_admin(conn, report)
        return report

    @staticmethod
    def _enable_output(conn: Any) -> None:
        try:
            with conn.cursor() as cursor:
                cursor.execute(S_OUTPUT_ENABLE)
        except Exception:  # the messages are information; the statements still run
            pass

    def _print_output(self, conn: Any) -> None:
        """The DBMS_OUTPUT lines of the statements just run (e.g. a setting replaced, a quota given)."""
        for _ in range(1000):
            try:
                with conn.cursor() as cursor:
                    line, status = cursor.var(str), cursor.var(int)
                    cursor.execute(S_OUTPUT_LINE, out_line=line, out_status=status)
            except Exception:  # information only
                return
            if status.getvalue() != 0:
                return
            self.out(f"note: {str(line.getvalue() or '').removeprefix('lsnrmine: ')}")

    def _check_directory_after_admin(self, conn: Any, report: Report) -> None:
        s = self.settings
        path = _scalar(conn, Q_DIRECTORY_PATH, dir_name=s.directory)
        if path != s.log_dir:
            raise InstallFailed("admin", f"directory {s.directory} points at {path}, not {s.log_dir}", report.lines)
        # The DBA account that created the directory can read through it: probe the files now,
        # before the owner phase (ORA-22286 = this account has no READ: left to the owner phase).
        problems = [p for p in probe_files(conn, s) if "has no READ on directory" not in p]
        if problems:
            raise InstallFailed("admin", "; ".join(problems), report.lines)

    @staticmethod
    def _done_line(phase: str, item: RenderedObject, existed: Optional[bool] = None) -> str:
        kind = item.obj.object_type
        if kind == "GRANT":
            return f"granted privileges to {item.name}"
        verb = "created" if existed is None else ("replaced" if existed else "created")
        if kind == "TABLE" and existed:
            verb = "kept"  # tables are created only if missing
        return f"{verb} {kind} {item.name}"

    # -- owner phase ----------------------------------------------------------------------------
    def preflight_owner(self, conn: Any) -> list[str]:
        """Notes; raises PreflightFailed listing every problem (nothing is created before)."""
        s = self.settings
        problems: list[str] = []
        notes: list[str] = []
        _check_version(conn, problems)
        schema = _scalar(conn, Q_SESSION_USER)
        if schema != s.schema:
            raise PreflightFailed("owner", [f"connected as {schema}, not the owner {s.schema}: "
                                            f"the owner phase connects as {s.schema} (LSNRMINE_OWNER_PASSWORD)"])
        privs = {row[0] for row in _rows(conn, Q_SESSION_PRIVS)}
        missing = [p for p in owner_privileges(s) if p not in privs]
        for package in ("DBMS_LOB", "UTL_SMTP") if s.mail_host else ("DBMS_LOB",):
            if not _scalar(conn, Q_SYS_EXECUTE, object_name=package):
                missing.append(f"EXECUTE on SYS.{package}")
        space = _rows(conn, Q_OWNER_SPACE)
        if space and not space[0][1]:
            missing.append(f"a quota on tablespace {space[0][0]} (its default tablespace; "
                           f"or `alter user {s.schema} quota unlimited on {space[0][0]}`)")
        directory_ok = True
        for directory, path in ((s.directory, s.log_dir), (s.loader_log_directory, s.loader_log_dir)):
            if directory is None:
                continue
            if not _scalar(conn, Q_DIRECTORY_READ, dir_name=directory):
                missing.append(f"READ on directory {directory}")
                directory_ok = False
                continue
            if directory == s.loader_log_directory and not _scalar(conn, Q_DIRECTORY_WRITE, dir_name=directory):
                missing.append(f"WRITE on directory {directory} (ORACLE_LOADER writes its log files there)")
            current = _scalar(conn, Q_DIRECTORY_PATH, dir_name=directory)
            if current is None:
                problems.append(f"directory {directory} does not exist: run `lsnrmine install --phase admin` as a DBA")
                directory_ok = False
            elif current != path:
                problems.append(f"directory {directory} points at {current}, the settings say {path}: "
                                "run `lsnrmine install --phase admin` again, or fix log_dir")
                directory_ok = False
        missing += audit.missing_owner_grants(conn, s)
        if missing:
            problems.insert(0, f"missing privileges: {', '.join(missing)}; "
                               "run `lsnrmine install --phase admin` (or install_admin.sql) as a DBA first")
        _check_job_queue(conn, s, problems, notes)
        if directory_ok:
            problems += probe_files(conn, s)
        if problems:
            raise PreflightFailed("owner", problems)
        return notes

    def install_owner(self, conn: Any) -> Report:
        s = self.settings
        notes = self.preflight_owner(conn)
        for note in notes:
            self.out(f"note: {note}")
        report = Report(notes=notes)
        items = render_objects(s, "owner")
        existing = {(row[0], row[1]) for row in _rows(conn, Q_USER_OBJECTS)}
        history = next((i for i in items if i.obj.logical == "INSTALL_HISTORY"), None)
        installed_version = None
        if history is not None and (history.name, "TABLE") in existing:
            installed_version = _scalar(conn, q_installed_version(history.name))
        preexisting_tables = {i.obj.logical for i in items if i.obj.object_type == "TABLE" and (i.name, "TABLE") in existing}
        steps = plan_upgrade_steps(self.steps, installed_version, preexisting_tables, self.version)
        if installed_version:
            self.out(f"upgrading from lsnrmine {installed_version} to {self.version}"
                     if version_tuple(installed_version) < version_tuple(self.version)
                     else f"reinstalling lsnrmine {self.version} over {installed_version}")
        run_id: Optional[int] = None
        current = "preflight"
        paused = self._pause_jobs(conn, items)
        self._enable_output(conn)
        try:
            for item in items:
                current = f"{item.obj.object_type.lower()} {item.name}"
                existed = (item.name, item.obj.object_type) in existing
                execute_statements(conn, split_script(item.deploy), label=current)
                self._print_output(conn)
                report.lines.append(self._done_line("owner", item, existed))
                self.out(report.lines[-1])
                if item is history:
                    run_id = self._history_start(conn, item.name)
                for step in (st for st in steps if st.table == item.obj.logical):
                    current = f"upgrade step {step.version} of {item.name}"
                    execute_statements(conn, [render_step(step, s)], label=current)
                    report.lines.append(f"altered TABLE {item.name} (step {step.version})")
                    self.out(report.lines[-1])
                if item.obj.logical in ("LISTENER_LOG", "LISTENER_LOG_LINES"):
                    current = f"reading {item.name}"
                    self._probe_object(conn, item.name)
            current = "invalid-object check"
            self._check_invalid(conn)
        except (ScriptError, _ProbeError, _InvalidObjects) as exc:
            translated = translate_read_error(_error_text(exc), s) if isinstance(exc, ScriptError) else None
            if translated:
                reason = f"{current}: {translated}"
            elif isinstance(exc, ScriptError):
                reason = str(exc)  # already "<object>: <Oracle's first line> (statement: ...)"
            else:
                reason = f"{current}: {exc}"
            failed = InstallFailed("owner", reason, report.lines, notes)
            if paused:
                failed.notes.append(f"job(s) {', '.join(paused)} left disabled, marked '{JOB_PAUSE_MARKER.strip()}' in "
                                    "their COMMENTS: the next install that completes enables them again")
            if run_id is not None:
                self._history_end(conn, history.name, run_id, "incomplete", report.lines, failed.reason, failed.notes)
            else:
                failed.notes.append("no install-history row was written (the run stopped before its table existed)")
            raise failed from None
        for job, comments in paused.items():
            self._resume_job(conn, job, comments)
            report.lines.append(f"enabled JOB {job} again")
            self.out(report.lines[-1])
        if run_id is not None:
            self._history_end(conn, history.name, run_id, "complete", report.lines, None, report.notes)
        return report

    def _pause_jobs(self, conn: Any, items: Sequence[RenderedObject]) -> dict[str, str]:
        """Disable lsnrmine's enabled jobs and wait (bounded) until none of them runs. Returns job ->
        its comments without the marker, for every job to enable after a complete run: the ones
        disabled now, and the ones an earlier run disabled and left (JOB_PAUSE_MARKER in COMMENTS).
        Raises InstallFailed (the jobs disabled now enabled again) when one still runs after
        JOB_WAIT_SECONDS."""
        ours = {i.name for i in items if i.obj.object_type == "JOB"}
        if not ours:
            return {}
        paused: dict[str, str] = {}
        disabled_now: list[str] = []
        for name, enabled, comments in _rows(conn, Q_JOBS):
            if name not in ours:
                continue
            job, text = str(name), str(comments or "")
            marked = text.startswith(JOB_PAUSE_MARKER)
            original = text[len(JOB_PAUSE_MARKER):] if marked else text
            if str(enabled).upper() == "TRUE":
                with conn.cursor() as cursor:
                    cursor.execute(S_DISABLE_JOB, job_name=job)
                disabled_now.append(job)
                paused[job] = original
                if not marked:
                    self._set_job_comments(conn, job, (JOB_PAUSE_MARKER + original)[:240], disabled_now)
                self.out(f"disabled JOB {job} while its code is replaced")
            elif marked:
                paused[job] = original
                self.out(f"JOB {job} was left disabled by an install that did not complete: "
                         "enabled again when this one completes")
        deadline = self.clock() + JOB_WAIT_SECONDS
        while True:
            running = sorted(str(r[0]) for r in _rows(conn, Q_RUNNING_JOBS) if r[0] in ours)
            if not running:
                return paused
            if self.clock() >= deadline:
                break
            self.out(f"waiting for running job(s) {', '.join(running)} to finish (at most {JOB_WAIT_SECONDS} s)")
            self.sleep(5)
        for job in disabled_now:
            self._resume_job(conn, job, paused[job])
        raise InstallFailed("owner", f"job(s) {', '.join(running)} still running after {JOB_WAIT_SECONDS} s: nothing was "
                            "replaced (replacing code a job runs waits, then fails with ORA-04021); install again "
                            "when it has finished, or stop it with `exec sys.dbms_scheduler.stop_job('<job>')`", [])

    def _set_job_comments(self, conn: Any, job: str, comments: str, disabled_now: Sequence[str]) -> None:
        """Mark a job just disabled; if that fails, enable the jobs disabled so far and stop."""
        try:
            with conn.cursor() as cursor:
                cursor.execute(S_JOB_COMMENTS, job_name=job, job_comments=comments)
        except Exception as exc:
            for other in disabled_now:
                with conn.cursor() as cursor:
                    cursor.execute(S_ENABLE_JOB, job_name=other)
            raise InstallFailed("owner", f"could not mark JOB {job} as paused ({_first_line(str(exc))}): its jobs "
                                "were enabled again and nothing was replaced", []) from None

    @staticmethod
    def _resume_job(conn: Any, job: str, comments: str) -> None:
        """Enable first, then remove the marker: a failed enable keeps the job marked for the next run."""
        with conn.cursor() as cursor:
            cursor.execute(S_ENABLE_JOB, job_name=job)
        with conn.cursor() as cursor:
            cursor.execute(S_JOB_COMMENTS, job_name=job, job_comments=comments)

    def _history_start(self, conn: Any, history: str) -> Optional[int]:
        with conn.cursor() as cursor:
            run_id = cursor.var(int)
            cursor.execute(s_history_start(history), version=self.version, run_id=run_id)
            value = run_id.getvalue()
        conn.commit()
        if isinstance(value, list):  # DML RETURNING gives a list per row (python-oracledb)
            value = value[0] if value else None
        return value

    def _history_end(self, conn: Any, history: str, run_id: int, status: str, lines: Sequence[str],
                     message: Optional[str], notes: list[str]) -> None:
        try:
            with conn.cursor() as cursor:
                cursor.execute(s_history_end(history), status=status, objects="\n".join(lines),
                               message=(message or None) and message[:4000], run_id=run_id)
            conn.commit()
        except Exception as exc:  # the run's own error matters more; say the row is stale
            notes.append(f"could not record '{status}' in {history} (row {run_id}): {_first_line(str(exc))}")

    def _probe_object(self, conn: Any, name: str) -> None:
        try:
            _rows(conn, q_probe(name))
        except Exception as exc:
            text = str(exc)
            raise _ProbeError(translate_read_error(text, self.settings) or f"select from {name} failed: {_first_line(text)}",
                              text) from None

    def _check_invalid(self, conn: Any) -> None:
        try:
            with conn.cursor() as cursor:
                cursor.execute(S_RECOMPILE)
        except Exception as exc:  # ORA-20000 etc.: the check below names what is still invalid
            self.out(f"note: recompiling invalid objects failed: {_first_line(str(exc))}")
        invalid = _rows(conn, Q_INVALID_OBJECTS)
        if invalid:
            details = []
            for object_type, object_name in invalid:
                first = _rows(conn, Q_FIRST_ERROR, object_name=object_name)
                detail = f" (line {first[0][0]}: {str(first[0][1]).strip()})" if first else ""
                details.append(f"{object_type} {object_name}{detail}")
            raise _InvalidObjects("invalid objects after install: " + "; ".join(details))

    # -- uninstall ------------------------------------------------------------------------------
    def uninstall_order(self, phase: str, keep_data: bool) -> list[tuple[RenderedObject, Optional[str]]]:
        """(object, reason it is kept or None) in drop order: jobs first, then reverse manifest order."""
        items = list(reversed(render_objects(self.settings, phase, force=self.force)))
        items.sort(key=lambda i: 0 if i.obj.object_type == "JOB" else 1)  # stable: keeps reverse order
        plan = []
        for item in items:
            if item.revert is None:
                plan.append((item, "lsnrmine never drops it"))
            elif keep_data and item.obj.holds_data:
                plan.append((item, "--keep-data"))
            else:
                plan.append((item, None))
        return plan

    def uninstall(self, conn: Any, phase: str, keep_data: bool) -> Report:
        s = self.settings
        if phase == "owner":
            schema = _scalar(conn, Q_SESSION_USER)
            if schema != s.schema:
                raise PreflightFailed("owner", [f"connected as {schema}, not the owner {s.schema}: "
                                                "uninstall drops only in the owner schema"])
        else:
            self.preflight_uninstall_admin(conn)
        report = Report()
        for item, kept in self.uninstall_order(phase, keep_data):
            label = f"{item.obj.object_type} {item.name}"
            if kept:
                report.lines.append(f"kept {label} ({kept})")
                self.out(report.lines[-1])
                continue
            existed = self._exists(conn, item)
            try:
                execute_statements(conn, split_script(item.revert or ""), label=f"drop {label}")
            except ScriptError as exc:
                raise InstallFailed(phase, str(exc), report.lines) from None
            if item.obj.object_type == "GRANT":
                report.lines.append(f"revoked privileges from {item.name}")
            else:
                report.lines.append(f"dropped {label}" if existed else f"absent {label} (nothing to drop)")
            self.out(report.lines[-1])
        if phase == "admin":
            left = self.sys_grants_left(conn)
            if left:
                raise InstallFailed("admin", "uninstall could not revoke: " + "; ".join(left), report.lines)
        return report

    def _sys_grants_held(self, conn: Any) -> list[tuple[str, str, str, str]]:
        """(schema, object, privilege, grantor) the owner holds among the SYS/AUDSYS grants this
        uninstall revokes (settings-dependent, like the rendered revokes)."""
        ours = set(revoked_sys_grants(self.settings))
        rows = _rows(conn, Q_OWNER_SYS_GRANTS, user_name=self.settings.schema)
        return [(str(o), str(n), str(p), str(g)) for o, n, p, g in rows if (o, n, p) in ours]

    def preflight_uninstall_admin(self, conn: Any) -> None:
        """The admin uninstall revokes grants on SYS/AUDSYS objects. An object privilege is revoked by
        its grantor, or (GRANT ANY OBJECT PRIVILEGE) a grant the object owner made; for SYS's objects
        dictionary protection leaves only SYS. A grant this account cannot revoke (ORA-01927, which
        the revoke blocks tolerate) refuses the run before anything is dropped."""
        me = str(_scalar(conn, Q_SESSION_USER))
        problems = []
        for owner, name, privilege, grantor in self._sys_grants_held(conn):
            who = revoker(owner, grantor)
            if who != me:
                how = "SYS (--user SYS --sysdba)" if who == "SYS" else who
                problems.append(f"{self.settings.schema} holds {privilege} on {owner}.{name} granted by {grantor}, "
                                f"which only {who} can revoke: run the admin uninstall as {how}, or have {who} run "
                                f"`revoke {privilege.lower()} on {owner.lower()}.{name.lower()} from {self.settings.schema}`")
        if problems:
            raise PreflightFailed("admin", problems)

    def sys_grants_left(self, conn: Any) -> list[str]:
        """After the revokes: one line per grant the owner still holds, naming who must revoke it."""
        return [f"{self.settings.schema} still holds {p} on {o}.{n} (granted by {g}): {revoker(o, g)} must run "
                f"`revoke {p.lower()} on {o.lower()}.{n.lower()} from {self.settings.schema}`"
                for o, n, p, g in self._sys_grants_held(conn)]

    def _exists(self, conn: Any, item: RenderedObject) -> bool:
        try:
            return bool(_rows(conn, item.obj.verify, name=item.name, type=item.obj.object_type))
        except Exception:  # existence only decides the wording of the report line
            return True


class _ProbeError(Exception):
    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


class _InvalidObjects(Exception):
    pass


# -- dry run --------------------------------------------------------------------------------------
def dry_run_install(settings: Settings, phase: str, steps: Sequence[UpgradeStep] = UPGRADE_STEPS,
                    *, force: bool = False) -> str:
    """The statements ``install`` executes, in order, each ended by a ``/`` line."""
    phases = ("admin", "owner") if phase == "all" else (phase,)
    out = [f"-- lsnrmine {__version__} install --dry-run: statements only; preflight queries, install-history "
           "rows, read probes and the invalid-object check are not shown; before the owner phase replaces "
           "code, lsnrmine's enabled jobs are disabled (DBMS_SCHEDULER.DISABLE, force), running ones are "
           f"awaited for at most {JOB_WAIT_SECONDS} s, and they are enabled again after a complete run (until then "
           f"their COMMENTS start with '{JOB_PAUSE_MARKER.strip()}', so a later run enables them if this one stops)"]
    for phase_name in phases:
        items = render_objects(settings, phase_name, force=force)
        who = "the --user account (a DBA)" if phase_name == "admin" else f"the owner {settings.schema}"
        out.append(f"-- ===== phase {phase_name}: connected as {who} =====")
        for index, item in enumerate(items, start=1):
            note = f" (skipped when user {item.name} exists)" if item.obj.object_type == "USER" else ""
            out.append(f"-- [{phase_name} {index}/{len(items)}] {item.obj.object_type.lower()} {item.name}{note}")
            for statement in split_script(item.deploy):
                out.append(statement)
                out.append("/")
            for step in (st for st in steps if st.table == item.obj.logical):
                out.append(f"-- only if {item.name} existed and the installed version is older than {step.version}:")
                out.append(render_step(step, settings))
                out.append("/")
    return "\n".join(out) + "\n"


def dry_run_uninstall(settings: Settings, phase: str, keep_data: bool, *, force: bool = False) -> str:
    phases = ("owner", "admin") if phase == "all" else (phase,)
    installer = Installer(settings, out=lambda _line: None, force=force)
    out = [f"-- lsnrmine {__version__} uninstall --dry-run: drops only what the manifest owns"]
    for phase_name in phases:
        who = "the --user account (a DBA)" if phase_name == "admin" else f"the owner {settings.schema}"
        out.append(f"-- ===== phase {phase_name}: connected as {who} =====")
        for item, kept in installer.uninstall_order(phase_name, keep_data):
            label = f"{item.obj.object_type.lower()} {item.name}"
            if kept:
                out.append(f"-- kept {label} ({kept})")
                continue
            out.append(f"-- drop {label}")
            for statement in split_script(item.revert or ""):
                out.append(statement)
                out.append("/")
        if phase_name == "admin":
            held = ", ".join(f"{p} on {o}.{n}" for o, n, p in revoked_sys_grants(settings))
            out.append(f"-- before: refused when the owner holds a grant this account cannot revoke; after: fails "
                       f"naming any of {held} the owner still holds and who must revoke it (uninstall_admin.sql "
                       "ends with the same check)")
    return "\n".join(out) + "\n"


def applicable_objects(settings: Settings, phase: Optional[str] = None) -> list[DbObject]:
    return [i.obj for i in render_objects(settings, phase)]
