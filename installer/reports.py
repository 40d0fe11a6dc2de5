"""The report catalogue: every SQL*Plus script under ``reports/`` (a Jinja2 template)."""

from __future__ import annotations

from dataclasses import dataclass

from .render import render_template
from .runner import split_script
from .settings import Settings
from .templates import template_root


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    template: str


def catalogue() -> list[Report]:
    reports = []
    for path in sorted((template_root() / "reports").glob("*.sql")):
        first = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("--"):
                first = line.lstrip("- ").strip()
                break
        reports.append(Report(path.stem, first, f"reports/{path.name}"))
    return reports


def find(name: str) -> Report:
    for report in catalogue():
        if report.name == name:
            return report
    known = ", ".join(r.name for r in catalogue())
    raise KeyError(f"report {name!r} does not exist; `lsnrmine report --list` shows them ({known})")


def statements(report: Report, settings: Settings) -> list[str]:
    return split_script(render_template(report.template, settings))
