-- Uninstall of a directory object: dropped only while it still points at the configured folder
-- (a directory repointed by someone else since is theirs now), or with --force.
-- The revert of admin/directory.sql and admin/loader_log_directory.sql; run as a DBA.
{# directories: one entry for the loader log directory, one per distinct source directory for
   the log directory (DbObject.template_context) #}
{% for d in directories %}
declare
  l_path sys.dba_directories.directory_path%type;
begin
  select max(d.directory_path)
    into l_path
    from sys.dba_directories d
   where d.directory_name = {{ d.name_literal }};
  if l_path = {{ d.path | sqlstr }}{% if force %} or l_path is not null{% endif %} then
    execute immediate 'drop directory {{ d.name }}';
  elsif l_path is not null then
    sys.dbms_output.put_line('lsnrmine: directory ' || {{ d.name_literal }} || ' kept: it points at ' || l_path
      || ', not ' || {{ d.path | sqlstr }});
  end if;
end;
/
{% endfor %}
