-- The directory object over the listener log folder; the owner gets READ only.
-- CREATE DIRECTORY needs CREATE ANY DIRECTORY; directories belong to SYS
-- (SQL Language Reference, CREATE DIRECTORY). CREATE OR REPLACE would repoint a directory of
-- the same name that someone else uses (e.g. DATA_PUMP_DIR): an existing directory pointing
-- elsewhere is repointed only when rendered/installed with --force.
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
        || 'choose another name (setting directory), or render/install with --force');
  end if;
end;
/
{% endif %}
create or replace directory {{ name }} as {{ directory_path | sqlstr }}
/
grant read on directory {{ name }} to {{ s.schema | ident }}
/
