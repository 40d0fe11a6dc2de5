{% from 'admin/macros.jinja' import create_if_missing %}
-- LOAD_STATE: one row per configured log file: where INGEST_PKG stopped reading and the file's
-- health, written in the same transaction as each batch's events. Created only if missing.
-- Python twin: lsnrmine.ingest.FileState.
-- facts: docs/oracle-facts.md#tables-load-state
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
-- upgrade: prev_last_event_* on a table created before them
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
