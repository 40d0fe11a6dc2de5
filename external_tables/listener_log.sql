-- LISTENER_LOG_EXT: the raw external table under the article's LISTENER_LOG (a view, see
-- views/listener_log.sql), six columns in the article's order, every field text. Install doubles as
-- upgrade: an existing external table of this name is dropped and created again, so the definition
-- (files, charset, log file option) always follows the settings; an external table holds no data,
-- so nothing is lost. An object of this name that is NOT an external table is never dropped:
-- install stops with ORA-20002 naming it. Its LOCATION is kept to the files that exist by
-- LOG_LOCATION_PKG.refresh (A5: one missing file fails every query, KUP-04040).
--
-- Access parameters, checked against the Utilities guide, "The ORACLE_LOADER Access Driver":
-- * order record_format_info, then field_definitions (access_parameters clause,
--   docs.oracle.com/cd/E82638_01/sutil/oracle_loader-access-driver.html); record options in any
--   order (et_record_spec_options, docs.oracle.com/en/database/oracle/oracle-database/18/sutil/
--   img_text/et_record_spec_options.html).
-- * RECORDS DELIMITED BY DETECTED NEWLINE: LF and CRLF logs alike (plain NEWLINE is "\n" on Unix,
--   so a CR would stay in the last field: DELIMITED BY, docs.oracle.com/database/121/SUTIL/
--   GUID-91CC2060-FA18-4246-BC3F-82154FF4FA5B.htm). DETECTED is in et_record_spec of
--   docs.oracle.com/cd/F32587_01/sutil/img_text/et_record_spec.html (21c); not in 12.1/18c
--   diagrams: needs 19c+ (see docs/oracle-facts.md).
-- * No LANGUAGE clause and no DATE mask (A4: LANGUAGE is documented only in 12.1): log_date is
--   read as text and converted in the view with TO_DATE(... DEFAULT NULL ON CONVERSION ERROR,
--   mask, 'NLS_DATE_LANGUAGE=...') (12.2+, SQL Language Reference, TO_DATE).
-- * LOGFILE [directory object name:] filename with %a (agent number) and %p (process id):
--   docs.oracle.com/database/121/SUTIL/GUID-E0C99EA3-B624-4D85-855F-A2F763121C8F.htm. Without
--   NOLOGFILE a log file is written into the (read-only) log directory: KUP-11604.
-- * Every field typed CHAR(4000): a delimited field without a length is CHAR(255) and longer
--   values reject the row (field_definitions, docs.oracle.com/cd/E57425_01/121/SUTIL/
--   GUID-B3C6199C-C28C-4FA7-893E-E48C6FB98F52.htm); the offline engine rejects a field longer
--   than 4000 bytes the same way (installer/engine/loader.py).
-- * REJECT LIMIT UNLIMITED keeps a query running past rejected rows.
-- * MISSING FIELD VALUES ARE NULL: 3- and 4-field lines load, shifted left as in the article
--   (GUID-680779CF-1089-4C94-9DA5-ECCC1EAC3EF8.htm).
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
{% for log_file in s.log_files %}
    {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
  )
)
reject limit unlimited]';
end;
/
