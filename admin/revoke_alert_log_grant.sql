-- Undo admin/alert_log_grant.sql: drop the schema-only account that owns the KSDWRT wrapper (its
-- EXECUTE on SYS.DBMS_SYSTEM and the owner's EXECUTE on the wrapper go with it), and take back a
-- direct grant an earlier version made to the owner.
declare
  e_no_user exception;
  pragma exception_init(e_no_user, -1918); -- user does not exist
begin
  execute immediate 'drop user {{ s.alert_log_schema | ident }} cascade';
exception
  when e_no_user then
    null;
end;
/
declare
  e_not_granted exception;
  pragma exception_init(e_not_granted, -1927); -- cannot REVOKE privileges you did not grant
  e_no_user exception;
  pragma exception_init(e_no_user, -1917); -- user or role does not exist
begin
  execute immediate 'revoke execute on sys.dbms_system from {{ s.schema | ident }}';
exception
  when e_not_granted or e_no_user then
    null;
end;
/
