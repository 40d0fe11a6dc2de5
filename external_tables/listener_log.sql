-- LISTENER_LOG_EXT: the raw ORACLE_LOADER external table under the article's LISTENER_LOG view
-- (views/listener_log.sql), six text columns in the article's order, over the directory object.
-- Dropped and created again on install (it holds no data); another object of this name stops the
-- install (ORA-20002). LOG_LOCATION_PKG keeps its LOCATION to the files that exist.
-- facts: docs/oracle-facts.md#external-table-listener-log
declare
   e_table_missing exception;
   pragma exception_init(e_table_missing, -942); -- table or view does not exist
   l_external_count pls_integer;
   l_object_count   pls_integer;
begin
   select count(*)
     into l_object_count
     from user_objects
    where object_name = {{ name_literal }};
   select count(*)
     into l_external_count
     from user_external_tables
    where table_name = {{ name_literal }};
   if l_object_count > 0 and l_external_count = 0 then
      sys.dbms_standard.raise_application_error(
         num => {{ obj('ERROR_PKG') }}.co_not_external_table,
         msg => 'lsnrmine: ' || {{ name_literal }}
            || ' exists and is not an external table; rename or drop it, then install again'
      );
   end if;
   if l_external_count > 0 then
      begin
         execute immediate 'drop table {{ name }} purge';
      exception
         when e_table_missing then
            null; -- dropped by another session meanwhile
      end;
   end if;
   execute immediate q'[
create table {{ name }} (
  log_date       varchar2(4000),
  connect_string varchar2(4000),
  protocol_info  varchar2(4000),
  action         varchar2(4000),
  service_name   varchar2(4000),
  return_code    varchar2(4000)
)
organization external (
  type oracle_loader
  default directory {{ s.directory | ident }}
  access parameters (
    records delimited by detected newline
    characterset {{ s.log_charset }}
    nobadfile
    nodiscardfile
{% if s.loader_log_directory is not none %}
    logfile {{ s.loader_log_directory | ident }}:'listener_log_%a_%p.log'
{% else %}
    nologfile
{% endif %}
    fields terminated by '*' lrtrim
    missing field values are null
    (
      log_date       char(4000),
      connect_string char(4000),
      protocol_info  char(4000),
      action         char(4000),
      service_name   char(4000),
      return_code    char(4000)
    )
  )
  location (
{% if s.multi_source %}
{# every text file of every source as directory:'file' (log.xml is read by INGEST_PKG only);
   NOPARALLEL: see docs/oracle-facts.md#external-table-sources #}
{% for f in s.text_source_files() %}
    {{ f.source.directory | ident }}:{{ f.file_name | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
{% else %}
{% for log_file in s.log_files %}
    {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
{% endif %}
  )
)
reject limit unlimited{% if s.multi_source %}

noparallel{% endif %}]';
end;
/
