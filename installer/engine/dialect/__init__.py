"""Oracle -> DuckDB dialect bridge for the embedded engine.

All project SQL is written once, in Oracle dialect.  ``to_duckdb`` parses one Oracle statement
with sqlglot (``parser``), rewrites the tree with our own handlers, one per construct
(``translator`` drives ``node_handlers``, ``function_handlers`` and ``regexp``, using ``typer``
for DATE arithmetic and ``masks`` for format models) and generates DuckDB SQL.

* sqlglot's own Oracle -> DuckDB mapping is not trusted for functions whose semantics differ: they
  are parsed as raw calls and each is translated here, or rejected.
* Anything without a faithful translation raises :class:`UnsupportedConstruct` naming the
  construct (CONNECT BY, MODEL, ROWNUM outside ``WHERE ROWNUM <= n``, an unknown TO_CHAR mask
  element, an Oracle built-in without a handler ...).  Never a silent difference.
* Oracle ``DATE`` is DuckDB ``TIMESTAMP`` (whole seconds): the engine creates date columns as
  TIMESTAMP and loads empty strings as NULL (Oracle has no '').
* The translated SQL calls ``ora_*`` macros: run :func:`install_support` once per connection
  (``now=`` pins SYSDATE/SYSTIMESTAMP).

Oracle references (SQL Language Reference) are cited at each handler.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

import sqlglot
from sqlglot import exp

from .errors import InvalidCall, UnsupportedConstruct
from .function_handlers import FUNCTION_HANDLERS, OTHER_FUNCTION_HANDLER
from .headings import name_expressions
from .node_handlers import NODE_HANDLERS
from .parser import parse_oracle, strip_terminator
from .support import SUPPORT_MACROS, install_support
from .translator import Translator
from .typer import DEFAULT_DATE_COLUMNS, KNOWN_FUNCTION_SIGNATURES, BridgeOptions

__all__ = [
    "UnsupportedConstruct",
    "BridgeOptions",
    "DEFAULT_DATE_COLUMNS",
    "KNOWN_FUNCTION_SIGNATURES",
    "SUPPORT_MACROS",
    "install_support",
    "to_duckdb",
    "transpile_statement",
    "parse_oracle",
    "InvalidCall",
    "strip_terminator",
]


def transpile_statement(tree: exp.Expression, options: Optional[BridgeOptions] = None) -> exp.Expression:
    """Rewrite a parsed Oracle statement (from :func:`parse_oracle`) into a DuckDB-ready tree."""
    translator = Translator(options or BridgeOptions(), NODE_HANDLERS, FUNCTION_HANDLERS, OTHER_FUNCTION_HANDLER)
    return translator.translate(tree)


def to_duckdb(oracle_sql: str, *, date_columns: Optional[Iterable[str]] = None,
              functions: Optional[Mapping[str, Sequence[str]]] = None,
              nls_date_format: str = "DD-MON-RR", pretty: bool = False) -> str:
    """Translate ONE Oracle SELECT/WITH query or CREATE [OR REPLACE] VIEW to DuckDB SQL.
    An unaliased select-list expression gets the name Oracle gives it (``headings``).

    ``date_columns`` extends :data:`DEFAULT_DATE_COLUMNS`; ``functions`` extends
    :data:`KNOWN_FUNCTION_SIGNATURES` (for named notation).  A trailing ``;`` or SQL*Plus ``/``
    line is accepted.  Raises :class:`UnsupportedConstruct` for anything not translatable.
    The result needs the macros from :func:`install_support`.
    """
    opts = BridgeOptions(
        date_columns=DEFAULT_DATE_COLUMNS | {c.lower() for c in (date_columns or ())},
        functions={**KNOWN_FUNCTION_SIGNATURES, **{k.lower(): tuple(v) for k, v in (functions or {}).items()}},
        nls_date_format=nls_date_format,
    )
    tree = parse_oracle(oracle_sql)
    name_expressions(tree, strip_terminator(oracle_sql))  # output names as Oracle gives them
    tree = transpile_statement(tree, opts)
    try:
        return tree.sql(dialect="duckdb", pretty=pretty, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as err:
        raise UnsupportedConstruct(str(err)) from err
