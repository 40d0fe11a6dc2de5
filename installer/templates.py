"""The SQL templates: where they live, the one Jinja2 environment that renders them, and the
context every template sees."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from . import identifiers as ids
from .settings import SETTING_LIMITS, Settings, owner_privileges

if TYPE_CHECKING:  # pragma: no cover
    import jinja2


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


@functools.lru_cache(maxsize=None)
def environment() -> "jinja2.Environment":
    """The Jinja2 environment over :func:`template_root`, built once per process."""
    import jinja2  # here, not at the top: a query on listener_log alone never renders a template

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


def template_context(settings: Settings) -> dict[str, object]:
    return {
        "s": settings,
        "obj": lambda logical: ids.quote_identifier(settings.object_name(logical)),
        "version": __version__,
        "owner_privileges": owner_privileges(settings),
        "setting_limits": {row: maximum for row, (_attribute, maximum) in SETTING_LIMITS.items()},
    }


def render_template(path: str, settings: Settings, **extra: object) -> str:
    """The text of template ``path`` (relative to :func:`template_root`), ending in one newline."""
    context = template_context(settings)
    context.update(extra)
    text = environment().get_template(path).render(**context)
    return text.strip("\n") + "\n"


def object_names(name: str, kind: str) -> dict[str, str]:
    """The names every object template uses: ``name`` (quoted), ``name_literal`` (a SQL string), ``kind``."""
    return {"name": ids.quote_identifier(name), "name_literal": ids.sql_string(name), "kind": kind}


def render_object(path: str, settings: Settings, name: str, kind: str, **extra: Any) -> str:
    """An object's template with :func:`object_names` (for objects outside the manifest, e.g. the
    offline parse view); manifest objects render with ``DbObject.template_context``."""
    return render_template(path, settings, **object_names(name, kind), **extra)
