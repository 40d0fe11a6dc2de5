{% from 'admin/macros.jinja' import create_if_missing %}
-- EVENTS: one row per parsed listener log record (columns: views/events.sql; EVENT_COLUMNS for the
-- embedded engine). Filled by INGEST_PKG, emptied by the purge job. Created only if missing, with
-- the indexes of the report, alert, ingest and purge access paths.
-- facts: docs/oracle-facts.md#tables-events
{% call create_if_missing() %}
create table {{ obj('EVENTS') }} (
  event_id      number generated always as identity,
  listener      varchar2(128 char),
  host          varchar2(255 char),
  source        varchar2(255 char) not null,
  line_no       number not null,
  event_time    date,
  event_kind    varchar2(30 char) not null,
  command       varchar2(64 char),
  connect_data  varchar2(4000 byte),
  protocol_info varchar2(4000 byte),
  service_name  varchar2(1000 char),
  sid           varchar2(1000 char),
  program       varchar2(1000 char),
  client_host   varchar2(1000 char),
  client_user   varchar2(1000 char),
  client_ip     varchar2(64 char),
  client_port   number,
  protocol      varchar2(30 char),
  return_code   number,
  error_text    varchar2(4000 byte),
  raw_line      varchar2(4000 byte),
  constraint {{ obj('EVENTS_PK') }} primary key (event_id),
  constraint {{ obj('EVENTS_KIND_CK') }} check (event_kind in ('establish', 'command', 'service_update',
    'service_register', 'service_died', 'ping', 'error_only', 'other'))
)
{% endcall %}
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
  e_already_indexed exception;
  pragma exception_init(e_already_indexed, -1408); -- such column list already indexed
  type t_ddl_list is table of varchar2(400);
  l_ddl t_ddl_list := t_ddl_list(
    'create index {{ obj('EVENTS_TIME_IX') }} on {{ obj('EVENTS') }} (event_time)',
    'create index {{ obj('EVENTS_IP_IX') }} on {{ obj('EVENTS') }} (client_ip, event_time)',
    'create index {{ obj('EVENTS_SERVICE_IX') }} on {{ obj('EVENTS') }} (service_name, event_time)',
    'create index {{ obj('EVENTS_RC_IX') }} on {{ obj('EVENTS') }} (return_code, event_time)',
    'create index {{ obj('EVENTS_SOURCE_IX') }} on {{ obj('EVENTS') }} (source, line_no)',
    'create index {{ obj('EVENTS_SOURCE_TIME_IX') }} on {{ obj('EVENTS') }} (source, event_time)'
  );
begin
  for i in 1..l_ddl.count
  loop
    begin
      execute immediate l_ddl(i);
    exception
      when e_name_in_use or e_already_indexed then
        null;
    end;
  end loop;
end;
/
