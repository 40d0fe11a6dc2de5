-- Preflight of the owner phase, before anything is created: connected as the
-- owner, and every privilege present (WRITE on the loader log directory when one
-- is set). Missing privileges are listed all at once.
-- Space: a quota on the owner's default tablespace or UNLIMITED TABLESPACE (CREATE TABLE,
-- Prerequisites); without it the first INSERT fails with ORA-01950.
-- EXECUTE on SYS.DBMS_LOB directly or through PUBLIC (definer's rights ignore roles).
declare
  l_missing varchar2(4000);
  l_count pls_integer;
  l_tablespace user_users.default_tablespace%type;
begin
  -- the session user, not CURRENT_SCHEMA (ALTER SESSION SET CURRENT_SCHEMA changes only name
  -- resolution, not whose privileges the DDL uses)
  if sys_context('USERENV', 'SESSION_USER') <> {{ s.schema | sqlstr }} then
    raise_application_error(-20000, 'lsnrmine: connect as {{ s.schema }} to run this script (connected as '
      || sys_context('USERENV', 'SESSION_USER') || ')');
  end if;
  for r_priv in (
    select column_value as privilege
      from sys.odcivarchar2list({% for p in owner_privileges %}{{ p | sqlstr }}{{ ", " if not loop.last }}{% endfor %})
     where column_value not in (select privilege from session_privs)
  ) loop
    l_missing := l_missing || ', ' || r_priv.privilege;
  end loop;
{% for directory, _path in s.directories() %}
  select count(*)
    into l_count
    from all_tab_privs
   where table_name = {{ directory | sqlstr }}
     and privilege = 'READ'
     and grantee in (user, 'PUBLIC');
  if l_count = 0 then
    l_missing := l_missing || ', READ on directory {{ directory }}';
  end if;
{% endfor %}
{% if s.loader_log_directory %}
  -- ORACLE_LOADER writes its log files into the loader log directory: READ and WRITE
  select count(*)
    into l_count
    from all_tab_privs
   where table_name = {{ s.loader_log_directory | sqlstr }}
     and privilege = 'WRITE'
     and grantee in (user, 'PUBLIC');
  if l_count = 0 then
    l_missing := l_missing || ', WRITE on directory {{ s.loader_log_directory }}';
  end if;
{% endif %}
  select count(*)
    into l_count
    from all_tab_privs
   where table_schema = 'SYS'
     and table_name = 'DBMS_LOB'
     and privilege = 'EXECUTE'
     and grantee in (user, 'PUBLIC');
  if l_count = 0 then
    l_missing := l_missing || ', EXECUTE on SYS.DBMS_LOB';
  end if;
{% if s.mail_host %}
  select count(*)
    into l_count
    from all_tab_privs
   where table_schema = 'SYS'
     and table_name = 'UTL_SMTP'
     and privilege = 'EXECUTE'
     and grantee in (user, 'PUBLIC');
  if l_count = 0 then
    l_missing := l_missing || ', EXECUTE on SYS.UTL_SMTP';
  end if;
{% endif %}
  select default_tablespace into l_tablespace from user_users;
  select count(*)
    into l_count
    from (select 1 from user_ts_quotas
           where tablespace_name = l_tablespace and (max_bytes = -1 or max_bytes > 0)
          union all
          select 1 from session_privs where privilege = 'UNLIMITED TABLESPACE');
  if l_count = 0 then
    l_missing := l_missing || ', a quota on tablespace ' || l_tablespace;
  end if;
  if l_missing is not null then
    raise_application_error(-20000, 'lsnrmine: missing privileges: ' || substr(l_missing, 3)
      || '; run install_admin.sql as a DBA first');
  end if;
end;
/
