-- Opt-in (settings loader_log_directory/loader_log_dir): a separate, writable
-- directory for ORACLE_LOADER log files, so the listener log folder stays read-only.
-- Never repoints an existing directory of that name without --force (see admin/directory.sql).
-- Without --force, a guard refuses to go on when it exists and points elsewhere.
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
        || 'choose another name (setting loader_log_directory), or render/install with --force');
  end if;
end;
/
{% endif %}
create or replace directory {{ name }} as {{ directory_path | sqlstr }}
/
grant read, write on directory {{ name }} to {{ s.schema | ident }}
/
