"""Regenerate tests/golden/ from the default rendering: ``python tests/update_golden.py``.

tests/test_gate.py compares ``render_scripts(Settings())`` with these files byte for byte,
so every change of the rendered SQL shows up as a reviewable diff. Review it, then commit.
Stale golden files (objects that no longer exist) are removed.
"""

from __future__ import annotations

import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def default_scripts() -> dict[str, str]:
    # Settings() directly, never load_settings(): no lsnrmine.toml or LSNRMINE_* may leak in
    from lsnrmine.render import render_scripts
    from lsnrmine.settings import Settings

    return render_scripts(Settings())


def main() -> int:
    scripts = default_scripts()
    GOLDEN_DIR.mkdir(exist_ok=True)
    changed = []
    for stale in sorted(p for p in GOLDEN_DIR.iterdir() if p.is_file() and p.name not in scripts):
        stale.unlink()
        changed.append(f"removed {stale.name}")
    for name, text in sorted(scripts.items()):
        path = GOLDEN_DIR / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            changed.append(f"{'updated' if path.exists() else 'added'} {name}")
            path.write_bytes(data)
    print("\n".join(changed) if changed else "golden files are up to date")
    print(f"{len(scripts)} golden files in {GOLDEN_DIR}; review with: git diff -- tests/golden")
    return 0


if __name__ == "__main__":
    sys.exit(main())
