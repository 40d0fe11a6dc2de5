{# EXECUTE on a SYS package, granted to the owner only where neither PUBLIC nor the owner has it
   (admin/owner_grants.sql: DBMS_LOB, admin/mail_acl.sql: UTL_SMTP). #}
{% macro grant_execute_unless_public(package) %}
declare
  l_granted pls_integer;
begin
  select count(*)
    into l_granted
    from sys.dba_tab_privs t
   where t.owner = 'SYS'
     and t.table_name = '{{ package }}'
     and t.privilege = 'EXECUTE'
     and t.grantee in ('PUBLIC', {{ s.schema | sqlstr }});
  if l_granted = 0 then
    execute immediate 'grant execute on sys.{{ package | lower }} to {{ s.schema | ident }}';
  end if;
end;
/{% endmacro %}
