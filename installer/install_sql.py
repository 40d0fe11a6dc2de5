"""The fixed statements install and verify run around the rendered scripts.

Values are always bind variables; an object name enters a statement only through
:func:`identifiers.quote_identifier` (the ``q_``/``s_`` builders below).
"""

from __future__ import annotations

from .identifiers import quote_identifier

Q_CURRENT_SCHEMA = "select sys_context('USERENV', 'CURRENT_SCHEMA') from dual"
Q_SESSION_PRIVS = "select privilege from session_privs"
Q_ADMIN_OPTION_PRIVS = "select privilege from user_sys_privs where admin_option = 'YES'"
Q_USER_EXISTS = "select count(*) from all_users where username = :user_name"
Q_DIRECTORY_PATH = "select directory_path from all_directories where directory_name = :dir_name"
# The instance this session runs on (USERENV INSTANCE: the instance identification number; 1 on a
# single instance): node-local log sources pinned to another instance are not probed from here.
Q_INSTANCE_NUMBER = "select sys_context('USERENV', 'INSTANCE') from dual"
# Directories appear in ALL_TAB_PRIVS with TABLE_NAME = directory name; only direct grants count
# (definer's-rights code ignores roles).
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
# file, ORA-22288 FILEOPEN failed with the OS error text: docs/oracle-facts.md, "BFILE reading").
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
# compile_all => false recompiles only invalid objects (PL/SQL Packages and Types Reference,
# DBMS_UTILITY.COMPILE_SCHEMA): dependants of a replaced package are invalid until next use.
S_RECOMPILE = "begin sys.dbms_utility.compile_schema(schema => user, compile_all => false); end;"


def q_installed_version(history: str) -> str:
    return (
        f"select version from {quote_identifier(history)} where phase = 'owner' and status = 'complete' "
        "order by id desc fetch first 1 rows only"
    )


def s_history_start(history: str) -> str:
    return (
        f"insert into {quote_identifier(history)} (version, phase, status) values (:version, 'owner', 'running') "
        "returning id into :run_id"
    )


def s_history_end(history: str) -> str:
    return (
        f"update {quote_identifier(history)} set status = :status, finished_at = systimestamp, "
        "objects = :objects, message = :message where id = :run_id"
    )


def q_probe(name: str) -> str:
    return f"select 1 from {quote_identifier(name)} where rownum = 1"
