"""Every database object lsnrmine owns, in dependency order.

Data, not code: the renderer, the installer, ``verify`` and ``uninstall`` all read
this list. ``deploy``/``revert`` are template paths relative to the template root
(the kind folders ``plsql/``, ``tables/``, ...). ``verify`` is a query returning
one row (``status``) when the object exists; it takes the binds ``:name`` and
``:type``. Install runs phase ``admin`` (a DBA account) then phase ``owner`` (the
owner schema); uninstall runs both in reverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from .templates import object_names

if TYPE_CHECKING:
    from .settings import Settings

VERIFY_USER_OBJECT = (
    "select status from user_objects where object_name = :name and object_type = :type"
)
VERIFY_DIRECTORY = "select 'VALID' status from all_directories where directory_name = :name and :type = 'DIRECTORY'"
VERIFY_JOB = (
    "select case when enabled = 'TRUE' then 'VALID' else 'DISABLED' end status "
    "from user_scheduler_jobs where job_name = :name and :type = 'JOB'"
)
VERIFY_GRANTS = "select 'VALID' status from dual where :name is not null and :type = 'GRANT'"

REVERT_DROP = "plsql/revert_drop.sql"


@dataclass(frozen=True)
class DbObject:
    logical: str  # name without prefix; the rendered name is prefix + logical unless fixed_name
    object_type: str  # USER_OBJECTS.OBJECT_TYPE, or DIRECTORY / JOB / GRANT
    deploy: str
    phase: str = "owner"
    revert: Optional[str] = REVERT_DROP
    verify: str = VERIFY_USER_OBJECT
    fixed_name: bool = False  # the article's names (LISTENER_LOG, ...) are never prefixed
    name_from: Optional[str] = None  # Settings attribute holding the name (directory, schema)
    holds_data: bool = False  # tables kept by ``uninstall --keep-data``
    when: Optional[str] = None  # Settings attribute that must be truthy for the object to exist
    offline: bool = True  # a VIEW the embedded engine creates from the same template
    path_from: Optional[str] = None  # DIRECTORY: the Settings attribute holding its folder
    # what the installer does around the object (install and verify read these, not the names):
    log_directory: bool = False  # the directories of the log sources: their paths checked and the log files opened right after they are created
    history: bool = False  # the install-history table: a run's row is written as soon as it exists
    read_probe: bool = False  # read one row right after it is created (and by verify): the log must be readable through it

    def name(self, settings: "Settings") -> str:
        if self.name_from:
            return str(getattr(settings, self.name_from))
        return self.logical if self.fixed_name else settings.object_name(self.logical)

    def applies(self, settings: "Settings") -> bool:
        return self.when is None or bool(getattr(settings, self.when))

    def template_context(self, settings: "Settings", *, force: bool = False) -> dict[str, object]:
        """The variables a template of this object sees besides ``s``/``obj``: its quoted name, the
        name as a string literal, its kind, ``force`` and (directories) the folder it points at and
        ``directories``: every directory object it stands for (the log directory: one per distinct
        source directory), each with its ``name``, ``name_literal`` and ``path``."""
        directories: list[dict[str, object]] = []
        if self.log_directory:
            pairs = settings.directories()
        elif self.path_from:
            pairs = ((self.name(settings), getattr(settings, self.path_from)),)
        else:
            pairs = ()
        for directory, path in pairs:
            directories.append({**object_names(directory, self.object_type), "path": path})
        return {**object_names(self.name(settings), self.object_type), "force": force,
                "directory_path": getattr(settings, self.path_from) if self.path_from else None,
                "directories": directories}


MANIFEST: tuple[DbObject, ...] = (
    # -- phase admin: run by a DBA account ------------------------------------------------
    DbObject("OWNER_SCHEMA", "USER", "admin/create_schema.sql", phase="admin",
             revert=None, verify=VERIFY_GRANTS, name_from="schema", when="create_schema"),
    # never repointed or dropped while it points elsewhere, unless --force (admin/drop_directory.sql);
    # one object, one script for every distinct directory of the sources (named after the first)
    DbObject("DIRECTORY", "DIRECTORY", "admin/directory.sql", phase="admin", revert="admin/drop_directory.sql",
             verify=VERIFY_DIRECTORY, name_from="directory", path_from="log_dir", log_directory=True),
    DbObject("LOADER_LOG_DIRECTORY", "DIRECTORY", "admin/loader_log_directory.sql", phase="admin",
             revert="admin/drop_directory.sql", verify=VERIFY_DIRECTORY, name_from="loader_log_directory",
             when="loader_log_directory", path_from="loader_log_dir"),
    DbObject("OWNER_GRANTS", "GRANT", "admin/owner_grants.sql", phase="admin",
             revert="admin/revoke_owner_grants.sql", verify=VERIFY_GRANTS, name_from="schema"),
    # alert delivery: EXECUTE on UTL_SMTP + the SMTP host's network ACE, only with mail;
    # EXECUTE on the undocumented SYS.DBMS_SYSTEM (alert-log line), only when opted in
    DbObject("MAIL_ACL", "GRANT", "admin/mail_acl.sql", phase="admin",
             revert="admin/revoke_mail_acl.sql", verify=VERIFY_GRANTS, name_from="schema", when="mail_host"),
    DbObject("ALERT_LOG_GRANT", "GRANT", "admin/alert_log_grant.sql", phase="admin",
             revert="admin/revoke_alert_log_grant.sql", verify=VERIFY_GRANTS, name_from="schema", when="alert_log"),
    # audit: direct SELECT on the logon audit trail(s) audit_mode names
    DbObject("AUDIT_GRANTS", "GRANT", "admin/audit_grants.sql", phase="admin",
             revert="admin/revoke_audit_grants.sql", verify=VERIFY_GRANTS, name_from="schema", when="audit_enabled"),
    # -- phase owner ------------------------------------------------------------------------
    DbObject("SETTINGS", "TABLE", "tables/settings.sql", holds_data=True),
    # one row per install run; kept by --keep-data so an upgrade knows the kept tables' version
    DbObject("INSTALL_HISTORY", "TABLE", "tables/install_history.sql", holds_data=True, history=True),
    DbObject("ERROR_PKG", "PACKAGE", "plsql/lsnr_error_pkg.sql"),
    DbObject("PARSE_LISTENER_LOG_LINE", "FUNCTION", "plsql/parse_listener_log_line.sql", fixed_name=True),
    # A4: the raw external table (log_date as text, no LANGUAGE clause) and the article's
    # LISTENER_LOG as a view converting log_date with TO_DATE; the engine's loader builds
    # listener_log itself with the same rules (offline=False)
    DbObject("LISTENER_LOG_EXT", "TABLE", "external_tables/listener_log.sql"),
    DbObject("LISTENER_LOG", "VIEW", "views/listener_log.sql", fixed_name=True,
             revert="views/drop_listener_log.sql", offline=False, read_probe=True),
    # one row per file of each [[sources]] entry (seeded by MERGE; a source no longer configured is
    # disabled, not deleted); the shorthand's one source is rendered from the settings instead;
    # before LINE_READER, whose records and collections take its columns' types (%type: CHAR
    # semantics; review 7b #6), and before INGEST_PKG (%type, static SQL)
    DbObject("SOURCES", "TABLE", "tables/sources.sql", holds_data=True, when="multi_source"),
    DbObject("LINE_READER", "PACKAGE", "plsql/line_reader.sql"),
    DbObject("LISTENER_LOG_LINES", "VIEW", "views/listener_log_lines.sql", fixed_name=True,
             offline=False, read_probe=True),  # the engine's loader builds it as a table
    # -- events and incremental ingestion -----------------------------------------
    DbObject("STAGE_LINES", "TABLE", "tables/stage_lines.sql"),  # GTT; a view on listener_log_lines offline
    DbObject("EVENTS", "TABLE", "tables/events.sql", holds_data=True),  # lsnr_events offline (lsnrmine.engine.events)
    DbObject("LOAD_STATE", "TABLE", "tables/load_state.sql", holds_data=True),
    DbObject("EVENT_PARSE", "VIEW", "views/events.sql"),
    DbObject("INGEST_PKG", "PACKAGE", "plsql/ingest_pkg.sql"),
    # A5: LISTENER_LOG_EXT's LOCATION kept to the files that exist (refreshed at install and by the
    # ingest job, whose action is LOG_LOCATION_PKG.run_ingest)
    DbObject("LOG_LOCATION_PKG", "PACKAGE", "plsql/log_location_pkg.sql"),
    DbObject("INGEST_JOB", "JOB", "scheduler_jobs/ingest_job.sql", verify=VERIFY_JOB, when="jobs_enabled",
             revert="scheduler_jobs/drop_ingest_job.sql"),  # with [[sources]] also the jobs INGEST_JOB_I<n>
    DbObject("PURGE_JOB", "JOB", "scheduler_jobs/purge_job.sql", verify=VERIFY_JOB, when="jobs_enabled"),
    # the article's queries as views (reports/article_*.sql are the SQL*Plus scripts)
    DbObject("JDBC_SERVICE_HOSTS", "VIEW", "views/jdbc_service_hosts.sql"),
    DbObject("SID_SERVICE_BREAKUP", "VIEW", "views/sid_service_breakup.sql"),
    DbObject("LISTENER_COMMANDS", "VIEW", "views/listener_commands.sql"),
    DbObject("ADMIN_RESTRICTED", "VIEW", "views/admin_restricted.sql"),
    DbObject("FAILED_COMMANDS", "VIEW", "views/failed_commands.sql"),
    # -- alerts; they read EVENTS, which must come before them ----------------------
    DbObject("ALERT_RULE_DEFAULTS", "VIEW", "views/alert_rule_defaults.sql"),
    DbObject("ALERT_RULES", "TABLE", "tables/alert_rules.sql", holds_data=True),
    DbObject("ALERTS", "TABLE", "tables/alerts.sql", holds_data=True),
    DbObject("ALERT_CANDIDATES", "TABLE", "tables/alert_candidates.sql", revert="tables/drop_alert_candidates.sql"),
    # one view per rule, and the episode (dedup) view: the embedded engine creates them itself
    # after its alert tables exist (lsnrmine.alerts), hence offline=False
    DbObject("ALERT_R1_PASSWORD", "VIEW", "views/alert_r1_password.sql", offline=False),
    DbObject("ALERT_R2_REDIRECT", "VIEW", "views/alert_r2_redirect.sql", offline=False),
    DbObject("ALERT_R3_RESTRICTED", "VIEW", "views/alert_r3_restricted.sql", offline=False),
    DbObject("ALERT_R4_STOP", "VIEW", "views/alert_r4_stop.sql", offline=False),
    DbObject("ALERT_R5_POISON", "VIEW", "views/alert_r5_poison.sql", offline=False),
    DbObject("ALERT_R6_ENUMERATION", "VIEW", "views/alert_r6_enumeration.sql", offline=False),
    DbObject("ALERT_R7_STORM", "VIEW", "views/alert_r7_storm.sql", offline=False),
    DbObject("ALERT_R8_NEW_IP", "VIEW", "views/alert_r8_new_ip.sql", offline=False),
    DbObject("ALERT_R9_HYGIENE", "VIEW", "views/alert_r9_hygiene.sql", offline=False),
    DbObject("ALERT_EPISODES", "VIEW", "views/alert_episodes.sql", offline=False),
    DbObject("ALERT_PKG", "PACKAGE", "plsql/alert_pkg.sql"),
    DbObject("ALERT_JOB", "JOB", "scheduler_jobs/alert_job.sql", verify=VERIFY_JOB, when="jobs_enabled"),
    # -- reports: views over EVENTS; reports/<name>.sql are the SQL*Plus scripts -----
    DbObject("TNS_ERROR_TEXT", "VIEW", "views/tns_error_text.sql"),
    DbObject("REPORT_CONNECTIONS", "VIEW", "views/report_connections.sql"),
    DbObject("REPORT_COMMANDS", "VIEW", "views/report_commands.sql"),
    DbObject("REPORT_TNS_ERRORS", "VIEW", "views/report_tns_errors.sql"),
    DbObject("REPORT_SERVICE_EVENTS", "VIEW", "views/report_service_events.sql"),
    DbObject("REPORT_NEW_CLIENTS", "VIEW", "views/report_new_clients.sql"),
    # -- audit: listener connects matched to logon audit records (docs/audit.md); the
    # embedded engine always creates all three (its audit tables exist, empty unless a CSV is loaded)
    DbObject("AUDIT_UNIFIED_MATCH", "VIEW", "views/audit_unified_match.sql", when="audit_unified"),
    DbObject("AUDIT_TRADITIONAL_MATCH", "VIEW", "views/audit_traditional_match.sql", when="audit_traditional"),
    DbObject("AUDIT_MATCH", "VIEW", "views/audit_match.sql", when="audit_enabled"),
)

_BY_LOGICAL = {o.logical: o for o in MANIFEST}


def get(logical: str) -> DbObject:
    """The manifest object of a logical name (KeyError for an unknown one)."""
    return _BY_LOGICAL[logical]


def objects(settings: "Settings", phase: Optional[str] = None) -> list[DbObject]:
    """The objects the settings deploy (of one phase, or all), in manifest order."""
    return [o for o in MANIFEST if o.applies(settings) and (phase is None or o.phase == phase)]


def names(settings: "Settings", phase: Optional[str] = None) -> dict[str, str]:
    """Logical name -> database name of the objects the settings deploy, without rendering."""
    return {o.logical: o.name(settings) for o in objects(settings, phase)}


@dataclass(frozen=True)
class UpgradeStep:
    """A versioned change of an existing table (install doubles as upgrade).

    ``statement`` is a template string (same context as the templates: ``s``, ``obj``)
    ending without ``/``. It runs once, on a table that existed before the install run,
    when the installed version (last complete run in INSTALL_HISTORY) is older than
    ``version``. A fresh table is created by its template in its latest shape and gets
    no steps. Write steps tolerant of being applied already (a run can stop after a step
    and before the run is recorded complete): catch ORA-01430 (column exists) etc. in a
    PL/SQL block.
    """

    version: str  # the lsnrmine version that introduced the change, e.g. "0.2.0"
    table: str  # logical manifest name of the table, e.g. "EVENTS"
    statement: str


# Appended in version order; empty until a released table changes shape.
UPGRADE_STEPS: tuple[UpgradeStep, ...] = ()


def version_tuple(version: str) -> tuple[int, ...]:
    """A version string as numbers to compare ('0.10.0' > '0.9.1'); a non-numeric part counts 0."""
    parts = []
    for piece in str(version).split("."):
        digits = re.match(r"\d+", piece)
        parts.append(int(digits.group(0)) if digits else 0)
    return tuple(parts)
