declare
  e_not_granted exception;
  pragma exception_init(e_not_granted, -1952); -- system privileges not granted to the user
  e_no_user exception;
  pragma exception_init(e_no_user, -1917); -- user or role does not exist
begin
  execute immediate 'revoke create table, create view, create procedure{% if s.jobs_enabled %}, create job{% endif %} from {{ s.schema | ident }}';
exception
  when e_not_granted or e_no_user then
    null;
end;
/
