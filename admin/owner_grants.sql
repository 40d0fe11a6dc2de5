{% from 'admin/macros.jinja' import grant_execute_unless_public with context %}
-- System privileges the owner needs, granted directly (definer's-rights PL/SQL
-- and DBMS_SCHEDULER ignore roles). No DBA role, no RESOURCE role, no ANY privilege.
-- CREATE SEQUENCE: an identity column makes Oracle create a sequence in the owner's
-- schema (LSNR_INSTALL_HISTORY, LSNR_EVENTS, LSNR_ALERTS), so CREATE TABLE alone fails
-- with ORA-01031 (docs/oracle-facts.md, "Install hardening").
grant {{ owner_privileges | join(", ") | lower }} to {{ s.schema | ident }}
/
-- Space: "the owner of the schema to contain the table must have either space quota on
-- the tablespace to contain the table or the UNLIMITED TABLESPACE system privilege" (SQL
-- Language Reference, CREATE TABLE, Prerequisites). The owner's tables go to its default
-- tablespace: a quota there is given only when it has none (a quota a DBA set is kept) and no
-- UNLIMITED TABLESPACE. Needs ALTER USER (the admin preflight checks it). Never SYSTEM or SYSAUX:
-- application tables (and a quota unlimited) there are refused with the fix named.
declare
  l_tablespace sys.dba_users.default_tablespace%type;
  l_has_space  pls_integer;
begin
  select u.default_tablespace
    into l_tablespace
    from sys.dba_users u
   where u.username = {{ s.schema | sqlstr }};
  select count(*)
    into l_has_space
    from (select 1
            from sys.dba_ts_quotas q
           where q.username = {{ s.schema | sqlstr }}
             and q.tablespace_name = l_tablespace
             and (q.max_bytes = -1 or q.max_bytes > 0)
          union all
          select 1
            from sys.dba_sys_privs p
           where p.grantee = {{ s.schema | sqlstr }}
             and p.privilege = 'UNLIMITED TABLESPACE');
  if l_tablespace in ('SYSTEM', 'SYSAUX') then
    sys.dbms_standard.raise_application_error(
      num => -20000,
      msg => 'lsnrmine: the default tablespace of {{ s.schema }} is ' || l_tablespace || ': lsnrmine never puts '
        || 'its tables (or a quota) there; set a default tablespace for {{ s.schema }} (ALTER USER {{ s.schema }} '
        || 'DEFAULT TABLESPACE <tablespace>) or for the database (ALTER DATABASE DEFAULT TABLESPACE <tablespace>)');
  end if;
  if l_has_space = 0 then
    execute immediate 'alter user {{ s.schema | ident }} quota unlimited on '
                      || sys.dbms_assert.enquote_name(str => l_tablespace, capitalize => false);
    sys.dbms_output.put_line('lsnrmine: quota unlimited on ' || l_tablespace || ' given to {{ s.schema }}');
  end if;
end;
/
-- EXECUTE on SYS.DBMS_LOB: LSNR_LINE_READER (definer's rights) reads the log through BFILEs.
-- PUBLIC has it on a default database; CIS 19c 5.1.1.2 and the DISA STIG revoke it from PUBLIC.
-- Granted directly only where neither PUBLIC nor the owner has it, so that on a default database
-- nothing is granted (and any DBA account can run this); on a hardened one the grant needs SYS
-- or an account holding EXECUTE on SYS.DBMS_LOB WITH GRANT OPTION: SYSTEM's GRANT ANY OBJECT
-- PRIVILEGE does not reach SYS's objects (dictionary protection). The admin preflight checks it.
{{ grant_execute_unless_public('DBMS_LOB') }}
