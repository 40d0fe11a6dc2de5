-- DuckDB macros the translated SQL calls (engine.dialect.support runs them once per connection;
-- ora_sysdate, ora_systimestamp and ora_to_date_<language> are made there).
-- One statement each, ended by a line that ends with ";".

-- DATE + n days. Oracle DATE has whole seconds; a fractional number of days is rounded to the
-- nearest second here (constant offsets that are not whole seconds are rejected at translation).
CREATE OR REPLACE MACRO ora_date_add(d, n) AS CAST(d AS TIMESTAMP) +
  to_microseconds(CAST(round(n * 86400) AS BIGINT) * 1000000);

-- DATE - DATE = number of days (fractional).
CREATE OR REPLACE MACRO ora_days_between(a, b) AS
  (epoch(CAST(a AS TIMESTAMP)) - epoch(CAST(b AS TIMESTAMP))) / 86400.0;

-- SUBSTR: position 0 -> 1, negative from the end, length < 1 -> NULL, '' -> NULL,
-- floating-point arguments truncated to integers.
CREATE OR REPLACE MACRO ora_substr(s, p) AS NULLIF(CASE
  WHEN s IS NULL OR p IS NULL THEN NULL
  WHEN trunc(p) = 0 THEN CAST(s AS VARCHAR)
  WHEN p > 0 THEN substring(CAST(s AS VARCHAR), CAST(trunc(p) AS BIGINT))
  WHEN -trunc(p) > length(CAST(s AS VARCHAR)) THEN NULL
  ELSE substring(CAST(s AS VARCHAR), length(CAST(s AS VARCHAR)) + CAST(trunc(p) AS BIGINT) + 1) END, ''),
(s, p, l) AS NULLIF(CASE
  WHEN s IS NULL OR p IS NULL OR l IS NULL OR trunc(l) < 1 THEN NULL
  WHEN trunc(p) = 0 THEN substring(CAST(s AS VARCHAR), 1, CAST(trunc(l) AS BIGINT))
  WHEN p > 0 THEN substring(CAST(s AS VARCHAR), CAST(trunc(p) AS BIGINT), CAST(trunc(l) AS BIGINT))
  WHEN -trunc(p) > length(CAST(s AS VARCHAR)) THEN NULL
  ELSE substring(CAST(s AS VARCHAR), length(CAST(s AS VARCHAR)) + CAST(trunc(p) AS BIGINT) + 1,
  CAST(trunc(l) AS BIGINT)) END, '');

-- INSTR: consecutive compared substrings move one character (overlapping matches); a negative
-- position searches backwards; the occurrence must be positive (ORA-01428); position 0 returns 0.
-- The three-argument form is the four-argument one with occurrence 1.
CREATE OR REPLACE MACRO ora_instr(s, sub) AS strpos(s, sub),
(s, sub, p) AS CASE WHEN s IS NULL OR sub IS NULL OR p IS NULL OR 1 IS NULL THEN NULL
  WHEN trunc(1) < 1 THEN error('ORA-01428: argument ''' || 1 || ''' is out of range')
  WHEN trunc(p) = 0 THEN 0
  WHEN p > 0 THEN coalesce(list_filter(range(CAST(trunc(p) AS BIGINT),
  length(s) - length(sub) + 2), lambda i: substring(s, i, length(sub)) = sub)[CAST(trunc(1) AS BIGINT)], 0)
  ELSE coalesce(list_filter(range(least(length(s) + CAST(trunc(p) AS BIGINT) + 1,
  length(s) - length(sub) + 1), 0, -1), lambda i: substring(s, i, length(sub)) = sub)[CAST(trunc(1) AS BIGINT)], 0) END,
(s, sub, p, o) AS CASE WHEN s IS NULL OR sub IS NULL OR p IS NULL OR o IS NULL THEN NULL
  WHEN trunc(o) < 1 THEN error('ORA-01428: argument ''' || o || ''' is out of range')
  WHEN trunc(p) = 0 THEN 0
  WHEN p > 0 THEN coalesce(list_filter(range(CAST(trunc(p) AS BIGINT),
  length(s) - length(sub) + 2), lambda i: substring(s, i, length(sub)) = sub)[CAST(trunc(o) AS BIGINT)], 0)
  ELSE coalesce(list_filter(range(least(length(s) + CAST(trunc(p) AS BIGINT) + 1,
  length(s) - length(sub) + 1), 0, -1), lambda i: substring(s, i, length(sub)) = sub)[CAST(trunc(o) AS BIGINT)], 0) END;

-- MOD(m, 0) = m in Oracle; the sign follows m (same as DuckDB %).
CREATE OR REPLACE MACRO ora_mod(m, n) AS CASE WHEN n = 0 THEN m ELSE m % n END;

-- Oracle raises ORA-01476 on division by zero; DuckDB returns inf/NULL.
CREATE OR REPLACE MACRO ora_div(a, b) AS
  a / CASE WHEN b = 0 THEN error('ORA-01476: divisor is equal to zero') ELSE b END;

-- INITCAP: first letter of each word upper, the others lower; words are delimited by characters
-- that are not alphanumeric.
CREATE OR REPLACE MACRO ora_initcap(s) AS NULLIF(array_to_string(list_transform(
  string_split(CAST(s AS VARCHAR), ''), lambda c, i: CASE WHEN i = 1 OR NOT regexp_matches(
  substring(CAST(s AS VARCHAR), i - 1, 1), '^[[:alnum:]]$') THEN upper(c) ELSE lower(c) END), ''), '');

-- TO_DATE YY: year in the current century (20xx); DuckDB's %y maps 69-99 to 19xx.
CREATE OR REPLACE MACRO ora_fix_yy(t) AS CASE WHEN year(t) < 2000
  THEN t + INTERVAL 100 YEAR ELSE t END;

-- TO_DATE RR: 00-49 -> 20xx, 50-99 -> 19xx (valid while the current year is 2000-2049).
CREATE OR REPLACE MACRO ora_fix_rr(t) AS CASE WHEN year(t) >= 2050
  THEN t - INTERVAL 100 YEAR ELSE t END;

-- TO_CHAR(number) without a mask: integers print without decimals, 0.5 -> '.5'.
CREATE OR REPLACE MACRO ora_num_to_char(n) AS CASE WHEN n IS NULL THEN NULL
  WHEN CAST(n AS DOUBLE) = trunc(CAST(n AS DOUBLE)) AND abs(CAST(n AS DOUBLE)) < 1e18
  THEN CAST(CAST(n AS HUGEINT) AS VARCHAR)
  ELSE regexp_replace(CAST(CAST(n AS DOUBLE) AS VARCHAR), '^(-?)0\.', '\1.') END;
