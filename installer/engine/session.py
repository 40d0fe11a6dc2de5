"""The embedded engine: DuckDB loaded with listener logs, running the project's Oracle SQL.

Views are created from the same templates Oracle gets (the manifest's VIEW objects),
translated by the dialect bridge; queries typed by the user are Oracle dialect too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence, TextIO

import duckdb
import sqlglot

from ..manifest import MANIFEST
from ..runner import split_script
from ..settings import Settings
from ..templates import render_template
from .. import identifiers as ids
from .. import output
from . import cache, dialect, events, functions, loader, prefilter, pushdown, reading

# DBA_AUDIT_TRAIL columns the article's audit joins use (Reference, DBA_AUDIT_TRAIL);
# loaded from a CSV export when given, empty otherwise so the article's queries run.
AUDIT_TRAIL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("os_username", "VARCHAR"), ("username", "VARCHAR"), ("userhost", "VARCHAR"),
    ("terminal", "VARCHAR"), ("timestamp", "TIMESTAMP"), ("action_name", "VARCHAR"),
    ("logoff_time", "TIMESTAMP"), ("returncode", "BIGINT"), ("comment_text", "VARCHAR"),
    ("ses_actions", "VARCHAR"), ("sql_text", "VARCHAR"),
)

# UNIFIED_AUDIT_TRAIL columns the audit match view reads (Database Reference, UNIFIED_AUDIT_TRAIL);
# EVENT_TIMESTAMP (TIMESTAMP WITH LOCAL TIME ZONE in Oracle) is loaded as the export's wall-clock
# time. Loaded from a CSV export (--unified-audit-csv), empty otherwise so the audit views exist.
UNIFIED_AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_timestamp", "TIMESTAMP"), ("dbusername", "VARCHAR"), ("os_username", "VARCHAR"),
    ("userhost", "VARCHAR"), ("terminal", "VARCHAR"), ("client_program_name", "VARCHAR"),
    ("authentication_type", "VARCHAR"), ("action_name", "VARCHAR"), ("return_code", "BIGINT"),
)

# Columns that hold Oracle DATE values in lsnrmine's tables and views: the dialect bridge
# needs to know them for date arithmetic (it refuses to guess).
ENGINE_DATE_COLUMNS: frozenset[str] = frozenset({
    "log_date", "event_time", "first_time", "last_time", "first_event_time", "last_event_time",
    "timestamp", "logoff_time", "updated_at", "created_at", "started_at", "finished_at",
    "last_run", "first_seen", "last_seen", "hour_start", "day_start",
    "event_timestamp", "logon_time",  # UNIFIED_AUDIT_TRAIL (cast to DATE by the audit views), audit views
})


_EVENT_OBJECTS = ("EVENTS", "EVENT_PARSE", "STAGE_LINES")
#: placeholder of the query-specific listener_log of a streamed load (OfflineEngine._prefiltered)
_PREFILTERED = "lsnrmine_listener_log_prefiltered"


class EngineError(Exception):
    """A one-line error for the user (bad query, untranslatable construct, bad input)."""


def may_stream(statement: str, prefix: str) -> bool:
    """A guess from the text, before anything is parsed: True when ``statement`` names listener_log
    and none of the other log relations or lsnrmine's (``prefix``ed) views. ``load`` decides from
    the parse tree; this only decides whether the reject count starts early."""
    text = statement.lower()
    return ("listener_log" in text and "listener_log_lines" not in text and "listener_log_src" not in text
            and prefix.lower() not in text)


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


class OfflineEngine:
    def __init__(self, settings: Optional[Settings] = None, *, now: Optional[dt.datetime] = None) -> None:
        self.settings = settings or Settings()
        if self.settings.audit_mode != "both":
            # offline, both audit tables always exist (empty unless a CSV is loaded): create every
            # audit view whatever audit_mode says (it decides what the database install deploys)
            self.settings = dataclasses.replace(self.settings, audit_mode="both")
        # no extension is installed or loaded behind the user's back, no Python variable is read
        # as a table (docs/oracle-facts.md, "Offline engine sandbox and Oracle dialect")
        self.con = duckdb.connect(":memory:", config=dict(_CONNECT_CONFIG))
        # DuckDB's defaults would take 80 % of the machine's memory, then spill into ".tmp" in the
        # user's current directory: a bounded share (settings.engine_memory_limit), a private spill
        # directory. https://duckdb.org/docs/stable/configuration/overview (memory_limit, temp_directory)
        self.con.execute(f"SET memory_limit = {ids.sql_string(self.settings.engine_memory_limit)}")
        self._spill_dir = loader.private_temp_dir("lsnrmine-spill-")
        self.con.execute(f"SET temp_directory = {ids.sql_string(self._spill_dir)}")
        #: the files DuckDB may read once sealed: the inputs given (and their transcoded copies)
        self._inputs: set[str] = set()
        #: file access limited to ``_inputs`` and the spill directory, configuration locked (``seal``)
        self.sealed = False
        dialect.install_support(self.con, now)
        functions.register_functions(self.con)
        self._create_audit_trail()
        self.stats: Optional[loader.LoadStats] = None
        self.events_built = False
        self.views_created = False
        self._event_names_cache: Optional[frozenset[str]] = None
        self._views_cache: Optional[list[tuple[str, str]]] = None
        self._translations: dict[str, str] = {}
        self._parse_view_created = False
        self.translation_cache = cache.TranslationCache.default(self.settings, ENGINE_DATE_COLUMNS)
        self._parse_trees: dict[str, Optional[sqlglot.exp.Expression]] = {}
        self._described: dict[str, Optional[list[tuple[Any, ...]]]] = {}
        #: the last load made listener_log a view straight over the files (loader stream=True)
        self.streamed = False
        #: lower-case names of every object a load creates besides the log relations: the
        #: manifest's offline views and the events objects (no template rendered for this)
        self._view_names = frozenset(
            {obj.name(self.settings).lower() for obj in self._offline_view_objects()}
            | {self.settings.object_name(n).lower() for n in _EVENT_OBJECTS})

    @classmethod
    def for_statements(cls, settings: Settings, paths: Sequence[str], statements: Sequence[str], *,
                       encoding: str = "utf-8", now: Optional[dt.datetime] = None,
                       progress: Optional[bool] = None, rerun: bool = False) -> "OfflineEngine":
        """An engine loaded with ``paths`` to run ``statements`` (Oracle dialect). Each statement is
        translated before any input is read: a query the engine cannot run fails first. A single
        statement that is not re-run (``rerun``: the lines will change, ``sql --follow``) may be
        streamed (see ``load``); its reject count then starts at once, in DuckDB, while the engine
        is built and the statement translated (``load`` stops it if the tables are needed after all)."""
        single = statements[0] if len(statements) == 1 and not rerun else None
        counter = (loader.RejectCounter.start(paths, encoding, settings.date_language)
                   if single is not None and may_stream(single, settings.prefix) else None)
        try:
            engine = cls(settings, now=now)
            for statement in statements:
                engine.translate(statement)
        except BaseException:
            if counter is not None:
                counter.close()
            raise
        engine.load(paths, encoding=encoding, progress=progress, query=single, reject_counter=counter)
        return engine

    @property
    def _event_names(self) -> frozenset[str]:
        """Lower-case names of the events objects and of the views over them (rendered once, on
        first use: a query on listener_log alone never needs them)."""
        if self._event_names_cache is None:
            self._event_names_cache = self._event_dependent_names()
        return self._event_names_cache

    # -- input -------------------------------------------------------------------------
    def load(self, paths: Sequence[str], *, encoding: str = "utf-8", progress: Optional[bool] = None,
             query: Optional[str] = None, reject_counter: Optional[loader.RejectCounter] = None) -> loader.LoadStats:
        """Load ``paths``. ``query``: the only (Oracle-dialect) statement that will run; when it
        reads no log relation but listener_log (no listener_log_lines/_src, no view, no events)
        listener_log becomes a view straight over the files (loader ``stream=True``: one parallel
        pass for the query, memory flat whatever the file size) and the views are created only
        if a later query needs them. Otherwise both tables are materialised and the views made.
        ``reject_counter``: see loader.load_logs (started by ``for_statements``)."""
        stream = query is not None and self._only_listener_log(self._table_names(self.translate(query)))
        if self.sealed:  # only the files read before the first query (see ``seal``)
            try:
                files = loader.resolve_paths(paths)
            except loader.LoadError as exc:
                raise EngineError(str(exc)) from None
            for path in files:
                if path == "-" or os.path.abspath(path) not in self._inputs:
                    raise EngineError(_SEALED.format(path))
        reading.phase("reading the log" if stream else "loading the log", reads_input=True)
        try:
            self.stats = loader.load_logs(self.con, list(paths), encoding=encoding,
                                          date_language=self.settings.date_language, progress=progress,
                                          stream=stream, reject_counter=reject_counter,
                                          default_listener=self.settings.listener_name)
        except loader.LoadError as exc:
            raise EngineError(str(exc)) from None
        except duckdb.PermissionException:  # a known file that now needs a transcoded copy
            raise EngineError(_SEALED.format(", ".join(paths))) from None
        for fs in self.stats.files:
            self._allow(fs.reader_path)
            if fs.source != "<stdin>":
                self._allow(fs.source)
        self._described.clear()
        self.events_built = False
        self.views_created = False
        self.streamed = stream
        if not stream:
            self.ensure_views()
        return self.stats

    def ensure_views(self) -> None:
        """Create the views that do not read the events table, once per load."""
        if not self.views_created:
            self.create_views(on_events=False)
            self.views_created = True
            self._described.clear()  # texts that read them were undescribable before

    def _parsed(self, duckdb_sql: str) -> Optional[sqlglot.exp.Expression]:
        """``duckdb_sql`` parsed (once per text; callers must not change the tree: copy it), None
        when it does not parse."""
        if duckdb_sql not in self._parse_trees:
            try:
                self._parse_trees[duckdb_sql] = sqlglot.parse_one(duckdb_sql, read="duckdb")
            except sqlglot.errors.SqlglotError:
                self._parse_trees[duckdb_sql] = None
        return self._parse_trees[duckdb_sql]

    def _table_names(self, duckdb_sql: str) -> Optional[set[str]]:
        """Lower-case names of the relations ``duckdb_sql`` reads (CTE names excluded); None when
        it does not parse."""
        tree = self._parsed(duckdb_sql)
        if tree is None:
            return None
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(sqlglot.exp.CTE)}
        return {t.name.lower() for t in tree.find_all(sqlglot.exp.Table)} - ctes

    # ``names``: what _table_names returned for the query (None: it did not parse, assume all)
    def _only_listener_log(self, names: Optional[set[str]]) -> bool:
        if names is None or "listener_log" not in names:
            return False
        return not (names & ({"listener_log_lines", "listener_log_src"} | self._view_names))

    def _needs_views(self, names: Optional[set[str]]) -> bool:
        return names is None or bool(names & self._view_names)

    def ensure_events(self) -> None:
        """Build the events table and the views over it, once per load. Parsing events costs far
        more than loading lines, so it happens only when a query needs them (lazily)."""
        if not self.events_built:
            self.ensure_views()
            reading.phase("building the events")
            reading.events(self.build_events())
            self.create_views(on_events=True)
            self.events_built = True
            self._described.clear()

    def build_events(self) -> int:
        """Parse the loaded lines into the events table (lsnr_events) through the parse view
        views/events.sql, the same SQL Oracle's ingestion runs (engine.events)."""
        sources = self.stats.sources if self.stats else []
        try:
            return events.build_offline(self, sources, create_view=False)
        except duckdb.Error as exc:
            raise EngineError(f"building the events: {_first_line(exc)}") from None

    def _create_audit_trail(self) -> None:
        for table, columns in _AUDIT_TABLES.items():
            spec = ", ".join(f"{name} {kind}" for name, kind in columns)
            self.con.execute(f"CREATE OR REPLACE TABLE {table} ({spec})")

    def load_audit_csv(self, path: str) -> int:
        """Load a CSV export of DBA_AUDIT_TRAIL (header row with column names)."""
        return self._load_audit_table("dba_audit_trail", path)

    def load_unified_audit_csv(self, path: str) -> int:
        """Load a CSV export of UNIFIED_AUDIT_TRAIL (header row with column names; EVENT_TIMESTAMP
        as 'YYYY-MM-DD HH24:MI:SS[.FF]' in the listener host's time zone)."""
        return self._load_audit_table("unified_audit_trail", path)

    def _load_audit_table(self, table: str, path: str) -> int:
        view = table.upper()
        columns = _AUDIT_TABLES[table]
        file = Path(path)
        if not file.is_file():
            raise EngineError(f"audit CSV {path}: not a readable file; give a CSV export of {view}")
        known = {name for name, _ in columns}
        self._allow(str(file))
        try:
            header = self.con.execute("SELECT * FROM read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"') LIMIT 0",
                                      [str(file)]).description
        except duckdb.PermissionException:
            raise EngineError(_SEALED.format(f"audit CSV {path}")) from None
        except duckdb.Error as exc:
            raise EngineError(f"audit CSV {path}: {_first_line(exc)}") from None
        present = {column[0].lower(): column[0] for column in header}
        unknown = sorted(set(present) - known)
        if unknown:
            raise EngineError(f"audit CSV {path}: unknown column {unknown[0]!r}; use {view} column names")
        casts = ", ".join(
            f"TRY_CAST(NULLIF(\"{present[name]}\", '') AS {kind}) AS {name}" if name in present
            else f"NULL::{kind} AS {name}"
            for name, kind in columns
        )
        try:
            self.con.execute(
                f"INSERT INTO {table} SELECT {casts} FROM read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"')",
                [str(file)],
            )
        except duckdb.Error as exc:
            raise EngineError(f"audit CSV {path}: {_first_line(exc)}") from None
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    # -- file access -----------------------------------------------------------------------
    def _allow(self, path: Optional[str]) -> None:
        """Let DuckDB read ``path`` once sealed (as given and resolved: DuckDB compares the text)."""
        if path:
            self._inputs.update({os.path.abspath(path), os.path.realpath(path)})

    def seal(self) -> None:
        """From now on DuckDB reads only the inputs loaded so far and writes only into the spill
        directory: no other file (read_text('/etc/passwd'), COPY ... TO, ATTACH), no extension
        installed or loaded, and the configuration locked so that no SET gives it back. Done before
        the first query runs (``_runnable``); a later ``load`` may re-read the same files only.
        DuckDB takes allowed_paths/allowed_directories only while external access is on, and adds
        the temp_directory to the allowed directories itself."""
        if self.sealed:
            return
        files = ", ".join(ids.sql_string(p) for p in sorted(self._inputs))
        spill = {os.path.join(d, "") for d in (self._spill_dir, os.path.realpath(self._spill_dir))}
        dirs = ", ".join(ids.sql_string(d) for d in sorted(spill))
        self.con.execute(f"SET allowed_paths = [{files}]")
        self.con.execute(f"SET allowed_directories = [{dirs}]")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")
        self.sealed = True

    # -- the project's views -------------------------------------------------------------
    def _offline_view_objects(self) -> list[Any]:
        return [obj for obj in MANIFEST
                if obj.object_type == "VIEW" and obj.offline and obj.applies(self.settings)]

    def _offline_views(self) -> list[tuple[str, str]]:
        """(name, rendered text) of every manifest VIEW the engine creates, in manifest order;
        rendered once per engine (the settings never change)."""
        if self._views_cache is None:
            views = []
            for obj in self._offline_view_objects():
                name = obj.name(self.settings)
                views.append((name, render_template(obj.deploy, self.settings, **obj.template_context(self.settings))))
            self._views_cache = views
        return self._views_cache

    def _event_dependent_names(self) -> frozenset[str]:
        """Lower-case names of the events objects and of every view reading them (transitively)."""
        names = {self.settings.object_name(n).lower() for n in _EVENT_OBJECTS}
        for name, text in self._offline_views():  # manifest order: dependencies first
            words = set(re.findall(r"[a-z_$#][a-z0-9_$#]*", text.lower()))
            if words & names:
                names.add(name.lower())
        return frozenset(names)

    def create_views(self, *, on_events: bool) -> None:
        built = {self.settings.object_name(n).lower() for n in _EVENT_OBJECTS}  # build_events / _runnable
        for name, text in self._offline_views():
            if (name.lower() in self._event_names) != on_events or name.lower() in built:
                continue
            for statement in split_script(text):
                self.execute_oracle(statement, what=f"view {name}")

    def _needs_events(self, names: Optional[set[str]]) -> bool:
        if names is None:
            return True  # cannot tell: build them
        return bool(names & self._view_names) and bool(names & self._event_names)

    # -- the engine's own tables in DuckDB SQL (alert tables, lines changed by follow) -----
    def execute_duckdb(self, duckdb_sql: str, params: Optional[Sequence[Any]] = None) -> list[tuple[Any, ...]]:
        """Run one DuckDB statement (not translated) with bound ``params``; its rows (none for DDL
        and DML). EngineError (the first line of DuckDB's message) when it fails."""
        try:
            cursor = self.con.execute(duckdb_sql, params) if params is not None else self.con.execute(duckdb_sql)
            return cursor.fetchall() if cursor.description else []
        except duckdb.Error as exc:
            raise EngineError(_first_line(exc)) from None

    def insert_rows(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        """INSERT ``rows`` into ``table`` (an identifier the caller built), one bound row each."""
        if not rows:
            return
        marks = ", ".join("?" * len(rows[0]))
        try:
            self.con.executemany(f"INSERT INTO {table} VALUES ({marks})", [list(r) for r in rows])
        except duckdb.Error as exc:
            raise EngineError(_first_line(exc)) from None

    def own_lines(self) -> None:
        """listener_log_lines as a table that ``append_lines``/``delete_lines`` may change (a load
        that left it a view over the files re-reads them at every query)."""
        kind = self.con.execute("SELECT table_type FROM information_schema.tables "
                                "WHERE table_name = 'listener_log_lines'").fetchone()
        if kind and kind[0] == "VIEW":
            self.con.execute("CREATE TABLE lsnr_follow_lines AS SELECT source, listener, host, line_no, line "
                             "FROM listener_log_lines")
            self.con.execute("DROP VIEW listener_log_lines")
            self.con.execute("ALTER TABLE lsnr_follow_lines RENAME TO listener_log_lines")

    def delete_lines(self, source: str, *, after_line_no: Optional[int] = None) -> None:
        """Drop the lines of ``source`` (those after ``after_line_no`` when given) from listener_log_lines."""
        if after_line_no is None:
            self.con.execute("DELETE FROM listener_log_lines WHERE source = ?", [source])
        else:
            self.con.execute("DELETE FROM listener_log_lines WHERE source = ? AND line_no > ?", [source, after_line_no])

    def append_lines(self, rows: Sequence[tuple[str, int, Optional[str]]]) -> None:
        """Add (source, line_no, line) rows to listener_log_lines (labelled like the source's loaded lines)."""
        labels = {fs.source: (fs.listener, fs.host) for fs in (self.stats.files if self.stats else [])}
        self.con.executemany("INSERT INTO listener_log_lines (source, listener, host, line_no, line) VALUES (?, ?, ?, ?, ?)",
                             [(r[0], *labels.get(r[0], (self.settings.listener_name, None)), r[1], r[2]) for r in rows])

    def refresh_from_lines(self) -> None:
        """After listener_log_lines changed: listener_log (when a table) is filled again from
        listener_log_src, and the events are rebuilt if they were built."""
        kinds = dict(self.con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                      "WHERE table_name IN ('listener_log', 'listener_log_lines')").fetchall())
        if kinds.get("listener_log") == "BASE TABLE":
            self.con.execute("DELETE FROM listener_log")
            self.con.execute("INSERT INTO listener_log SELECT log_date, connect_string, protocol_info, action, "
                             "service_name, return_code FROM listener_log_src WHERE reject_reason IS NULL "
                             "ORDER BY source, line_no")
        if self.events_built:  # otherwise the next query that needs events builds them
            self.build_events()

    # -- queries -------------------------------------------------------------------------
    def translate(self, oracle_sql: str) -> str:
        """The DuckDB SQL of ``oracle_sql`` (cached: the CLI translates a statement before the
        load, to fail early, and again to run it)."""
        sql = self._translations.get(oracle_sql)
        if sql is None:
            sql = self.translation_cache.get(oracle_sql)  # on disk, from an earlier run (engine.cache)
        if sql is None:
            try:
                sql = dialect.to_duckdb(oracle_sql, date_columns=ENGINE_DATE_COLUMNS)
            except dialect.InvalidCall as exc:
                raise EngineError(str(exc)) from None
            except dialect.UnsupportedConstruct as exc:
                raise EngineError(f"cannot run this on the embedded engine: {exc}") from None
            self.translation_cache.put(oracle_sql, sql)
        self._translations[oracle_sql] = sql
        return sql

    def _prefiltered(self, duckdb_sql: str) -> str:
        """After a streamed load: ``duckdb_sql`` reading a listener_log relation of its own, where the
        lines without the literals its WHERE clause requires are dropped before any conversion
        (engine.prefilter) and its ``parse_listener_log_line`` calls are computed as columns
        (engine.pushdown); unchanged when neither applies."""
        if not self.streamed or self.stats is None or self._parsed(duckdb_sql) is None:
            return duckdb_sql
        tree = self._parsed(duckdb_sql).copy()
        table, groups = prefilter.line_literals(tree)
        if table is None:
            return duckdb_sql
        columns = pushdown.push_down(pushdown.parse_calls(table))
        if not groups and not columns:
            return duckdb_sql
        rows = loader.stream_select(self.stats, groups, raw=bool(columns))
        table.set("this", sqlglot.exp.to_identifier(_PREFILTERED))
        if not table.alias:
            table.set("alias", sqlglot.exp.TableAlias(this=sqlglot.exp.to_identifier("listener_log")))
        rewritten = tree.sql(dialect="duckdb")
        if rewritten.count(_PREFILTERED) != 1:
            return duckdb_sql  # the name is also in the query's own text: leave it alone
        # the relation inline, not a view: DuckDB binds a view's text when it is created too
        relation = f"({pushdown.view_sql(rows, columns) if columns else rows})"
        return self._same_columns(duckdb_sql, rewritten.replace(_PREFILTERED, relation))

    def _same_columns(self, original: str, rewritten: str) -> str:
        """``rewritten`` if it binds and gives the output column names of ``original``; renamed
        by position when only the names differ (sqlglot's regenerated text can make DuckDB name an
        unaliased expression otherwise: string_agg written back as listagg); ``original`` when the
        rewrite does not bind (or the original itself does not: its own error then)."""
        after = self._output_names(rewritten)
        if after is None:
            return original
        tree = self._parsed(original)
        if (isinstance(tree, sqlglot.exp.Select)
                and all(isinstance(p, sqlglot.exp.Alias) for p in tree.expressions)
                and [p.alias for p in tree.expressions] == after):
            return rewritten  # every output column named by its alias, kept by the rewrite
        before = self._output_names(original)
        if before is None or len(before) != len(after):
            return original
        if before == after:
            return rewritten
        # a projection over one subquery keeps its row order (DuckDB 2.0 "Order Preservation":
        # https://duckdb.org/docs/2.0/sql/dialect/order_preservation.html)
        names = ", ".join('"' + name.replace('"', '""') + '"' for name in before)
        renamed = f"SELECT * FROM ({rewritten}) AS lsnrmine_result({names})"
        return renamed if self._output_names(renamed) == before else original

    def _case_kept(self, oracle_sql: str) -> frozenset[int]:
        """Positions of the output columns named by a quoted alias (``"Total"``): Oracle keeps their
        case. Read from the translated statement's first query block; none when it selects ``*``."""
        tree = self._parsed(self.translate(oracle_sql))
        while isinstance(tree, (sqlglot.exp.SetOperation, sqlglot.exp.Subquery)):
            tree = tree.this
        if not isinstance(tree, sqlglot.exp.Select) or any(
                isinstance(p, sqlglot.exp.Star) or isinstance(p.this, sqlglot.exp.Star) for p in tree.expressions):
            return frozenset()
        return frozenset(i for i, p in enumerate(tree.expressions)
                         if isinstance(p, sqlglot.exp.Alias) and p.args["alias"].quoted)

    def _output_names(self, duckdb_sql: str) -> Optional[list[str]]:
        described = self._describe(duckdb_sql)
        return None if described is None else [row[0] for row in described]

    def _describe(self, duckdb_sql: str) -> Optional[list[tuple[Any, ...]]]:
        """DESCRIBE rows (name, type, ...) of a query; None when DuckDB cannot describe it. Cached
        per text until the next load."""
        if duckdb_sql not in self._described:
            try:
                self._described[duckdb_sql] = self.con.execute(f"DESCRIBE {duckdb_sql}").fetchall()
            except duckdb.Error:
                self._described[duckdb_sql] = None
        return self._described[duckdb_sql]

    def execute_oracle(self, oracle_sql: str, *, what: str = "query") -> None:
        sql = self.translate(oracle_sql)
        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            raise EngineError(f"{what}: {_first_line(exc)}") from None

    def query(self, oracle_sql: str) -> QueryResult:
        columns, batches = self.query_batches(oracle_sql, size=None)
        return QueryResult(columns, [row for batch in batches for row in batch])

    def _runnable(self, oracle_sql: str) -> str:
        """The DuckDB SQL to run for ``oracle_sql``, with the views / events it reads created
        first and, after a streamed load, listener_log prefiltered (``_prefiltered``)."""
        self.seal()
        sql = self.translate(oracle_sql)
        if not (self.views_created and self.events_built and self._parse_view_created):
            names = self._table_names(sql)
            if not self.views_created and self._needs_views(names):
                self.ensure_views()  # after a streamed load (see load)
            if not self.events_built and self._needs_events(names):
                self.ensure_events()
            parse = self.settings.object_name("EVENT_PARSE")
            if self.events_built and not self._parse_view_created and (names is None or parse.lower() in names):
                for statement in events.parse_view_statements(self):  # build_events does not create it
                    self.execute_oracle(statement, what=f"view {parse}")
                self._parse_view_created = True
        reading.phase("running the query")
        return self._prefiltered(sql)

    def query_batches(self, oracle_sql: str, size: Optional[int] = 100_000) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
        """Run ``oracle_sql``; (column names, the rows in lists of at most ``size``; one list when
        None). The rows are fetched as the iterator advances: a caller that writes each batch out
        keeps its memory bounded whatever the result size. EngineError when it fails (also while
        iterating)."""
        sql = self._runnable(oracle_sql)
        return self._execute_batches(sql, size, self._case_kept(oracle_sql))

    def _execute_batches(self, sql: str, size: Optional[int],
                         case_kept: frozenset[int] = frozenset()) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
        """``query_batches`` for SQL already through ``_runnable``."""
        try:
            cursor = self.con.execute(sql)
        except duckdb.Error as exc:
            raise EngineError(f"query failed: {_first_line(exc)}") from None
        columns = _oracle_names((d[0] for d in cursor.description or []), case_kept)

        def batches() -> Iterator[list[tuple[Any, ...]]]:
            try:
                if size is None:
                    yield cursor.fetchall()
                    return
                while True:
                    rows = cursor.fetchmany(size)
                    if not rows:
                        return
                    yield rows
            except duckdb.Error as exc:
                raise EngineError(f"query failed: {_first_line(exc)}") from None

        if size is None:  # fetch now: errors surface here, as before
            rows = next(batches())
            return columns, iter([rows])
        return columns, batches()

    def write_csv(self, oracle_sql: str, out: TextIO) -> None:
        """Run ``oracle_sql`` and write its result to ``out`` as CSV with a header line (the text
        of ``output.format_rows(..., 'csv')``). When every result column is text, an integer,
        a DATE or a TIMESTAMP, DuckDB's own writer produces the rows (COPY to a temporary file,
        then copied to ``out``): no Python object per value, memory flat. Otherwise the rows are
        fetched and formatted in batches."""
        sql = self._runnable(oracle_sql)
        described = self._describe(sql)  # None: not a query DESCRIBE takes (or it fails: reported below)
        if not described or any(row[1] not in _COPY_TYPES for row in described):
            columns, batches = self._execute_batches(sql, 100_000, self._case_kept(oracle_sql))
            out.write(output.csv_lines([columns]))
            for rows in batches:
                out.write(output.csv_lines(rows))
            return
        tmpdir = tempfile.mkdtemp(prefix="csv-", dir=self._spill_dir)  # the one directory DuckDB may write to
        try:
            path = os.path.join(tmpdir, "result.csv")
            try:
                self.con.execute(
                    f"COPY ({sql}) TO {ids.sql_string(path)} (FORMAT csv, HEADER false, "
                    "DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '', "
                    f"TIMESTAMPFORMAT {ids.sql_string(output.CSV_TIMESTAMP_FORMAT)}, "
                    f"DATEFORMAT {ids.sql_string(output.CSV_DATE_FORMAT)})")
            except duckdb.Error as exc:
                raise EngineError(f"query failed: {_first_line(exc)}") from None
            out.write(output.csv_lines([_oracle_names((row[0] for row in described), self._case_kept(oracle_sql))]))
            with open(path, encoding="utf-8", newline="") as result:
                shutil.copyfileobj(result, out, 1 << 20)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)


_SEALED = ("{}: the embedded engine reads only the inputs it was given before its first query; "
           "give every log and audit CSV when the engine is opened")

#: connection settings of every engine: extensions are never installed or loaded automatically
#: (the Python wheel's built-in ones need neither), community extensions are refused, and Python
#: variables are not scanned as tables
_CONNECT_CONFIG: tuple[tuple[str, Any], ...] = (
    ("autoinstall_known_extensions", False), ("autoload_known_extensions", False),
    ("allow_community_extensions", False), ("python_enable_replacements", False),
)

#: result column types DuckDB's CSV writer formats like output.csv_lines (tests/test_output.py)
_COPY_TYPES = frozenset({"VARCHAR", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                         "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "DATE", "TIMESTAMP"})


_AUDIT_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "dba_audit_trail": AUDIT_TRAIL_COLUMNS,
    "unified_audit_trail": UNIFIED_AUDIT_COLUMNS,
}


def _oracle_names(names: Iterable[str], case_kept: frozenset[int] = frozenset()) -> list[str]:
    """Result column names as Oracle reports them: upper case (online = offline), except the
    positions in ``case_kept`` (quoted aliases)."""
    return [name if i in case_kept else name.upper() for i, name in enumerate(names)]


def _first_line(exc: BaseException) -> str:
    return loader.duckdb_error_text(exc)
