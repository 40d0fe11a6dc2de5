"""Benchmark: small logs and the alerts, side by side with awk (issue 21).

Usage: python benchmarks/bench_small.py [--lines 43] [--runs 5] [--alerts-lines 200000]
                                        [--alerts-runs 1] [--before PYTHONPATH_DIR]

Part 1, a small log (``--lines``, generated): each command once per round, ``--runs`` rounds,
the median wall time of each and its ratio to ``select count(*) from listener_log`` (the median
of the per-round ratios; goal: an ``lsnr_events`` query and ``alerts`` each <= 3):
- awk: ``awk 'END { print NR }'`` (process start and one pass: the floor);
- count: ``lsnrmine sql --quiet "select count(*) from listener_log"``;
- events: ``lsnrmine sql --quiet "select event_kind, count(*) from lsnr_events group by event_kind"``;
- events, cold cache: the same with an empty translation cache (engine.cache) in every round;
- alerts: ``lsnrmine alerts --quiet --log FILE``.
Part 2 (``--alerts-lines``, 0 to skip): ``lsnrmine alerts`` on a generated log of that size
against one pass of the article's awk script (bench_sql_vs_awk.AWK) over the same file, with
the peak RSS (goal: <= 6 x the awk pass).
``--before DIR``: the same lsnrmine commands also run with PYTHONPATH=DIR (a directory holding
an older ``lsnrmine`` package, e.g. a symlink ``DIR/lsnrmine`` -> an old checkout's ``installer``),
in the same rounds, so before and after see the same machine. The after commands use the
translation cache in ``--cache-dir``/translations-cache, warmed by one run first. Figures only;
nothing asserts a time.
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
COUNT_QUERY = "select count(*) from listener_log"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS KiB, exit status) of ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def rounds(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int,
           fresh_cache: set[str], cache_root: Path) -> dict[str, list[tuple[float, int]]]:
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (cmd, env) in commands.items():
            if name in fresh_cache:
                shutil.rmtree(cache_root / "cold", ignore_errors=True)
            elapsed, peak, rc = run(cmd, env)
            if rc != 0:
                raise SystemExit(f"{name} failed (exit {rc}): {' '.join(cmd[:6])} ...")
            results[name].append((elapsed, peak))
    return results


def report(results: dict[str, list[tuple[float, int]]], ref: dict[str, str]) -> None:
    """One line per command: median wall, peak RSS, ratio to its reference command."""
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        peak = max(v[1] for v in values)
        line = f"{name:<28} {wall:7.2f} s   peak RSS {peak / 1024:6.0f} MB"
        if name in ref and ref[name] != name:
            ratios = sorted(v[0] / r[0] for v, r in zip(values, results[ref[name]]))
            line += (f"   / {ref[name]}: {statistics.median(ratios):5.2f} "
                     f"(per round {ratios[0]:.2f}-{ratios[-1]:.2f})")
        print(line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=43)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--alerts-lines", type=int, default=200_000)
    ap.add_argument("--alerts-runs", type=int, default=1)
    ap.add_argument("--before", type=Path, help="PYTHONPATH directory holding the lsnrmine to compare with")
    ap.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "lsnrmine-bench")
    args = ap.parse_args(argv)

    awk = next((a for a in ("mawk", "gawk", "awk") if shutil.which(a)), None)
    if awk is None:
        raise SystemExit("no awk on PATH")
    cli = base.lsnrmine_cmd()
    base.compile_package()
    cache_root = args.cache_dir / "translations-cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    after_env = {**env, "LSNRMINE_CACHE_DIR": str(cache_root / "warm")}
    cold_env = {**env, "LSNRMINE_CACHE_DIR": str(cache_root / "cold")}
    before_env = None
    if args.before:
        before_env = {**env, "PYTHONPATH": str(args.before.resolve())}
        import compileall

        compileall.compile_dir(str(args.before.resolve()), quiet=1)
    before_cli = [sys.executable, "-m", "lsnrmine"]

    small = base.cached_log(args.cache_dir, args.lines)
    print(f"small log: {small} ({args.lines} lines); median of {args.runs} rounds; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}")
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "awk": ([awk, "END { print NR }", str(small)], env),
    }
    ref: dict[str, str] = {}
    variants = [("", cli, after_env)] + ([("before: ", before_cli, before_env)] if before_env else [])
    for label, prog, penv in variants:
        count = f"{label}count"
        commands[count] = (prog + ["sql", "--quiet", "--log", str(small), COUNT_QUERY], penv)
        commands[f"{label}events"] = (prog + ["sql", "--quiet", "--log", str(small), EVENTS_QUERY], penv)
        if not label:
            commands["events, cold cache"] = (cli + ["sql", "--quiet", "--log", str(small), EVENTS_QUERY], cold_env)
            ref["events, cold cache"] = count
        commands[f"{label}alerts"] = (prog + ["alerts", "--quiet", "--log", str(small)], penv)
        ref.update({count: "awk", f"{label}events": count, f"{label}alerts": count})
    for name in ("events", "alerts"):  # warm the cache
        run(commands[name][0], commands[name][1])
    report(rounds(commands, args.runs, {"events, cold cache"}, cache_root), ref)

    if args.alerts_lines:
        log = base.cached_log(args.cache_dir, args.alerts_lines)
        awk_file = args.cache_dir / "jdbc.awk"
        awk_file.write_text(base.AWK, encoding="utf-8")
        print(f"\nalerts on {log} ({args.alerts_lines:,} lines, {log.stat().st_size / 1e6:.0f} MB); "
              f"median of {args.alerts_runs} rounds; load average {os.getloadavg()[0]:.2f}")
        big = {"awk (article's query)": ([awk, "-f", str(awk_file), str(log)], env),
               "alerts": (cli + ["alerts", "--quiet", "--log", str(log)], after_env)}
        if before_env:
            big["before: alerts"] = (before_cli + ["alerts", "--quiet", "--log", str(log)], before_env)
        report(rounds(big, args.alerts_runs, set(), cache_root),
               {name: "awk (article's query)" for name in big})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
