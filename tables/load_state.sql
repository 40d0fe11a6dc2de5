{% from 'admin/macros.jinja' import create_if_missing %}
-- LOAD_STATE: one row per configured log file: where INGEST_PKG stopped reading and the file's
-- health. Written in the same transaction as the events of each batch (a crash loses or
-- duplicates nothing). Columns:
--   byte_offset  1-based offset of the first byte not read yet (DBMS_LOB convention)
--   line_no      number of the last line read in this generation (line numbers restart at 1
--                when the file is read from the start again)
--   file_size    size at the last run; signature: hex of the first 256 bytes seen (fewer while
--                the file is smaller). A file shorter than byte_offset - 1 or whose first bytes no
--                longer match is read from the start (generation + 1, restarts + 1); prev_* keep
--                where the old generation stopped, so a segment renamed from it (listener.log ->
--                listener_1.log) continues there instead of being read twice.
--   last_event_* the last event read (its error lines may follow in the next run: it is re-parsed);
--                prev_last_event_* the same for the previous generation, adopted with prev_* by
--                the renamed segment (its first batch re-stages that event)
--   lines        lines read over all generations; rejects: records whose date did not convert
--   status       NEW, OK, MISSING (never seen), UNREADABLE, FINISHED (read before, now gone),
--                CLOSED (a 19c segment read to its end: checked, not written, while unchanged),
--                ERROR (unexpected error; health has the message), LOCK (the row file_name
--                '/ingest run': the sentinel INGEST_PKG locks to serialise runs, not a file)
-- Python twin: lsnrmine.ingest.FileState.
{% call create_if_missing() %}
create table {{ obj('LOAD_STATE') }} (
  file_name          varchar2(255 char) not null,
  generation         number default 0 not null,
  byte_offset        number default 1 not null,
  line_no            number default 0 not null,
  file_size          number,
  signature          varchar2(512 char),
  prev_signature     varchar2(512 char),
  prev_offset        number,
  prev_line_no       number,
  prev_last_event_id      number,
  prev_last_event_line_no number,
  prev_last_event_offset  number,
  prev_last_event_time    date,
  prev_last_event_host    varchar2(255 char),
  last_event_id      number,
  last_event_line_no number,
  last_event_offset  number,
  last_event_time    date,
  last_event_host    varchar2(255 char),
  lines              number default 0 not null,
  rejects            number default 0 not null,
  restarts           number default 0 not null,
  last_run           date,
  last_success       date,
  status             varchar2(30 char) default 'NEW' not null,
  health             varchar2(4000 byte),
  constraint {{ obj('LOAD_STATE_PK') }} primary key (file_name)
)
{% endcall %}
-- upgrade: prev_last_event_* (issue 17, S5) on a table created before them
declare
  e_column_exists exception;
  pragma exception_init(e_column_exists, -1430); -- column being added already exists in table
begin
  execute immediate 'alter table {{ obj('LOAD_STATE') }} add (prev_last_event_id number, '
    || 'prev_last_event_line_no number, prev_last_event_offset number, prev_last_event_time date, '
    || 'prev_last_event_host varchar2(255 char))';
exception
  when e_column_exists then
    null;
end;
/
