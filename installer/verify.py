"""``lsnrmine verify`` (every problem, one line each, with the fix) and ``lsnrmine status``.

Both connect as the owner schema and read only its own dictionary views (USER_OBJECTS,
USER_SCHEDULER_JOBS, ...), ALL_DIRECTORIES / ALL_TAB_PRIVS for the directory, and the
INSTALL_HISTORY table. Statements are fixed texts with bind variables; object names enter only
through :func:`identifiers.quote_identifier`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from . import __version__, db, manifest
from .identifiers import quote_identifier
from .ingest import segment_number
from .install_sql import Q_CURRENT_SCHEMA, Q_FIRST_ERROR, q_probe
from .manifest import version_tuple
from .preflight import (
    check_directories,
    check_job_queue,
    missing_privileges_problem,
    missing_system_privileges,
    probe_file,
    probe_files,
    version_problem,
)
from .read_errors import translate_read_error
from .settings import Settings

Q_PACKAGE_BODY_STATUS = (
    "select status from user_objects where object_name = :object_name and object_type = 'PACKAGE BODY'"
)
# USER_SCHEDULER_JOBS: ENABLED ('TRUE'/'FALSE'), STATE (DISABLED, RETRY SCHEDULED, SCHEDULED,
# RUNNING, COMPLETED, BROKEN, FAILED, SUCCEEDED, ...), LAST_START_DATE, NEXT_RUN_DATE, FAILURE_COUNT
# (Database Reference, ALL_SCHEDULER_JOBS; the same STATE values are listed for
# ALL_SCHEDULER_REMOTE_JOBSTATE, docs.oracle.com/cd/E24693_01/server.11203/e24448/statviews_2051.htm).
# BROKEN: the job reached its maximum number of failures (ALL_SCHEDULER_JOB_LOG, 10.2 Reference).
Q_JOB = (
    "select enabled, state, last_start_date, next_run_date, failure_count from user_scheduler_jobs "
    "where job_name = :job_name"
)
JOB_PROBLEM_STATES = ("BROKEN", "FAILED")
#: LOAD_STATE.status values that are a problem (tables/load_state.sql); FINISHED (read before,
#: rotated away) and NEW are not
LOAD_PROBLEM_STATUS = ("MISSING", "UNREADABLE", "ERROR")
#: a file not read, or an alert evaluation not run, for this many job intervals is a problem
STALE_INTERVALS = 3
# Columns of USER_SCHEDULER_JOB_RUN_DETAILS: LOG_DATE, STATUS, ERROR#, ADDITIONAL_INFO
# (Database Reference, ALL_SCHEDULER_JOB_RUN_DETAILS).
Q_JOB_LAST_RUN = (
    "select status, log_date, error#, additional_info from user_scheduler_job_run_details "
    "where job_name = :job_name order by log_date desc fetch first 1 rows only"
)
Q_HISTORY_TABLE = "select count(*) from user_tables where table_name = :table_name"

FIX_INSTALL = "run `lsnrmine install`"

# A5: LISTENER_LOG_EXT's LOCATION is kept to the files that exist by LOG_LOCATION_PKG.refresh (at
# install and at every ingest run); it writes the result into the SETTINGS row LOG_LOCATION_STATUS.
LOCATION_STATUS_SETTING = "LOG_LOCATION_STATUS"


def missing_file_fix(settings: Settings) -> str:
    return (f"; fix: check log_dir and log_file (a configured file must exist; LISTENER_LOG reads the files "
            f"that exist: {settings.object_name('LOG_LOCATION_PKG')}.refresh, run by install and the ingest job)")


def q_load_state(table: str) -> str:
    """One configured file's ingest state; the age is computed by the database (its clock wrote
    last_run)."""
    return (
        "select status, health, last_run, round((sysdate - last_run) * 1440, 1) minutes_ago, byte_offset, "
        f"file_size, lines from {quote_identifier(table)} where file_name = :file_name"
    )


def q_setting(table: str) -> str:
    return f"select value from {quote_identifier(table)} where name = :name"


def q_setting_age(table: str) -> str:
    """A setting holding 'YYYY-MM-DD HH24:MI:SS' (ALERT_LAST_RUN, written by ALERT_PKG.run) and its
    age in minutes by the database clock; DEFAULT NULL ON CONVERSION ERROR (12.2+, SQL Language
    Reference, TO_DATE) keeps a hand-edited value from failing verify."""
    return (
        "select value, round((sysdate - to_date(value default null on conversion error, "
        f"'YYYY-MM-DD HH24:MI:SS')) * 1440, 1) minutes_ago from {quote_identifier(table)} where name = :name"
    )


def q_failed_rules(table: str) -> str:
    """Enabled rules whose last evaluation failed (ALERT_PKG writes last_status/last_error)."""
    return (
        f"select rule_id, last_run, last_error from {quote_identifier(table)} "
        "where enabled = :enabled and last_status = :status order by rule_id"
    )


def q_last_run(history: str) -> str:
    return (
        f"select id, version, status, started_at, finished_at, message from {quote_identifier(history)} "
        "where phase = 'owner' order by id desc fetch first 1 rows only"
    )


def q_last_complete(history: str) -> str:
    return (
        f"select version, finished_at from {quote_identifier(history)} where phase = 'owner' and status = 'complete' "
        "order by id desc fetch first 1 rows only"
    )


@dataclass
class Findings:
    schema: str = ""
    server_version: str = ""
    problems: list[str] = field(default_factory=list)
    objects_total: int = 0
    objects_valid: int = 0
    missing: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    directory_path: Optional[str] = None
    files: list[tuple[str, Optional[int], Optional[str]]] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    load: list[str] = field(default_factory=list)
    alert_evaluation: Optional[str] = None
    installed: Optional[str] = None
    last_run: Optional[str] = None
    notes: list[str] = field(default_factory=list)


def collect(conn: Any, settings: Settings) -> Findings:
    s = settings
    f = Findings(server_version=str(getattr(conn, "version", "?")))
    f.schema = str(db.scalar(conn, Q_CURRENT_SCHEMA))
    if f.schema != s.schema:
        f.problems.append(f"connected to schema {f.schema}, not the owner {s.schema}: "
                          f"verify connects as the owner (LSNRMINE_OWNER_PASSWORD)")
        return f
    f.problems += [p for p in (version_problem(conn),) if p]
    missing = missing_system_privileges(conn, s)
    directories = check_directories(conn, s)
    missing += directories.missing
    if missing:
        f.problems.append(missing_privileges_problem(missing))
    f.problems += directories.problems
    f.directory_path = directories.log_dir_path

    owner = manifest.objects(s, "owner")  # names and verify queries only: nothing is rendered
    present: set[str] = set()
    for obj in owner:
        kind, name = obj.object_type, obj.name(s)
        f.objects_total += 1
        rows = db.rows(conn, obj.verify, name=name, type=kind)
        status = rows[0][0] if rows else None
        if status == "VALID" and kind == "PACKAGE":
            body = db.scalar(conn, Q_PACKAGE_BODY_STATUS, object_name=name)
            status = body or status
        if status is None:
            f.missing.append(f"{kind} {name}")
            f.problems.append(f"missing {kind} {name}; fix: {FIX_INSTALL}")
        elif status == "DISABLED":
            f.objects_valid += 1
            present.add(obj.logical)
            f.problems.append(f"job {name} is disabled; fix: exec sys.dbms_scheduler.enable('{name}') as {s.schema}")
        elif status != "VALID":
            present.add(obj.logical)
            first = db.rows(conn, Q_FIRST_ERROR, object_name=name)
            detail = f" (line {first[0][0]}: {str(first[0][1]).strip()})" if first else ""
            f.invalid.append(f"{kind} {name}")
            f.problems.append(f"invalid {kind} {name}{detail}; fix: {FIX_INSTALL} (it recompiles), or correct the cause")
        else:
            f.objects_valid += 1
            present.add(obj.logical)
        if kind == "JOB" and status is not None:
            f.jobs.append(_job_line(conn, name, f.problems))

    if s.multi_source and directories.usable:
        # node-local files: the sources of this session's instance (preflight.probe_files)
        f.problems += probe_files(conn, s, f.notes)
    if f.directory_path is not None and not s.multi_source:
        for file_name in s.log_files:
            size, problem = probe_file(conn, s, file_name)
            f.files.append((file_name, size, problem))
            if problem and ("ORA-22285" in problem or "No such file" in problem):
                problem += missing_file_fix(s)
            if problem:
                f.problems.append(f"{problem}")
    if f.directory_path is not None:
        for obj in owner:
            if not obj.read_probe or obj.logical not in present:
                continue
            name = obj.name(s)
            try:
                db.rows(conn, q_probe(name))
            except Exception as exc:
                text = str(exc)
                f.problems.append(f"select from {name} failed: "
                                  + (translate_read_error(text, s) or db.first_line(text)))

    check_job_queue(conn, s, f.problems, f.notes)

    names = manifest.names(s, "owner")
    _location_status(conn, s, f, names, present)
    _load_state(conn, s, f, names, present)
    _alert_evaluation(conn, s, f, names, present)
    _history(conn, f, next((obj.name(s) for obj in owner if obj.history), None))
    return f


def _interval(conn: Any, names: dict[str, str], present: set[str], setting: str, default: int) -> float:
    """A job interval in minutes: the SETTINGS row (users change it with an UPDATE; the job
    templates read it there), else the installed settings' value."""
    if "SETTINGS" in present:
        value = db.scalar(conn, q_setting(names["SETTINGS"]), name=setting)
        if value is not None and str(value).strip().isdigit() and int(str(value).strip()) > 0:
            return float(str(value).strip())
    return float(default)


def _minutes(value: Any) -> Optional[float]:
    return None if value is None else float(value)


def location_problem(status: Optional[str], package: str, schema: str) -> Optional[str]:
    """The problem line for LOG_LOCATION_STATUS (written by LOG_LOCATION_PKG.refresh), or None when
    the last refresh applied the files that exist."""
    fix = f"fix: correct the cause, then `exec {package}.refresh` as {schema} (or let the ingest job run)"
    if status is None:
        return (f"LISTENER_LOG's file list was never refreshed ({LOCATION_STATUS_SETTING} missing); {fix}")
    text = str(status)
    if text.startswith("ok:") or text.startswith("partial:") or text.startswith("not refreshed from instance"):
        return None  # partial ([[sources]]): files of other nodes are not readable here; said in the note
    if text.startswith("no configured log file"):  # "exists" or "is readable (ORA-2228x ...)"
        return (f"{db.first_line(text)}; fix: check log_dir and log_file (lsnrctl status, Listener Log File), "
                f"then `exec {package}.refresh` as {schema}")
    return f"LISTENER_LOG's file list could not be refreshed: {db.first_line(text)}; {fix}"


def _location_status(conn: Any, s: Settings, f: Findings, names: dict[str, str], present: set[str]) -> None:
    """A5: the last LOCATION refresh of LISTENER_LOG_EXT (SETTINGS row LOG_LOCATION_STATUS)."""
    if "SETTINGS" not in present or "LOG_LOCATION_PKG" not in present:
        return  # missing: reported with the objects
    status = db.scalar(conn, q_setting(names["SETTINGS"]), name=LOCATION_STATUS_SETTING)
    problem = location_problem(status, names["LOG_LOCATION_PKG"], s.schema)
    if problem:
        f.problems.append(problem)
    elif str(status).startswith("not refreshed from instance"):
        f.notes.append(f"LISTENER_LOG's file list was {str(status)}")  # listener_log_instance: another node's
    else:
        f.notes.append(f"LISTENER_LOG reads {str(status).split(': ', 1)[1]}")


def q_load_states(table: str) -> str:
    """Every file's ingest state (labels and segments; not the run-lock rows, whose name starts with '/')."""
    return (
        "select file_name, status, health, last_run, round((sysdate - last_run) * 1440, 1) minutes_ago, "
        f"byte_offset, file_size, lines from {quote_identifier(table)} where substr(file_name, 1, 1) <> '/' "
        "order by file_name"
    )


# The ingest jobs and their instance affinity (USER_SCHEDULER_JOBS.INSTANCE_ID: the instance the
# job is asked to run on, Database Reference ALL_SCHEDULER_JOBS); the instance jobs are
# <INGEST_JOB>_I<n> (scheduler_jobs/ingest_job.sql).
Q_INGEST_JOBS = (
    "select job_name, instance_id from user_scheduler_jobs "
    "where job_name = :job_name or substr(job_name, 1, length(:job_name) + 2) = :job_name || '_I' order by job_name"
)


def instance_job_name(s: Settings, instance: Optional[int]) -> str:
    """The ingest job that reads the sources of ``instance`` (None: INGEST_JOB, no affinity)."""
    base = s.object_name("INGEST_JOB")
    return base if instance is None else f"{base}_I{instance}"


def is_instance_job(s: Settings, job: str) -> bool:
    """``job`` is an instance's ingest job, <INGEST_JOB>_I<n> (configured now or left by an older install)."""
    prefix = s.object_name("INGEST_JOB") + "_I"
    return job.startswith(prefix) and job[len(prefix):].isdigit()


def instance_job_findings(s: Settings, rows: list[tuple[Any, Any]]) -> tuple[list[str], list[str], list[str]]:
    """(lines, problems, jobs to describe) for the instance jobs from ``rows`` (job_name, instance_id)
    of Q_INGEST_JOBS: each configured instance's job exists with instance_id = n; a job of an instance
    no source names any more is a problem (install drops it)."""
    found = {str(name): (None if inst is None else int(inst)) for name, inst in rows}
    wanted = {instance_job_name(s, n): n for n in s.source_instances() if n is not None}
    lines: list[str] = []
    problems: list[str] = []
    for job, n in wanted.items():
        if job not in found:
            problems.append(f"missing JOB {job} (reads the sources of instance {n}); fix: {FIX_INSTALL}")
            continue
        affinity = found[job]
        lines.append(f"{job}: instance {n}, instance_id {affinity if affinity is not None else 'not set'}")
        if affinity != n:
            problems.append(f"job {job} has instance_id {affinity}, not {n}: it may run where instance {n}'s listener "
                            f"logs are not; fix: {FIX_INSTALL} (sets instance_id)")
    base = s.object_name("INGEST_JOB")
    if s.listener_log_instance is not None and base in found and found[base] != s.listener_log_instance:
        problems.append(f"job {base} has instance_id {found[base] if found[base] is not None else 'not set'}, not "
                        f"{s.listener_log_instance} (listener_log_instance): it would refresh LISTENER_LOG's file list "
                        f"from another node; fix: {FIX_INSTALL} (sets instance_id)")
    for job in sorted(found):
        if job not in wanted and is_instance_job(s, job):
            problems.append(f"job {job} reads an instance no source names any more; fix: {FIX_INSTALL} (drops it)")
    return lines, problems, [j for j in wanted if j in found]


def _label_segments(label: str, source_name: str, labels: list[str]) -> list[str]:
    """The 19c segments of ``label`` among ``labels``, by ascending n (only the source's own)."""
    own = [k for k in labels if k.startswith(source_name + "/")]
    numbered = [(segment_number(label, k), k) for k in own]
    return [k for n, k in sorted((n, k) for n, k in numbered if n is not None)]


def source_state_findings(s: Settings, rows: list[tuple[Any, ...]], *, scheduled: bool,
                          interval: float) -> tuple[list[str], list[str]]:
    """(lines, problems) per instance (node), source and file from the LOAD_STATE ``rows`` of
    q_load_states: last read, lag (minutes since, bytes seen but not read yet), lines, errors."""
    by_label = {str(r[0]): r for r in rows}
    lines: list[str] = []
    problems: list[str] = []
    for instance in s.source_instances():
        node = f"instance {instance}" if instance is not None else "any instance"
        job = instance_job_name(s, instance)
        for src in (x for x in s.sources if x.instance == instance):
            who = src.listener + (f"@{src.host}" if src.host else "")
            for file_name in src.files:
                label = s.source_label(src, file_name)
                for name in _label_segments(label, src.name, list(by_label)) + [label]:
                    head = f"{node}, source {src.name} ({who}), {name}"
                    row = by_label.get(name)
                    if row is None or row[3] is None:
                        lines.append(f"{head}: not read yet")
                        continue
                    _, status, health, last_run, minutes_ago, byte_offset, file_size, count = row
                    minutes = _minutes(minutes_ago)
                    read = None if byte_offset is None else int(byte_offset) - 1
                    unread = None if read is None or file_size is None else max(int(file_size) - read, 0)
                    lines.append(f"{head}: {status}, last read {last_run}"
                                 + (f", lag {minutes:g} min" if minutes is not None else "")
                                 + (f", {unread} bytes unread" if unread is not None else "")
                                 + f", {count} lines"
                                 + (f", error: {db.first_line(str(health))}" if health else ""))
                    if status in LOAD_PROBLEM_STATUS:
                        where = f"{src.path}/{name[len(src.name) + 1:]} (directory {src.directory})"
                        fix = {"MISSING": f"check that {where} exists on the node of {node} (lsnrctl status "
                                          f"{src.listener}, Listener Log File), or correct the source's files",
                               "UNREADABLE": f"let the oracle OS user read {where} and check READ on directory "
                                             f"{src.directory} (granted by the admin phase)"}.get(
                            str(status), "correct the cause named in the message; the next ingest run retries")
                        problems.append(f"source {src.name} file {name} is {status}"
                                        + (f": {db.first_line(str(health))}" if health else "") + f"; fix: {fix}")
                    if scheduled and minutes is not None and minutes > STALE_INTERVALS * interval \
                            and status not in ("FINISHED", "CLOSED"):
                        problems.append(f"source {src.name} file {name} last read {minutes:g} minutes ago, more than "
                                        f"{STALE_INTERVALS} x the ingest interval ({interval:g} min); fix: check the job "
                                        f"{job} (user_scheduler_job_run_details; is {node} up"
                                        + (", with this PDB open there?)" if instance is not None else "?)"))
    return lines, problems


def listener_log_note(s: Settings) -> str:
    """Which instance LISTENER_LOG reads on RAC with pinned sources (listener_log_instance)."""
    return (f"LISTENER_LOG (and the article's views on it) reads the files of instance {s.listener_log_instance} "
            "(listener_log_instance) and of the unpinned sources: query it connected to that instance; "
            "EVENTS and the reports cover every instance")


def _source_states(conn: Any, s: Settings, f: Findings, names: dict[str, str], present: set[str]) -> None:
    """[[sources]]: the instance jobs and their affinity, then the state per node and source."""
    if s.listener_log_instance is not None:
        f.notes.append(listener_log_note(s))
    scheduled = "INGEST_JOB" in names
    interval = _interval(conn, names, present, "INGEST_INTERVAL_MINUTES", s.ingest_interval_minutes)
    if scheduled:
        job_lines, job_problems, jobs = instance_job_findings(
            s, db.rows(conn, Q_INGEST_JOBS, job_name=s.object_name("INGEST_JOB")))
        f.problems += job_problems
        for job, affinity in zip(jobs, job_lines):
            f.jobs.append(_job_line(conn, job, f.problems) + ", " + affinity.split(": ", 1)[1])
    lines, problems = source_state_findings(s, db.rows(conn, q_load_states(names["LOAD_STATE"])),
                                            scheduled=scheduled, interval=interval)
    f.load += lines
    f.problems += problems


def _load_state(conn: Any, s: Settings, f: Findings, names: dict[str, str], present: set[str]) -> None:
    """Per configured file: LOAD_STATE status/health, last run, bytes read vs size."""
    if "LOAD_STATE" not in present:
        return  # missing: reported with the objects
    if s.multi_source:
        _source_states(conn, s, f, names, present)
        return
    scheduled = "INGEST_JOB" in names  # jobs_enabled: the job reads every interval
    interval = _interval(conn, names, present, "INGEST_INTERVAL_MINUTES", s.ingest_interval_minutes)
    for file_name in s.log_files:
        rows = db.rows(conn, q_load_state(names["LOAD_STATE"]), file_name=file_name)
        if not rows or rows[0][2] is None:
            f.load.append(f"{file_name}: not read yet")
            f.notes.append(f"log file {file_name} not read yet by " + (
                f"the ingest job {names['INGEST_JOB']}" if scheduled else
                f"{names.get('INGEST_PKG', 'INGEST_PKG')}.run (jobs_enabled = false: run it yourself)"))
            continue
        status, health, last_run, minutes_ago, byte_offset, file_size, lines = rows[0]
        minutes_ago = _minutes(minutes_ago)
        read = None if byte_offset is None else int(byte_offset) - 1
        f.load.append(f"{file_name}: {status}, last run {last_run}"
                      + (f" ({minutes_ago:g} min ago)" if minutes_ago is not None else "")
                      + f", {read} of {file_size if file_size is not None else '?'} bytes read, {lines} lines"
                      + (f" ({db.first_line(str(health))})" if health else ""))
        if status in LOAD_PROBLEM_STATUS:
            detail = f": {db.first_line(str(health))}" if health else ""
            if status == "MISSING":
                fix = (f"check that {s.log_dir}/{file_name} exists and is the listener's log (lsnrctl status, "
                       "Listener Log File), or correct log_file")
            elif status == "UNREADABLE":
                fix = (f"let the oracle OS user read {s.log_dir}/{file_name} (file and folder permissions) "
                       f"and check READ on directory {s.directory}")
            else:
                fix = "correct the cause named in the message; the next ingest run retries"
            f.problems.append(f"log file {file_name} is {status}{detail}; fix: {fix}")
        if scheduled and minutes_ago is not None and minutes_ago > STALE_INTERVALS * interval:
            f.problems.append(
                f"log file {file_name} last read {minutes_ago:g} minutes ago, more than {STALE_INTERVALS} x the "
                f"ingest interval ({interval:g} min); fix: check the job {names['INGEST_JOB']} "
                "(user_scheduler_jobs, user_scheduler_job_run_details) and job_queue_processes")


def _alert_evaluation(conn: Any, s: Settings, f: Findings, names: dict[str, str], present: set[str]) -> None:
    """The last run of ALERT_PKG.run (SETTINGS ALERT_LAST_RUN / ALERT_LAST_STATUS) and the enabled
    rules whose last evaluation failed (ALERT_RULES.last_status)."""
    if "ALERT_PKG" not in names or "SETTINGS" not in present:
        return
    scheduled = "ALERT_JOB" in names
    rows = db.rows(conn, q_setting_age(names["SETTINGS"]), name="ALERT_LAST_RUN")
    last_run, minutes_ago = (rows[0][0], _minutes(rows[0][1])) if rows else (None, None)
    status = db.scalar(conn, q_setting(names["SETTINGS"]), name="ALERT_LAST_STATUS")
    if last_run is None:
        f.alert_evaluation = "never run"
        f.notes.append("alert rules not evaluated yet by " + (
            f"the alert job {names['ALERT_JOB']}" if scheduled else
            f"{names['ALERT_PKG']}.run (jobs_enabled = false: run it yourself)"))
    else:
        f.alert_evaluation = (f"last run {last_run}" + (f" ({minutes_ago:g} min ago)" if minutes_ago is not None else "")
                              + f": {db.first_line(str(status)) if status else 'no status'}")
        if status != "ok":
            f.problems.append(f"the last alert evaluation ({last_run}) reported: "
                              f"{db.first_line(str(status)) if status else 'no status'}; fix: see last_error in "
                              f"{names['ALERT_RULES']} and the HEALTH alerts (`lsnrmine alerts --dsn --rule HEALTH`)")
        interval = _interval(conn, names, present, "ALERT_INTERVAL_MINUTES", s.alert_interval_minutes)
        if scheduled and minutes_ago is not None and minutes_ago > STALE_INTERVALS * interval:
            f.problems.append(
                f"the alert rules were last evaluated {minutes_ago:g} minutes ago, more than {STALE_INTERVALS} x the "
                f"alert interval ({interval:g} min); fix: check the job {names['ALERT_JOB']} "
                "(user_scheduler_jobs, user_scheduler_job_run_details) and job_queue_processes")
    if "ALERT_RULES" in present:
        for rule_id, rule_run, error in db.rows(conn, q_failed_rules(names["ALERT_RULES"]), enabled="Y", status="failed"):
            f.problems.append(f"alert rule {rule_id} failed at {rule_run}: {db.first_line(str(error or ''))}; "
                              f"fix: correct the rule's row in {names['ALERT_RULES']} (threshold, params) "
                              f"or disable it (enabled = 'N')")


def _job_line(conn: Any, name: str, problems: list[str]) -> str:
    rows = db.rows(conn, Q_JOB, job_name=name)
    if not rows:
        return f"{name}: missing"
    enabled, state, last_start, next_run, failures = rows[0]
    if str(state).upper() in JOB_PROBLEM_STATES:
        problems.append(f"job {name} is {state} after {failures} failure(s); fix: see user_scheduler_job_run_details "
                        f"for {name}, correct the cause, then exec sys.dbms_scheduler.enable('{name}')")
    last = db.rows(conn, Q_JOB_LAST_RUN, job_name=name)
    if last:
        status, log_date, error_no, info = last[0]
        if status and status not in ("SUCCEEDED",):
            problems.append(f"job {name} last run {status} at {log_date} (ORA-{error_no}: {db.first_line(str(info or ''))}) "
                            f"; fix: see user_scheduler_job_run_details for {name}")
        last_text = f"last run {status} at {log_date}"
    else:
        last_text = "never run"
    return (f"{name}: {'enabled' if str(enabled).upper() == 'TRUE' else 'DISABLED'}, {state}, {last_text}, "
            f"{failures or 0} failure(s), next {next_run}")


def _history(conn: Any, f: Findings, history: Optional[str]) -> None:
    """The last install run and the last complete one (INSTALL_HISTORY, named ``history``)."""
    if history is None or not db.scalar(conn, Q_HISTORY_TABLE, table_name=history):
        f.problems.append(f"no install history; fix: {FIX_INSTALL}")
        return
    last = db.rows(conn, q_last_run(history))
    complete = db.rows(conn, q_last_complete(history))
    if complete:
        f.installed = f"{complete[0][0]} (completed {complete[0][1]})"
        if version_tuple(complete[0][0]) != version_tuple(__version__):
            f.problems.append(f"installed version is {complete[0][0]}, this lsnrmine is {__version__}; fix: {FIX_INSTALL} to upgrade")
    if last:
        run_id, version, status, started, finished, message = last[0]
        f.last_run = f"run {run_id}: {version} {status}, started {started}" + (f", finished {finished}" if finished else "")
        if status != "complete":
            f.problems.append(f"the last install (run {run_id}, {version}) is {status}"
                              + (f": {db.first_line(str(message))}" if message else "")
                              + f"; fix: correct the cause and {FIX_INSTALL} again")
    elif not complete:
        f.problems.append(f"no install recorded; fix: {FIX_INSTALL}")


def _activity_lines(f: Findings, job: str, ingest: str, alerts: str) -> list[str]:
    """The jobs, the ingest state per file and the last alert evaluation, each line after its label."""
    lines = [job + line for line in f.jobs] + [ingest + line for line in f.load]
    return lines + ([alerts + f.alert_evaluation] if f.alert_evaluation is not None else [])


def run_verify(conn: Any, settings: Settings, out: Callable[[str], None] = print) -> int:
    f = collect(conn, settings)
    if f.problems:
        for problem in f.problems:
            out(problem)
        return 1
    if settings.multi_source:
        out(f"ok: {f.objects_valid}/{f.objects_total} objects valid, {len(settings.sources)} source(s) with "
            f"{len(settings.source_files())} file(s) on instance(s) "
            f"{', '.join('any' if n is None else str(n) for n in settings.source_instances())}, installed {f.installed}")
    else:
        out(f"ok: {f.objects_valid}/{f.objects_total} objects valid, directory {settings.directory} -> {f.directory_path}, "
            f"{len(f.files)} log file(s) readable, installed {f.installed}")
    for line in _activity_lines(f, "job: ", "ingest: ", "alert evaluation: "):
        out(line)
    for note in f.notes:
        out(f"note: {note}")
    return 0


def run_status(conn: Any, settings: Settings, dsn: str, out: Callable[[str], None] = print) -> int:
    f = collect(conn, settings)
    out(f"lsnrmine {__version__} on {dsn} as {f.schema} (Oracle {f.server_version})")
    out(f"installed:  {f.installed or 'no complete install recorded'}")
    out(f"last run:   {f.last_run or '-'}")
    out(f"objects:    {f.objects_valid}/{f.objects_total} valid"
        + (f"; missing: {', '.join(f.missing)}" if f.missing else "")
        + (f"; invalid: {', '.join(f.invalid)}" if f.invalid else ""))
    out(f"directory:  {settings.directory} -> {f.directory_path or 'missing or not granted'}")
    if settings.listener_log_instance is not None:
        out(f"listener_log: files of instance {settings.listener_log_instance} (listener_log_instance) and of "
            "the unpinned sources; query LISTENER_LOG there")
    for name, size, problem in f.files:
        out(f"log file:   {name}: " + (f"{size} bytes" if problem is None else f"UNREADABLE ({problem})"))
    for line in _activity_lines(f, "job:        ", "ingest:     ", "alerts:     "):
        out(line)
    out(f"problems:   {len(f.problems)}" + (" (run `lsnrmine verify` for the fixes)" if f.problems else ""))
    return 0
