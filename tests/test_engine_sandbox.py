"""The offline engine reads only the logs it was given: the dialect bridge refuses what Oracle does
not have (DuckDB's file functions, table functions, other statements) with one line naming it, and
DuckDB itself, sealed before the first query, reads only the inputs and writes only into its spill
directory, with no extension loading and its configuration locked (docs/oracle-facts.md, "Offline
engine sandbox and Oracle dialect"). Through the real CLI on real files; the last tests use the
engine's own DuckDB connection to try what no Oracle query can express."""

from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lsnrmine.engine.session import EngineError, OfflineEngine
from lsnrmine.settings import Settings

from conftest import spill_files_seen

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "installer" / "samples" / "listener.log"
AUDIT = Path(__file__).resolve().parent / "fixtures" / "audit"
SECRET = "TOPSECRET-1f3a"


def lsnrmine(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, timeout=300)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single error line of a failed run (the load's reject count left out)."""
    stderr = result.stderr.decode()
    assert result.returncode != 0 and result.stdout == b"", stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip() and "rejected from listener_log" not in line]
    assert len(lines) == 1 and lines[0].startswith("lsnrmine: "), stderr
    return lines[0]


def sql(query: str, cwd: Path, *logs: str, extra: tuple[str, ...] = (), stdin: bytes = b"") -> subprocess.CompletedProcess:
    args = [a for log in (logs or (str(SAMPLE),)) for a in ("--log", log)]
    return lsnrmine("sql", *args, "--quiet", "--format", "csv", *extra, query, cwd=cwd, stdin=stdin)


def csv_rows(result: subprocess.CompletedProcess) -> list[list[str]]:
    assert result.returncode == 0, result.stderr.decode()
    return list(csv.reader(io.StringIO(result.stdout.decode())))


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.csv"
    path.write_text(f"name,value\n{SECRET},42\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("query", "named"), [
    ("select * from read_text('{secret}')", "table function READ_TEXT"),
    ("select * from read_csv('{secret}')", "table function READ_CSV"),
    ("select * from read_parquet('{secret}')", "table function READ_PARQUET"),
    ("select * from sniff_csv('{secret}')", "table function SNIFF_CSV"),
    ("select count(*) from listener_log where exists (select 1 from glob('{secret}'))", "table function GLOB"),
    ("select content from (select read_text('{secret}') content from dual)", "function READ_TEXT is not one of"),
    ("select getenv('HOME') from dual", "function GETENV is not one of"),
    ("select current_setting('allowed_paths') from dual", "function CURRENT_SETTING is not one of"),
    ("select count_if(action = 'stop') from listener_log", "function COUNT_IF is not one of"),
    ("copy (select * from listener_log) to '{out}'", "statement COPY"),
    ("attach '{out}' as x", "unparseable"),
    ("install httpfs", "statement INSTALL"),
    ("load httpfs", "statement LOAD"),
    ("set enable_external_access = true", "statement SET"),
    ("pragma version", "statement PRAGMA"),
])
def test_the_bridge_refuses_what_oracle_does_not_have(tmp_path: Path, secret: Path, query: str, named: str) -> None:
    out = tmp_path / "out.csv"
    result = sql(query.format(secret=secret, out=out), tmp_path)
    line = one_error_line(result)
    assert named in line, line
    assert SECRET.encode() not in result.stdout + result.stderr
    assert not out.exists()


def test_etc_passwd_is_not_printed(tmp_path: Path) -> None:
    if not Path("/etc/passwd").is_file():
        pytest.skip("no /etc/passwd on this machine")
    line = one_error_line(sql("select * from read_text('/etc/passwd')", tmp_path))
    assert "READ_TEXT" in line and "root:" not in line


def test_duckdb_reads_no_other_file_even_when_the_bridge_lets_a_name_through(tmp_path: Path, secret: Path) -> None:
    """A quoted table name that is a file path is an Oracle identifier to the bridge; DuckDB would
    scan the file (a replacement scan). The sealed engine refuses it, naming the file."""
    for query in (f'select * from "{secret}"', f"select name from '{secret}'"):
        line = one_error_line(sql(query, tmp_path))
        assert "Permission Error" in line and str(secret) in line, line
    # a log given is an input: the same scan of it is allowed (DuckDB's CSV reader, its own guesses)
    log = tmp_path / "listener.csv"
    log.write_bytes(SAMPLE.read_bytes())
    assert int(csv_rows(sql(f'select count(*) from "{log}"', tmp_path, str(log)))[1][0]) > 0


def test_views_globs_gz_stdin_and_audit_csv_still_work(tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes()
    (tmp_path / "a1.log").write_bytes(lines)
    (tmp_path / "a2.log").write_bytes(lines)
    gz = tmp_path / "l.log.gz"
    gz.write_bytes(gzip.compress(lines))
    total = lines.count(b"\n")
    loaded = csv_rows(sql("select count(*) from listener_log", tmp_path))[1][0]
    assert 0 < int(loaded) < total
    glob_rows = csv_rows(sql("select count(*) n, count(distinct log_date) d from listener_log", tmp_path,
                             str(tmp_path / "a*.log")))
    assert glob_rows[1][0] == str(2 * int(loaded))
    for logs, stdin in (((str(gz),), b""), (("-",), lines)):
        # listener_log alone (streamed straight over the input) and the lines table
        assert csv_rows(sql("select count(*) from listener_log", tmp_path, *logs, stdin=stdin))[1] == [loaded]
        assert csv_rows(sql("select count(*) from listener_log_lines", tmp_path, *logs, stdin=stdin))[1] == [str(total)]
    # a view of lsnrmine's over the events (views and events built after the seal)
    events = csv_rows(sql("select count(*) from lsnr_events where event_kind = 'establish'", tmp_path))
    assert int(events[1][0]) > 0
    audit = csv_rows(sql("select count(*) from dba_audit_trail", tmp_path, str(AUDIT / "listener.log"),
                         extra=("--audit-csv", str(AUDIT / "traditional.csv"))))
    expected = len((AUDIT / "traditional.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    assert audit == [["COUNT(*)"], [str(expected)]]


def test_dashboard_and_alerts_still_work(tmp_path: Path) -> None:
    out = tmp_path / "dash.html"
    result = lsnrmine("report", "--log", str(SAMPLE), "--quiet", "--html", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "<html" in out.read_text(encoding="utf-8").lower()
    alerts = lsnrmine("alerts", "--log", str(SAMPLE), "--quiet", "--format", "csv", cwd=tmp_path)
    rows = csv_rows(alerts)
    assert rows[0][:3] == ["ALERT_ID", "RULE", "SEVERITY"] and len(rows) > 1


# -- the engine's own connection: what no Oracle statement can express --------------------------

def test_sealed_connection_refuses_files_extensions_and_settings(tmp_path: Path, secret: Path) -> None:
    engine = OfflineEngine()
    engine.load([str(SAMPLE)], progress=False)
    assert engine.query("select count(*) from listener_log").rows[0][0] > 0  # the first query seals
    assert engine.sealed
    con = engine.con
    settings = dict(con.execute("select name, value from duckdb_settings() where name in "
                                "('enable_external_access', 'lock_configuration', 'autoload_known_extensions', "
                                "'autoinstall_known_extensions', 'allow_community_extensions')").fetchall())
    assert settings == {"enable_external_access": "false", "lock_configuration": "true",
                        "autoload_known_extensions": "false", "autoinstall_known_extensions": "false",
                        "allow_community_extensions": "false"}
    out = tmp_path / "copy.csv"
    for statement in (f"select * from read_text('{secret}')", f"select * from read_csv('{secret}')",
                      f"copy (select 1) to '{out}'", f"attach '{tmp_path / 'x.db'}' as x",
                      "install httpfs", "load httpfs", f"select * from glob('{tmp_path}/*')"):
        with pytest.raises(duckdb.PermissionException):
            con.execute(statement).fetchall()
    for statement in ("set enable_external_access = true", "set lock_configuration = false",
                      f"set allowed_directories = ['{tmp_path}/']", "set autoload_known_extensions = true"):
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            con.execute(statement)
    assert not out.exists() and not (tmp_path / "x.db").exists()


def test_a_load_after_the_first_query_reads_only_known_inputs(tmp_path: Path) -> None:
    log = tmp_path / "l.log"
    log.write_bytes(SAMPLE.read_bytes())
    other = tmp_path / "other.log"
    other.write_bytes(SAMPLE.read_bytes())
    engine = OfflineEngine()
    query = "select count(*) from listener_log"
    engine.load([str(log)], progress=False, query=query)
    first = engine.query(query).rows
    engine.load([str(log)], progress=False, query=query)  # the same file again: allowed
    assert engine.query(query).rows == first
    with pytest.raises(EngineError, match="other.log: the embedded engine reads only the inputs it was given before"):
        engine.load([str(other)], progress=False, query=query)
    assert engine.query(query).rows == first  # the refused load changed nothing
    with pytest.raises(EngineError, match="^audit CSV .*traditional.csv: the embedded engine reads only the inputs"):
        engine.load_audit_csv(str(AUDIT / "traditional.csv"))


def test_csv_output_and_spill_stay_in_the_spill_directory(tmp_path: Path) -> None:
    """`sql --format csv` writes through DuckDB's COPY: into the spill directory, the one place the
    sealed engine may write, removed at exit like the spill files."""
    engine = OfflineEngine()
    engine.load([str(SAMPLE)], progress=False)
    buffer = io.StringIO()
    engine.write_csv("select log_date, action from listener_log order by log_date", buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[0] == ["LOG_DATE", "ACTION"] and len(rows) == engine.stats.loaded + 1
    spill = Path(engine.con.execute("select current_setting('temp_directory')").fetchone()[0])
    assert spill.is_dir() and os.stat(spill).st_mode & 0o077 == 0
    assert list(spill.iterdir()) == []  # the CSV's directory is removed after the copy


def test_a_sealed_engine_still_spills_into_its_directory(tmp_path: Path) -> None:
    """DuckDB adds the temp_directory to the allowed directories itself: a query over the memory
    limit after the seal spills there (and gives the same count as the lines written)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate_log  # the benchmarks' log generator (not a package)

    log = tmp_path / "listener.log"
    with open(log, "w", encoding="utf-8", newline="\n") as fh:
        generate_log.write_log(60_000, fh, 7)
    engine = OfflineEngine(Settings(engine_memory_limit="40MB"))
    engine.load([str(log)], progress=False)
    spill = engine.con.execute("select current_setting('temp_directory')").fetchone()[0]
    with spill_files_seen(spill) as seen:
        rows = engine.query("select count(*) from (select line, row_number() over (order by line desc) rn "
                            "from listener_log_lines) x where rn > 5").rows
    assert engine.sealed
    assert rows == [(engine.stats.lines - 5,)]
    assert any(name.startswith("duckdb_temp") for name in seen), seen
