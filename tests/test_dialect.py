"""Tests of the Oracle -> DuckDB dialect bridge (lsnrmine.engine.dialect).

Every translated query is EXECUTED on DuckDB; expected values are the ones the Oracle SQL
Language Reference documents (page cited per test group)."""

from __future__ import annotations

import datetime as dt
import decimal

import duckdb
import pytest

from lsnrmine.engine.dialect import UnsupportedConstruct, install_support, to_duckdb

NOW = dt.datetime(2005, 11, 6, 13, 45, 6)


@pytest.fixture()
def con():
    c = duckdb.connect()
    install_support(c, now=NOW)
    c.execute("""CREATE TABLE listener_log(log_date TIMESTAMP, connect_string VARCHAR,
                 protocol_info VARCHAR, action VARCHAR, service_name VARCHAR, return_code VARCHAR)""")
    # test-only stub of the article's parse function: value of (KEY=value) in the text
    c.execute("""CREATE MACRO parse_listener_log_line(p_in, p_param) AS
                 NULLIF(regexp_extract(p_in, '\\(' || p_param || '=([^)]*)\\)', 1), '')""")
    rows = [
        ("2005-11-06 13:45:06", "(CONNECT_DATA=(CID=(PROGRAM=)(HOST=prolin01)(USER=ananda))(COMMAND=stop)"
         "(ARGUMENTS=64)(SERVICE=LISTENER_PROLIN01)(VERSION=168821760))", "stop", "1190", None, None),
        ("2005-11-06 13:46:00", "(CONNECT_DATA=(CID=(PROGRAM=)(HOST=prolin01)(USER=ananda))(COMMAND=stop)"
         "(ARGUMENTS=64)(SERVICE=LISTENER_PROLIN01)(VERSION=168821760))", "stop", "0", None, None),
        ("2005-11-06 14:10:20", "trc_level", "12508", None, None, None),
        ("2005-11-02 10:00:01", "(CONNECT_DATA=(SERVICE_NAME=SLC)(CID=(PROGRAM=)(HOST=__jdbc__)(USER=)))",
         "(ADDRESS=(PROTOCOL=tcp)(HOST=10.20.214.170)(PORT=3456))", "establish", "SLC", "0"),
        ("2005-11-02 10:00:03", "(CONNECT_DATA=(SERVICE_NAME=SLC)(CID=(PROGRAM=)(HOST=__jdbc__)(USER=)))",
         "(ADDRESS=(PROTOCOL=tcp)(HOST=10.20.214.170)(PORT=3457))", "establish", "SLC", "0"),
        ("2005-11-02 10:05:00", "(CONNECT_DATA=(SID=PROPRD1)(CID=(PROGRAM=)(HOST=__jdbc__)(USER=)))",
         "(ADDRESS=(PROTOCOL=tcp)(HOST=10.14.105.19)(PORT=3458))", "establish", None, "0"),
        ("2005-11-02 11:00:00", "(CONNECT_DATA=(SERVICE_NAME=DBA)(CID=(PROGRAM=x.exe)(HOST=STSCOTIGERAT42)(USER=s)))",
         "(ADDRESS=(PROTOCOL=tcp)(HOST=10.14.104.72)(PORT=1365))", "establish", "DBA", "0"),
    ]
    c.executemany("INSERT INTO listener_log VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?)", rows)
    c.execute("""CREATE TABLE dba_audit_trail(username VARCHAR, userhost VARCHAR, terminal VARCHAR,
                 "timestamp" TIMESTAMP, ses_actions VARCHAR, logoff_time TIMESTAMP,
                 comment_text VARCHAR, sql_text VARCHAR)""")
    c.executemany("INSERT INTO dba_audit_trail VALUES (?, ?, ?, CAST(? AS TIMESTAMP), NULL, "
                  "CAST(? AS TIMESTAMP), ?, NULL)", [
                      ("SCOTIGERA", "STSCOTIGERAT42", "STSCOTIGERAT42", "2005-11-02 11:00:01",
                       "2005-11-02 12:00:00", "Authenticated by: DATABASE"),
                      ("APP1", "stcdelpas01", "unknown", "2005-11-02 10:00:02", None, None),
                      ("APP2", "stcdelpas01", "unknown", "2005-11-02 10:00:05", None, None),
                  ])
    yield c
    c.close()


def run(con, oracle_sql: str, **kw):
    return con.execute(to_duckdb(oracle_sql, **kw)).fetchall()


def scalar(con, oracle_expr: str, **kw):
    rows = run(con, f"select {oracle_expr} from dual", **kw)
    assert len(rows) == 1
    return rows[0][0]


# --- statement shapes ----------------------------------------------------------------------

def test_terminators_and_dual(con):
    for text in ("select 1 from dual", "select 1 from dual;", "select 1 from dual\n/\n",
                 "select 1 from DUAL ;\n", "select 1 from sys.dual\n/"):
        sql = to_duckdb(text)
        assert "dual" not in sql.lower()
        assert con.execute(sql).fetchall() == [(1,)]


def test_create_or_replace_view(con):
    sql = to_duckdb("create or replace view v_stop as select log_date, nvl(action, 'none') a "
                    "from listener_log where connect_string like '%COMMAND=stop%'\n/")
    assert sql.upper().startswith("CREATE OR REPLACE VIEW")
    con.execute(sql)
    assert con.execute("select count(*) from v_stop").fetchone()[0] == 2


def test_quoted_upper_case_identifier_resolves(con):
    con.execute("create table lsnr_events(x int)")
    con.execute("insert into lsnr_events values (1)")
    assert run(con, 'select "X" from "LSNR_EVENTS"') == [(1,)]


def test_rejects_other_statements():
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("delete from t")
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select 1 from dual; select 2 from dual")


# --- TO_CHAR / TO_DATE (Format Models, TO_CHAR (datetime), TO_DATE) ---------------------
# https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Format-Models.html

D = "to_date('06-NOV-2005 13:45:06','DD-MON-YYYY HH24:MI:SS')"


@pytest.mark.parametrize("mask,expected", [
    ("mm/dd/yy hh24:mi:ss", "11/06/05 13:45:06"),
    ("DD-MON-YYYY", "06-NOV-2005"),
    ("DD-Mon-YYYY", "06-Nov-2005"),
    ("dd-mon-yyyy", "06-nov-2005"),
    ("MONTH", "NOVEMBER "),          # blank-padded to 9 without FM
    ("FMMonth DD", "November 6"),    # FM: no padding, no leading zero
    ("DAY", "SUNDAY   "),
    ("Dy", "Sun"),
    ("HH:MI AM", "01:45 PM"),
    ("HH12:MI pm", "01:45 pm"),
    ("YYYY-MM-DD\"T\"HH24:MI:SS", "2005-11-06T13:45:06"),
    ("Q", "4"),
    ("IW", "44"),
    ("WW", "45"),
    ("J", "2453681"),
    ("SSSSS", "49506"),
    ("DDD", "310"),
    ("RR", "05"),
])
def test_to_char_date(con, mask, expected):
    assert scalar(con, f"to_char({D}, '{mask}')") == expected


def test_to_char_date_null_and_default_format(con):
    assert scalar(con, "to_char(cast(null as date), '\"x\"DD')") is None
    assert scalar(con, f"to_char({D})") == "06-NOV-05"  # NLS_DATE_FORMAT DD-MON-RR
    assert scalar(con, f"'at ' || {D}") == "at 06-NOV-05"


@pytest.mark.parametrize("mask", ["D", "CC", "TZH", "FF", "YYYY X", "E"])
def test_to_char_unknown_or_nls_element_rejected(mask):
    with pytest.raises(UnsupportedConstruct):
        to_duckdb(f"select to_char(log_date, '{mask}') from listener_log")


def test_to_char_number(con):
    # TO_CHAR(number): https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_CHAR-number.html
    assert scalar(con, "to_char(42)") == "42"
    assert scalar(con, "to_char(0.5)") == ".5"
    assert scalar(con, "to_char(count(1))") == "1"
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select to_char(1234, '9,999') from dual")


def test_to_date(con):
    # TO_DATE: https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/TO_DATE.html
    assert scalar(con, D) == NOW
    assert scalar(con, "to_date('6-nov-2005 1:45:06','DD-MON-YYYY HH24:MI:SS',"
                       "'NLS_DATE_LANGUAGE=AMERICAN')") == dt.datetime(2005, 11, 6, 1, 45, 6)
    assert scalar(con, "to_date('15-JAN-89','DD-MON-RR')") == dt.datetime(1989, 1, 15)
    assert scalar(con, "to_date('15-JAN-49','DD-MON-RR')") == dt.datetime(2049, 1, 15)
    assert scalar(con, "to_date('15-JAN-89','DD-MON-YY')") == dt.datetime(2089, 1, 15)
    assert scalar(con, "to_date('11/06/2005 01:45:06 PM','MM/DD/YYYY HH:MI:SS AM')") == NOW
    with pytest.raises(duckdb.Error):  # Oracle raises too (ORA-01843)
        scalar(con, "to_date('06-XXX-2005','DD-MON-YYYY')")
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select to_date('2005','YYYY') from dual")  # month defaults to current month
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select to_date('06-NOV-2005','DD-MON-YYYY','NLS_DATE_LANGUAGE=KLINGON') from dual")


# --- TRUNC / ROUND ---------------------------------------------------------------------
# https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/ROUND-and-TRUNC-Date-Functions.html

@pytest.mark.parametrize("fmt,expected", [
    (None, dt.datetime(2005, 11, 6)),
    ("DD", dt.datetime(2005, 11, 6)),
    ("HH", dt.datetime(2005, 11, 6, 13)),
    ("HH24", dt.datetime(2005, 11, 6, 13)),
    ("MI", dt.datetime(2005, 11, 6, 13, 45)),
    ("MM", dt.datetime(2005, 11, 1)),
    ("MON", dt.datetime(2005, 11, 1)),
    ("YYYY", dt.datetime(2005, 1, 1)),
    ("YEAR", dt.datetime(2005, 1, 1)),
    ("Q", dt.datetime(2005, 10, 1)),
    ("IW", dt.datetime(2005, 10, 31)),  # Monday of the ISO week
])
def test_trunc_date(con, fmt, expected):
    arg = f", '{fmt}'" if fmt else ""
    assert scalar(con, f"trunc({D}{arg})") == expected


def test_trunc_sysdate_and_numbers(con):
    assert scalar(con, "trunc(sysdate)") == dt.datetime(2005, 11, 6)
    # TRUNC(number): TRUNC(15.79,1) = 15.7, TRUNC(15.79,-1) = 10
    assert float(scalar(con, "trunc(15.79, 1)")) == 15.7
    assert float(scalar(con, "trunc(15.79, -1)")) == 10
    assert float(scalar(con, "round(15.193, 1)")) == 15.2
    assert float(scalar(con, "round(-2.5)")) == -3
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select trunc(log_date, 'DAY') from listener_log")  # NLS_TERRITORY dependent
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select trunc(created_date) from t")  # DATE or NUMBER? undeclared


# --- DATE arithmetic -------------------------------------------------------------------
# https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Datetime-Interval-Arithmetic.html

def test_date_arithmetic(con):
    assert scalar(con, f"{D} + 1") == NOW + dt.timedelta(days=1)
    assert scalar(con, f"{D} - 2/24/60/60") == NOW - dt.timedelta(seconds=2)
    assert scalar(con, f"{D} + 1/24") == NOW + dt.timedelta(hours=1)
    assert scalar(con, f"{D} - {D}") == 0
    assert scalar(con, f"({D} + 1/24/60/60) - {D}") == pytest.approx(1 / 86400)
    assert scalar(con, "sysdate - 1") == NOW - dt.timedelta(days=1)
    assert scalar(con, f"{D} + interval '5' minute") == NOW + dt.timedelta(minutes=5)
    assert scalar(con, f"{D} - numtodsinterval(90, 'SECOND')") == NOW - dt.timedelta(seconds=90)


def test_date_arithmetic_runtime_number_rounds_to_seconds(con):
    sql = to_duckdb("select log_date + n from listener_log, (select 1/3 n from dual) x "
                    "where log_date = to_date('06-11-2005 13:45:06','DD-MM-YYYY HH24:MI:SS')")
    assert "ora_date_add" in sql.lower()
    assert con.execute(sql).fetchall() == [(NOW + dt.timedelta(hours=8),)]


def test_date_difference_of_columns(con):
    rows = run(con, "select (log_date - lag(log_date) over (order by log_date)) * 86400 secs "
                    "from listener_log where action = 'establish' order by log_date fetch first 2 rows only")
    assert rows[0][0] is None and rows[1][0] == pytest.approx(2.0)


def test_date_arithmetic_ambiguities_raise():
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select sysdate - x from t")           # x: number or date?
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select event_time + 1 from t")          # looks like a date, not declared
    assert "ora_date_add" not in to_duckdb("select event_time + 1 from t", date_columns={"event_time"}).lower()
    with pytest.raises(UnsupportedConstruct):
        to_duckdb(f"select {D} + 1/86400/2 from dual")    # half a second: not a DATE value
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select * from listener_log where log_date > '01-JAN-05'")  # NLS conversion


def test_sysdate_systimestamp(con):
    assert scalar(con, "sysdate") == NOW
    assert "ora_sysdate()" in to_duckdb("select sysdate from dual").lower()
    assert scalar(con, "systimestamp") == NOW
    free = duckdb.connect()
    install_support(free)
    value = free.execute(to_duckdb("select sysdate from dual")).fetchone()[0]
    assert value.microsecond == 0


# --- NULL functions --------------------------------------------------------------------

def test_nvl_nvl2_coalesce(con):
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/NVL2.html
    assert scalar(con, "nvl(null, 'x')") == "x"
    assert scalar(con, "nvl2(null, 'a', 'b')") == "b"
    assert scalar(con, "nvl2(1, 'a', 'b')") == "a"
    assert scalar(con, "coalesce(null, null, 3)") == 3


def test_decode_null_matches_null(con):
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/DECODE.html
    # "Oracle Database considers two nulls to be equivalent"
    assert scalar(con, "decode(null, 1, 'one', null, 'null', 'other')") == "null"
    assert scalar(con, "decode(2, 1, 'one', 2, 'two')") == "two"
    assert scalar(con, "decode(3, 1, 'one', 2, 'two')") is None
    assert scalar(con, "decode(3, 1, 'one', 'dflt')") == "dflt"


def test_empty_string_is_null(con):
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Nulls.html
    assert scalar(con, "''") is None
    assert scalar(con, "case when '' is null then 'null' end") == "null"
    assert run(con, "select count(*) from listener_log where action = ''") == [(0,)]
    assert run(con, "select count(*) from listener_log where service_name is null") == [(4,)]


# --- character functions ---------------------------------------------------------------

@pytest.mark.parametrize("expr,expected", [
    # INSTR https://docs.oracle.com/en/database/oracle/oracle-database/18/sqlrf/INSTR.html
    ("instr('CORPORATE FLOOR','OR', 3, 2)", 14),
    ("instr('CORPORATE FLOOR','OR', -3, 2)", 2),
    ("instr('CORPORATE FLOOR','OR')", 2),
    ("instr('CORPORATE FLOOR','OR', 3)", 5),
    ("instr('CORPORATE FLOOR','XX')", 0),
    ("instr('aaa','aa', 1, 2)", 2),           # consecutive substrings overlap
    ("instr('CORPORATE FLOOR','OR', -1)", 14),
    ("instr(null,'a')", None),
    # SUBSTR https://docs.oracle.com/cd/E24693_01/server.11203/e17118/functions181.htm
    ("substr('ABCDEFG', 3, 4)", "CDEF"),
    ("substr('ABCDEFG', -5, 4)", "CDEF"),
    ("substr('ABCDEFG', 0, 2)", "AB"),
    ("substr('ABCDEFG', 3)", "CDEFG"),
    ("substr('ABCDEFG', 3, 0)", None),
    ("substr('ABCDEFG', 3, -1)", None),
    ("substr('ABCDEFG', 10)", None),
    ("substr('ABCDEFG', -10, 2)", None),
    ("substr('ABCDEFG', 2.9, 2.9)", "BC"),
    # LENGTH / LENGTHB https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LENGTH.html
    ("length('CANDIDE')", 7),
    ("lengthb('Ä')", 2),
    ("length('')", None),
    # UPPER/LOWER/INITCAP https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/INITCAP.html
    ("upper('abc')", "ABC"),
    ("initcap('the soap')", "The Soap"),
    ("initcap('o''BRIEN-smith x2y')", "O'Brien-Smith X2y"),
    # TRIM/LTRIM/RTRIM https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LTRIM.html
    ("ltrim('<=====>BROWNING<=====>', '<>=')", "BROWNING<=====>"),
    ("rtrim('<=====>BROWNING<=====>', '<>=')", "<=====>BROWNING"),
    ("trim('  x  ')", "x"),
    ("trim('   ')", None),
    # the default trim character is the blank alone: a no-break space / ideographic space stays
    ("trim('\u00a0x ')", "\u00a0x"),
    ("ltrim(' \u3000x')", "\u3000x"),
    ("rtrim('x\u00a0 ')", "x\u00a0"),
    ("trim(leading '0' from '000123')", "123"),
    # TRIM(..) IS [NOT] NULL: "only characters of the set", rewritten without the trim (_h_is)
    ("case when trim('   ') is null then 'y' else 'n' end", "y"),
    ("case when trim(' x ') is null then 'y' else 'n' end", "n"),
    ("case when trim(null) is null then 'y' else 'n' end", "y"),
    ("case when trim('\u00a0') is null then 'y' else 'n' end", "n"),
    ("case when ltrim('xxx', 'x') is null then 'y' else 'n' end", "y"),
    ("case when rtrim('xxa', 'x') is not null then 'y' else 'n' end", "y"),
    ("case when trim(leading '0' from '000') is null then 'y' else 'n' end", "y"),
    ("case when trim(trailing '0' from '100') is not null then 'y' else 'n' end", "y"),
    ("case when trim(' ' || ' ') is null then 'y' else 'n' end", "y"),
    ("trim(trailing 'x' from 'axx')", "a"),
    # LPAD/RPAD https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LPAD.html
    ("lpad('Page 1', 15, '*.')", "*.*.*.*.*Page 1"),
    ("rpad('ab', 5)", "ab   "),
    ("lpad('hello', 3)", "hel"),
    ("lpad('x', 0)", None),
    # REPLACE https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REPLACE.html
    ("replace('JACK and JUE', 'J', 'BL')", "BLACK and BLUE"),
    ("replace('JACK', 'J')", "ACK"),
    ("replace('JACK', 'J', null)", "ACK"),
    ("replace('JACK', null, 'x')", "JACK"),
    ("replace('JJ', 'J')", None),
    # || and CONCAT https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Concatenation-Operator.html
    ("null || 'a'", "a"),
    ("'a' || null || 'b'", "ab"),
    ("null || null", None),
    ("'' || ''", None),
    ("concat('a', null)", "a"),
    ("'n=' || 5", "n=5"),
])
def test_character_functions(con, expr, expected):
    assert scalar(con, expr) == expected


def test_instr_occurrence_zero_raises(con):
    with pytest.raises(duckdb.Error, match="ORA-01428"):
        scalar(con, "instr('abc', 'b', 1, 0)")


# --- regular expressions ---------------------------------------------------------------
# https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/REGEXP_SUBSTR.html

@pytest.mark.parametrize("expr,expected", [
    ("regexp_substr('(HOST=abc)(PORT=1)', 'HOST=([^)]+)', 1, 1, null, 1)", "abc"),
    ("regexp_substr('(HOST=abc)(PORT=1)', 'HOST=([^)]+)', 1, 1, '', 1)", "abc"),
    ("regexp_substr('500 Oracle Parkway, Redwood Shores, CA', ',[^,]+,')", ", Redwood Shores,"),
    ("regexp_substr('a1b22c333', '[0-9]+', 1, 3)", "333"),
    ("regexp_substr('a1b22c333', '[0-9]+', 4)", "22"),
    ("regexp_substr('abc', 'x')", None),
    ("regexp_substr('ABC', 'b', 1, 1, 'i')", "B"),
    ("regexp_count('123123123123', '123', 3, 'i')", 3),
    ("regexp_count('abc', 'x')", 0),
    ("regexp_replace('500   Oracle     Parkway', '( ){2,}', ' ')", "500 Oracle Parkway"),
    ("regexp_replace('aaa', 'a', 'b', 1, 1)", "baa"),
    ("regexp_replace('abcabc', 'b', null, 3)", "abcac"),
    ("regexp_replace('aaa', 'a')", None),
    ("regexp_replace('John Smith', '(\\w+) (\\w+)', '\\2, \\1')", "Smith, John"),
    ("case when regexp_like('Steven', '^ste(v|ph)en$', 'i') then 1 else 0 end", 1),
    ("case when regexp_like('Steven', '^ste(v|ph)en$') then 1 else 0 end", 0),
    ("case when regexp_like('Steven', '^ste(v|ph)en$', 'ic') then 1 else 0 end", 0),
    ("case when regexp_like('a' || chr(10) || 'b', 'a.b', 'n') then 1 else 0 end", 1),
    ("case when regexp_like('a' || chr(10) || 'b', 'a.b') then 1 else 0 end", 0),
    ("case when regexp_like('x' || chr(10) || 'ab', '^ab', 'm') then 1 else 0 end", 1),
])
def test_regexp(con, expr, expected):
    assert scalar(con, expr) == expected


def test_regexp_unsupported():
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select regexp_substr(s, '(a)\\1') from t")
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select regexp_like(s, 'a b', 'x') from t")
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select regexp_instr(s, 'a') from t")


# --- numbers, casts, GREATEST/LEAST ------------------------------------------------------

@pytest.mark.parametrize("expr,expected", [
    # MOD https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/MOD.html
    ("mod(11, 4)", 3), ("mod(-11, 4)", -3), ("mod(11, 0)", 11),
    # GREATEST/LEAST https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/GREATEST.html
    ("greatest('HARRY', 'HARRIOT', 'HAROLD')", "HARRY"),
    ("least(1, 2, 3)", 1),
    ("greatest(1, null, 3)", None),
    ("least(null, 2)", None),
    # CAST / TO_NUMBER
    ("to_number('1190')", 1190.0),
    ("to_number(' 12.5')", 12.5),
    ("cast(2.5 as number(1))", decimal.Decimal("3")),
    ("cast(-2.5 as integer)", decimal.Decimal("-3")),
    ("cast(1.23456 as number)", 1.23456),
    ("cast(12 as varchar2(10))", "12"),
    ("cast(123.456 as number(6,2))", decimal.Decimal("123.46")),
    ("5 / 2", 2.5),
])
def test_numbers_and_casts(con, expr, expected):
    assert scalar(con, expr) == expected


def test_division_by_zero_and_bad_number_raise(con):
    with pytest.raises(duckdb.Error, match="ORA-01476"):
        scalar(con, "1 / (1 - 1)")
    with pytest.raises(duckdb.Error):
        scalar(con, "to_number('abc')")  # ORA-01722 in Oracle


def test_cast_date(con):
    assert scalar(con, "cast(systimestamp as date)") == NOW
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select cast('06-NOV-05' as date) from dual")


# --- query clauses -------------------------------------------------------------------------

def test_count_case_in_between_like(con):
    rows = run(con, r"""
        select count(1), count(*), count(service_name),
               sum(case when action in ('stop', 'establish') then 1 else 0 end),
               sum(case when log_date between to_date('02-11-2005','DD-MM-YYYY')
                                          and to_date('03-11-2005','DD-MM-YYYY') then 1 else 0 end),
               sum(case when connect_string like 'trc\_%' escape '\' then 1 else 0 end)
        from listener_log""")
    assert rows == [(7, 7, 3, 4, 4, 1)]


def test_order_by_nulls_oracle_defaults(con):
    # ASC: NULLS LAST, DESC: NULLS FIRST
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/SELECT.html
    asc = run(con, "select service_name from listener_log order by service_name")
    desc = run(con, "select service_name from listener_log order by service_name desc")
    assert asc[-1] == (None,) and asc[0] == ("DBA",)
    assert desc[0] == (None,) and desc[-1] == ("DBA",)
    explicit = run(con, "select service_name from listener_log order by service_name nulls first")
    assert explicit[0] == (None,)
    assert "NULLS FIRST" in to_duckdb("select a from t order by a desc")


def test_fetch_first_and_rownum(con):
    assert len(run(con, "select * from listener_log order by log_date fetch first 3 rows only")) == 3
    assert len(run(con, "select * from listener_log where action = 'establish' and rownum <= 2")) == 2
    assert len(run(con, "select * from listener_log where rownum < 2")) == 1
    assert "LIMIT 2" in to_duckdb("select * from t where rownum <= 2")
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select * from t where rownum <= 2 order by a")
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select rownum from t")


def test_outer_join_plus(con):
    sql = to_duckdb("select l.action, a.username from listener_log l, dba_audit_trail a "
                    "where l.log_date = a.timestamp(+) and l.protocol_info = 'stop'")
    assert "LEFT JOIN" in sql.upper()
    rows = con.execute(sql).fetchall()
    assert sorted(rows) == [("0", None), ("1190", None)]


def test_listagg(con):
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/LISTAGG.html
    assert run(con, "select listagg(protocol_info, ',') within group (order by log_date desc) "
                    "from listener_log where protocol_info = 'stop'") == [("stop,stop",)]
    assert run(con, "select listagg(action, '') within group (order by log_date) "
                    "from listener_log where protocol_info = 'stop'") == [("11900",)]
    assert run(con, "select listagg(username) within group (order by username) from dba_audit_trail") \
        == [("APP1APP2SCOTIGERA",)]


def test_analytics_range_window_over_dates(con):
    # RANGE BETWEEN 5/1440 PRECEDING on a DATE key = the last 5 minutes
    # https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Analytic-Functions.html
    sql = to_duckdb("""
        select log_date, count(*) over (order by log_date
                 range between 5/1440 preceding and current row) cnt,
               row_number() over (order by log_date) rn,
               lead(action) over (order by log_date) nxt
        from listener_log where action = 'establish' order by log_date""")
    assert "INTERVAL '300' SECOND" in sql
    rows = con.execute(sql).fetchall()
    assert [r[1] for r in rows] == [1, 2, 3, 1]
    assert [r[2] for r in rows] == [1, 2, 3, 4]
    assert rows[-1][3] is None
    rows = run(con, "select count(*) over (order by log_date range between interval '2' second "
                    "preceding and current row) from listener_log where action = 'establish' "
                    "order by log_date")
    assert [r[0] for r in rows] == [1, 2, 1, 1]


def test_interval_and_extract(con):
    assert scalar(con, f"extract(hour from cast({D} as timestamp))") == 13
    assert scalar(con, f"extract(year from {D})") == 2005
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select interval '1 2:03:04' day to second from dual")


def test_named_notation(con):
    sql = to_duckdb("select parse_listener_log_line(p_in => connect_string, p_param => 'USER') u "
                    "from listener_log where protocol_info = 'stop'")
    assert "=>" not in sql
    assert con.execute(sql).fetchall() == [("ananda",), ("ananda",)]
    assert run(con, "select parse_listener_log_line(p_param => 'HOST', p_in => connect_string) "
                    "from listener_log where action = '1190'") == [("prolin01",)]
    with pytest.raises(UnsupportedConstruct):
        to_duckdb("select other_fn(a => 1) from dual")


@pytest.mark.parametrize("sql,construct", [
    ("select * from t connect by prior a = b", "CONNECT BY"),
    ("select level from dual", "LEVEL"),
    ("select rowid from t", "ROWID"),
    ("select s.nextval from dual", "nextval"),
    ("select add_months(log_date, 1) from listener_log", "ADD_MONTHS"),
    ("select sys_guid() from dual", "SYS_GUID"),
    ("select * from t model dimension by (a) measures (b) rules (b[1] = 2)", "MODEL"),
    ("select * from t for update", "FOR UPDATE"),
    ("select * from t fetch first 5 percent rows only", "PERCENT"),
])
def test_unsupported_constructs_named(sql, construct):
    with pytest.raises(UnsupportedConstruct, match=f"(?i){construct}"):
        to_duckdb(sql)


# --- the article's queries (typo-fixed copies) -----------------------------------------------

def test_article_jdbc_service_by_host(con):
    rows = run(con, """select
   parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
   parse_listener_log_line(protocol_info,'HOST') host,
   count(1) cnt
from listener_log
where
   parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
group by
   parse_listener_log_line(connect_string,'SERVICE_NAME'),
   parse_listener_log_line(protocol_info,'HOST');""")
    assert sorted(rows, key=str) == sorted([("SLC", "10.20.214.170", 2), (None, "10.14.105.19", 1)], key=str)


def test_article_sid_service_breakup(con):
    rows = run(con, """select
  parse_listener_log_line(connect_string,'SID') SID,
  parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
  parse_listener_log_line(protocol_info,'HOST') host,
  count(1) cnt
from listener_log
where
  parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
group by
  parse_listener_log_line(connect_string,'SID'),
  parse_listener_log_line(connect_string,'SERVICE_NAME'),
  parse_listener_log_line(protocol_info,'HOST')""")
    assert ("PROPRD1", None, "10.14.105.19", 1) in rows and len(rows) == 2


def test_article_listener_stop(con):
    rows = run(con, """select to_char(log_date,'mm/dd/yy hh24:mi:ss') logdate,
parse_listener_log_line(connect_string,'HOST') host,
        parse_listener_log_line(connect_string,'USER') l_user,
        parse_listener_log_line(connect_string,'SERVICE') service,
        action RC
from listener_log
where parse_listener_log_line(connect_string, 'COMMAND') = 'stop';""")
    assert sorted(rows) == [("11/06/05 13:45:06", "prolin01", "ananda", "LISTENER_PROLIN01", "1190"),
                            ("11/06/05 13:46:00", "prolin01", "ananda", "LISTENER_PROLIN01", "0")]


def test_article_admin_restrictions(con):
    commands = ", ".join(f"'{c}'" for c in (
        "password rawmode displaymode trc_file trc_directory trc_level log_file log_directory "
        "log_status current_listener inbound_connect_timeout startup_waittime save_config_on_stop "
        "start stop status services version reload save_config trace spawn change_password quit "
        "exit").split())
    rows = run(con, f"select log_date, connect_string command, protocol_info return_code "
                    f"from listener_log where connect_string in ({commands})")
    assert rows == [(dt.datetime(2005, 11, 6, 14, 10, 20), "trc_level", "12508")]


def test_article_generic_commands(con):
    rows = run(con, """select log_date,
       parse_listener_log_line(connect_string,'USER') l_user,
       protocol_info command,
       action return_code
from listener_log
where
       parse_listener_log_line(connect_string,'COMMAND')
       in ('start','stop','status','services','version','reload','save_config',
           'trace','spawn','change_password','quit','exit')
and action != '0'""")
    assert rows == [(NOW, "ananda", "stop", "1190")]


def test_article_audit_join(con):
    sql = to_duckdb("""select username, ses_actions, logoff_time, comment_text, sql_text
from dba_audit_trail a, listener_log l
where parse_listener_log_line(connect_string,'SERVICE_NAME') = 'DBA'
and parse_listener_log_line(connect_string,'HOST') = 'STSCOTIGERAT42'
and l.log_date between a.timestamp - (2/24/60/60) and a.timestamp
and a.terminal = 'STSCOTIGERAT42'
/""")
    assert "INTERVAL '2' SECOND" in sql
    assert con.execute(sql).fetchall() == [
        ("SCOTIGERA", None, dt.datetime(2005, 11, 2, 12), "Authenticated by: DATABASE", None)]


def test_article_jdbc_audit_usernames(con):
    rows = run(con, """select
  parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
   a.username,
  count(1) cnt
from
  listener_log l,
   dba_audit_trail a
where
  parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
and
  parse_listener_log_line(protocol_info,'HOST') = '10.20.214.170'
and
   l.log_date between a.timestamp - (2/24/60/60) and a.timestamp
and
  a.userhost = 'stcdelpas01'
group by
  parse_listener_log_line(connect_string,'SERVICE_NAME'),
   a.username""")
    # APP1 at 10:00:02 matches the 10:00:01 connect; APP2 at 10:00:05 matches the 10:00:03 one
    assert sorted(rows) == [("SLC", "APP1", 1), ("SLC", "APP2", 1)]


def test_trim_is_null_of_a_column_needs_no_trim():
    # the rewrite that keeps "is this line blank?" cheap on every line of the events view
    sql = to_duckdb("select 1 from t where trim(c) is null and rtrim(d, 'x') is not null")
    assert "NULLIF" not in sql.upper() and " TRIM(" not in sql.upper() and "RTRIM" not in sql.upper()
    assert "LTRIM(c, ' ')" in sql and "LTRIM(d, 'x')" in sql


# ---------------------------------------------------------------- parse_listener_log_line keys

def test_parse_listener_log_line_literal_keys_checked_when_translated():
    """A literal key is checked by the bridge (the function's own message, as Oracle raises it when
    the call runs; '' is NULL, an unknown key too) and the call stays; any other key goes to the
    macro that checks at run time (functions.CHECKED_MACRO)."""
    from lsnrmine.engine.dialect import InvalidCall
    from lsnrmine.engine.functions import CHECKED_MACRO

    sql = to_duckdb("select parse_listener_log_line(connect_string, 'host') from listener_log")
    assert "PARSE_LISTENER_LOG_LINE(connect_string, 'host')" in sql
    # aliased: unaliased, each is named by its own text, as in Oracle
    assert to_duckdb("select parse_listener_log_line(p_in => connect_string, p_param => 'SID') k from listener_log") \
        == to_duckdb("select parse_listener_log_line(connect_string, 'SID') k from listener_log")
    with pytest.raises(InvalidCall, match='^parse_listener_log_line: unknown key "nope"; allowed keys: SID, '):
        to_duckdb("select parse_listener_log_line(connect_string, 'nope') from listener_log")
    for key in ("action", "''", "null", "upper('sid')"):
        sql = to_duckdb(f"select parse_listener_log_line(connect_string, {key}) k from listener_log")
        upper = sql.upper()
        assert f"{CHECKED_MACRO.upper()}(" in upper and "PARSE_LISTENER_LOG_LINE(" not in upper.replace(CHECKED_MACRO.upper(), ""), key


def test_optimizer_hints_are_dropped(con) -> None:
    """views/events.sql carries /*+ materialize */ for Oracle's plan (review V1); DuckDB has no hints:
    the translation drops them and the query gives the same rows as without."""
    sql = ("with a as (select /*+ materialize */ return_code rc from listener_log) "
           "select count(*) from a x join a y on x.rc = y.rc")
    plain = sql.replace("/*+ materialize */ ", "")
    assert "materialize" not in to_duckdb(sql).lower()
    assert con.execute(to_duckdb(sql)).fetchall() == con.execute(to_duckdb(plain)).fetchall()
