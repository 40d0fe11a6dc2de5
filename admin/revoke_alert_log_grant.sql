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
