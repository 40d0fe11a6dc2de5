"""Token-level structure check of one rendered statement (part of the offline SQL gate).

No Oracle database runs in CI, so besides the sqlfluff parse every statement goes
through this small, independent check of the things that break a deployment most
often and that a grammar-based parser may forgive:

* every ``'...'`` (``''`` escapes), ``q'[...]'`` (also ``{}``, ``()``, ``<>`` and any
  other delimiter such as ``!``), ``"..."`` and ``/* ... */`` is closed;
* parentheses are balanced;
* PL/SQL blocks are balanced: ``begin``/``declare``/subprogram ``is``, ``case``, ``if``,
  ``loop`` against ``end``, ``end case``, ``end if``, ``end loop``; package specs and
  bodies (``create package ... is ... end name;``) close with an END that has no BEGIN;
  a subprogram with ``is``/``as`` needs a ``begin``; ``end name`` must name the block it closes;
* a PL/SQL unit ends with ``end [name];``, a SQL statement does not end with ``;``;
* no line holds only ``/`` (SQL*Plus would cut the statement there).

The tokenizer is also used by the mutation test (``tokenize``), which deletes one
token at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

__all__ = ["Token", "TokenizeError", "tokenize", "significant", "check_balance", "statement_kind", "plsql_unit_header"]

_Q_CLOSERS = {"[": "]", "{": "}", "(": ")", "<": ">"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$#]*")
_NUMBER = re.compile(r"(?:\d+(?:\.(?!\.)\d*)?|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?")
_OPERATORS = ("<<", ">>", ":=", "=>", "||", "..", "<=", ">=", "<>", "!=", "^=", "~=", "**")
_LINE_ONLY_SLASH = re.compile(r"^[ \t]*/[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Token:
    kind: str  # ws, comment, string, qident, word, number, op
    text: str
    start: int  # offset in the statement
    line: int  # 1-based

    @property
    def lower(self) -> str:
        return self.text.lower()


class TokenizeError(ValueError):
    """An unterminated string, quoted identifier or comment."""


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; whitespace and comments are tokens too (kind ``ws``/``comment``).

    Raises :class:`TokenizeError` for an unterminated string, identifier or comment.
    """
    tokens: list[Token] = []
    pos = 0
    line = 1
    length = len(text)
    while pos < length:
        start = pos
        ch = text[pos]
        nxt = text[pos + 1] if pos + 1 < length else ""
        if ch.isspace():
            while pos < length and text[pos].isspace():
                pos += 1
            kind = "ws"
        elif ch == "-" and nxt == "-":
            end = text.find("\n", pos)
            pos = length if end < 0 else end
            kind = "comment"
        elif ch == "/" and nxt == "*":
            end = text.find("*/", pos + 2)
            if end < 0:
                raise TokenizeError(f"line {line}: unterminated /* comment")
            pos = end + 2
            kind = "comment"
        elif ch in "qQ" and nxt == "'" or (ch in "nN" and nxt in "qQ" and text[pos + 2:pos + 3] == "'"):
            quote = pos + (1 if ch in "qQ" else 2)
            if quote + 1 >= length:
                raise TokenizeError(f"line {line}: unterminated q'...' literal")
            opener = text[quote + 1]
            if opener.isspace() or opener == "'":
                raise TokenizeError(f"line {line}: q'...' literal with an invalid delimiter {opener!r}")
            closer = _Q_CLOSERS.get(opener, opener) + "'"
            end = text.find(closer, quote + 2)
            if end < 0:
                raise TokenizeError(f"line {line}: unterminated q'{opener}...{closer} literal")
            pos = end + 2
            kind = "string"
        elif ch == "'" or (ch in "nN" and nxt == "'"):
            pos = pos + 1 if ch == "'" else pos + 2
            while True:
                end = text.find("'", pos)
                if end < 0:
                    raise TokenizeError(f"line {line}: unterminated '...' string")
                if text[end + 1:end + 2] == "'":
                    pos = end + 2
                    continue
                pos = end + 1
                break
            kind = "string"
        elif ch == '"':
            end = text.find('"', pos + 1)
            if end < 0:
                raise TokenizeError(f'line {line}: unterminated "..." identifier')
            if end == pos + 1:
                raise TokenizeError(f'line {line}: empty "" identifier')
            pos = end + 1
            kind = "qident"
        elif _WORD.match(text, pos):
            pos = _WORD.match(text, pos).end()
            kind = "word"
        elif _NUMBER.match(text, pos):
            pos = _NUMBER.match(text, pos).end()
            kind = "number"
        else:
            for op in _OPERATORS:
                if text.startswith(op, pos):
                    pos += len(op)
                    break
            else:
                pos += 1
            kind = "op"
        token_text = text[start:pos]
        tokens.append(Token(kind, token_text, start, line))
        line += token_text.count("\n")
    return tokens


def significant(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


_PLSQL_CREATE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(?:(?:editionable|noneditionable)\s+)?"
    r"(package\s+body|package|function|procedure|trigger|type\s+body|type)\b",
    re.IGNORECASE,
)


def statement_kind(tokens: list[Token]) -> str:
    """``plsql_unit`` (CREATE of a stored PL/SQL unit), ``block`` (anonymous block) or ``sql``."""
    sig = significant(tokens)
    if not sig:
        return "sql"
    head = " ".join(t.lower for t in sig[:8] if t.kind == "word")
    if sig[0].lower in ("declare", "begin") or (sig[0].text == "<<"):
        return "block"
    if _PLSQL_CREATE.match(head):
        return "plsql_unit"
    return "sql"


def _name_of(token: Optional[Token]) -> Optional[str]:
    if token is None:
        return None
    if token.kind == "qident":
        return token.text[1:-1]
    if token.kind == "word":
        return token.text.upper()
    return None


def _unit_header(sig: list[Token]) -> tuple[str, Optional[str]]:
    """(unit type upper-case as in USER_ERRORS.TYPE, name) of a ``create ... <unit> name`` statement."""
    words = [t for t in sig[:12] if t.kind in ("word", "qident") or t.text == "."]
    lowered = [t.lower for t in words]
    unit_keyword = ""
    rest: list[Token] = []
    # skip "create [or replace] [editionable]"; the unit keyword(s) come next, then the name
    for i, word in enumerate(lowered):
        if word in ("package", "function", "procedure", "trigger", "type"):
            unit_keyword = word
            rest = words[i + 1:]
            if rest and rest[0].lower == "body":
                unit_keyword += " body"
                rest = rest[1:]
            break
    if len(rest) >= 3 and rest[1].text == ".":
        rest = rest[2:]  # schema.name
    return unit_keyword.upper(), (_name_of(rest[0]) if rest else None)


def plsql_unit_header(statement: str) -> Optional[tuple[str, str]]:
    """(type, name) when ``statement`` creates a stored PL/SQL unit, e.g. ("PACKAGE BODY", "LSNR_X").

    An independent twin of ``lsnrmine.runner.plsql_unit`` (tokens instead of a regex).
    """
    tokens = tokenize(statement)
    if statement_kind(tokens) != "plsql_unit":
        return None
    unit_type, name = _unit_header(significant(tokens))
    return (unit_type, name) if name else None


@dataclass
class _Frame:
    kind: str  # unit (package spec/body, type body), sub (subprogram before begin), begin, case, if, loop
    name: Optional[str]
    line: int
    began: bool = False  # for unit / sub: a BEGIN was seen


_BLOCK_CLOSERS = {"if", "loop", "case"}


def check_balance(statement: str) -> list[str]:
    """Problems found in ``statement`` (one rendered statement, without its ``/`` line); [] when fine."""
    problems: list[str] = []
    if _LINE_ONLY_SLASH.search(statement):
        problems.append("a line holds only '/': SQL*Plus would end the statement there")
    try:
        tokens = tokenize(statement)
    except TokenizeError as exc:
        return problems + [str(exc)]
    sig = significant(tokens)
    if not sig:
        return problems + ["empty statement"]

    depth = 0
    for token in sig:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            if depth < 0:
                problems.append(f"line {token.line}: ')' without '('")
                depth = 0
    if depth:
        problems.append(f"{depth} unclosed '('")

    kind = statement_kind(tokens)
    if kind == "sql":
        if sig[-1].text == ";":
            problems.append("a SQL statement must not end with ';' (ORA-00933/ORA-00911 through the driver)")
        problems += _check_sql_case(sig)
    else:
        problems += _check_plsql(sig, kind)
    return problems


def _check_sql_case(sig: list[Token]) -> list[str]:
    problems: list[str] = []
    open_case: list[int] = []
    for token in sig:
        if token.kind != "word":
            continue
        if token.lower == "case":
            open_case.append(token.line)
        elif token.lower == "end":
            if not open_case:
                problems.append(f"line {token.line}: END without CASE in a SQL statement")
            else:
                open_case.pop()
        elif token.lower in ("begin", "declare"):
            problems.append(f"line {token.line}: {token.lower.upper()} in a SQL statement")
    if open_case:
        problems.append(f"CASE opened on line {open_case[-1]} has no END")
    return problems


def _check_plsql(sig: list[Token], kind: str) -> list[str]:
    problems: list[str] = []
    stack: list[_Frame] = []
    unit_name: Optional[str] = None
    index = 0
    closed_at: Optional[int] = None  # index of the token after the END that closed the outermost frame
    # a subprogram header: from FUNCTION/PROCEDURE to its IS/AS (body) or ';' (declaration)
    header: Optional[tuple[str, int]] = None  # (name, paren depth at the keyword)
    depth = 0
    unit_keyword = ""

    if kind == "plsql_unit":
        unit_keyword, unit_name = _unit_header(sig)
        unit_keyword = unit_keyword.lower()
        if unit_keyword == "type":
            return problems  # an object type specification has no PL/SQL block
        if unit_keyword in ("function", "procedure"):
            header = (unit_name or "", 0)
        elif unit_keyword == "trigger":
            pass  # the trigger body is a block opened by DECLARE/BEGIN
        else:
            # package [body] / type body: the unit frame opens at its first IS/AS
            header = ("\0unit", 0)

    while index < len(sig):
        token = sig[index]
        text = token.lower
        if closed_at is not None:
            break
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        if token.kind != "word":
            if token.text == ";" and header is not None and header[0] != "\0unit" and depth == header[1]:
                header = None  # forward declaration or spec of a subprogram
            index += 1
            continue
        prev = sig[index - 1].lower if index else ""
        nxt = sig[index + 1] if index + 1 < len(sig) else None
        if header is not None and text in ("is", "as") and depth == header[1]:
            name, _ = header
            if name == "\0unit":
                stack.append(_Frame("unit", unit_name, token.line))
            else:
                if kind == "plsql_unit" and unit_keyword == "package" and len(stack) == 1:
                    problems.append(f"line {token.line}: subprogram body {name or '?'} in a package specification")
                stack.append(_Frame("sub", name or None, token.line))
            header = None
        elif text in ("function", "procedure") and prev not in ("end", "drop", "alter") and header is None \
                and stack:
            header = (_name_of(nxt) or "", depth)
        elif text == "declare":
            stack.append(_Frame("sub", None, token.line))
        elif text == "begin":
            if stack and stack[-1].kind in ("sub", "unit") and not stack[-1].began:
                stack[-1].began = True
            else:
                stack.append(_Frame("begin", None, token.line))
        elif text == "case" and prev != "end":
            stack.append(_Frame("case", None, token.line))
        elif text == "if" and prev != "end":
            stack.append(_Frame("if", None, token.line))
        elif text == "loop" and prev != "end":
            stack.append(_Frame("loop", None, token.line))
        elif text == "end":
            closer = nxt.lower if nxt is not None and nxt.kind == "word" and nxt.lower in _BLOCK_CLOSERS else None
            if not stack:
                problems.append(f"line {token.line}: END without an open block")
                index += 1
                continue
            frame = stack.pop()
            if closer is not None:
                if frame.kind != closer:
                    problems.append(f"line {token.line}: END {closer.upper()} closes {_describe(frame)}")
                index += 2
            else:
                if frame.kind in ("if", "loop"):
                    problems.append(f"line {token.line}: END closes {_describe(frame)} (needs END {frame.kind.upper()})")
                elif frame.kind == "sub" and not frame.began:
                    problems.append(f"line {token.line}: END closes {_describe(frame)} that has no BEGIN")
                index += 1
                label = sig[index] if index < len(sig) and frame.kind != "case" else None
                # after the END of a CASE expression comes an operator, alias or keyword, never a label
                label_name = _name_of(label) if label is not None else None
                if label_name is not None:
                    if frame.name is not None and label_name != frame.name:
                        problems.append(f"line {token.line}: END {label_name} closes {_describe(frame)}")
                    index += 1
            if not stack and frame.kind != "case":
                closed_at = index
            continue
        index += 1

    for frame in reversed(stack):
        problems.append(f"{_describe(frame)} is never closed by END")
    if header is not None and header[0] != "\0unit":
        problems.append(f"subprogram {header[0] or '?'} has no IS/AS body and no ';'")
    if closed_at is None:
        if not stack:
            problems.append("no END closes the PL/SQL block")
    else:
        tail = sig[closed_at:]
        if not tail or tail[0].text != ";":
            problems.append("the PL/SQL unit must end with 'end [name];'")
        elif len(tail) > 1:
            problems.append(f"line {tail[1].line}: text after the closing 'end ...;': {tail[1].text!r}")
    return problems


def _describe(frame: _Frame) -> str:
    what = {
        "unit": "the package/type",
        "sub": "the declare section / subprogram",
        "begin": "the BEGIN block",
        "case": "the CASE",
        "if": "the IF",
        "loop": "the LOOP",
    }[frame.kind]
    name = f" {frame.name}" if frame.name else ""
    return f"{what}{name} opened on line {frame.line}"
