-- LISTENER_LOG_LINES: every physical line of every configured log file, with its file name and
-- line number (1-based, file order). Same columns, names and order as the embedded DuckDB engine's
-- table listener_log_lines(source VARCHAR, line_no BIGINT, line VARCHAR).
-- A view over TABLE(pipelined function) is plain SQL (PL/SQL Language Reference, PIPELINED clause).
create or replace view {{ name }} (source, line_no, line) as
select l.source,
       l.line_no,
       l.line
  from table({{ obj('LINE_READER') }}.all_lines()) l
/
