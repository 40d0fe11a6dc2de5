from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# tests/gate is imported as a package by the gate tests
sys.path.insert(0, str(Path(__file__).resolve().parent))


def shared_file(relative: str) -> Path:
    """A file of ../shared (third-party samples are read there, never copied into the repo)."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(reason=f"{path} is not present on this machine (shared/ sits beside the checkout)")
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No LSNRMINE_* variables and a working directory without lsnrmine.toml."""
    import os

    for key in list(os.environ):
        if key.startswith("LSNRMINE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path
