"""One settings object, built from defaults < config file < LSNRMINE_* environment < CLI flags.

Every value is validated here, before any SQL is produced; a bad value raises
:class:`~lsnrmine.identifiers.SettingError` with one line naming the setting.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Optional

from . import identifiers as ids
from .identifiers import SettingError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

# Date languages whose month names the embedded engine knows (engine/dates.py);
# Oracle itself knows more, but both engines must read the same logs.
DATE_LANGUAGES = frozenset(
    {"AMERICAN", "ENGLISH", "JAPANESE", "GERMAN", "FRENCH", "SPANISH", "ITALIAN"}
)

DEFAULT_CONFIG_FILE = "lsnrmine.toml"

# Upper limits of the numeric settings that are also rows of the settings table (row name ->
# (attribute, maximum)); the one place they are defined: Settings validates them, and the table's
# check constraint (tables/settings.sql) holds the same limits against a by-hand UPDATE. 1440
# minutes: the ingest job turns minutes above 59 into FREQ=HOURLY;INTERVAL=ceil(m/60), 24 at most,
# far below the calendaring INTERVAL maximum of 999 (docs/oracle-facts.md, "Install hardening").
SETTING_LIMITS: dict[str, tuple[str, int]] = {
    "INGEST_INTERVAL_MINUTES": ("ingest_interval_minutes", 1440),
    "ALERT_INTERVAL_MINUTES": ("alert_interval_minutes", 1440),
    "RETENTION_DAYS": ("retention_days", 36500),
}

# Logon audit trails the audit match views can read (docs/audit.md).
AUDIT_MODES = ("none", "unified", "traditional", "both")

# The keys of a [[sources]] table in lsnrmine.toml; host and instance may be left out.
SOURCE_KEYS = ("name", "listener", "host", "directory", "path", "files", "instance")
_SOURCE_REQUIRED = ("name", "listener", "directory", "path", "files")
# The settings a [[sources]] list replaces (the one-source shorthand), as lsnrmine.toml names them.
SHORTHAND_SETTINGS = ("directory", "log_dir", "log_file", "listener_name")
# RAC instance numbers (INST_ID / the scheduler's INSTANCE_ID job attribute): 1 to 255.
MAX_INSTANCE = 255
# A source label is a LOAD_STATE.file_name / STAGE_LINES.source value: varchar2(255 char).
MAX_LABEL_CHARS = 255


@dataclass(frozen=True)
class LogSource:
    """One listener log folder of the installation: which listener on which node writes it, the
    directory object over it, the file names read there, and the RAC instance whose ingest job
    reads it (None: the unpinned job). Built and validated by :class:`Settings`."""

    name: str  # identifier, unique in the installation, e.g. RAC1_SCAN1
    listener: str  # listener name, upper case, e.g. LISTENER_SCAN1
    host: Optional[str]  # node host name as in diag/tnslsnr/<host>/<listener>; None = unknown
    directory: str  # directory object name
    path: str  # server path of that directory
    files: tuple[str, ...]  # file names in it: listener.log and/or log.xml (and rotated segments)
    instance: Optional[int]  # RAC instance number whose job reads it; None = the unpinned job

    @property
    def text_files(self) -> tuple[str, ...]:
        """The text (listener.log) files of the source, the ones LISTENER_LOG_EXT reads."""
        return tuple(f for f in self.files if not is_xml_file(f))


class SourceFile(NamedTuple):
    """One file of one source and its label (the ``source`` column of the staged lines and events,
    LOAD_STATE.file_name): see :meth:`Settings.source_label`."""

    source: LogSource
    file_name: str
    label: str

    @property
    def is_xml(self) -> bool:
        return is_xml_file(self.file_name)


def is_xml_file(file_name: str) -> bool:
    """An ADR log.xml (or a segment log_<n>.xml): the same rule as views/events.sql."""
    return file_name.lower().endswith(".xml")


@dataclass(frozen=True)
class Settings:
    """Validated settings; construct through :func:`load_settings` or :meth:`from_mapping`."""

    schema: str = "LSNRMINE"
    directory: str = "LISTENER_LOG_DIR"
    log_dir: str = "/opt/oracle/diag/tnslsnr/localhost/listener/trace"
    log_files: tuple[str, ...] = ("listener.log",)
    date_language: str = "AMERICAN"
    prefix: str = "LSNR_"
    log_charset: str = "AL32UTF8"
    # ORACLE_LOADER log files are off by default (NOLOGFILE); opting in needs a
    # separate directory object the owner may WRITE to.
    loader_log_directory: Optional[str] = None
    loader_log_dir: Optional[str] = None
    listener_name: str = "LISTENER"
    ingest_interval_minutes: int = 5
    alert_interval_minutes: int = 5
    retention_days: int = 90
    jobs_enabled: bool = True
    create_schema: bool = False
    # Alert delivery. Mail is on when mail_host is set: the installer then renders the
    # network ACE for the owner (admin phase). The values are seeded into the settings table,
    # where the alert job reads them (change host/port there AND re-run install for the ACE).
    mail_host: Optional[str] = None
    mail_port: int = 25
    mail_sender: Optional[str] = None
    mail_recipients: tuple[str, ...] = ()
    # A line in the alert log through the undocumented SYS.DBMS_SYSTEM.KSDWRT: opt-in only. The
    # admin phase grants EXECUTE on SYS.DBMS_SYSTEM to a schema-only account owning a wrapper that
    # only writes that line (admin/alert_log_grant.sql); the owner may execute the wrapper only.
    alert_log: bool = False
    # Reports: OS users whose connections the privileged_os_users report lists (CID USER,
    # compared case-insensitively), and the window of the new_clients report (days before the newest event).
    privileged_os_users: tuple[str, ...] = ("root", "oracle", "administrator")
    report_new_client_days: int = 7
    # Audit: which logon audit trail the match views read. none | unified (UNIFIED_AUDIT_TRAIL)
    # | traditional (DBA_AUDIT_TRAIL) | both. The admin phase grants SELECT on the trail(s) chosen;
    # its preflight says which trail holds logon rows (docs/audit.md). audit_window_seconds: how long
    # after the listener's connect line a logon may be recorded and still match (the article: 2 s).
    audit_mode: str = "none"
    audit_window_seconds: int = 2
    # The embedded engine (offline commands): DuckDB's memory limit, a share of the machine's
    # memory or a size; past it DuckDB spills to a private temporary directory (DuckDB's own
    # default is 80% and a ".tmp" directory in the current directory).
    engine_memory_limit: str = "50%"
    # The log sources ([[sources]] in lsnrmine.toml). Empty: one source from directory, log_dir,
    # log_files and listener_name (the shorthand); then directory, ... keep their meaning. Given:
    # directory, log_dir, log_files and listener_name are the first source's values.
    sources: tuple[LogSource, ...] = ()
    # True when sources were given (even one); computed, not a setting (from_mapping refuses it).
    # dataclasses.replace() of a shorthand Settings passes False back: the source is derived again.
    multi_source: Optional[bool] = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        self._check_sources()
        set_(self, "schema", ids.check_identifier("schema", self.schema))
        set_(self, "directory", ids.check_identifier("directory", self.directory))
        set_(self, "log_dir", ids.check_server_path("log_dir", self.log_dir))
        files = self.log_files
        if isinstance(files, str):
            files = tuple(part.strip() for part in files.split(",") if part.strip())
        if not files:
            raise ids.SettingError("log_file", "is empty; give at least one file name such as listener.log")
        checked = tuple(ids.check_file_name("log_file", name) for name in files)
        if len(set(checked)) != len(checked):
            raise ids.SettingError("log_file", "lists the same file twice; give each file once")
        set_(self, "log_files", checked)
        set_(self, "date_language", ids.check_language("date_language", self.date_language, DATE_LANGUAGES))
        set_(self, "prefix", ids.check_prefix("prefix", self.prefix))
        set_(self, "log_charset", ids.check_identifier("log_charset", self.log_charset))
        set_(self, "listener_name", ids.check_identifier("listener_name", self.listener_name))
        if not self.multi_source:
            set_(self, "sources", (LogSource(name=self.listener_name, listener=self.listener_name, host=None,
                                             directory=self.directory, path=self.log_dir, files=self.log_files,
                                             instance=None),))
        if (self.loader_log_directory is None) != (self.loader_log_dir is None):
            raise ids.SettingError(
                "loader_log_directory",
                "needs loader_log_dir too (and the reverse); set both to turn on ORACLE_LOADER log files, or neither",
            )
        if self.loader_log_directory is not None:
            set_(self, "loader_log_directory", ids.check_identifier("loader_log_directory", self.loader_log_directory))
            set_(self, "loader_log_dir", ids.check_server_path("loader_log_dir", self.loader_log_dir))
            if self.loader_log_directory in {source.directory for source in self.sources}:
                raise ids.SettingError(
                    "loader_log_directory", "must differ from directory (and every source's directory): "
                    "the log directory stays read-only"
                )
        for attribute, maximum in SETTING_LIMITS.values():
            set_(self, attribute, ids.check_positive_int(attribute, getattr(self, attribute), maximum=maximum))
        set_(self, "jobs_enabled", _as_bool("jobs_enabled", self.jobs_enabled))
        set_(self, "create_schema", _as_bool("create_schema", self.create_schema))
        self._check_mail()
        self._check_reports()
        self._check_audit()
        set_(self, "engine_memory_limit", ids.check_memory_limit("engine_memory_limit", self.engine_memory_limit))

    def _check_sources(self) -> None:
        """Validate the given sources and make the first one's values directory, log_dir, log_files
        and listener_name; without sources (or for a shorthand Settings passed through
        dataclasses.replace) the shorthand source is built after those four are validated."""
        set_ = object.__setattr__
        given = self.sources
        if given is None or isinstance(given, (str, bytes, Mapping)) or not isinstance(given, (tuple, list)):
            raise SettingError("sources", f"is {_kind(given)} where an array of tables is expected; "
                               "write each source as a [[sources]] table in lsnrmine.toml")
        if self.multi_source is False or not given:
            set_(self, "multi_source", False)
            set_(self, "sources", ())
            return
        sources = tuple(_check_source(index, value) for index, value in enumerate(given, start=1))
        _check_source_set(sources)
        set_(self, "sources", sources)
        set_(self, "multi_source", True)
        first = sources[0]
        set_(self, "directory", first.directory)
        set_(self, "log_dir", first.path)
        set_(self, "log_files", first.files)
        set_(self, "listener_name", first.listener)

    def source_label(self, source: LogSource, file_name: str) -> str:
        """The label of a file (or rotated segment) of a source: the ``source`` column of
        LISTENER_LOG_LINES, STAGE_LINES and EVENTS and LOAD_STATE.file_name. The file name for the
        shorthand (as before sources existed), ``<source name>/<file name>`` with [[sources]]."""
        return f"{source.name}/{file_name}" if self.multi_source else file_name

    def source_files(self) -> tuple[SourceFile, ...]:
        """Every configured file of every source with its label, in configuration order."""
        return tuple(SourceFile(source, file_name, self.source_label(source, file_name))
                     for source in self.sources for file_name in source.files)

    def text_source_files(self) -> tuple[SourceFile, ...]:
        """The text files (not log.xml) of every source: LISTENER_LOG_EXT's LOCATION entries."""
        return tuple(f for f in self.source_files() if not f.is_xml)

    def directories(self) -> tuple[tuple[str, str], ...]:
        """(directory object, server path) of every distinct source directory, in configuration order."""
        return tuple(dict.fromkeys((source.directory, source.path) for source in self.sources))

    def source_instances(self) -> tuple[Optional[int], ...]:
        """The distinct instance numbers of the sources: None (the unpinned job) first, then ascending."""
        numbers = {source.instance for source in self.sources}
        return ((None,) if None in numbers else ()) + tuple(sorted(n for n in numbers if n is not None))

    def _check_audit(self) -> None:
        mode = str(self.audit_mode).strip().lower() if isinstance(self.audit_mode, str) else self.audit_mode
        if mode not in AUDIT_MODES:
            raise SettingError("audit_mode", f"{self.audit_mode!r} is not one of {', '.join(AUDIT_MODES)}")
        object.__setattr__(self, "audit_mode", mode)
        object.__setattr__(self, "audit_window_seconds",
                           ids.check_positive_int("audit_window_seconds", self.audit_window_seconds, maximum=3600))

    @property
    def audit_unified(self) -> bool:
        """The UNIFIED_AUDIT_TRAIL match view and its grant are deployed."""
        return self.audit_mode in ("unified", "both")

    @property
    def audit_traditional(self) -> bool:
        """The DBA_AUDIT_TRAIL match view and its grant are deployed."""
        return self.audit_mode in ("traditional", "both")

    @property
    def audit_enabled(self) -> bool:
        return self.audit_mode != "none"

    def _check_reports(self) -> None:
        users = self.privileged_os_users
        if isinstance(users, str):
            users = tuple(part.strip() for part in users.split(",") if part.strip())
        checked = []
        for user in users:
            if not isinstance(user, str) or not _OS_USER.fullmatch(user):
                raise SettingError("privileged_os_users", f"{user!r} is not a simple OS user name "
                                   "(letters, digits, _ . $ -; at most 64 characters)")
            checked.append(user.lower())
        if not checked:
            raise SettingError("privileged_os_users", "is empty; give at least one OS user name such as root")
        object.__setattr__(self, "privileged_os_users", tuple(dict.fromkeys(checked)))
        object.__setattr__(self, "report_new_client_days",
                           ids.check_positive_int("report_new_client_days", self.report_new_client_days, maximum=36500))

    def _check_mail(self) -> None:
        set_ = object.__setattr__
        set_(self, "alert_log", _as_bool("alert_log", self.alert_log))
        set_(self, "mail_port", ids.check_positive_int("mail_port", self.mail_port, maximum=65535))
        recipients = self.mail_recipients
        if isinstance(recipients, str):
            recipients = tuple(part.strip() for part in recipients.split(",") if part.strip())
        set_(self, "mail_recipients", tuple(_check_mail_address("mail_recipients", r) for r in recipients))
        if self.mail_host in (None, ""):
            set_(self, "mail_host", None)
            if self.mail_sender or self.mail_recipients:
                raise SettingError("mail_host", "is not set but mail_sender/mail_recipients are; set mail_host "
                                   "(the SMTP server) to turn mail on, or remove the mail settings")
            return
        if not isinstance(self.mail_host, str) or not _MAIL_HOST.fullmatch(self.mail_host):
            raise SettingError("mail_host", f"{self.mail_host!r} is not a host name or IP address")
        if not self.mail_sender or not self.mail_recipients:
            raise SettingError("mail_host", "needs mail_sender and mail_recipients too (mail is on when mail_host is set)")
        set_(self, "mail_sender", _check_mail_address("mail_sender", self.mail_sender))

    @property
    def alert_log_schema(self) -> str:
        """The schema-only account (NO AUTHENTICATION) that owns the KSDWRT wrapper of alert_log:
        it alone holds EXECUTE on SYS.DBMS_SYSTEM; the owner gets EXECUTE on the wrapper only."""
        return ids.check_identifier("alert-log wrapper schema (schema + _ALERT_LOG)", self.schema + "_ALERT_LOG")

    def object_name(self, logical: str) -> str:
        """The validated upper-case name of a project object, e.g. ``EVENTS`` -> ``LSNR_EVENTS``."""
        return ids.check_identifier("object name", self.prefix + logical)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        known = {f.name for f in dataclasses.fields(cls)} - {"multi_source"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ids.SettingError(unknown[0], f"is not a known setting; known settings: {', '.join(sorted(known))}")
        for field_ in dataclasses.fields(cls):
            if field_.name in values and field_.name != "sources":
                _check_kind(field_, values[field_.name])
        values = dict(values)
        if "sources" in values:
            values["sources"] = _sources_value(values["sources"])
            both = [name for name in ("directory", "log_dir", "log_files", "listener_name") if name in values]
            if both:
                name = "log_file" if both[0] == "log_files" else both[0]
                raise ids.SettingError(
                    "sources", f"[[sources]] is given together with {name} (lsnrmine.toml, LSNRMINE_{name.upper()} "
                    f"or --{name.replace('_', '-')}); remove {name}: with [[sources]] each source names its "
                    "listener, directory, path and files")
        return cls(**values)


# an OS user name as CID USER shows it; rendered into SQL literals (the sqlstr filter doubles quotes anyway)
_OS_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.$-]{0,63}")
# RFC 1123 host name or IPv4/IPv6 literal; no spaces, quotes or line breaks (it goes into SQL
# literals and the ACE's host).
_MAIL_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45}")
# a deliberately plain address: local@domain, no display name, no quotes, no CR/LF (header injection)
_MAIL_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


#: settings whose value, lower-cased, becomes part of the script names ``lsnrmine render --out``
#: writes (01_lsnr_settings.sql, admin_01_lsnrmine.sql, admin_02_listener_log_dir.sql)
SCRIPT_NAME_SETTINGS = ("prefix", "schema", "directory", "loader_log_directory")


def check_script_names(settings: "Settings") -> None:
    """Refuse a name with $ or # (valid in Oracle) for the settings that become file names: a shell
    expands $ (in ``sqlplus @01_lm$_settings.sql`` $_ is its last argument) and zsh globs #."""
    for name in SCRIPT_NAME_SETTINGS:
        value = getattr(settings, name)
        if value and ("$" in value or "#" in value):
            example = f"01_{value.lower()}settings.sql" if name == "prefix" else f"admin_NN_{value.lower()}.sql"
            raise SettingError(name, f"{value!r} puts $ or # into the names of the scripts render writes "
                               f"(e.g. {example}), which a shell expands or globs; use letters, digits and _ "
                               "(install and render --stdout write no file)")


def owner_privileges(settings: "Settings") -> list[str]:
    """System privileges the owner needs, granted by admin/owner_grants.sql and checked by both
    owner preflights (plsql/check_owner.sql and lsnrmine install). CREATE SEQUENCE: identity
    columns create a sequence in the owner's schema (docs/oracle-facts.md, "Install hardening")."""
    privs = ["CREATE SESSION", "CREATE TABLE", "CREATE VIEW", "CREATE PROCEDURE", "CREATE SEQUENCE"]
    if settings.jobs_enabled:
        privs.append("CREATE JOB")
    return privs


def sys_object_grants(settings: "Settings") -> list[tuple[str, str, str]]:
    """(schema, object, privilege) of every grant the admin phase may make on a SYS/AUDSYS object
    (admin/owner_grants.sql, mail_acl.sql, alert_log_grant.sql, audit_grants.sql): checked WITH
    GRANT OPTION by the admin preflight and looked up after the revokes of the admin uninstall.
    DBMS_LOB and UTL_SMTP are granted only where neither PUBLIC nor the owner holds them."""
    grants = [("SYS", "DBMS_LOB", "EXECUTE")]
    if settings.mail_host:
        grants.append(("SYS", "UTL_SMTP", "EXECUTE"))
    if settings.alert_log:
        grants.append(("SYS", "DBMS_SYSTEM", "EXECUTE"))
    if settings.audit_unified:  # AUDSYS owns UNIFIED_AUDIT_TRAIL since 12.2 (lsnrmine needs 19c+)
        grants.append(("AUDSYS", "UNIFIED_AUDIT_TRAIL", "SELECT"))
    if settings.audit_traditional:
        grants.append(("SYS", "DBA_AUDIT_TRAIL", "SELECT"))
    return grants


# a host name as the ADR path has it (diag/tnslsnr/<host>/...): it goes into SQL literals
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,253}[A-Za-z0-9])?")


def _sources_value(value: object) -> tuple[object, ...]:
    """The [[sources]] value of lsnrmine.toml (a list of tables) as a tuple, or SettingError."""
    if not isinstance(value, (list, tuple)) or not value:
        found = "an empty array" if isinstance(value, (list, tuple)) else f"{_kind(value)} ({_shown(value)})"
        raise SettingError("sources", f"is {found} where one or more [[sources]] tables are expected; write each "
                           'source as a table: [[sources]] name = "LISTENER" listener = "LISTENER" ...')
    return tuple(value)


def _check_source(index: int, value: object) -> LogSource:
    """One [[sources]] table (or a LogSource) validated; errors name it as sources[<index>].<key>,
    counting from 1 in the order of the file."""
    where = f"sources[{index}]"
    if isinstance(value, LogSource):
        value = dataclasses.asdict(value)
    if not isinstance(value, Mapping):
        raise SettingError(where, f"is {_kind(value)} ({_shown(value)}) where a table is expected; "
                           "write it as a [[sources]] table")
    unknown = sorted(set(value) - set(SOURCE_KEYS))
    if unknown:
        raise SettingError(f"{where}.{unknown[0]}", f"is not a key of a source; the keys are {', '.join(SOURCE_KEYS)}")
    missing = [key for key in _SOURCE_REQUIRED if value.get(key) is None]
    if missing:
        example = {"name": '"RAC1_LISTENER"', "listener": '"LISTENER"', "directory": '"LSNR_RAC1_LISTENER_DIR"',
                   "path": '"/u01/app/grid/diag/tnslsnr/rac1/listener/trace"', "files": '["listener.log"]'}
        raise SettingError(f"{where}.{missing[0]}", f"is missing; add {missing[0]} = {example[missing[0]]}")
    for key in ("name", "listener", "directory", "path"):
        if not isinstance(value[key], str):
            raise SettingError(f"{where}.{key}",
                               f"is {_kind(value[key])} ({_shown(value[key])}) where a string is expected")
    files = value["files"]
    if isinstance(files, str) or not isinstance(files, (list, tuple)) or not all(isinstance(f, str) for f in files):
        raise SettingError(f"{where}.files", f"is {_kind(files)} ({_shown(files)}) where an array of file names is "
                           'expected; write it as files = ["listener.log"]')
    if not files:
        raise SettingError(f"{where}.files", 'is empty; give at least one file name, e.g. files = ["listener.log"]')
    checked = tuple(ids.check_file_name(f"{where}.files", name) for name in files)
    if len(set(checked)) != len(checked):
        raise SettingError(f"{where}.files", "lists the same file twice; give each file once")
    host = value.get("host")
    if host is not None and (not isinstance(host, str) or not host.isascii() or not _HOST.fullmatch(host)):
        raise SettingError(f"{where}.host", f"{host!r} is not a host name (letters, digits, . _ -; at most 255 "
                           "characters); give the node's name as in diag/tnslsnr/<host>/<listener>, or leave host out")
    instance = value.get("instance")
    if instance is not None and (isinstance(instance, bool) or not isinstance(instance, int)
                                 or not 1 <= instance <= MAX_INSTANCE):
        raise SettingError(f"{where}.instance", f"{_shown(instance)} is not an instance number; give 1 to "
                           f"{MAX_INSTANCE} (the RAC instance whose job reads this source), or leave instance out")
    return LogSource(
        name=ids.check_identifier(f"{where}.name", value["name"]),
        listener=ids.check_identifier(f"{where}.listener", value["listener"]),
        host=host,
        directory=ids.check_identifier(f"{where}.directory", value["directory"]),
        path=ids.check_server_path(f"{where}.path", value["path"]),
        files=checked,
        instance=instance,
    )


def _check_source_set(sources: tuple[LogSource, ...]) -> None:
    """The rules across sources: names unique, one directory name per folder and the reverse, a
    (directory, file) pair read once, labels that fit LOAD_STATE.file_name."""
    names: dict[str, int] = {}
    path_of: dict[str, str] = {}
    directory_of: dict[str, str] = {}
    pairs: dict[tuple[str, str], int] = {}
    for index, source in enumerate(sources, start=1):
        where = f"sources[{index}]"
        if source.name in names:
            raise SettingError(f"{where}.name", f"{source.name} is also the name of sources[{names[source.name]}]; "
                               "give every source its own name")
        names[source.name] = index
        if path_of.setdefault(source.directory, source.path) != source.path:
            raise SettingError(f"{where}.directory", f"{source.directory} is given with two paths "
                               f"({path_of[source.directory]} and {source.path}); a directory object points at one "
                               "folder: give each folder its own directory name")
        if directory_of.setdefault(source.path, source.directory) != source.directory:
            raise SettingError(f"{where}.path", f"{source.path} is given under two directory names "
                               f"({directory_of[source.path]} and {source.directory}), which would read its files "
                               "twice; use one directory name per folder")
        for file_name in source.files:
            pair = (source.directory, file_name)
            if pair in pairs:
                raise SettingError(f"{where}.files", f"{source.directory}:{file_name} is also read by "
                                   f"sources[{pairs[pair]}]; list each file of a folder in one source only")
            pairs[pair] = index
            label = f"{source.name}/{file_name}"
            if len(label) > MAX_LABEL_CHARS:
                raise SettingError(f"{where}.files", f"the label {label[:40]}... is longer than {MAX_LABEL_CHARS} "
                                   "characters (LOAD_STATE.file_name); use a shorter source name or file name")


# what a TOML value of each Python type is called, for the error naming it
_TOML_KINDS = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
               tuple: "an array", dict: "a table"}
# an example value of the settings whose default is empty (None or ())
_EXAMPLES = {"loader_log_directory": '"LSNR_LOADER_LOG_DIR"', "loader_log_dir": '"/u01/app/oracle/lsnrmine_loader_logs"',
             "mail_host": '"smtp.example.com"', "mail_sender": '"lsnrmine@example.com"',
             "mail_recipients": '["dba@example.com"]'}


def _kind(value: object) -> str:
    for type_, name in _TOML_KINDS.items():
        if type(value) is type_:
            return name
    return "a date or time" if hasattr(value, "isoformat") else f"a {type(value).__name__}"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _shown(value: object) -> str:
    """``value`` as the TOML file has it (a table by its keys)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = ..." for key in value) + "}"
    return value.isoformat() if hasattr(value, "isoformat") else _toml_value(value)


def _check_kind(field_: "dataclasses.Field[Any]", value: object) -> None:
    """A value of the wrong kind (a TOML table or number where a name or list is expected) is
    refused with its kind named, before the value checks (which would call a table "empty" or
    iterate over a number)."""
    declared = str(field_.type)
    name = "log_file" if field_.name == "log_files" else field_.name
    if value is None and declared.startswith("Optional"):
        return
    if declared.startswith("tuple"):
        expected, ok = "a string or an array of strings", isinstance(value, str) or (
            isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value))
    elif "str" in declared:
        expected, ok = "a string", isinstance(value, str)
    elif declared == "int":
        expected, ok = "a whole number", isinstance(value, (int, str, float)) and not isinstance(value, bool)
    else:  # bool
        expected, ok = "true or false", isinstance(value, (bool, str))
    if ok:
        return
    if isinstance(value, (list, tuple)) and declared.startswith("tuple"):
        bad = next(v for v in value if not isinstance(v, str))
        found = f"an array holding {_kind(bad)} ({_shown(bad)})"
    else:
        found = f"{_kind(value)} ({_shown(value)})"
    example = _EXAMPLES.get(field_.name) or _toml_value(field_.default)
    raise SettingError(name, f"is {found} where {expected} is expected; write it as {name} = {example}")


def _check_mail_address(setting: str, value: object) -> str:
    if not isinstance(value, str) or not _MAIL_ADDRESS.fullmatch(value):
        raise SettingError(setting, f"{value!r} is not a plain mail address like dba@example.com")
    return value


def _as_bool(setting: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ids.SettingError(setting, f"{value!r} is not true or false")


def _read_config(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise ids.SettingError("config", f"{path} does not exist; give the path of a lsnrmine.toml file")
        return {}
    if path.is_dir():
        raise ids.SettingError("config", f"{path} is a directory; give the path of a lsnrmine.toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ids.SettingError("config", f"{path} is not valid TOML ({exc}); fix the file") from None
    section = data.get("lsnrmine", data)
    if not isinstance(section, dict):
        raise ids.SettingError("config", f"{path}: [lsnrmine] must be a table")
    values = dict(section)
    if section is not data and "sources" in data:
        # [[sources]] after a [lsnrmine] table is a top-level array in TOML
        if "sources" in section:
            raise ids.SettingError("sources", f"{path} has both [[sources]] and [[lsnrmine.sources]]; keep one of them")
        values["sources"] = data["sources"]
    if "log_file" in values:
        values["log_files"] = values.pop("log_file")
    if isinstance(values.get("log_files"), list):
        values["log_files"] = tuple(values["log_files"])
    if isinstance(values.get("mail_recipients"), list):
        values["mail_recipients"] = tuple(values["mail_recipients"])
    if isinstance(values.get("privileged_os_users"), list):
        values["privileged_os_users"] = tuple(values["privileged_os_users"])
    return values


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(Settings)}
    for key, value in environ.items():
        if not key.startswith("LSNRMINE_"):
            continue
        name = key[len("LSNRMINE_"):].lower()
        if name in ("sources", "multi_source"):
            raise ids.SettingError("sources", f"cannot be given by the environment ({key}); unset it and write "
                                   "the sources as [[sources]] tables in lsnrmine.toml")
        if name == "log_file":
            name = "log_files"
        if name in names:
            values[name] = value
    return values


def load_settings(
    cli_values: Optional[Mapping[str, Any]] = None,
    *,
    config_path: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> Settings:
    """Merge defaults, the config file, LSNRMINE_* variables and CLI values (in that priority)."""
    environ = os.environ if environ is None else environ
    explicit = config_path or environ.get("LSNRMINE_CONFIG")
    path = Path(explicit) if explicit else Path(DEFAULT_CONFIG_FILE)
    merged: dict[str, Any] = {}
    merged.update(_read_config(path, required=bool(explicit)))
    merged.update(_from_environment(environ))
    merged.update({k: v for k, v in (cli_values or {}).items() if v is not None})
    merged.pop("config", None)
    return Settings.from_mapping(merged)
