"""Install (= upgrade) and uninstall against a live connection: preflight, phases, history.

Phase ``admin`` runs as a DBA account (``--user``): it creates the owner schema when asked, the
directory object(s) and the owner's grants. Phase ``owner`` runs as the owner schema and creates
every other object. Both execute exactly the statements of :mod:`lsnrmine.render` (split by
:func:`lsnrmine.runner.split_script`); ``--dry-run`` is the same walk over the objects with
execution off (the statements are printed instead), so it shows what runs.

Around those statements the installer only runs the fixed statements of
:mod:`lsnrmine.install_sql`: preflight checks (:mod:`lsnrmine.preflight`), the install-history
rows, probes of the log files, the invalid-object check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Sequence

from . import __version__, db
from .install_sql import (
    Q_DIRECTORY_PATH,
    Q_FIRST_ERROR,
    Q_INVALID_OBJECTS,
    Q_JOBS,
    Q_OWNER_SYS_GRANTS,
    Q_RUNNING_JOBS,
    Q_SESSION_USER,
    Q_USER_OBJECTS,
    S_DISABLE_JOB,
    S_ENABLE_JOB,
    S_JOB_COMMENTS,
    S_OUTPUT_ENABLE,
    S_OUTPUT_LINE,
    S_RECOMPILE,
    q_installed_version,
    q_probe,
    s_history_end,
    s_history_start,
)
from .manifest import UPGRADE_STEPS, UpgradeStep, version_tuple
from .preflight import PreflightFailed, admin_preflight, owner_preflight, probe_files
from .read_errors import error_text, translate_read_error
from .render import JOB_PAUSE_MARKER, RenderedObject, render_objects, revoked_sys_grants
from .runner import ScriptError, execute_statements, split_script
from .settings import Settings
from .templates import environment, template_context
from .verify import is_instance_job

OWNER_PASSWORD_DEFINE = "lsnrmine_owner_password"

# how long the owner phase waits for running lsnrmine jobs before it replaces their code
JOB_WAIT_SECONDS = 180


# -- errors -------------------------------------------------------------------------------------
class InstallFailed(Exception):
    """A run stopped half-way; ``done`` lists what was created or replaced before."""

    def __init__(self, phase: str, reason: str, done: Sequence[str], notes: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.phase = phase
        self.reason = reason
        self.done = list(done)
        self.notes = list(notes)


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


def revoker(owner: str, grantor: str) -> str:
    """Who can revoke a grant on a SYS/AUDSYS object: its grantor; a grant recorded with the object
    owner as grantor (made by the owner or through GRANT ANY OBJECT PRIVILEGE) also SYS."""
    return "SYS" if grantor in ("SYS", owner) else grantor


# -- the orchestrator --------------------------------------------------------------------------
@dataclass
class RunLog:
    """A run's progress: one line per object done, and the notes to show with them."""

    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    current: str = "preflight"  # what the run is doing, for the message when it stops
    history: Optional[str] = None  # the install-history table, once the run's row is written
    run_id: Optional[int] = None  # that row


@dataclass
class _Sink:
    """Where a walk's statements go: executed on ``conn``, or (``conn`` None, --dry-run) appended to
    ``printed`` with their ``/`` lines and comments."""

    conn: Any = None
    printed: list[str] = field(default_factory=list)
    steps: Sequence[UpgradeStep] = ()  # upgrade steps: those planned (run) or every one (dry run)
    owner_exists: bool = False  # the admin phase skips the owner user then
    existing: frozenset = frozenset()  # (name, type) of the owner's objects before the run
    substitutions: Optional[dict[str, str]] = None

    @property
    def dry(self) -> bool:
        return self.conn is None

    def comment(self, text: str) -> None:
        if self.dry:
            self.printed.append(f"-- {text}")

    def execute(self, statements: Sequence[str], label: str) -> None:
        if self.dry:
            for statement in statements:
                self.printed += [statement, "/"]
        else:
            execute_statements(self.conn, statements, label=label, substitutions=self.substitutions)


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
        return admin_preflight(conn, self.settings, force=self.force)

    def install_admin(self, conn: Any, owner_password: Optional[str] = None) -> RunLog:
        s = self.settings
        notes, owner_exists = self.preflight_admin(conn)
        for note in notes:
            self.out(f"note: {note}")
        report = RunLog(notes=notes)
        items = render_objects(s, "admin", force=self.force)
        self._enable_output(conn)
        if not owner_password:
            user = next((i for i in items if i.obj.object_type == "USER" and not owner_exists), None)
            if user is not None:
                raise InstallFailed("admin", f"creating user {user.name} needs the owner password "
                                    "(LSNRMINE_OWNER_PASSWORD or a prompt)", report.lines)
        sink = _Sink(conn, owner_exists=owner_exists,
                     substitutions={OWNER_PASSWORD_DEFINE: owner_password} if owner_password else None)
        try:
            self.walk("admin", items, sink, report)
        except ScriptError as exc:
            raise InstallFailed("admin", db.mask(str(exc), [owner_password or ""]), report.lines) from None
        return report

    # -- the walk over a phase's objects, shared by a run and --dry-run ------------------------------
    def walk(self, phase: str, items: Sequence[RenderedObject], sink: _Sink, report: RunLog) -> None:
        """Deploy ``items`` in order; after each object (not in a dry run) its DBMS_OUTPUT lines, its
        line in ``report`` and what the manifest asks for: the log directory checked, the
        install-history row started, a read probe; the object's upgrade steps follow it."""
        s = self.settings
        for index, item in enumerate(items, start=1):
            kind = item.obj.object_type
            note = f" (skipped when user {item.name} exists)" if kind == "USER" else ""
            sink.comment(f"[{phase} {index}/{len(items)}] {kind.lower()} {item.name}{note}")
            if kind == "USER" and sink.owner_exists:
                continue
            report.current = f"{kind.lower()} {item.name}"
            sink.execute(split_script(item.deploy), report.current)
            if not sink.dry:
                self._print_output(sink.conn)
                existed = None if phase == "admin" else (item.name, kind) in sink.existing
                report.lines.append(self._done_line(item, existed))
                self.out(report.lines[-1])
                if item.obj.log_directory:
                    self._check_directory_after_admin(sink.conn, report)
                if item.obj.history:
                    report.history, report.run_id = item.name, self._history_start(sink.conn, item.name)
            for step in (st for st in sink.steps if st.table == item.obj.logical):
                sink.comment(f"only if {item.name} existed and the installed version is older than {step.version}:")
                report.current = f"upgrade step {step.version} of {item.name}"
                sink.execute([render_step(step, s)], report.current)
                if not sink.dry:
                    report.lines.append(f"altered TABLE {item.name} (step {step.version})")
                    self.out(report.lines[-1])
            if item.obj.read_probe and not sink.dry:
                report.current = f"reading {item.name}"
                self._probe_object(sink.conn, item.name)

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

    def _check_directory_after_admin(self, conn: Any, report: RunLog) -> None:
        s = self.settings
        for directory, log_dir in s.directories():  # one per distinct source folder
            path = db.scalar(conn, Q_DIRECTORY_PATH, dir_name=directory)
            if path != log_dir:
                raise InstallFailed("admin", f"directory {directory} points at {path}, not {log_dir}", report.lines)
        # The DBA account that created the directory can read through it: probe the files now,
        # before the owner phase (ORA-22286 = this account has no READ: left to the owner phase).
        problems = [p for p in probe_files(conn, s) if "has no READ on directory" not in p]
        if problems:
            raise InstallFailed("admin", "; ".join(problems), report.lines)

    @staticmethod
    def _done_line(item: RenderedObject, existed: Optional[bool] = None) -> str:
        kind = item.obj.object_type
        if kind == "GRANT":
            return f"granted privileges to {item.name}"
        verb = ("kept" if kind == "TABLE" else "replaced") if existed else "created"  # tables: created only if missing
        return f"{verb} {kind} {item.name}"

    # -- owner phase ----------------------------------------------------------------------------
    def preflight_owner(self, conn: Any) -> list[str]:
        """Notes; raises PreflightFailed listing every problem (nothing is created before)."""
        return owner_preflight(conn, self.settings)

    def install_owner(self, conn: Any) -> RunLog:
        s = self.settings
        notes = self.preflight_owner(conn)
        for note in notes:
            self.out(f"note: {note}")
        report = RunLog(notes=notes)
        items = render_objects(s, "owner")
        existing = {(row[0], row[1]) for row in db.rows(conn, Q_USER_OBJECTS)}
        history = next((i for i in items if i.obj.history), None)
        installed_version = None
        if history is not None and (history.name, "TABLE") in existing:
            installed_version = db.scalar(conn, q_installed_version(history.name))
        preexisting_tables = {i.obj.logical for i in items if i.obj.object_type == "TABLE" and (i.name, "TABLE") in existing}
        steps = plan_upgrade_steps(self.steps, installed_version, preexisting_tables, self.version)
        if installed_version:
            self.out(f"upgrading from lsnrmine {installed_version} to {self.version}"
                     if version_tuple(installed_version) < version_tuple(self.version)
                     else f"reinstalling lsnrmine {self.version} over {installed_version}")
        paused = self._pause_jobs(conn, items)
        self._enable_output(conn)
        try:
            self.walk("owner", items, _Sink(conn, steps=steps, existing=frozenset(existing)), report)
            report.current = "invalid-object check"
            self._check_invalid(conn)
        except (ScriptError, _ProbeError, _InvalidObjects) as exc:
            current = report.current
            translated = translate_read_error(error_text(exc), s) if isinstance(exc, ScriptError) else None
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
            if report.run_id is not None:
                self._history_end(conn, report, "incomplete", failed.reason, failed.notes)
            else:
                failed.notes.append("no install-history row was written (the run stopped before its table existed)")
            raise failed from None
        for job, comments in paused.items():
            self._resume_job(conn, job, comments)
            report.lines.append(f"enabled JOB {job} again")
            self.out(report.lines[-1])
        if report.run_id is not None:
            self._history_end(conn, report, "complete", None, report.notes)
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
        jobs = db.rows(conn, Q_JOBS)
        if self.settings.multi_source:  # the instance jobs INGEST_JOB_I<n> (scheduler_jobs/ingest_job.sql)
            ours |= {str(r[0]) for r in jobs if is_instance_job(self.settings, str(r[0]))}
        paused: dict[str, str] = {}
        disabled_now: list[str] = []
        for name, enabled, comments in jobs:
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
            running = sorted(str(r[0]) for r in db.rows(conn, Q_RUNNING_JOBS) if r[0] in ours)
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
            raise InstallFailed("owner", f"could not mark JOB {job} as paused ({db.first_line(exc)}): its jobs "
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

    def _history_end(self, conn: Any, report: RunLog, status: str, message: Optional[str], notes: list[str]) -> None:
        history, run_id = str(report.history), report.run_id
        try:
            with conn.cursor() as cursor:
                cursor.execute(s_history_end(history), status=status, objects="\n".join(report.lines),
                               message=(message or None) and message[:4000], run_id=run_id)
            conn.commit()
        except Exception as exc:  # the run's own error matters more; say the row is stale
            notes.append(f"could not record '{status}' in {history} (row {run_id}): {db.first_line(exc)}")

    def _probe_object(self, conn: Any, name: str) -> None:
        try:
            db.rows(conn, q_probe(name))
        except Exception as exc:
            text = str(exc)
            raise _ProbeError(translate_read_error(text, self.settings) or f"select from {name} failed: {db.first_line(text)}",
                              text) from None

    def _check_invalid(self, conn: Any) -> None:
        try:
            with conn.cursor() as cursor:
                cursor.execute(S_RECOMPILE)
        except Exception as exc:  # ORA-20000 etc.: the check below names what is still invalid
            self.out(f"note: recompiling invalid objects failed: {db.first_line(exc)}")
        invalid = db.rows(conn, Q_INVALID_OBJECTS)
        if invalid:
            details = []
            for object_type, object_name in invalid:
                first = db.rows(conn, Q_FIRST_ERROR, object_name=object_name)
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

    def uninstall_walk(self, phase: str, keep_data: bool, sink: _Sink, report: RunLog) -> None:
        """Drop the phase's objects in uninstall order (not in a dry run: each with its line in ``report``)."""
        for item, kept in self.uninstall_order(phase, keep_data):
            kind = item.obj.object_type
            label = f"{kind} {item.name}"
            if kept:
                sink.comment(f"kept {kind.lower()} {item.name} ({kept})")
                if not sink.dry:
                    report.lines.append(f"kept {label} ({kept})")
                    self.out(report.lines[-1])
                continue
            sink.comment(f"drop {kind.lower()} {item.name}")
            existed = sink.dry or self._exists(sink.conn, item)
            sink.execute(split_script(item.revert or ""), f"drop {label}")
            if sink.dry:
                continue
            if kind == "GRANT":
                report.lines.append(f"revoked privileges from {item.name}")
            else:
                report.lines.append(f"dropped {label}" if existed else f"absent {label} (nothing to drop)")
            self.out(report.lines[-1])

    def uninstall(self, conn: Any, phase: str, keep_data: bool) -> RunLog:
        s = self.settings
        if phase == "owner":
            schema = db.scalar(conn, Q_SESSION_USER)
            if schema != s.schema:
                raise PreflightFailed("owner", [f"connected as {schema}, not the owner {s.schema}: "
                                                "uninstall drops only in the owner schema"])
        else:
            self.preflight_uninstall_admin(conn)
        report = RunLog()
        try:
            self.uninstall_walk(phase, keep_data, _Sink(conn), report)
        except ScriptError as exc:
            raise InstallFailed(phase, str(exc), report.lines) from None
        if phase == "admin":
            left = self.sys_grants_left(conn)
            if left:
                raise InstallFailed("admin", "uninstall could not revoke: " + "; ".join(left), report.lines)
        return report

    def _sys_grants_held(self, conn: Any) -> list[tuple[str, str, str, str]]:
        """(schema, object, privilege, grantor) the owner holds among the SYS/AUDSYS grants this
        uninstall revokes (settings-dependent, like the rendered revokes)."""
        ours = set(revoked_sys_grants(self.settings))
        rows = db.rows(conn, Q_OWNER_SYS_GRANTS, user_name=self.settings.schema)
        return [(str(o), str(n), str(p), str(g)) for o, n, p, g in rows if (o, n, p) in ours]

    def preflight_uninstall_admin(self, conn: Any) -> None:
        """The admin uninstall revokes grants on SYS/AUDSYS objects. An object privilege is revoked by
        its grantor, or (GRANT ANY OBJECT PRIVILEGE) a grant the object owner made; for SYS's objects
        dictionary protection leaves only SYS. A grant this account cannot revoke (ORA-01927, which
        the revoke blocks tolerate) refuses the run before anything is dropped."""
        me = str(db.scalar(conn, Q_SESSION_USER))
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
            return bool(db.rows(conn, item.obj.verify, name=item.name, type=item.obj.object_type))
        except Exception:  # existence only decides the wording of the report line
            return True


class _ProbeError(Exception):
    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


class _InvalidObjects(Exception):
    pass


# -- dry run --------------------------------------------------------------------------------------
def _phase_banner(settings: Settings, phase: str) -> str:
    who = "the --user account (a DBA)" if phase == "admin" else f"the owner {settings.schema}"
    return f"-- ===== phase {phase}: connected as {who} ====="


def dry_run_install(settings: Settings, phase: str, steps: Sequence[UpgradeStep] = UPGRADE_STEPS,
                    *, force: bool = False) -> str:
    """The statements ``install`` executes, in order, each ended by a ``/`` line."""
    phases = ("admin", "owner") if phase == "all" else (phase,)
    out = [f"-- lsnrmine {__version__} install --dry-run: statements only; preflight queries, install-history "
           "rows, read probes and the invalid-object check are not shown; before the owner phase replaces "
           "code, lsnrmine's enabled jobs are disabled (DBMS_SCHEDULER.DISABLE, force), running ones are "
           f"awaited for at most {JOB_WAIT_SECONDS} s, and they are enabled again after a complete run (until then "
           f"their COMMENTS start with '{JOB_PAUSE_MARKER.strip()}', so a later run enables them if this one stops)"]
    installer = Installer(settings, out=lambda _line: None, steps=steps, force=force)
    for phase_name in phases:
        items = render_objects(settings, phase_name, force=force)
        out.append(_phase_banner(settings, phase_name))
        sink = _Sink(steps=steps)
        installer.walk(phase_name, items, sink, RunLog())
        out += sink.printed
    return "\n".join(out) + "\n"


def dry_run_uninstall(settings: Settings, phase: str, keep_data: bool, *, force: bool = False) -> str:
    phases = ("owner", "admin") if phase == "all" else (phase,)
    installer = Installer(settings, out=lambda _line: None, force=force)
    out = [f"-- lsnrmine {__version__} uninstall --dry-run: drops only what the manifest owns"]
    for phase_name in phases:
        out.append(_phase_banner(settings, phase_name))
        sink = _Sink()
        installer.uninstall_walk(phase_name, keep_data, sink, RunLog())
        out += sink.printed
        if phase_name == "admin":
            held = ", ".join(f"{p} on {o}.{n}" for o, n, p in revoked_sys_grants(settings))
            out.append(f"-- before: refused when the owner holds a grant this account cannot revoke; after: fails "
                       f"naming any of {held} the owner still holds and who must revoke it (uninstall_admin.sql "
                       "ends with the same check)")
    return "\n".join(out) + "\n"
