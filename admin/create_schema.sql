-- Opt-in (setting create_schema): the owner schema, re-runnable (an existing user is kept).
-- The password is never written here: SQL*Plus asks for it (ACCEPT ... HIDE, SET VERIFY OFF);
-- lsnrmine install substitutes it from LSNRMINE_OWNER_PASSWORD or a prompt. Quota: owner_grants.sql.
-- facts: docs/oracle-facts.md#admin-create-schema
set define on
set verify off
accept lsnrmine_owner_password char prompt 'Password for the new owner {{ s.schema }}: ' hide
declare
  e_user_exists exception;
  pragma exception_init(e_user_exists, -1920); -- user name conflicts with another user or role name
begin
  execute immediate q'~create user {{ s.schema | ident }} identified by "&lsnrmine_owner_password"
~';
exception
  when e_user_exists then
    sys.dbms_output.put_line('lsnrmine: user {{ s.schema }} exists: not created again');
end;
/
undefine lsnrmine_owner_password
set define off
