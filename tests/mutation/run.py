"""SQL mutation testing: do the behavioural tests notice a one-token bug in a view or rule?

    python tests/mutation/run.py                       # every target, every operator (hours)
    python tests/mutation/run.py --target alert_rules --operator ror --operator in_drop
    python tests/mutation/run.py --sample 20 --seed 1 --report tests/mutation/REPORT.md
    python tests/mutation/run.py --target alert_rules --match "alert_r6_enumeration.sql:19"   # re-run some

Each mutant is one edit of a SQL template (tests/mutation/mutants.py). It is written into a private
copy of the repository, and the target's behavioural tests run there with pytest -x, the golden-file
comparison deselected: a mutant is killed when a test fails, survives when all pass. The working tree
is never edited. The report lists per template the mutants killed and every survivor, with the
reason when it is recorded as equivalent in tests/mutation/equivalent.txt.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mutation.mutants import OPERATORS, Mutant, mutants  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EQUIVALENT_FILE = Path(__file__).resolve().parent / "equivalent.txt"

# the golden byte comparison would kill every mutant: it is what this harness must do without
GOLDEN_TESTS = (
    "tests/test_gate.py::test_golden_files_match_the_default_rendering",
)


@dataclass(frozen=True)
class Target:
    name: str
    templates: tuple[str, ...]    # globs relative to the repository
    tests: tuple[str, ...]        # pytest arguments: files or node ids
    # (template glob, pytest -k expression): a mutant of a matching template runs only the selected
    # tests (those that read what the template computes); other templates run every test
    select: tuple[tuple[str, str], ...] = ()


TARGETS = (
    Target("alert_rules", ("views/alert_r*.sql", "views/alert_episodes.sql", "views/alert_rule_defaults.sql"),
           ("tests/test_rule_boundaries.py", "tests/test_alerts.py", "tests/test_rule_rewrite.py",
            "tests/test_alerts_per_listener.py"),
           tuple((f"views/alert_r{n}_*.sql", f"r{n}_ or rule{n}_ or {rule}") for n, rule in enumerate(
               ("", "PASSWORD_FAILURES", "LOG_REDIRECTION", "ADMIN_RESTRICTED", "LISTENER_STOP", "TNS_POISON",
                "SID_ENUMERATION", "CONNECTION_STORM", "NEW_CLIENT_IP", "CLIENT_HYGIENE")) if n)),
    Target("event_parse", ("views/events.sql",),
           ("tests/test_event_kinds.py", "tests/test_events.py", "tests/test_reports.py")),
    Target("article_views", ("views/jdbc_service_hosts.sql", "views/sid_service_breakup.sql",
                             "views/listener_commands.sql", "views/admin_restricted.sql",
                             "views/failed_commands.sql"),
           ("tests/test_article_boundaries.py", "tests/test_article.py")),
    Target("report_views", ("views/report_*.sql", "views/tns_error_text.sql"),
           ("tests/test_report_boundaries.py", "tests/test_reports.py::test_report_rows_and_columns",
            "tests/test_reports.py::test_tns_error_text_has_the_common_codes")),
)


@dataclass
class Outcome:
    mutant: Mutant
    status: str          # killed, survived, error
    seconds: float
    detail: str = ""


@dataclass
class Workspace:
    """A private copy of the repository, and a package path that imports lsnrmine from it."""
    root: Path
    pythonpath: Path
    busy: bool = field(default=False)


def _tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line and (REPO / line).is_file()]


def make_workspace(base: Path, index: int) -> Workspace:
    root = base / f"repo{index}" / REPO.name
    for rel in _tracked_files():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dest)
    shared = REPO.parent / "shared"
    if shared.exists():
        (root.parent / "shared").symlink_to(shared)
    pkg = base / f"pkg{index}"
    pkg.mkdir()
    (pkg / "lsnrmine").symlink_to(root / "installer")
    return Workspace(root, pkg)


def run_tests(ws: Workspace, target: Target, timeout: float, path: str = "") -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(ws.pythonpath), PYTHONDONTWRITEBYTECODE="1")
    select = [f"-k={expr}" for glob, expr in target.select if path and fnmatch.fnmatch(path, glob)][:1]
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
           *target.tests, *select, *(f"--deselect={t}" for t in GOLDEN_TESTS)]
    try:
        proc = subprocess.run(cmd, cwd=ws.root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    tail = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return proc.returncode, (tail[0] if tail else proc.stdout.strip().splitlines()[-1:] or [""])[0]


def run_mutant(ws: Workspace, target: Target, mutant: Mutant, timeout: float) -> Outcome:
    path = ws.root / mutant.path
    original = path.read_text(encoding="utf-8")
    started = time.monotonic()
    try:
        path.write_text(mutant.apply(original), encoding="utf-8")
        code, detail = run_tests(ws, target, timeout, mutant.path)
    finally:
        path.write_text(original, encoding="utf-8")
    status = {0: "survived", 1: "killed"}.get(code, "error")
    return Outcome(mutant, status, time.monotonic() - started, detail)


def load_equivalents() -> dict[str, str]:
    """`<describe() text> :: <reason>` per line; # comments."""
    out: dict[str, str] = {}
    if EQUIVALENT_FILE.exists():
        for line in EQUIVALENT_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and " :: " in line:
                key, reason = line.split(" :: ", 1)
                out[key.strip()] = reason.strip()
    return out


def collect(targets: list[Target], operators: tuple[str, ...], only: list[str]) -> list[tuple[Target, Mutant]]:
    found = []
    for target in targets:
        paths = sorted({str(p.relative_to(REPO)) for g in target.templates for p in REPO.glob(g)})
        for rel in paths:
            if only and not any(fnmatch.fnmatch(rel, pattern) for pattern in only):
                continue
            text = (REPO / rel).read_text(encoding="utf-8")
            found.extend((target, m) for m in mutants(rel, text, operators))
    return found


def report(outcomes: list[Outcome], equivalents: dict[str, str], elapsed: float, args: argparse.Namespace) -> str:
    by_path: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_path.setdefault(o.mutant.path, []).append(o)
    lines = ["# SQL mutation report", "",
             f"Command: `python tests/mutation/run.py {' '.join(args.argv)}`".rstrip(), "",
             f"{len(outcomes)} mutants in {elapsed / 60:.1f} min. A mutant is killed when a behavioural test "
             "fails (golden comparison excluded); an equivalent survivor is one listed with its reason in "
             "tests/mutation/equivalent.txt and is left out of the rate.", "",
             "| template | mutants | killed | survived | equivalent | errors | kill rate |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    total = {"n": 0, "k": 0, "s": 0, "e": 0, "x": 0}
    survivors: list[str] = []
    for path in sorted(by_path):
        group = by_path[path]
        k = sum(o.status == "killed" for o in group)
        eq = [o for o in group if o.status == "survived" and o.mutant.describe() in equivalents]
        s = sum(o.status == "survived" for o in group) - len(eq)
        x = sum(o.status == "error" for o in group)
        rate = k / (k + s) if k + s else 1.0
        lines.append(f"| {path} | {len(group)} | {k} | {s} | {len(eq)} | {x} | {rate:.0%} |")
        for key, n in (("n", len(group)), ("k", k), ("s", s), ("e", len(eq)), ("x", x)):
            total[key] += n
        for o in group:
            if o.status == "survived":
                reason = equivalents.get(o.mutant.describe())
                survivors.append(f"- {o.mutant.describe()}" + (f" — equivalent: {reason}" if reason else ""))
            elif o.status == "error":
                survivors.append(f"- ERROR {o.mutant.describe()}: {o.detail}")
    rate = total["k"] / (total["k"] + total["s"]) if total["k"] + total["s"] else 1.0
    lines.append(f"| **all** | {total['n']} | {total['k']} | {total['s']} | {total['e']} | {total['x']} | "
                 f"**{rate:.1%}** |")
    lines += ["", "## Survivors and errors", ""] + (survivors or ["none"])
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", choices=[t.name for t in TARGETS])
    parser.add_argument("--template", action="append", default=[], help="only templates matching this glob")
    parser.add_argument("--operator", action="append", choices=sorted(OPERATORS))
    parser.add_argument("--match", action="append", default=[],
                        help="only mutants whose description (as the report prints it) contains this text")
    parser.add_argument("--sample", type=int, help="run this many mutants drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per mutant")
    parser.add_argument("--tests", action="append", default=[],
                        help="run these pytest files/node ids instead of the target's own list")
    parser.add_argument("--all-tests", action="store_true",
                        help="run every selected test for every mutant (no per-template -k selection)")
    parser.add_argument("--report", type=Path, help="write the markdown report here")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)
    args.argv = argv
    targets = [t for t in TARGETS if not args.target or t.name in args.target]
    if args.tests:
        targets = [Target(t.name, t.templates, tuple(args.tests), t.select) for t in targets]
    if args.all_tests:
        targets = [Target(t.name, t.templates, t.tests) for t in targets]
    operators = tuple(args.operator or OPERATORS)
    todo = collect(targets, operators, args.template)
    if args.match:
        todo = [(t, m) for t, m in todo if any(text in m.describe() for text in args.match)]
    if args.sample is not None and args.sample < len(todo):
        todo = random.Random(args.seed).sample(todo, args.sample)
    if args.list:
        for target, m in todo:
            print(f"{target.name}\t{m.describe()}")
        print(f"{len(todo)} mutants", file=sys.stderr)
        return 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lsnrmine-mutation-") as tmp:
        spaces = [make_workspace(Path(tmp), i) for i in range(max(1, args.jobs))]
        for target in {t for t, _ in todo}:
            code, detail = run_tests(spaces[0], target, args.timeout)
            if code != 0:
                print(f"baseline of {target.name} is not green ({detail}): fix the tests first", file=sys.stderr)
                return 2
        free = list(spaces)

        def one(item: tuple[Target, Mutant]) -> Outcome:
            ws = free.pop()
            try:
                outcome = run_mutant(ws, item[0], item[1], args.timeout)
            finally:
                free.append(ws)
            print(f"{outcome.status:8} {outcome.seconds:6.1f}s {outcome.mutant.describe()}", flush=True)
            return outcome

        with ThreadPoolExecutor(max_workers=len(spaces)) as pool:
            outcomes = list(pool.map(one, todo))
    text = report(outcomes, load_equivalents(), time.monotonic() - started, args)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
