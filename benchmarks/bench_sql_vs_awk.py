"""Benchmark: the article's first query through ``lsnrmine sql`` versus an awk one-liner.

Usage: python benchmarks/bench_sql_vs_awk.py [--lines 2000000] [--runs 3] [--rss-lines 1000000,4000000]

End to end, process start included, output to /dev/null; the commands run in turn, ``--runs``
rounds, and each figure is the median over the rounds (a ratio: the median of the per-round
ratios, with their range):
- ``lsnrmine sql --log FILE --format csv --quiet "<query>"`` (the CLI; falls back to
  ``python -m lsnrmine`` when the console script is not installed);
- ``no prefilter``: the same CLI command with the filter written ``... || '' = '__jdbc__'`` (the
  same rows: in Oracle ``x || ''`` is ``x``), which the literal prefilter does not look through:
  every line then goes through split, trim, TO_DATE and the rest (what any query without such a
  condition costs);
- awk (mawk/gawk/awk, whichever is first on PATH): JDBC lines, SERVICE_NAME from field 2 and HOST
  from field 3, counted per pair (same result rows as the query);
- ``quick awk``: the script a DBA would type (issue 21): fields split on `` * ``, ``establish``
  lines only, a case-sensitive ``(HOST=__jdbc__)`` test anywhere in field 2, the same two values
  counted per pair. Not the query's rows: it also counts the lines whose first HOST= (an ADDRESS
  before the CID) is another host (5,316 pairs against 4,782 on 20,000 generated lines), and it
  ignores keys in another case, missing blanks around ``*``, the date check and the 4000-byte limit.
Prints the times, the ratio lsnrmine/awk (goal <= 0.75) and the peak RSS of the lsnrmine process at
the ``--rss-lines`` sizes. Prints figures only; nothing asserts a time.
lsnrmine's modules are byte-compiled first, as ``pip install`` does (and as any run does on first
import unless PYTHONDONTWRITEBYTECODE is set, as it is on the project's machines: an editable install
would then compile its sources again at every start, ~25 ms).
Generated logs are cached in ``--cache-dir`` (default: $TMPDIR/lsnrmine-bench).
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

import generate_log  # noqa: E402

QUERY = """select
   parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
   parse_listener_log_line(protocol_info,'HOST') host,
   count(1) cnt
from listener_log
where
   parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
group by
   parse_listener_log_line(connect_string,'SERVICE_NAME'),
   parse_listener_log_line(protocol_info,'HOST')"""

# Same semantics for the generated logs: first (HOST= in field 2 is __jdbc__, then SERVICE_NAME
# of field 2 and HOST of field 3 (case-insensitive keys, value up to the next ')').
AWK = r"""BEGIN { FS = "*" }
{
  cs = $2
  if (!match(cs, /\([Hh][Oo][Ss][Tt]=[^)]*/)) next
  if (substr(cs, RSTART + 6, RLENGTH - 6) != "__jdbc__") next
  sn = ""
  if (match(cs, /\([Ss][Ee][Rr][Vv][Ii][Cc][Ee]_[Nn][Aa][Mm][Ee]=[^)]*/)) sn = substr(cs, RSTART + 14, RLENGTH - 14)
  ip = ""
  if (match($3, /\([Hh][Oo][Ss][Tt]=[^)]*/)) ip = substr($3, RSTART + 6, RLENGTH - 6)
  cnt[sn "\t" ip]++
}
END { for (k in cnt) print k "\t" cnt[k] }
"""

#: the quick awk a DBA would write: split on " * ", establish lines only, case-sensitive match
QUICK_AWK = r"""BEGIN { FS = " [*] " }
$4 == "establish" && index($2, "(HOST=__jdbc__)") {
  sn = ""
  if (match($2, /SERVICE_NAME=[^)]*/)) sn = substr($2, RSTART + 13, RLENGTH - 13)
  ip = ""
  if (match($3, /HOST=[^)]*/)) ip = substr($3, RSTART + 5, RLENGTH - 5)
  cnt[sn "\t" ip]++
}
END { for (k in cnt) print k "\t" cnt[k] }
"""

#: the same query with its filter out of the prefilter's reach (engine.prefilter looks at
#: ``value = 'literal'`` terms only), to show the cost without it
QUERY_NO_PREFILTER = QUERY.replace(
    "parse_listener_log_line(connect_string,'HOST') = '__jdbc__'",
    "parse_listener_log_line(connect_string,'HOST') || '' = '__jdbc__'")
assert QUERY_NO_PREFILTER != QUERY


def lsnrmine_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("lsnrmine")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("lsnrmine")
    return [found] if found else [sys.executable, "-m", "lsnrmine"]


def cached_log(cache: Path, n: int, seed: int = 42) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"listener_{n}_{seed}.log"
    if not path.exists():
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            generate_log.write_log(n, fh, seed)
        tmp.replace(path)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    return path


def compile_package() -> None:
    """Byte-compile the lsnrmine package that the command will import (see the module docstring)."""
    import compileall

    try:
        import lsnrmine
    except ImportError:
        return  # the command runs another interpreter's copy: nothing to do from here
    compileall.compile_dir(str(Path(lsnrmine.__file__).parent), quiet=1)


def run(cmd: list[str]) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS KiB of the child, exit status, CPU seconds user + sys)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, list[tuple[float, int, float]]]:
    """Each command once per round, ``runs`` rounds: on a shared machine the CPU speed drifts,
    and a command timed right after the other sees the same conditions (the ratios are taken
    per round). Per command: (wall, peak RSS KiB, CPU) of every round."""
    results: dict[str, list[tuple[float, int, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            elapsed, peak, rc, cpu = run(cmd)
            if rc != 0:
                raise SystemExit(f"{name} failed (exit {rc}): {' '.join(cmd[:4])} ...")
            results[name].append((elapsed, peak, cpu))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rss-lines", default="1000000,4000000",
                    help="comma-separated sizes for the peak-RSS figures ('' to skip)")
    ap.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "lsnrmine-bench")
    args = ap.parse_args(argv)

    awk = next((a for a in ("mawk", "gawk", "awk") if shutil.which(a)), None)
    if awk is None:
        raise SystemExit("no awk on PATH")
    awk_file = args.cache_dir / "jdbc.awk"
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    awk_file.write_text(AWK, encoding="utf-8")
    quick_file = args.cache_dir / "jdbc_quick.awk"
    quick_file.write_text(QUICK_AWK, encoding="utf-8")
    log = cached_log(args.cache_dir, args.lines)
    cli = lsnrmine_cmd()
    compile_package()
    print(f"input: {log} ({log.stat().st_size / 1e6:.0f} MB, {args.lines:,} lines); "
          f"median of {args.runs} runs; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")

    commands = {
        awk: [awk, "-f", str(awk_file), str(log)],
        "quick awk": [awk, "-f", str(quick_file), str(log)],
        "lsnrmine sql": cli + ["sql", "--log", str(log), "--format", "csv", "--quiet", QUERY],
        "no prefilter": cli + ["sql", "--log", str(log), "--format", "csv", "--quiet", QUERY_NO_PREFILTER],
    }
    results = interleaved(commands, args.runs)
    base = [r[0] for r in results[awk]]
    quick = [r[0] for r in results["quick awk"]]
    for name, rounds in results.items():
        wall = statistics.median(r[0] for r in rounds)
        cpu = statistics.median(r[2] for r in rounds)
        peak = max(r[1] for r in rounds)
        line = f"{name:<14} {wall:7.2f} s   CPU {cpu:6.2f} s   peak RSS {peak / 1024:7.0f} MB"
        if name != awk:
            ratios = sorted(r[0] / b for r, b in zip(rounds, base))
            line += f"   / awk {statistics.median(ratios):.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})"
        if name not in (awk, "quick awk"):
            ratios = sorted(r[0] / b for r, b in zip(rounds, quick))
            line += f"   / quick awk {statistics.median(ratios):.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})"
            line += "   goal <= 0.75 for both" if name == "lsnrmine sql" else ""
        print(line)

    for size in [int(s) for s in args.rss_lines.split(",") if s.strip()]:
        path = cached_log(args.cache_dir, size)
        elapsed, peak, rc, _ = run(cli + ["sql", "--log", str(path), "--format", "csv", "--quiet", QUERY])
        print(f"lsnrmine sql at {size:>9,} lines: {elapsed:6.2f} s, peak RSS {peak / 1024:6.0f} MB"
              + ("" if rc == 0 else f" (exit {rc})"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
