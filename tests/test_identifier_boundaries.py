"""Identifier limits through the CLI (installer/identifiers.py via settings validation): Oracle
names are at most 128 bytes. A name of exactly 128 bytes renders, 129 is refused with a one-line
error naming the setting; names with multibyte characters are refused whatever their byte length
(simple SQL names are ASCII), also when they fit in 128 bytes."""

from __future__ import annotations

import pytest

from lsnrmine.cli import main


@pytest.fixture(autouse=True)
def _clean(clean_env) -> None:
    """No LSNRMINE_* variables, no lsnrmine.toml in the working directory."""


def render(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["render", "--stdout", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("flag", ["--schema", "--directory"])
def test_a_name_of_exactly_128_bytes_is_accepted_and_rendered(capsys, flag: str) -> None:
    name = "L" + "X" * 126 + "9"
    assert len(name.encode("utf-8")) == 128
    code, out, err = render(capsys, flag, name.lower())
    assert code == 0, err
    assert f'"{name}"' in out


@pytest.mark.parametrize("flag", ["--schema", "--directory"])
def test_a_name_of_129_bytes_is_refused_naming_the_setting(capsys, flag: str) -> None:
    name = "L" + "X" * 127 + "9"
    assert len(name.encode("utf-8")) == 129
    code, out, err = render(capsys, flag, name)
    setting = flag[2:]
    assert code != 0 and out == ""
    assert err.strip().splitlines() == [f"lsnrmine: setting {setting}: {name!r} is longer than 128 bytes"]


@pytest.mark.parametrize("name", [
    "Ä" * 64,              # 64 characters, 128 bytes
    "Ä" * 65,              # 65 characters, 130 bytes
    "L" + "X" * 125 + "é",  # 127 characters, 128 bytes
    "L" + "X" * 126 + "é",  # 128 characters, 129 bytes
    "LSNR€",               # a 3-byte character
])
def test_names_with_multibyte_characters_are_refused(capsys, name: str) -> None:
    code, out, err = render(capsys, "--schema", name)
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("lsnrmine: setting schema: ") and "is not a simple SQL name" in lines[0]
