{% from 'admin/macros.jinja' import create_if_missing %}
-- STAGE_LINES: the raw lines of one ingest batch, parsed by the view EVENT_PARSE. A global
-- temporary table: private to the session, emptied by the COMMIT that stores the batch's events
-- and offset (ON COMMIT DELETE ROWS: SQL Language Reference, CREATE TABLE, "GLOBAL TEMPORARY").
-- line_no may be fractional for the context line INGEST_PKG adds before a re-parsed event.
-- listener, host: the source's (with [[sources]]; null otherwise: EVENT_PARSE falls back).
-- The embedded engine has a view of the same name on listener_log_lines instead.
{% call create_if_missing() %}
create global temporary table {{ obj('STAGE_LINES') }} (
  source      varchar2(255 char) not null,
  listener    varchar2(128 char),
  host        varchar2(255 char),
  line_no     number not null,
  line        varchar2(4000 byte),
  byte_offset number,
  next_offset number
) on commit delete rows
{% endcall %}
-- upgrade: listener and host on a table created before them (added at the end; every statement
-- names its columns). The owner phase runs with the jobs paused, so no lsnrmine job has rows in
-- it; a session that has (a manual ingest_file not yet committed, on any instance) fails the ALTER
-- with ORA-14450, which is explained here.
declare
  e_column_exists exception;
  pragma exception_init(e_column_exists, -1430); -- column being added already exists in table
  e_in_use exception;
  pragma exception_init(e_in_use, -14450); -- attempt to access a transactional temp table already in use
begin
  execute immediate 'alter table {{ obj('STAGE_LINES') }} add (listener varchar2(128 char), host varchar2(255 char))';
exception
  when e_column_exists then
    null;
  when e_in_use then
    sys.dbms_standard.raise_application_error(
      num => -20000,
      msg => 'lsnrmine: ' || {{ s.object_name('STAGE_LINES') | sqlstr }} || ' is in use by another session (an ingest '
             || 'call such as INGEST_PKG.ingest_file not yet committed or rolled back, on any instance); end '
             || 'that transaction and install again',
      keeperrorstack => true
    );
end;
/
