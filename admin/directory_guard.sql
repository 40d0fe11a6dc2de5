{# The guard of admin/directory.sql and admin/loader_log_directory.sql: without --force, stop when the
   directory exists and points elsewhere. directory_setting names the setting to change. #}
{% if not force %}
declare
  l_path sys.dba_directories.directory_path%type;
begin
  select max(d.directory_path)
    into l_path
    from sys.dba_directories d
   where d.directory_name = {{ name_literal }};
  if l_path <> {{ directory_path | sqlstr }} then
    sys.dbms_standard.raise_application_error(
      num => -20000,
      msg => 'lsnrmine: directory ' || {{ name_literal }} || ' exists and points at ' || l_path
        || ', not ' || {{ directory_path | sqlstr }} || ': lsnrmine never repoints a directory it may not own; '
        || 'choose another name (setting {{ directory_setting }}), or render/install with --force');
  end if;
end;
/
{% endif %}
