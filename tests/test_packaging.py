"""A non-editable install ships every template: build the wheel, install it into
a separate folder and render from that copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT


@pytest.mark.slow  # builds a wheel and installs it
def test_wheel_ships_templates_and_renders(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir),
         str(REPO_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(wheel_dir.glob("lsnrmine-*.whl"))
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    template_files = sorted(p.relative_to(target) for p in (target / "lsnrmine" / "sql").rglob("*.sql"))
    source_files = sorted(
        Path("lsnrmine/sql") / p.relative_to(REPO_ROOT)
        for kind in ("admin", "plsql", "external_tables", "scheduler_jobs", "tables", "views", "reports")
        for p in (REPO_ROOT / kind).rglob("*.sql")
    )
    assert template_files == source_files

    env = dict(os.environ, PYTHONPATH=str(target))
    env = {k: v for k, v in env.items() if not k.startswith("LSNRMINE_")}
    out = tmp_path / "deploy"
    run = subprocess.run(
        [sys.executable, "-c",
         "import lsnrmine, lsnrmine.templates as t, sys; print(lsnrmine.__file__); print(t.template_root());"
         "from lsnrmine.cli import main; sys.exit(main(['render', '--out', sys.argv[1]]))", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    module_file, root = run.stdout.splitlines()[:2]
    assert module_file.startswith(str(target)), "rendered from the source checkout, not the installed copy"
    assert root == str(target / "lsnrmine" / "sql")
    assert (out / "install.sql").is_file() and (out / "uninstall.sql").is_file()
    assert len(list(out.glob("*.sql"))) > 6

    # the offline engine's macros (engine/dialect/macros.sql) ship as package data
    macros = subprocess.run(
        [sys.executable, "-c",
         "import duckdb, lsnrmine.engine.dialect as d; con = duckdb.connect(); d.install_support(con);"
         "print(d.__file__); print(con.execute(d.to_duckdb(\"select substr('abcd', -2) from dual\")).fetchone()[0])"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert macros.returncode == 0, macros.stderr
    module_file, value = macros.stdout.splitlines()[:2]
    assert module_file.startswith(str(target)) and value == "cd"
