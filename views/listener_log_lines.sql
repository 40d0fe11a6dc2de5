-- LISTENER_LOG_LINES: every physical line of every configured log file, with its source (the file
-- name; with [[sources]] the label '<source name>/<file>'), the source's listener and host, and the
-- line number (1-based, file order). Same columns, names and order as the embedded DuckDB engine's
-- table listener_log_lines(source, listener, host, line_no, line).
-- A view over TABLE(pipelined function) is plain SQL (PL/SQL Language Reference, PIPELINED clause).
create or replace view {{ name }} (source, listener, host, line_no, line) as
select l.source,
       l.listener,
       l.host,
       l.line_no,
       l.line
  from table({{ obj('LINE_READER') }}.all_lines()) l
/
