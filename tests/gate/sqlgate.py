"""The offline SQL gate: every statement lsnrmine ships is checked here, without a database.

No Oracle server runs in CI, so each rendered statement goes through

1. :func:`gate.balance.check_balance` (our own tokenizer: quotes, parentheses,
   BEGIN/END structure, ``;`` rules, no ``/`` line) -- on EVERY statement;
2. a parse with sqlfluff's ``oracle`` dialect for everything sqlfluff can parse
   (PL/SQL units, anonymous blocks, views, tables, grants, MERGE, ...), plus a few
   tree checks where the dialect is more lenient than Oracle (:func:`_tree_problems`);
3. the ORACLE_LOADER / CREATE DIRECTORY checker (``gate.oracle_loader_check``) for
   ``ORGANIZATION EXTERNAL`` tables and ``CREATE DIRECTORY``, which sqlfluff cannot parse;
4. the same three checks on the DDL inside ``execute immediate`` of PL/SQL blocks
   (``q'[...]'`` literals through ``unwrap_execute_immediate``, plain ``'...'`` literals here).

Constructs of legitimate Oracle PL/SQL that sqlfluff's dialect cannot parse are
rewritten before the parse by the explicit :data:`ALLOW_LIST` (construct, reason,
regex, replacement) -- never skipped. ``tests/test_gate.py`` checks that every
entry is used by the rendered SQL, so the list cannot rot.
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from lsnrmine.identifiers import RESERVED_WORDS

from . import balance

# -- the allow-list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowEntry:
    construct: str
    reason: str
    pattern: "re.Pattern[str]"
    replacement: Union[str, Callable[["re.Match[str]"], str]]
    scope: str = "code"  # "code": runs of code between strings/comments; "string": whole literal tokens


def _q_to_plain(match: "re.Match[str]") -> str:
    body = next(group for group in match.groups()[1:] if group is not None)
    return match.group(1) + "'" + body.replace("'", "''") + "'"


#: Oracle constructs sqlfluff 4.x's oracle dialect rejects, rewritten before the sqlfluff parse
#: only (the balance check and the ORACLE_LOADER checker see the original text). Each
#: replacement keeps the statement's structure and meaning for the parser (same blocks, same
#: terminators, same string value). Entries apply to code outside comments and strings
#: (scope "code") or to whole string literal tokens (scope "string"), never inside comments.
ALLOW_LIST: tuple[AllowEntry, ...] = (
    AllowEntry(
        construct="q'[...]' alternative quoting",
        reason="sqlfluff's oracle lexer reads q'[x]' as the name q followed by the literal '[x]', so "
        "a q-literal with a quote inside (execute immediate q'[... fields terminated by '*' ...]') "
        "breaks the parse; it becomes the equivalent '...' literal with quotes doubled",
        pattern=re.compile(r"([nN]?)[qQ]'(?:\[(.*)\]|\{(.*)\}|\((.*)\)|<(.*)>|([^\s\[{(<])(.*)\6)'\Z", re.DOTALL),
        replacement=_q_to_plain,
        scope="string",
    ),
    AllowEntry(
        construct="PIPELINED",
        reason="the oracle dialect has no PIPELINED option in a function's return clause (PL/SQL "
        "Language Reference, PIPELINED clause); the keyword is removed, the function stays a function",
        pattern=re.compile(r"\s+pipelined\b", re.IGNORECASE),
        replacement="",
    ),
    AllowEntry(
        construct="PIPE ROW",
        reason="the oracle dialect has no PIPE ROW statement; 'pipe row (x);' becomes the procedure call "
        "'pipe_row(x);' of the same shape, so the argument expression and the ';' are still parsed",
        pattern=re.compile(r"\bpipe\s+row\s*\(", re.IGNORECASE),
        replacement="pipe_row(",
    ),
    AllowEntry(
        construct="identity column",
        reason="the oracle dialect cannot parse 'generated always as identity' (12c+ identity_clause of "
        "CREATE TABLE); the clause is removed, the column keeps its type and constraints",
        pattern=re.compile(
            r"\s+generated\s+(?:always|by\s+default(?:\s+on\s+null)?)\s+as\s+identity\b(?:\s*\([^()]*\))?",
            re.IGNORECASE,
        ),
        replacement="",
    ),
    AllowEntry(
        construct="named argument FORCE",
        reason="the oracle dialect lexes FORCE as a keyword, so the named argument 'force => true' of "
        "DBMS_SCHEDULER.DROP_JOB/STOP_JOB (PL/SQL Packages Reference) does not parse; the parameter name "
        "becomes 'force_' for the parse only, the call keeps its shape",
        pattern=re.compile(r"\bforce(\s*=>)", re.IGNORECASE),
        replacement=r"force_\1",
    ),
    AllowEntry(
        construct="DEFAULT ... ON CONVERSION ERROR",
        reason="the oracle dialect cannot parse TO_DATE(x DEFAULT NULL ON CONVERSION ERROR, fmt, nls) "
        "(12.2+, SQL Language Reference, TO_DATE); the clause is removed, the call keeps its arguments",
        pattern=re.compile(r"\s+default\s+null\s+on\s+conversion\s+error\b", re.IGNORECASE),
        replacement="",
    ),
    AllowEntry(
        construct="DROP DIRECTORY",
        reason="the oracle dialect has no DROP DIRECTORY (nor CREATE DIRECTORY); 'drop directory X' "
        "(revert of the directory objects) is parsed as the same-shaped 'drop table X'",
        pattern=re.compile(r"\A(\s*)drop\s+directory\b", re.IGNORECASE),
        replacement=r"\1drop table",
    ),
)

#: How often each allow-list entry fired since the process started (construct -> count).
ALLOW_LIST_USAGE: Counter = Counter()


def _apply(entry: AllowEntry, text: str) -> str:
    new, count = entry.pattern.subn(entry.replacement, text)
    if count:
        ALLOW_LIST_USAGE[entry.construct] += count
    return new


def neutralise(statement: str) -> str:
    """Apply the allow-list to ``statement`` (for the sqlfluff parse only); comments are left alone."""
    try:
        tokens = balance.tokenize(statement)
    except balance.TokenizeError:
        return statement
    pieces: list[str] = []
    code: list[str] = []

    def flush() -> None:
        if code:
            text = "".join(code)
            for entry in ALLOW_LIST:
                if entry.scope == "code":
                    text = _apply(entry, text)
            pieces.append(text)
            code.clear()

    for token in tokens:
        if token.kind == "comment":
            flush()
            pieces.append(token.text)
        elif token.kind == "string":
            flush()
            text = token.text
            for entry in ALLOW_LIST:
                if entry.scope == "string":
                    text = _apply(entry, text)
            pieces.append(text)
        else:
            code.append(token.text)
    flush()
    return "".join(pieces)


# -- sqlfluff ---------------------------------------------------------------------------------

# typed literals (DATE '2024-01-31'); any other "type 'literal'" pair in a parse tree is
# sqlfluff reading a missing operator as a typed literal (l_x ', y' after deleting ||).
_TYPED_LITERAL_TYPES = {"date", "timestamp", "interval", "time"}
_OPERANDS = ("quoted_literal", "numeric_literal", "function", "column_reference")
_NOT_TYPES = {"deterministic", "parallel_enable", "pipelined", "result_cache", "authid", "is", "as"}
_AGGREGATES = {"count", "sum", "avg", "min", "max", "listagg"}
_RESERVED_PARAMETER_NAMES = frozenset(RESERVED_WORDS) | {"OUT", "NOCOPY"}


@functools.lru_cache(maxsize=1)
def _linter():
    from sqlfluff.core import FluffConfig, Linter

    return Linter(config=FluffConfig(overrides={"dialect": "oracle"}))


@functools.lru_cache(maxsize=4096)
def _sqlfluff_problems_cached(text: str) -> tuple[str, ...]:
    limit = getattr(sys, "tracebacklimit", None)
    try:
        parsed = _linter().parse_string(text)
    except Exception as exc:  # sqlfluff grammar bugs, e.g. "Grammar refers to the 'RETENTION' keyword"
        return (f"sqlfluff: internal error, the statement cannot be verified: {str(exc).splitlines()[0]}",)
    finally:  # sqlfluff sets sys.tracebacklimit = 0 before raising some of its errors
        if limit is None:
            if hasattr(sys, "tracebacklimit"):
                del sys.tracebacklimit
        else:
            sys.tracebacklimit = limit
    problems = [f"sqlfluff: {v.desc()}" for v in parsed.violations]
    try:
        tree = parsed.tree
    except AssertionError:  # "Root variant not successfully parsed."
        tree = None
    if tree is None:
        return tuple(problems or ["sqlfluff: no parse tree"])
    for segment in tree.recursive_crawl("unparsable"):
        pos = segment.pos_marker
        where = f"line {pos.line_no}, col {pos.line_pos}: " if pos else ""
        message = f"sqlfluff: {where}unparsable {segment.raw[:60]!r}"
        if message not in problems and not any("unparsable" in p for p in problems):
            problems.append(message)
    if not problems:
        problems += _tree_problems(tree)
    return tuple(problems)


def _code_children(segment) -> list:
    return [s for s in segment.segments if not (s.is_meta or s.is_whitespace or s.is_comment)]


def _tree_problems(tree) -> list[str]:
    """Places where the oracle dialect accepts what Oracle rejects (found by the mutation test).

    * more than one top-level statement (a lost ``/`` or a stray ``;`` in SQL);
    * a statement nested in PL/SQL without its ``;`` (the dialect makes it optional);
    * ``name 'literal'`` / ``name 0`` read as a typed literal when it is not DATE/TIMESTAMP/INTERVAL
      (a deleted ``||``, ``=`` or comma);
    * a SELECT statement inside PL/SQL without INTO; an assignment ``:= x`` without a target;
    * two expressions side by side without a comma (``f('a' 'b')``), two operands side by
      side without an operator (``substr(x, 1) 'text'``);
    * a keyword read as a data type (``return deterministic`` after deleting the type);
    * ``count()`` and other aggregates without an argument; ``varchar2()``;
    * a subprogram inside a package or declare section without its ``;``;
    * a '...' string used as an alias (Oracle quotes aliases with "...");
    * a parameter named by a reserved word (``p(in varchar2)`` after deleting the name).
    """
    problems: list[str] = []
    top = [s for s in tree.recursive_crawl("statement", recurse_into=False)]
    if len(top) != 1:
        problems.append(f"sqlfluff: {len(top)} statements where one is expected")

    def where(segment) -> str:
        pos = segment.pos_marker
        return f"line {pos.line_no}, col {pos.line_pos}" if pos else "?"

    def walk(segment, nested: bool) -> None:
        children = _code_children(segment)
        for i, child in enumerate(children):
            following = children[i + 1] if i + 1 < len(children) else None
            if child.is_type("statement") and nested:
                if following is None or not following.is_type("statement_terminator"):
                    problems.append(f"sqlfluff: {where(child)}: PL/SQL statement not terminated by ';'")
            if child.is_type("statement") and nested:
                inner = _code_children(child)
                if inner and inner[0].is_type("select_statement") and not any(
                    c.is_type("into_clause") for c in _code_children(inner[0])
                ):
                    problems.append(f"sqlfluff: {where(child)}: SELECT in PL/SQL without INTO")
                if inner and inner[0].is_type("assignment_segment_statement"):
                    parts = _code_children(inner[0])
                    if parts and parts[0].is_type("assignment_operator"):
                        problems.append(f"sqlfluff: {where(child)}: assignment without a target")
            if child.is_type("data_type") and following is not None and following.is_type("quoted_literal", "numeric_literal"):
                first = child.raw.split()[0].lower() if child.raw.split() else ""
                if first not in _TYPED_LITERAL_TYPES:
                    problems.append(
                        f"sqlfluff: {where(child)}: {child.raw!r} {following.raw[:20]!r} is not a typed literal "
                        "(missing operator?)"
                    )
            if child.is_type("expression") and following is not None and following.is_type("expression"):
                problems.append(f"sqlfluff: {where(following)}: two expressions without a comma between them")
            if (segment.is_type("expression") and child.is_type(*_OPERANDS) and following is not None
                    and following.is_type(*_OPERANDS) and not child.is_type("data_type")):
                problems.append(f"sqlfluff: {where(following)}: two operands without an operator between them")
            if child.is_type("create_procedure_statement", "create_function_statement") and nested:
                parts = _code_children(child)
                if not parts or not parts[-1].is_type("statement_terminator"):
                    problems.append(f"sqlfluff: {where(child)}: subprogram not terminated by ';'")
            if child.is_type("data_type"):
                for bracket in child.recursive_crawl("bracketed"):
                    if len(_code_children(bracket)) == 2:
                        problems.append(f"sqlfluff: {where(child)}: empty () in data type {child.raw.strip()!r}")
            if child.is_type("data_type") and child.raw.strip().lower() in _NOT_TYPES:
                problems.append(f"sqlfluff: {where(child)}: {child.raw.strip()!r} is not a data type")
            if child.is_type("function"):
                name = child.get_child("function_name")
                contents = child.get_child("function_contents")
                bracket = contents.get_child("bracketed") if contents is not None else None
                if name is not None and name.raw.lower() in _AGGREGATES and bracket is not None and len(
                    _code_children(bracket)
                ) == 2:
                    problems.append(f"sqlfluff: {where(child)}: {name.raw}() without an argument")
            if child.is_type("alias_expression") and child.raw.strip().startswith("'"):
                problems.append(f"sqlfluff: {where(child)}: string literal {child.raw.strip()[:20]!r} used as an alias")
            if child.is_type("parameter") and child.raw.upper() in _RESERVED_PARAMETER_NAMES:
                problems.append(f"sqlfluff: {where(child)}: parameter named by the reserved word {child.raw!r}")
        for child in children:
            if child.segments:
                walk(child, nested or child.is_type("statement"))

    for statement in top:
        walk(statement, True)
    return problems


def sqlfluff_problems(statement: str) -> list[str]:
    """Parse problems of one statement (after the allow-list), cached by the statement text."""
    return list(_sqlfluff_problems_cached(neutralise(statement)))


# -- routing ----------------------------------------------------------------------------------

_EXTERNAL_TABLE = re.compile(r"\borganization\s+external\b", re.IGNORECASE)
_CREATE_DIRECTORY = re.compile(r"^create\s+(?:or\s+replace\s+)?directory\b", re.IGNORECASE)


def _code_head(statement: str) -> str:
    """The statement without comments, whitespace collapsed (for routing decisions)."""
    try:
        tokens = balance.tokenize(statement)
    except balance.TokenizeError:
        return " ".join(statement.split())
    return " ".join(t.text for t in balance.significant(tokens))


def classify(statement: str) -> str:
    """``external_table``, ``directory``, ``plsql_unit``, ``block`` or ``sql``."""
    head = _code_head(statement)
    if _CREATE_DIRECTORY.match(head):
        return "directory"
    if head.lower().startswith("create") and _EXTERNAL_TABLE.search(head):
        return "external_table"
    try:
        return balance.statement_kind(balance.tokenize(statement))
    except balance.TokenizeError:
        return "sql"


def _loader():
    try:
        from . import oracle_loader_check
    except ImportError as exc:  # written by another helper; the gate cannot pass without it
        raise RuntimeError(
            "tests/gate/oracle_loader_check.py is missing: external tables and CREATE DIRECTORY cannot be checked"
        ) from exc
    return oracle_loader_check


def plain_execute_immediate(block: str) -> list[str]:
    """The text of ``execute immediate '<literal>'`` statements whose argument is one plain literal."""
    try:
        sig = balance.significant(balance.tokenize(block))
    except balance.TokenizeError:
        return []
    found = []
    for i in range(len(sig) - 3):
        if sig[i].lower == "execute" and sig[i + 1].lower == "immediate" and sig[i + 2].kind == "string":
            literal = sig[i + 2].text
            after = sig[i + 3].lower
            if literal.startswith("'") and after in (";", "using", "into", "returning", "bulk"):
                found.append(literal[1:-1].replace("''", "'"))
    return found


def _count_q_execute_immediate(block: str) -> int:
    try:
        sig = balance.significant(balance.tokenize(block))
    except balance.TokenizeError:
        return 0
    return sum(
        1
        for i in range(len(sig) - 2)
        if sig[i].lower == "execute" and sig[i + 1].lower == "immediate" and sig[i + 2].kind == "string"
        and sig[i + 2].text[:2].lower() in ("q'",)
    )


def inner_ddl(block: str) -> list[str]:
    """DDL texts executed by ``execute immediate`` in a PL/SQL block (q-quoted and plain literals)."""
    quoted = list(_loader().unwrap_execute_immediate(block))
    return quoted + plain_execute_immediate(block)


# sqlfluff accepts any words as privileges ("grant create, create view ..."); Oracle knows a fixed
# list (SQL Language Reference, GRANT: system privileges and object privileges tables). These are
# the ones a listener-log miner may grant; extend the set when a template needs another.
KNOWN_PRIVILEGES = frozenset(
    """
    create session|create table|create view|create procedure|create job|create sequence|create trigger
    |create type|create synonym|create materialized view|create any directory|drop any directory
    |create external job|manage scheduler|unlimited tablespace|select any dictionary|create user|alter user
    |read|write|execute|select|insert|update|delete|references|alter|index|debug|inherit privileges|all
    """.replace("\n", " ").split("|")
)
KNOWN_PRIVILEGES = frozenset(" ".join(p.split()) for p in KNOWN_PRIVILEGES)


def privilege_problems(statement: str) -> list[str]:
    """For GRANT/REVOKE of privileges: every item of the privilege list must be a known privilege."""
    try:
        sig = balance.significant(balance.tokenize(statement))
    except balance.TokenizeError:
        return []
    if not sig or sig[0].lower not in ("grant", "revoke"):
        return []
    verb = sig[0].lower
    items: list[list[str]] = [[]]
    for token in sig[1:]:
        if token.lower in ("on", "to", "from"):
            break
        if token.text == ",":
            items.append([])
        else:
            items[-1].append(token.lower)
    problems = []
    for item in items:
        name = " ".join(item)
        if name not in KNOWN_PRIVILEGES:
            problems.append(f"{verb}: {name!r} is not a known privilege")
    return problems


def check_statement(statement: str, *, fail_fast: bool = False, _inner: bool = False) -> list[str]:
    """Every problem the gate finds in one statement (without its ``/`` line); [] when it passes.

    ``fail_fast``: stop after the first check that finds something (the mutation test only
    needs to know whether a mutant is rejected).
    """
    problems = list(balance.check_balance(statement))
    if fail_fast and problems:
        return problems
    kind = classify(statement)
    if kind == "external_table":
        problems += [f"oracle_loader: {p}" for p in _loader().check_external_table(statement)]
    elif kind == "directory":
        problems += [f"create directory: {p}" for p in _loader().check_create_directory(statement)]
    else:
        if not any("unterminated" in p for p in problems):
            problems += sqlfluff_problems(statement)
        problems += privilege_problems(statement)
    if fail_fast and problems:
        return problems
    if kind in ("block", "plsql_unit") and not _inner:
        loader = _loader()
        quoted = list(loader.unwrap_execute_immediate(statement))
        expected = _count_q_execute_immediate(statement)
        if len(quoted) != expected:
            problems.append(
                f"execute immediate: {expected} q'...' literal(s) in the block, unwrap_execute_immediate found {len(quoted)}"
            )
        for inner in quoted + plain_execute_immediate(statement):
            first = " ".join(inner.split())[:50]
            for problem in check_statement(inner.strip(), fail_fast=fail_fast, _inner=True):
                problems.append(f"execute immediate {first!r}: {problem}")
    return problems


# -- what the gate runs over ------------------------------------------------------------------


def settings_sets():
    """The settings sets every statement is checked with: defaults, two others and the two-node RAC
    configuration of four log sources (tests/fixtures/rac/lsnrmine.toml, issue 22)."""
    from lsnrmine.settings import Settings, load_settings

    rac = Path(__file__).resolve().parents[1] / "fixtures" / "rac" / "lsnrmine.toml"
    return {
        "rac_four_sources": load_settings(config_path=str(rac), environ={}),
        "default": Settings(),
        "owner_prefix_multi_file": Settings(
            schema="LM_OWNER",
            prefix="LM$",
            directory="LSNR_DIR2",
            log_dir="/u01/app/oracle/diag/tnslsnr/db1/listener/trace",
            log_files=("listener.log", "listener_1.log", "listener_2.log"),
            audit_mode="both",  # audit views, grants and revokes
        ),
        "japanese_loader_log_schema_nojobs": Settings(
            date_language="JAPANESE",
            loader_log_directory="LSNR_LOADER_LOG",
            loader_log_dir="/var/tmp/lsnrmine",
            create_schema=True,
            jobs_enabled=False,
            audit_mode="unified",
            audit_window_seconds=5,
        ),
    }


def rendered_statements(settings) -> Iterator[tuple[str, str]]:
    """(label, statement) for every statement of every script ``render`` writes.

    The scripts hold every deploy text (object files), every revert text (uninstall
    masters) and the preflight/postflight blocks of the install masters.
    """
    from lsnrmine.render import render_scripts
    from lsnrmine.runner import split_script

    for file_name, text in render_scripts(settings).items():
        for number, statement in enumerate(split_script(text), start=1):
            yield f"{file_name}#{number}", statement


def run_gate(statements: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """label -> problems, for the statements that fail."""
    failures: dict[str, list[str]] = {}
    for label, statement in statements:
        problems = check_statement(statement)
        if problems:
            failures[label] = problems
    return failures


def format_failures(failures: dict[str, list[str]], limit: int = 40) -> str:
    lines = []
    for label, problems in list(failures.items())[:limit]:
        lines.append(f"{label}:")
        lines += [f"    {p}" for p in problems[:8]]
    if len(failures) > limit:
        lines.append(f"... and {len(failures) - limit} more statements")
    return "\n".join(lines)


def first_line(statement: str) -> Optional[str]:
    for line in statement.splitlines():
        if line.strip() and not line.lstrip().startswith("--"):
            return line.strip()
    return None
