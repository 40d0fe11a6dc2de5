-- Undo admin/audit_grants.sql: revokes the owner's SELECT on the logon audit trail(s).
-- Tolerant of grants that were never made or a user already dropped.
-- Run as a DBA in the admin uninstall phase.
declare
  e_not_granted exception;
  pragma exception_init(e_not_granted, -1927); -- cannot REVOKE privileges you did not grant
  e_no_user exception;
  pragma exception_init(e_no_user, -1917); -- user or role does not exist
  e_no_object exception;
  pragma exception_init(e_no_object, -942); -- table or view does not exist
  type t_object_list is table of varchar2(128);
  l_objects t_object_list := t_object_list(
{%- if s.audit_unified %}'"AUDSYS"."UNIFIED_AUDIT_TRAIL"', '"SYS"."UNIFIED_AUDIT_TRAIL"'{% endif %}
{%- if s.audit_unified and s.audit_traditional %}, {% endif %}
{%- if s.audit_traditional %}'"SYS"."DBA_AUDIT_TRAIL"'{% endif %});
begin
  for i in 1..l_objects.count
  loop
    begin
      execute immediate 'revoke select on ' || l_objects(i) || ' from {{ s.schema | ident }}';
    exception
      when e_not_granted or e_no_user or e_no_object then
        null;
    end;
  end loop;
end;
/
