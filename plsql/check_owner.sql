-- Preflight of the owner phase, before anything is created: connected as the
-- owner, and every privilege present. Missing privileges are listed all at once.
declare
  l_missing varchar2(4000);
  l_count pls_integer;
begin
  if sys_context('USERENV', 'CURRENT_SCHEMA') <> {{ s.schema | sqlstr }} then
    raise_application_error(-20000, 'lsnrmine: connect as {{ s.schema }} to run this script (current schema is '
      || sys_context('USERENV', 'CURRENT_SCHEMA') || ')');
  end if;
  for r_priv in (
    select column_value as privilege
      from sys.odcivarchar2list('CREATE SESSION', 'CREATE TABLE', 'CREATE VIEW', 'CREATE PROCEDURE'{% if s.jobs_enabled %}, 'CREATE JOB'{% endif %})
     where column_value not in (select privilege from session_privs)
  ) loop
    l_missing := l_missing || ', ' || r_priv.privilege;
  end loop;
  select count(*)
    into l_count
    from all_tab_privs
   where table_name = {{ s.directory | sqlstr }}
     and privilege = 'READ'
     and grantee in (user, 'PUBLIC');
  if l_count = 0 then
    l_missing := l_missing || ', READ on directory {{ s.directory }}';
  end if;
  if l_missing is not null then
    raise_application_error(-20000, 'lsnrmine: missing privileges: ' || substr(l_missing, 3)
      || '; run install_admin.sql as a DBA first');
  end if;
end;
/
