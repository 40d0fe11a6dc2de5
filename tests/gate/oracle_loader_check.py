"""Structure check of the ORACLE_LOADER external table DDL and CREATE DIRECTORY we emit.

sqlfluff does not parse ``ORGANIZATION EXTERNAL`` (nor q-quoted literals holding quotes), so the
gate checks these statements here, against the grammar of Oracle's Utilities guide, chapter
"The ORACLE_LOADER Access Driver" (docs/oracle-facts.md has the citations):

    CREATE TABLE name ( column datatype, ... )
    ORGANIZATION EXTERNAL ( TYPE ORACLE_LOADER DEFAULT DIRECTORY dir
        ACCESS PARAMETERS ( record_format_info field_definitions [column_transforms] )
        LOCATION ( [dir:]'file', ... ) )
    [ REJECT LIMIT { integer | UNLIMITED } ] [ NOPARALLEL | PARALLEL [ integer ] ]

    record_format_info ::= RECORDS { DELIMITED BY { [DETECTED] NEWLINE | string } | FIXED n
                                     | VARIABLE n } [et_record_spec_options ...]
    et_record_spec_options: CHARACTERSET name (LANGUAGE/TERRITORY, 12.1 only, are refused: A4),
        DATA IS {LITTLE|BIG} ENDIAN, BYTEORDERMARK {CHECK|NOCHECK},
        STRING SIZES ARE IN {BYTES|CHARACTERS}, {NOBADFILE | BADFILE [dir:][file]},
        {NODISCARDFILE | DISCARDFILE ...}, {NOLOGFILE | LOGFILE ...}, READSIZE n,
        DATE_CACHE n, SKIP n, DISABLE_DIRECTORY_LINK_CHECK, IO_OPTIONS (DIRECTIO|NODIRECTIO)
        -- each at most once, any order
    field_definitions ::= FIELDS [TERMINATED BY {string | WHITESPACE}]
        [[OPTIONALLY] ENCLOSED BY string [AND string]] [LRTRIM|LTRIM|RTRIM|LDRTRIM|NOTRIM]
        [MISSING FIELD VALUES ARE NULL] [REJECT ROWS WITH ALL NULL FIELDS]
        ( name [CHAR [(n)]] [DATE_FORMAT {DATE|TIMESTAMP} MASK string], ... )

Only the subset lsnrmine uses is accepted (no LOAD WHEN, PREPROCESSOR, positions, NULLIF);
anything else is reported, so an unexpected clause never reaches a database unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

__all__ = ["check_external_table", "check_create_directory", "unwrap_execute_immediate", "tokenize"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$#]*")
_NUMBER = re.compile(r"\d+")
_PUNCT = "(),:;"
_Q_CLOSERS = {"[": "]", "{": "}", "(": ")", "<": ">"}

TRIM_SPECS = {"LRTRIM", "LTRIM", "RTRIM", "LDRTRIM", "NOTRIM"}
OUTPUT_FILES = {"BADFILE": "NOBADFILE", "DISCARDFILE": "NODISCARDFILE", "LOGFILE": "NOLOGFILE"}
# every word the access-parameter subset knows; a value (charset, language, name) must not be one
KEYWORDS = {
    "RECORDS", "DELIMITED", "BY", "DETECTED", "NEWLINE", "FIXED", "VARIABLE", "CHARACTERSET",
    "LANGUAGE", "TERRITORY", "DATA", "IS", "LITTLE", "BIG", "ENDIAN", "BYTEORDERMARK", "CHECK",
    "NOCHECK", "STRING", "SIZES", "ARE", "IN", "BYTES", "CHARACTERS", "BADFILE", "NOBADFILE",
    "DISCARDFILE", "NODISCARDFILE", "LOGFILE", "NOLOGFILE", "READSIZE", "DATE_CACHE", "SKIP",
    "DISABLE_DIRECTORY_LINK_CHECK", "IO_OPTIONS", "DIRECTIO", "NODIRECTIO", "FIELDS", "TERMINATED",
    "WHITESPACE", "OPTIONALLY", "ENCLOSED", "AND", "MISSING", "FIELD", "VALUES", "NULL", "REJECT",
    "ROWS", "WITH", "ALL", "CHAR", "DATE_FORMAT", "DATE", "TIMESTAMP", "MASK", "COLUMN",
    "TRANSFORMS", "LOAD", "WHEN", "PREPROCESSOR",
} | TRIM_SPECS
COLUMN_TYPES = {"DATE", "VARCHAR2", "NUMBER", "CHAR", "TIMESTAMP"}


@dataclass(frozen=True)
class Tok:
    kind: str  # word, qident, string, number, punct, other
    text: str
    pos: int

    @property
    def up(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


class CheckError(Exception):
    pass


def tokenize(text: str) -> tuple[list[Tok], list[str]]:
    """Tokens (no whitespace or ``--`` comments) and problems (unclosed quotes, stray characters)."""
    tokens: list[Tok] = []
    problems: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch == "'":
            j = i + 1
            while True:
                k = text.find("'", j)
                if k < 0:
                    problems.append(f"unclosed '...' string at offset {i}")
                    return tokens, problems
                if text.startswith("''", k):
                    j = k + 2
                    continue
                break
            tokens.append(Tok("string", text[i:k + 1], i))
            i = k + 1
        elif ch == '"':
            k = text.find('"', i + 1)
            if k < 0:
                problems.append(f'unclosed "..." at offset {i}')
                return tokens, problems
            tokens.append(Tok("qident", text[i:k + 1], i))
            i = k + 1
        elif ch in _PUNCT:
            tokens.append(Tok("punct", ch, i))
            i += 1
        elif (m := _WORD.match(text, i)):
            tokens.append(Tok("word", m.group(), i))
            i = m.end()
        elif (m := _NUMBER.match(text, i)):
            tokens.append(Tok("number", m.group(), i))
            i = m.end()
        else:
            tokens.append(Tok("other", ch, i))
            problems.append(f"unexpected character {ch!r} at offset {i}")
            i += 1
    return tokens, problems


def unwrap_execute_immediate(block: str) -> list[str]:
    """The q-quoted strings of ``execute immediate q'[...]'`` in a PL/SQL block, in order."""
    found: list[str] = []
    for match in re.finditer(r"execute\s+immediate\s+q'(.)", block, re.IGNORECASE):
        opener = match.group(1)
        closer = _Q_CLOSERS.get(opener, opener) + "'"
        end = block.find(closer, match.end())
        if end < 0:
            raise ValueError(f"q-quoted literal opened with q'{opener} is not closed")
        found.append(block[match.end():end])
    return found


def _name(tok: Tok) -> str:
    return tok.text[1:-1] if tok.kind == "qident" else tok.text.upper()


class _Parser:
    def __init__(self, tokens: list[Tok]) -> None:
        self.toks = tokens
        self.i = 0

    # -- primitives ---------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Optional[Tok]:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def at(self, *words: str) -> bool:
        for k, word in enumerate(words):
            tok = self.peek(k)
            if tok is None or tok.up != word:
                return False
        return True

    def where(self) -> str:
        tok = self.peek()
        return "at end of statement" if tok is None else f"at {tok.text!r} (offset {tok.pos})"

    def fail(self, expected: str) -> None:
        raise CheckError(f"expected {expected} {self.where()}")

    def expect(self, *words: str) -> None:
        for word in words:
            tok = self.peek()
            if tok is None or tok.up != word:
                self.fail(word)
            self.i += 1

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += len(words)
            return True
        return False

    def take(self, kinds: tuple[str, ...], what: str) -> Tok:
        tok = self.peek()
        if tok is None or tok.kind not in kinds:
            self.fail(what)
        self.i += 1
        return tok

    def identifier(self, what: str) -> Tok:
        tok = self.take(("word", "qident"), what)
        if tok.kind == "word" and tok.up in KEYWORDS - COLUMN_TYPES - {"DATA", "FIELD"}:
            raise CheckError(f"expected {what}, found the keyword {tok.text!r} (offset {tok.pos})")
        return tok

    def value(self, what: str) -> Tok:
        tok = self.take(("word", "string"), what)
        if tok.kind == "word" and tok.up in KEYWORDS:
            raise CheckError(f"expected {what}, found the keyword {tok.text!r} (offset {tok.pos})")
        return tok

    def integer(self, what: str) -> int:
        return int(self.take(("number",), what).text)

    # -- CREATE TABLE ---------------------------------------------------------------------------
    def columns(self) -> list[str]:
        self.expect("(")
        names: list[str] = []
        while True:
            names.append(_name(self.identifier("a column name")))
            type_tok = self.take(("word",), "a column data type")
            if type_tok.up not in COLUMN_TYPES:
                raise CheckError(f"unknown column data type {type_tok.text!r} (offset {type_tok.pos})")
            if self.accept("("):
                if self.integer("a length") < 1:
                    raise CheckError("column length must be at least 1")
                self.expect(")")
            if self.accept(")"):
                return names
            self.expect(",")

    def output_file(self, keyword: str) -> None:
        # {NOX | X [directory object name:] [filename]}: directory, file, or both
        tok = self.peek()
        nxt = self.peek(1)
        if tok is not None and tok.kind in ("word", "qident") and nxt is not None and nxt.text == ":":
            self.identifier(f"a directory object name after {keyword}")
            self.expect(":")
            nxt_tok = self.peek()
            if nxt_tok is not None and nxt_tok.kind == "string":
                self.i += 1
            return
        self.take(("string",), f"[directory:]'file name' after {keyword}")

    def record_format(self) -> None:
        self.expect("RECORDS")
        if self.accept("DELIMITED"):
            self.expect("BY")
            if self.accept("DETECTED"):
                self.expect("NEWLINE")
            elif not self.accept("NEWLINE"):
                self.take(("string",), "NEWLINE, DETECTED NEWLINE or a quoted delimiter")
        elif self.accept("FIXED") or self.accept("VARIABLE"):
            self.integer("a record length")
        else:
            self.fail("DELIMITED BY, FIXED or VARIABLE after RECORDS")
        seen: set[str] = set()

        def once(option: str) -> None:
            if option in seen:
                raise CheckError(f"record option {option} given twice or contradicted {self.where()}")
            seen.add(option)

        while not self.at("FIELDS"):
            tok = self.peek()
            if tok is None or tok.text == ")":
                return  # field_definitions is optional in the grammar; caller decides
            word = tok.up
            if word in ("LANGUAGE", "TERRITORY"):
                # documented only in the 12.1 Utilities text, in no 18c/19c/23ai et_record_spec_options
                # diagram (A4): refused; the date is converted with TO_DATE in the LISTENER_LOG view
                self.fail(f"{word} (a record option documented only for 12.1; convert dates in SQL instead)")
            if word == "CHARACTERSET":
                once(word)
                self.i += 1
                self.value(f"a name after {word}")
            elif word in OUTPUT_FILES or word in OUTPUT_FILES.values():
                base = word if word in OUTPUT_FILES else word[2:]
                once(base)
                self.i += 1
                if word in OUTPUT_FILES:
                    self.output_file(word)
            elif word == "DATA":
                once(word)
                self.expect("DATA", "IS")
                if not (self.accept("LITTLE") or self.accept("BIG")):
                    self.fail("LITTLE or BIG")
                self.expect("ENDIAN")
            elif word == "BYTEORDERMARK":
                once(word)
                self.i += 1
                if not (self.accept("CHECK") or self.accept("NOCHECK")):
                    self.fail("CHECK or NOCHECK")
            elif word == "STRING":
                once(word)
                self.expect("STRING", "SIZES", "ARE", "IN")
                if not (self.accept("BYTES") or self.accept("CHARACTERS")):
                    self.fail("BYTES or CHARACTERS")
            elif word in ("READSIZE", "DATE_CACHE", "SKIP"):
                once(word)
                self.i += 1
                self.integer(f"a number after {word}")
            elif word == "DISABLE_DIRECTORY_LINK_CHECK":
                once(word)
                self.i += 1
            elif word == "IO_OPTIONS":
                once(word)
                self.expect("IO_OPTIONS", "(")
                if not (self.accept("DIRECTIO") or self.accept("NODIRECTIO")):
                    self.fail("DIRECTIO or NODIRECTIO")
                self.expect(")")
            else:
                raise CheckError(f"unknown or unsupported record option {tok.text!r} (offset {tok.pos})")

    def fields(self) -> list[str]:
        self.expect("FIELDS")
        if self.accept("TERMINATED"):
            self.expect("BY")
            if not self.accept("WHITESPACE"):
                self.take(("string",), "a quoted terminator or WHITESPACE")
        optionally = self.accept("OPTIONALLY")
        if self.accept("ENCLOSED"):
            self.expect("BY")
            self.take(("string",), "a quoted enclosure")
            if self.accept("AND"):
                self.take(("string",), "a quoted closing enclosure")
        elif optionally:
            self.fail("ENCLOSED BY after OPTIONALLY")
        tok = self.peek()
        if tok is not None and tok.up in TRIM_SPECS:
            self.i += 1
        self.accept("MISSING", "FIELD", "VALUES", "ARE", "NULL")
        self.accept("REJECT", "ROWS", "WITH", "ALL", "NULL", "FIELDS")
        if not self.at("("):
            self.fail("the field list '(' (or a FIELDS option in grammar order)")
        self.i += 1
        names: list[str] = []
        while True:
            names.append(_name(self.identifier("a field name")))
            if self.accept("CHAR"):
                if self.accept("("):
                    if self.integer("a field length") < 1:
                        raise CheckError("field length must be at least 1")
                    self.expect(")")
            if self.accept("DATE_FORMAT"):
                if not (self.accept("DATE") or self.accept("TIMESTAMP")):
                    self.fail("DATE or TIMESTAMP after DATE_FORMAT")
                self.expect("MASK")
                mask = self.take(("qident", "string"), 'a quoted mask such as "DD-MON-YYYY"')
                if len(mask.text) <= 2:
                    raise CheckError("empty date mask")
            if self.accept(")"):
                return names
            self.expect(",")

    def skip_balanced(self) -> None:
        self.expect("(")
        depth = 1
        while depth:
            tok = self.peek()
            if tok is None:
                self.fail("')'")
            depth += tok.text == "(" and tok.kind == "punct"
            depth -= tok.text == ")" and tok.kind == "punct"
            self.i += 1

    def location(self) -> None:
        self.expect("LOCATION", "(")
        while True:
            tok = self.peek()
            nxt = self.peek(1)
            if tok is not None and tok.kind in ("word", "qident") and nxt is not None and nxt.text == ":":
                self.identifier("a directory object name")
                self.expect(":")
            file_tok = self.take(("string",), "a quoted file name in LOCATION")
            name = file_tok.text[1:-1]
            if not name or "/" in name or "\\" in name:
                raise CheckError(f"LOCATION entry {file_tok.text} is not a plain file name")
            if self.accept(")"):
                return
            self.expect(",")

    def statement(self) -> list[str]:
        self.expect("CREATE", "TABLE")
        self.identifier("the table name")
        column_names = self.columns()
        self.expect("ORGANIZATION", "EXTERNAL", "(", "TYPE", "ORACLE_LOADER", "DEFAULT", "DIRECTORY")
        self.identifier("the default directory name")
        self.expect("ACCESS", "PARAMETERS", "(")
        self.record_format()
        field_names = self.fields()
        if self.accept("COLUMN"):
            self.expect("TRANSFORMS")
            self.skip_balanced()
        self.expect(")")
        self.location()
        self.expect(")")
        if self.accept("REJECT"):
            self.expect("LIMIT")
            if not self.accept("UNLIMITED"):
                self.integer("UNLIMITED or a number after REJECT LIMIT")
        # parallel_clause (CREATE TABLE table_properties, after the physical properties)
        if not self.accept("NOPARALLEL") and self.accept("PARALLEL"):
            tok = self.peek()
            if tok is not None and tok.kind == "number":
                self.integer("the degree of parallelism")
        if self.peek() is not None:
            raise CheckError(f"unexpected text after the statement {self.where()}")
        missing = [name for name in column_names if name not in field_names]
        if missing:
            raise CheckError(f"table columns missing from the field list: {', '.join(missing)}")
        unknown = [name for name in field_names if name not in column_names]
        if unknown:
            raise CheckError(f"fields that are not table columns: {', '.join(unknown)}")
        if len(set(field_names)) != len(field_names):
            raise CheckError("a field is listed twice")
        return column_names


def _balance(tokens: list[Tok]) -> list[str]:
    depth = 0
    for tok in tokens:
        if tok.kind == "punct" and tok.text == "(":
            depth += 1
        elif tok.kind == "punct" and tok.text == ")":
            depth -= 1
            if depth < 0:
                return [f"unbalanced ')' at offset {tok.pos}"]
    return [f"{depth} unclosed '('"] if depth else []


def check_external_table(statement: str) -> list[str]:
    """Problems of a CREATE TABLE ... ORGANIZATION EXTERNAL (TYPE ORACLE_LOADER ...); [] = OK."""
    tokens, problems = tokenize(statement)
    if problems:
        return problems
    problems = _balance(tokens)
    if problems:
        return problems
    if tokens and tokens[-1].text == ";":
        return ["a SQL statement must not end with ';'"]
    try:
        _Parser(tokens).statement()
    except CheckError as exc:
        return [str(exc)]
    return []


def check_create_directory(statement: str) -> list[str]:
    """Problems of ``CREATE [OR REPLACE] DIRECTORY name AS '/absolute/path'``; [] = OK."""
    tokens, problems = tokenize(statement)
    if problems:
        return problems
    parser = _Parser(tokens)
    try:
        parser.expect("CREATE")
        parser.accept("OR", "REPLACE")
        parser.expect("DIRECTORY")
        parser.identifier("the directory object name")
        parser.expect("AS")
        path_tok = parser.take(("string",), "the quoted directory path")
        if parser.peek() is not None:
            raise CheckError(f"unexpected text after the path {parser.where()}")
    except CheckError as exc:
        return [str(exc)]
    path = path_tok.text[1:-1]
    if not (path.startswith("/") or re.match(r"^[A-Za-z]:\\", path)):
        return [f"directory path {path_tok.text} is not absolute"]
    if ".." in re.split(r"[\\/]", path):
        return [f"directory path {path_tok.text} contains '..'"]
    return []
