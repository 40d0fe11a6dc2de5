"""Month names per Oracle date language and a vectorised DuckDB twin of
``TO_DATE(x, 'DD-MON-YYYY HH24:MI:SS', 'NLS_DATE_LANGUAGE=<lang>')`` (no FX modifier).

Oracle's string-to-date rules without FX (SQL Language Reference, "Format Model Modifiers" and
"String-to-Date Conversion Rules"): extra blanks are ignored, numbers may omit leading zeros
(``6-NOV-2005``), any non-alphanumeric character matches a punctuation character of the format,
time fields at the end of the format may be omitted (``06-NOV-2005`` = midnight), and when ``MON``
does not match Oracle tries ``MONTH`` (so full month names are accepted too). Month names are
matched case-insensitively. Impossible dates (``31-FEB-2005``, hour 24, year 0) do not convert.
Deviation: Oracle uses the Julian calendar before 15-OCT-1582; we use the proleptic Gregorian one.

Month names (``MON`` abbreviation first, then ``MONTH``), upper case as Oracle prints them:
- AMERICAN / ENGLISH: verified (Oracle's defaults, the article's log lines).
- JAPANESE: ``1月`` .. ``12月``; verified against a public sample log (``14-1月 -2012 02:39:08``:
  the blank is TO_CHAR's padding of MON to 3 characters).
- GERMAN, FRENCH, SPANISH, ITALIAN: [U] unverified (from memory of Oracle's NLS data, no Oracle
  here). Variants seen across Oracle releases are all accepted (e.g. French ``JANV.`` and ``JANV``,
  German ``MÄR`` and ``MRZ``, Spanish ``SEP`` and ``SEPT``); accepting a superset only loads more
  rows, it never rejects a row Oracle would load.
"""

from __future__ import annotations

import re

from ..identifiers import sql_string as _sql_str

__all__ = [
    "DATE_LANGUAGES",
    "month_names",
    "normalize_language",
    "to_date_sql",
    "date_parts_sql",
    "date_from_parts_sql",
    "slow_to_date_sql",
    "date_ints_sql",
    "date_from_ints_sql",
    "fast_to_date_sql",
    "date_regex",
    "exact_date_prefix_regex",
]

_EN = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_EN_FULL = ("JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
            "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER")

# month number (1-12) -> accepted names (upper case)
_TABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AMERICAN": tuple((a, f) for a, f in zip(_EN, _EN_FULL)),
    "JAPANESE": tuple((f"{i}月",) for i in range(1, 13)),
    # [U] German
    "GERMAN": (
        ("JAN", "JANUAR"), ("FEB", "FEBRUAR"), ("MÄR", "MRZ", "MAER", "MÄRZ"), ("APR", "APRIL"),
        ("MAI",), ("JUN", "JUNI"), ("JUL", "JULI"), ("AUG", "AUGUST"), ("SEP", "SEPTEMBER"),
        ("OKT", "OKTOBER"), ("NOV", "NOVEMBER"), ("DEZ", "DEZEMBER"),
    ),
    # [U] French (10g+ abbreviations carry a dot; older releases without)
    "FRENCH": (
        ("JANV.", "JANV", "JANVIER"), ("FÉVR.", "FÉVR", "FÉVRIER"), ("MARS",),
        ("AVR.", "AVR", "AVRIL"), ("MAI",), ("JUIN",), ("JUIL.", "JUIL", "JUILLET"),
        ("AOÛT",), ("SEPT.", "SEPT", "SEPTEMBRE"), ("OCT.", "OCT", "OCTOBRE"),
        ("NOV.", "NOV", "NOVEMBRE"), ("DÉC.", "DÉC", "DÉCEMBRE"),
    ),
    # [U] Spanish
    "SPANISH": (
        ("ENE", "ENERO"), ("FEB", "FEBRERO"), ("MAR", "MARZO"), ("ABR", "ABRIL"), ("MAY", "MAYO"),
        ("JUN", "JUNIO"), ("JUL", "JULIO"), ("AGO", "AGOSTO"), ("SEPT", "SEP", "SEPTIEMBRE"),
        ("OCT", "OCTUBRE"), ("NOV", "NOVIEMBRE"), ("DIC", "DICIEMBRE"),
    ),
    # [U] Italian
    "ITALIAN": (
        ("GEN", "GENNAIO"), ("FEB", "FEBBRAIO"), ("MAR", "MARZO"), ("APR", "APRILE"),
        ("MAG", "MAGGIO"), ("GIU", "GIUGNO"), ("LUG", "LUGLIO"), ("AGO", "AGOSTO"),
        ("SET", "SETTEMBRE"), ("OTT", "OTTOBRE"), ("NOV", "NOVEMBRE"), ("DIC", "DICEMBRE"),
    ),
}
_ALIASES = {"ENGLISH": "AMERICAN", "AMERICAN": "AMERICAN", "JAPANESE": "JAPANESE",
            "GERMAN": "GERMAN", "FRENCH": "FRENCH", "SPANISH": "SPANISH",
            "ITALIAN": "ITALIAN"}

DATE_LANGUAGES: tuple[str, ...] = tuple(sorted(_ALIASES))


def normalize_language(language: str) -> str:
    """Canonical table name for an NLS_DATE_LANGUAGE value; ValueError if unsupported."""
    key = (language or "").strip().upper()
    try:
        return _ALIASES[key]
    except KeyError:
        raise ValueError(
            f"unsupported date language {language!r}; supported: {', '.join(DATE_LANGUAGES)}"
        ) from None


def month_names(language: str) -> dict[str, int]:
    """Upper-case month name -> month number for ``language``."""
    table = _TABLES[normalize_language(language)]
    return {name: i for i, names in enumerate(table, start=1) for name in names}


# One ASCII punctuation character (Oracle: any non-alphanumeric character matches the format's
# punctuation), blanks around it ignored; or just blanks.
_PUNCT = r"[!-/:-@\[-`{-~]"
_SEP = rf"(?:\s*{_PUNCT}\s*|\s+)"


def date_regex(language: str) -> str:
    """RE2 pattern for a whole (trimmed) ``DD-MON-YYYY HH24:MI:SS`` field, groups d, mon, y, h, mi, s."""
    names = sorted(month_names(language), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return (
        rf"^\s*(\d{{1,2}}){_SEP}?((?i:{alt})){_SEP}?(\d{{1,4}})"
        rf"(?:{_SEP}(\d{{1,2}})(?:{_SEP}(\d{{1,2}})(?:{_SEP}(\d{{1,2}}))?)?)?\s*$"
    )


def date_parts_sql(expr: str, language: str) -> str:
    """DuckDB SQL: STRUCT(d, mon, y, h, mi, s VARCHAR) of ``expr`` (all '' when it does not match)."""
    return (f"regexp_extract({expr}, {_sql_str(date_regex(language))}, "
            "['d','mon','y','h','mi','s'])")


def date_from_parts_sql(parts: str, language: str) -> str:
    """DuckDB SQL: TIMESTAMP from a ``date_parts_sql`` struct ``parts`` (a column or a lambda
    variable); NULL when the parts do not form a valid Oracle date. Never raises (no try(): CASE
    evaluates its THEN branch only for the rows that pass the checks)."""
    months = month_names(language)
    whens = " ".join(f"WHEN {_sql_str(k)} THEN {v}" for k, v in months.items())
    y = f"(nullif({parts}.y, '')::INTEGER)"
    mo = f"(CASE upper({parts}.mon) {whens} END)"
    d = f"(nullif({parts}.d, '')::INTEGER)"
    h = f"coalesce(nullif({parts}.h, '')::INTEGER, 0)"
    mi = f"coalesce(nullif({parts}.mi, '')::INTEGER, 0)"
    s = f"coalesce(nullif({parts}.s, '')::INTEGER, 0)"
    dim = (f"(CASE {mo} WHEN 2 THEN (CASE WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 "
           f"THEN 29 ELSE 28 END) WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 "
           f"ELSE 31 END)")
    return (
        f"(CASE WHEN {parts}.d <> '' THEN (CASE WHEN {y} >= 1 AND {mo} IS NOT NULL AND {h} < 24 "
        f"AND {mi} < 60 AND {s} < 60 AND {d} BETWEEN 1 AND {dim} "
        f"THEN make_timestamp({y}, {mo}, {d}, {h}, {mi}, {s}) END) END)"
    )


def date_ints_sql(parts: str, language: str) -> dict[str, str]:
    """DuckDB SQL expressions (INTEGER) for y, mo, d, h, mi, s of a ``date_parts_sql`` struct
    column ``parts``; select them as columns, then ``date_from_ints_sql`` (the staged form is the
    fastest: each cast runs once)."""
    months = month_names(language)
    whens = " ".join(f"WHEN {_sql_str(k)} THEN {v}" for k, v in months.items())
    return {
        "y": f"nullif({parts}.y, '')::INTEGER",
        "mo": f"(CASE upper({parts}.mon) {whens} END)",
        "d": f"nullif({parts}.d, '')::INTEGER",
        "h": f"coalesce(nullif({parts}.h, '')::INTEGER, 0)",
        "mi": f"coalesce(nullif({parts}.mi, '')::INTEGER, 0)",
        "s": f"coalesce(nullif({parts}.s, '')::INTEGER, 0)",
    }


def date_from_ints_sql(prefix: str = "") -> str:
    """DuckDB SQL: TIMESTAMP from integer columns ``{prefix}y, mo, d, h, mi, s``; NULL when they do
    not form a valid Oracle date. Never raises."""
    y, mo, d, h, mi, s = (f"{prefix}{n}" for n in ("y", "mo", "d", "h", "mi", "s"))
    dim = (f"(CASE {mo} WHEN 2 THEN (CASE WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 "
           f"THEN 29 ELSE 28 END) WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 "
           f"ELSE 31 END)")
    return (
        f"(CASE WHEN {y} >= 1 AND {mo} IS NOT NULL AND {h} < 24 AND {mi} < 60 AND {s} < 60 "
        f"AND {d} BETWEEN 1 AND {dim} THEN make_timestamp({y}, {mo}, {d}, {h}, {mi}, {s}) END)"
    )


def slow_to_date_sql(expr: str, language: str) -> str:
    """Regexp form of the conversion for any language (the regexp runs once: list_transform
    binds its result to a lambda variable)."""
    return (f"list_transform([{date_parts_sql(expr, language)}], "
            f"lambda __dp: {date_from_parts_sql('__dp', language)})[1]")


def fast_to_date_sql(expr: str, language: str) -> str | None:
    """DuckDB SQL for the common exact form (``06-NOV-2005 13:45:06``, 1-2 digit numbers, English
    month abbreviation in any case) via strptime, NULL otherwise; None when ``language`` has no fast
    form. Everything strptime accepts Oracle accepts; the rest goes through the regex path."""
    if normalize_language(language) != "AMERICAN":
        return None
    # year 0 parses as 1 BC in DuckDB; Oracle rejects it (ORA-01841). list_transform binds once.
    return (f"list_transform([try_strptime({expr}, '%d-%b-%Y %H:%M:%S')], lambda __t: "
            f"CASE WHEN __t >= TIMESTAMP '0001-01-01' THEN __t END)[1]")


def exact_date_prefix_regex(language: str) -> str | None:
    """RE2 pattern matching a line that starts with a date Oracle certainly converts, in the exact
    form ``DD-MON-YYYY HH24:MI:SS`` (2-digit day valid for the month, upper-case English month
    abbreviation, year 0001-9999, 29-FEB excluded), followed by blanks and ``*`` or the end of the
    line; None when ``language`` has no such form. Lines it does not match need the full check."""
    if normalize_language(language) != "AMERICAN":
        return None
    all_months = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
    day_month = (f"(?:(?:0[1-9]|1[0-9]|2[0-8])-(?:{all_months})"
                 "|(?:29|30)-(?:JAN|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
                 "|31-(?:JAN|MAR|MAY|JUL|AUG|OCT|DEC))")
    year = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    time = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    return f"^{day_month}-{year} {time} *(?:\\*|$)"


def to_date_sql(expr: str, language: str) -> str:
    """DuckDB SQL expression: ``expr`` converted like Oracle ``TO_DATE(expr, 'DD-MON-YYYY
    HH24:MI:SS', 'NLS_DATE_LANGUAGE=...')``; NULL when NULL or not convertible. ``expr`` should be
    a column or a cheap expression (it is repeated)."""
    fast = fast_to_date_sql(expr, language)
    slow = slow_to_date_sql(expr, language)
    if fast is None:
        return slow
    return f"coalesce({fast}, CASE WHEN {expr} IS NOT NULL THEN {slow} END)"
