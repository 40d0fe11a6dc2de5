"""Benchmark: events, alerts and reports of a big log, side by side with awk (issue 21).

Usage: python benchmarks/bench_big.py [--lines 2000000] [--runs 1] [--memory-limit SIZE]
                                      [--commands events,alerts,report,html] [--report NAME]
                                      [--before PYTHONPATH_DIR]

On a generated log (``generate_log.py``, cached like ``bench_sql_vs_awk.py``), in interleaved
rounds: one pass of the article's awk script (``jdbc.awk``, the reference), then each lsnrmine
command (``--quiet``, output to /dev/null):

- events: ``lsnrmine sql "select event_kind, count(*) from lsnr_events group by event_kind"``
  (goal: <= 4 x awk, peak RSS <= 1 GiB);
- alerts: ``lsnrmine alerts``; report: ``lsnrmine report NAME``; html: ``lsnrmine report --html``
  (goal: each <= 6 x awk).

Per command: median wall, CPU (user + sys), peak RSS (``wait4`` of the child), exit status and the
median per-round ratio to awk. ``--memory-limit`` is passed to every lsnrmine command (default:
the setting's default). ``--before DIR`` runs the same commands with PYTHONPATH=DIR too (a directory
holding an older ``lsnrmine``, e.g. a symlink ``DIR/lsnrmine`` -> an old checkout's ``installer/``),
in the same rounds. A command that fails (e.g. out of memory) is reported with its status, not
retried. Figures only; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_sql_vs_awk as base  # noqa: E402

EVENTS_QUERY = "select event_kind, count(*) from lsnr_events group by event_kind"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS KiB, exit status) of ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    return (time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
            os.waitstatus_to_exitcode(status))


def lsnrmine_commands(log: Path, wanted: list[str], report: str, memory: list[str], out_html: Path) -> dict[str, list[str]]:
    exe = [sys.executable, "-m", "lsnrmine"]
    common = ["--quiet", "--log", str(log), *memory]
    every = {
        "events": [*exe, "sql", *common, EVENTS_QUERY],
        "alerts": [*exe, "alerts", *common],
        "report": [*exe, "report", report, *common],
        "html": [*exe, "report", "--html", str(out_html), *common],
    }
    return {name: every[name] for name in wanted}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--memory-limit", default=None)
    ap.add_argument("--commands", default="events,alerts,report,html")
    ap.add_argument("--report", default="connections_per_hour")
    ap.add_argument("--before", default=None)
    args = ap.parse_args(argv)
    cache = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "lsnrmine-bench"
    log = base.cached_log(cache, args.lines)
    awk_file = cache / "jdbc.awk"
    awk_file.write_text(base.AWK)
    awk_bin = next((a for a in ("mawk", "gawk", "awk") if shutil.which(a)), "awk")
    awk = [awk_bin, "-f", str(awk_file), str(log)]
    base.compile_package()
    memory = ["--memory-limit", args.memory_limit] if args.memory_limit else []
    html = Path(tempfile.mkdtemp(prefix="lsnrmine-bench-html-")) / "dashboard.html"
    plain = dict(os.environ)
    plain.pop("PYTHONPATH", None)
    commands: dict[str, tuple[list[str], dict[str, str]]] = {"awk": (awk, plain)}
    for name, cmd in lsnrmine_commands(log, args.commands.split(","), args.report, memory, html).items():
        commands[name] = (cmd, plain)
        if args.before:
            commands[f"{name} (before)"] = (cmd, {**plain, "PYTHONPATH": args.before})
    results: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (cmd, env) in commands.items():
            results[name].append(run(cmd, env))
    print(f"{log} ({log.stat().st_size / 1e6:.0f} MB), {args.runs} round(s), load average {os.getloadavg()[0]:.1f}")
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        peak = max(v[2] for v in values)
        status = sorted({v[3] for v in values})
        line = f"{name:<20} wall {wall:8.2f} s  CPU {cpu:8.2f} s  peak RSS {peak / 1024:7.0f} MB  exit {status}"
        if name != "awk":
            ratios = sorted(v[0] / a[0] for v, a in zip(values, results["awk"]))
            line += f"  / awk {statistics.median(ratios):6.1f} ({ratios[0]:.1f}-{ratios[-1]:.1f})"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
