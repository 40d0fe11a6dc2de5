"""Where the SQL templates live, and the Jinja2 environment that renders them."""

from __future__ import annotations

from pathlib import Path

import jinja2

from . import identifiers as ids

TEMPLATE_KINDS = ("admin", "plsql", "external_tables", "scheduler_jobs", "tables", "views", "reports")


def template_root() -> Path:
    """The folder holding the kind folders: inside the installed package, or the source checkout."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "sql"
    if (installed / "plsql").is_dir():
        return installed
    checkout = package_dir.parent
    if (checkout / "plsql").is_dir():
        return checkout
    raise FileNotFoundError(f"lsnrmine SQL templates not found under {installed} or {checkout}; reinstall lsnrmine")


def _ident(value: str) -> str:
    return ids.quote_identifier(value)


def _sqlstr(value: object) -> str:
    return ids.sql_string(str(value))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_root())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ident"] = _ident
    env.filters["sqlstr"] = _sqlstr
    return env
