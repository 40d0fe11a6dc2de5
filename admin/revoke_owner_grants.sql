-- Undo admin/owner_grants.sql: one REVOKE per privilege, so that one privilege not granted
-- (ORA-01952 / ORA-01927) does not keep the others (a REVOKE with a list fails as a whole).
-- CREATE SESSION is kept (the user itself is never dropped by lsnrmine), and so are quotas.
-- CREATE JOB is revoked even with jobs_enabled = false: an earlier install may have granted it.
declare
  e_sys_not_granted exception;
  pragma exception_init(e_sys_not_granted, -1952); -- system privileges not granted to the user
  e_obj_not_granted exception;
  pragma exception_init(e_obj_not_granted, -1927); -- cannot REVOKE privileges you did not grant
  e_no_user exception;
  pragma exception_init(e_no_user, -1917); -- user or role does not exist
  type t_statements is table of varchar2(200);
  l_statements t_statements := t_statements(
    'revoke create table from {{ s.schema | ident }}',
    'revoke create view from {{ s.schema | ident }}',
    'revoke create procedure from {{ s.schema | ident }}',
    'revoke create sequence from {{ s.schema | ident }}',
    'revoke create job from {{ s.schema | ident }}',
    'revoke execute on sys.dbms_lob from {{ s.schema | ident }}');
begin
  for i in 1..l_statements.count
  loop
    begin
      execute immediate l_statements(i);
    exception
      when e_sys_not_granted or e_obj_not_granted or e_no_user then
        null;
    end;
  end loop;
end;
/
