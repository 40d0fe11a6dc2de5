"""Benchmark of the offline event build (views/events.sql through the dialect bridge on DuckDB).

Usage: python benchmarks/bench_events.py [N] [--log FILE] [--keep]

Generates an N-line listener.log (default 2,000,000; benchmarks/generate_log.py, seed 42) unless
--log is given, then in a fresh child process loads it (loader) and builds lsnr_events, and prints
lines, events, seconds for the load and for the event build, lines/s and the child's peak RSS.
Also times the Python twin of the ingest reader (lsnrmine.ingest.poll) over the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = r"""
import json, resource, sys, time
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.engine import loader
from lsnrmine.engine import events
path = sys.argv[1]
t0 = time.perf_counter()
engine = OfflineEngine()
engine.stats = loader.load_logs(engine.con, [path], progress=False)
t1 = time.perf_counter()
n_events = events.build_offline(engine, engine.stats.sources)
t2 = time.perf_counter()
kinds = engine.con.execute("select event_kind, count(*) from lsnr_events group by 1 order by 1").fetchall()
print(json.dumps({"lines": engine.stats.lines, "events": n_events, "load_s": t1 - t0,
                  "build_s": t2 - t1, "kinds": kinds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=2_000_000)
    ap.add_argument("--log", help="an existing log file instead of a generated one")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    args = ap.parse_args(argv)
    tmp = None
    path = args.log
    if not path:
        tmp = tempfile.mkdtemp(prefix="lsnrmine-bench-")
        path = os.path.join(tmp, "listener.log")
        t = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "generate_log.py"), str(args.n), path], check=True)
        print(f"generated {args.n:,} lines ({os.path.getsize(path) / 1e6:,.0f} MB) in {time.perf_counter() - t:.1f} s")
    out = subprocess.run([sys.executable, "-c", _CHILD, path], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"file:        {path} ({os.path.getsize(path) / 1e6:,.0f} MB)")
    print(f"lines:       {r['lines']:,}   events: {r['events']:,}")
    print(f"load:        {r['load_s']:.1f} s ({r['lines'] / r['load_s']:,.0f} lines/s)")
    print(f"event build: {r['build_s']:.1f} s ({r['lines'] / r['build_s']:,.0f} lines/s)")
    print(f"total:       {r['load_s'] + r['build_s']:.1f} s ({r['lines'] / (r['load_s'] + r['build_s']):,.0f} lines/s)")
    print(f"peak RSS:    {r['peak_rss_mb']:,.0f} MB")
    print(f"kinds:       {', '.join(f'{k} {n:,}' for k, n in r['kinds'])}")
    sys.path.insert(0, str(HERE.parent))
    from lsnrmine.ingest import FileState, poll  # noqa: E402

    t = time.perf_counter()
    state = FileState("listener.log")
    count = 0
    while True:
        batch = poll(path, state, max_lines=50_000)
        if not batch:
            break
        count += len(batch)
    dt = time.perf_counter() - t
    print(f"python reader (50,000-line batches): {count:,} lines in {dt:.1f} s ({count / dt:,.0f} lines/s)")
    if tmp and not args.keep:
        os.remove(path)
        os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
