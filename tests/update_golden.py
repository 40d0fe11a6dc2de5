"""Regenerate tests/golden/ from the default rendering: ``python tests/update_golden.py``.

tests/test_gate.py compares ``render_scripts(Settings())`` with these files byte for byte,
so every change of the rendered SQL shows up as a reviewable diff. Review it, then commit.
Stale golden files (objects that no longer exist) are removed. The renderings of the other golden
configurations (GOLDEN_CONFIGS) live in a folder of their own under tests/golden/.
"""

from __future__ import annotations

import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# sub-folder of tests/golden -> the lsnrmine.toml it renders (issue 22: a two-node RAC, four sources)
GOLDEN_CONFIGS = {"rac": FIXTURES / "rac" / "lsnrmine.toml"}


def default_scripts() -> dict[str, str]:
    # Settings() directly, never load_settings(): no lsnrmine.toml or LSNRMINE_* may leak in
    from lsnrmine.render import render_scripts
    from lsnrmine.settings import Settings

    return render_scripts(Settings())


def config_scripts(name: str) -> dict[str, str]:
    """The rendering of golden configuration ``name``: its lsnrmine.toml alone (environ={}: no
    LSNRMINE_* variable leaks in)."""
    from lsnrmine.render import render_scripts
    from lsnrmine.settings import load_settings

    return render_scripts(load_settings(config_path=str(GOLDEN_CONFIGS[name]), environ={}))


def _write(folder: Path, scripts: dict[str, str], changed: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    prefix = "" if folder == GOLDEN_DIR else f"{folder.name}/"
    for stale in sorted(p for p in folder.iterdir() if p.is_file() and p.name not in scripts):
        stale.unlink()
        changed.append(f"removed {prefix}{stale.name}")
    for name, text in sorted(scripts.items()):
        path = folder / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            changed.append(f"{'updated' if path.exists() else 'added'} {prefix}{name}")
            path.write_bytes(data)


def main() -> int:
    changed: list[str] = []
    scripts = default_scripts()
    _write(GOLDEN_DIR, scripts, changed)
    for name in GOLDEN_CONFIGS:
        _write(GOLDEN_DIR / name, config_scripts(name), changed)
    print("\n".join(changed) if changed else "golden files are up to date")
    print(f"{len(scripts)} golden files in {GOLDEN_DIR} (and {', '.join(GOLDEN_CONFIGS)}); "
          "review with: git diff -- tests/golden")
    return 0


if __name__ == "__main__":
    sys.exit(main())
