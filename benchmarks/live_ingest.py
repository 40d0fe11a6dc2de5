"""Ingestion throughput of lsnrmine inside a real Oracle database (lines/s), run by hand.

    python benchmarks/live_ingest.py [--lines 100000 --lines 1000000] [--repeat 3] [--seed 42]

Starts gvenzl/oracle-free with testcontainers exactly as the live suite does (tests/live/conftest.py;
or uses LSNRMINE_TEST_DSN with LSNRMINE_TEST_SCRATCH_DIR / LSNRMINE_TEST_SCRATCH_HOST_DIR: a server
directory the database can read and the same directory as seen from this machine). For each size it
generates the log with benchmarks/generate_log.py, puts it into that second directory as bench.log,
installs lsnrmine there through the real CLI (schema LSNRMINE_BENCH) and times, best of --repeat:

* ``select count(*) from listener_log``           ORACLE_LOADER external table (parse + date check)
* ``select count(*) from listener_log_lines``     the BFILE line reader behind LISTENER_LOG_LINES
* the article's first query (JDBC service name x client host) over LISTENER_LOG

and prints lines/s for each. Then the ingest (issue 17's one-parse-per-batch design):

* ``ingest_file``: INGEST_PKG.ingest_file('bench.log') from an empty state (events and load state
  of bench.log deleted before each repeat): the whole file in batches of co_batch_lines lines;
* ``batch parse``: one batch's parse alone: co_batch_lines lines staged into STAGE_LINES from the
  line reader, then one evaluation of EVENT_PARSE (``select count(*)``), rolled back; the
  package evaluates the view exactly once per batch, so batches x this is its parse cost.

Nothing is asserted; the figures are for the README.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))

BENCH_SCHEMA = "LSNRMINE_BENCH"
BENCH_DIRECTORY = "LSNRMINE_BENCH_DIR"
BENCH_FILE = "bench.log"
QUERIES = {
    "listener_log count": "select count(*) from listener_log",
    "listener_log_lines count": "select count(*) from listener_log_lines",
    "article JDBC query": (
        "select parse_listener_log_line(connect_string, 'SERVICE_NAME') sn, "
        "parse_listener_log_line(protocol_info, 'HOST') host, count(1) cnt from listener_log "
        "where parse_listener_log_line(connect_string, 'HOST') = '__jdbc__' "
        "group by parse_listener_log_line(connect_string, 'SERVICE_NAME'), "
        "parse_listener_log_line(protocol_info, 'HOST')"
    ),
}


def _put_file(db, local: Path, server_dir: str) -> None:
    """Copy ``local`` to ``server_dir/bench.log``: into the container (docker put_archive), or into
    LSNRMINE_TEST_SCRATCH_HOST_DIR in DSN mode."""
    if db.container is None:
        host_dir = os.environ.get("LSNRMINE_TEST_SCRATCH_HOST_DIR")
        if not host_dir:
            sys.exit("DSN mode needs LSNRMINE_TEST_SCRATCH_DIR and LSNRMINE_TEST_SCRATCH_HOST_DIR")
        target = Path(host_dir) / BENCH_FILE
        target.write_bytes(local.read_bytes())
        return
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tar.gettarinfo(str(local), arcname=BENCH_FILE)
        info.mode = 0o644  # readable by the oracle OS user whoever owns it
        with local.open("rb") as fh:
            tar.addfile(info, fh)
    if not db.container.get_wrapped_container().put_archive(server_dir, buffer.getvalue()):
        sys.exit(f"could not copy {local} into the container at {server_dir}")


def _time(con, sql: str, repeat: int) -> tuple[float, int]:
    best, rows = float("inf"), 0
    with con.cursor() as cur:
        for _ in range(repeat):
            start = time.perf_counter()
            cur.execute(sql)
            result = cur.fetchall()
            best = min(best, time.perf_counter() - start)
            rows = result[0][0] if len(result) == 1 and len(result[0]) == 1 else len(result)
    return best, rows


def _time_ingest(con, settings_prefix: str, n: int, repeat: int) -> list[tuple[str, float]]:
    pkg, events, state, stage, parse, reader = (f'"{settings_prefix}{x}"' for x in (
        "INGEST_PKG", "EVENTS", "LOAD_STATE", "STAGE_LINES", "EVENT_PARSE", "LINE_READER"))
    best_ingest = best_parse = float("inf")
    with con.cursor() as cur:
        for _ in range(repeat):
            cur.execute(f"delete from {events} where source = :f", f=BENCH_FILE)
            cur.execute(f"delete from {state} where file_name = :f", f=BENCH_FILE)
            con.commit()
            start = time.perf_counter()
            cur.execute(f"begin {pkg}.ingest_file(in_file => :f); end;", f=BENCH_FILE)
            best_ingest = min(best_ingest, time.perf_counter() - start)
            start = time.perf_counter()
            cur.execute(f"insert into {stage} (source, line_no, line, byte_offset, next_offset) "
                        f"select l.source, l.line_no, l.line, l.byte_offset, l.next_offset from table({reader}.lines("
                        f"in_directory => :d, in_file => :f, in_start_offset => 1, in_first_line_no => 1, "
                        f"in_complete_only => 1)) l where rownum <= {min(n, 50000)}", d=BENCH_DIRECTORY, f=BENCH_FILE)
            cur.execute(f"select count(*) from {parse}")
            cur.fetchall()
            best_parse = min(best_parse, time.perf_counter() - start)
            con.rollback()
    return [("ingest_file", best_ingest), ("batch parse", best_parse)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, action="append", help="log size in lines (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    sizes = args.lines or [100_000, 1_000_000]

    from generate_log import write_log  # benchmarks/generate_log.py
    from live import conftest as live  # the live suite's container and CLI helpers

    mode, reason = live.live_mode()
    if mode is None:
        sys.exit(reason)
    with live.open_live_db() as db:
        return _run(live, write_log, db, sizes, args)


def _run(live, write_log, db, sizes, args) -> int:
    scratch = db.scratch_dir or os.environ.get("LSNRMINE_TEST_SCRATCH_DIR")
    if not scratch:
        sys.exit("no scratch directory: DSN mode needs LSNRMINE_TEST_SCRATCH_DIR")
    with tempfile.TemporaryDirectory(prefix="lsnrmine-bench-") as tmp:
        work = Path(tmp)
        cli = live.Cli(work)
        live.write_config(work, schema=BENCH_SCHEMA, directory=BENCH_DIRECTORY, log_dir=scratch,
                          log_file=[BENCH_FILE], create_schema=True)
        owner_password = live._password()
        admin_env = {"LSNRMINE_PASSWORD": db.system_password, "LSNRMINE_OWNER_PASSWORD": owner_password}
        owner_env = {"LSNRMINE_PASSWORD": owner_password, "LSNRMINE_OWNER_PASSWORD": owner_password}
        print(f"{'lines':>10} {'MB':>8}  {'query':<26} {'seconds':>8} {'lines/s':>12}")
        installed = False
        for n in sizes:
            local = work / f"bench_{n}.log"
            with local.open("w", encoding="utf-8", newline="\n") as fh:
                write_log(n, fh, seed=args.seed)
            _put_file(db, local, scratch)
            if not installed:
                for user, env, phase in ((db.system_user, admin_env, "admin"), (BENCH_SCHEMA, owner_env, "owner")):
                    run = cli.run("install", "--phase", phase, "--dsn", db.dsn, "--user", user, env=env)
                    if run.returncode != 0:
                        sys.exit(run.describe())
                installed = True
            megabytes = local.stat().st_size / 1048576
            with db.connect(BENCH_SCHEMA, owner_password, program="lsnrmine_bench") as con:
                for label, sql in QUERIES.items():
                    seconds, rows = _time(con, sql, args.repeat)
                    print(f"{n:>10,} {megabytes:>8.1f}  {label:<26} {seconds:>8.2f} {n / seconds:>12,.0f}"
                          + (f"   ({rows:,} rows)" if label.endswith("count") else ""))
                for label, seconds in _time_ingest(con, "LSNR_", n, args.repeat):
                    per = min(n, 50000) if label == "batch parse" else n
                    print(f"{n:>10,} {megabytes:>8.1f}  {label:<26} {seconds:>8.2f} {per / seconds:>12,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
