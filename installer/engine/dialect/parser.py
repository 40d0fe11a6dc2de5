"""Oracle text -> sqlglot tree: sqlglot's Oracle parser, except that the functions the bridge
translates itself stay raw calls (``_RAW_FUNCTIONS``; sqlglot's own Oracle -> DuckDB mapping of
them differs from Oracle), and TO_DATE accepts DEFAULT NULL ON CONVERSION ERROR."""

from __future__ import annotations

import logging
import re
from typing import Callable

import sqlglot
from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.errors import ParseError, TokenError

from .errors import UnsupportedConstruct


_RAW_FUNCTIONS: tuple[str, ...] = (
    "TO_CHAR", "TO_DATE", "TO_TIMESTAMP", "TO_NUMBER", "TRUNC", "ROUND", "NVL", "NVL2",
    "DECODE", "COALESCE", "NULLIF", "INSTR", "SUBSTR", "LENGTH", "LENGTHB", "UPPER", "LOWER",
    "INITCAP", "LTRIM", "RTRIM", "LPAD", "RPAD", "REPLACE", "CONCAT", "REGEXP_SUBSTR",
    "REGEXP_LIKE", "REGEXP_COUNT", "REGEXP_REPLACE", "REGEXP_INSTR", "MOD", "GREATEST", "LEAST",
    "NUMTODSINTERVAL", "NUMTOYMINTERVAL", "ADD_MONTHS", "MONTHS_BETWEEN", "LAST_DAY",
    "NEXT_DAY", "TRANSLATE", "SUBSTRB", "INSTRB", "TO_CLOB", "TO_NCHAR",
)


def _raw_builder(name: str) -> Callable[[list], exp.Expression]:
    return lambda args: exp.Anonymous(this=name, expressions=list(args))


#: Internal name of TO_DATE(x DEFAULT NULL ON CONVERSION ERROR, ...) (not typeable in SQL).
TO_DATE_OR_NULL = "TO_DATE#DEFAULT_NULL"
#: Internal names of the datetime literals DATE 'YYYY-MM-DD' and TIMESTAMP 'YYYY-MM-DD HH24:MI:SS[.FF]'
#: (sqlglot's Oracle parser makes them calls that a typed function call would give too).
DATE_LITERAL = "DATE#LITERAL"
TIMESTAMP_LITERAL = "TIMESTAMP#LITERAL"
#: node meta key: the name of a function call as written (``called_name`` in errors)
CALLED_META = "ora_called"


def _parse_to_date(self) -> exp.Expression:
    """TO_DATE(char [DEFAULT return_value ON CONVERSION ERROR] [, fmt [, 'nlsparam']]) (12.2+;
    https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_DATE.html).
    Only DEFAULT NULL is translated (NULL for a string that does not convert)."""
    args = [self._parse_assignment()]
    name = "TO_DATE"
    if self._match(sqlglot.tokens.TokenType.DEFAULT):
        default = self._parse_bitwise()
        if not self._match_text_seq("ON", "CONVERSION", "ERROR"):
            self.raise_error("Expecting ON CONVERSION ERROR")
        if not isinstance(default, exp.Null):
            raise UnsupportedConstruct("TO_DATE ... DEFAULT <value other than NULL> ON CONVERSION ERROR")
        name = TO_DATE_OR_NULL
    while self._match(sqlglot.tokens.TokenType.COMMA):
        args.append(self._parse_assignment())
    return exp.Anonymous(this=name, expressions=args)


class _BridgeOracle(Oracle):
    class Parser(Oracle.Parser):
        # GLOB (DuckDB's file listing, not Oracle) as a plain call: the translator then refuses it by name
        FUNCTIONS = {**Oracle.Parser.FUNCTIONS, **{n: _raw_builder(n) for n in _RAW_FUNCTIONS + ("GLOB",)}}
        FUNCTION_PARSERS = {**{k: v for k, v in Oracle.Parser.FUNCTION_PARSERS.items()
                               if k not in _RAW_FUNCTIONS}, "TO_DATE": _parse_to_date}
        TYPE_LITERAL_PARSERS = {
            **Oracle.Parser.TYPE_LITERAL_PARSERS,
            exp.DType.DATE: lambda self, this, _: exp.Anonymous(this=DATE_LITERAL, expressions=[this]),
            exp.DType.TIMESTAMP: lambda self, this, _: exp.Anonymous(this=TIMESTAMP_LITERAL, expressions=[this]),
        }


_TRAILING_SLASH = re.compile(r"(?:\n|^)[ \t]*/[ \t]*\s*\Z")


def strip_terminator(sql: str) -> str:
    """Remove a trailing SQL*Plus ``/`` line and/or a trailing ``;``."""
    text = sql.strip()
    text = _TRAILING_SLASH.sub("", text).rstrip()
    if text.endswith(";"):
        text = text[:-1].rstrip()
    return text


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _parse_error_text(err: ParseError) -> str:
    """One line: what, where and the offending token (sqlglot's own text spans lines and
    carries terminal colour codes)."""
    details = err.errors[0] if getattr(err, "errors", None) else {}
    if not details:
        return _ANSI_ESCAPE.sub("", str(err)).splitlines()[0]
    near = _ANSI_ESCAPE.sub("", str(details.get("highlight") or "")).strip()
    where = f"line {details.get('line')}, column {details.get('col')}"
    return f"{details.get('description')} at {where}" + (f" near {near!r}" if near else "")


def parse_oracle(oracle_sql: str) -> exp.Expression:
    text = strip_terminator(oracle_sql)
    if not text:
        raise UnsupportedConstruct("empty statement")
    if re.search(r"\bMODEL\b\s*(\(|DIMENSION|PARTITION|RETURN|MAIN|REFERENCE|IGNORE|KEEP|UNIQUE)",
                 text, re.IGNORECASE):
        raise UnsupportedConstruct("MODEL clause")
    if re.search(r"\bMATCH_RECOGNIZE\b", text, re.IGNORECASE):
        raise UnsupportedConstruct("MATCH_RECOGNIZE")
    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.ERROR)  # its warning on an unknown statement would be a second stderr line
    try:
        statements = sqlglot.parse(text, read=_BridgeOracle)
    except ParseError as err:
        raise UnsupportedConstruct(f"unparseable Oracle SQL: {_parse_error_text(err)}") from err
    except TokenError as err:
        raise UnsupportedConstruct(f"unparseable Oracle SQL: {str(err).splitlines()[0]}") from err
    finally:
        log.setLevel(level)
    statements = [s for s in statements if s is not None]
    if len(statements) != 1:
        raise UnsupportedConstruct(f"expected exactly one statement, got {len(statements)}")
    if not isinstance(statements[0], (exp.Query, exp.Create)):  # COPY, ATTACH, INSTALL, LOAD, SET ...
        word = re.match(r"[A-Za-z_]*", text).group(0).upper() or statements[0].key.upper()
        raise UnsupportedConstruct(f"statement {word} (only SELECT/WITH/CREATE VIEW)")
    for node in statements[0].walk():
        start, end = node.meta.get("start"), node.meta.get("end")
        if isinstance(node, exp.Func) and isinstance(start, int) and isinstance(end, int):
            node.meta[CALLED_META] = text[start:end + 1]
    return statements[0]
