-- After the revokes of the admin uninstall: a grant on a SYS/AUDSYS object can be revoked only by
-- its grantor, or by SYS when the object owner is the recorded grantor (ORA-01927 "cannot REVOKE
-- privileges you did not grant", which the revoke blocks tolerate, e.g. a grant SYS made while this
-- script runs as SYSTEM). Every such grant the owner
-- still holds is named here with the account that must revoke it, and the script fails.
declare
  l_left varchar2(4000);
begin
  for r_grant in (
    select p.owner, p.table_name, p.privilege, p.grantor
      from sys.dba_tab_privs p
     where p.grantee = {{ s.schema | sqlstr }}
       and ({% for owner, name, privilege in grants %}{{ "\n            or " if not loop.first }}(p.owner = {{ owner | sqlstr }} and p.table_name = {{ name | sqlstr }} and p.privilege = {{ privilege | sqlstr }}){% endfor %})
     order by p.owner, p.table_name
  ) loop
    l_left := substr(l_left || '; ' || r_grant.privilege || ' on ' || r_grant.owner || '.' || r_grant.table_name
                     || ' (granted by ' || r_grant.grantor || ': '
                     || case when r_grant.grantor in ('SYS', r_grant.owner) then 'SYS' else r_grant.grantor end
                     || ' must run revoke '
                     || lower(r_grant.privilege) || ' on ' || lower(r_grant.owner || '.' || r_grant.table_name)
                     || ' from {{ s.schema }})', 1, 3800);
  end loop;
  if l_left is not null then
    sys.dbms_standard.raise_application_error(
      num => -20000,
      msg => 'lsnrmine: uninstall could not revoke: {{ s.schema }} still holds ' || substr(l_left, 3));
  end if;
end;
/
