"""Re-key tests/mutation/equivalent.txt after template lines moved.

``python tests/mutation/rekey.py --from <commit> [FILE]``: every ``<template>:<line> <operator>: ...``
key in FILE (default: equivalent.txt) was written against <commit>'s templates. The key's mutant is
found there; its line's text (stripped) and its ``<operator>: <description>`` are looked up in today's
template, and the key gets the line number of today's line with that text holding that mutant (if
several lines qualify, the one nearest to where difflib aligns the old line). FILE is rewritten in place; keys that cannot be mapped
are kept as they were and printed (exit status 1 if any). With ``--history``, a key that names no
mutant at <commit> (already stale then) is read against the templates of the commit that added it to
equivalent.txt.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mutation.mutants import OPERATORS, mutants  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EQUIVALENT_FILE = Path(__file__).resolve().parent / "equivalent.txt"


def _line_map(old: str, new: str) -> dict[int, int]:
    """1-based old line -> new line for the lines the two versions share (difflib alignment)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    out = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            out.update({i + 1: j1 + (i - i1) + 1 for i in range(i1, i2)})
    return out


def _estimate(line_map: dict[int, int], line: int) -> int:
    """Where an old line is now: its aligned line, else shifted like the nearest aligned line."""
    if line in line_map:
        return line_map[line]
    near = min(line_map, key=lambda n: abs(n - line), default=line)
    return line + (line_map.get(near, near) - near)


def _index(path: str, text: str) -> dict[str, list[tuple[int, str]]]:
    """``<operator>: <description>`` -> [(line, stripped line text)] of the template's mutants."""
    lines = text.splitlines()
    out: dict[str, list[tuple[int, str]]] = {}
    for m in mutants(path, text, tuple(OPERATORS)):
        tail = m.describe().split(" ", 1)[1]
        out.setdefault(tail, []).append((m.line, lines[m.line - 1].strip()))
    return out


def _old_text(commit: str, path: str) -> str | None:
    proc = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=REPO, capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


def _adding_commit(commit: str, key: str) -> str | None:
    """The newest commit (up to <commit>) that changed how often ``key`` occurs in equivalent.txt."""
    proc = subprocess.run(["git", "log", "--format=%H", f"-S{key}", commit, "--",
                           str(EQUIVALENT_FILE.relative_to(REPO))], cwd=REPO, capture_output=True, text=True)
    found = proc.stdout.split()
    return found[0] if found else None


def rekey(lines: list[str], commit: str, history: bool = False) -> tuple[list[str], list[str]]:
    old_cache: dict[str, dict] = {}
    past_cache: dict[tuple[str, str], dict] = {}
    texts: dict[str, str] = {}
    maps: dict[tuple[str, str], dict[int, int]] = {}
    new_cache: dict[str, dict] = {}
    out, unmapped = [], []
    for line in lines:
        if not line.strip() or line.startswith("#") or " :: " not in line:
            out.append(line)
            continue
        key, reason = line.split(" :: ", 1)
        location, tail = key.strip().split(" ", 1)
        path, _, number = location.rpartition(":")
        if path not in old_cache:
            old = _old_text(commit, path)
            now = REPO / path
            texts[commit, path] = old or ""
            texts["", path] = now.read_text(encoding="utf-8") if now.is_file() else ""
            old_cache[path] = _index(path, old) if old is not None else {}
            new_cache[path] = _index(path, texts["", path])
        version = commit
        old_line = next((text for n, text in old_cache[path].get(tail, []) if n == int(number)), None)
        if old_line is None and history:
            # a key already stale at <commit>: read it against the templates of the commit that added it
            past = _adding_commit(commit, key.strip())
            if past:
                if (past, path) not in past_cache:
                    texts[past, path] = _old_text(past, path) or ""
                    past_cache[past, path] = _index(path, texts[past, path])
                version = past
                old_line = next((text for n, text in past_cache[past, path].get(tail, []) if n == int(number)), None)
        candidates = [n for n, text in new_cache[path].get(tail, []) if text == old_line] if old_line else []
        if not candidates:
            unmapped.append(key.strip())
            out.append(line)
            continue
        if (version, path) not in maps:
            maps[version, path] = _line_map(texts[version, path], texts["", path])
        where = _estimate(maps[version, path], int(number))
        best = min(sorted(set(candidates)), key=lambda n: abs(n - where))
        out.append(f"{path}:{best} {tail} :: {reason}")
    return out, unmapped


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="commit", required=True, help="commit whose templates the keys name")
    parser.add_argument("--history", action="store_true",
                        help="a key with no such mutant at <commit>: read it at the commit that added it")
    parser.add_argument("file", nargs="?", default=str(EQUIVALENT_FILE))
    args = parser.parse_args(argv)
    path = Path(args.file)
    text = path.read_text(encoding="utf-8")
    out, unmapped = rekey(text.splitlines(), args.commit, args.history)
    path.write_text("\n".join(out) + ("\n" if text.endswith("\n") else ""), encoding="utf-8")
    for key in unmapped:
        print(f"not mapped: {key}")
    return 1 if unmapped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
