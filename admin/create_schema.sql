-- Opt-in (setting create_schema): the owner schema. The password is never
-- written here: SQL*Plus asks for it (ACCEPT ... HIDE); lsnrmine install
-- substitutes it from LSNRMINE_OWNER_PASSWORD or a prompt. SET VERIFY OFF: with
-- VERIFY on (SQL*Plus's default) the substituted line, password included, is
-- listed on the screen and in the spool file.
-- No DEFAULT TABLESPACE: the user gets the database's default permanent tablespace
-- (DATABASE_PROPERTIES.DEFAULT_PERMANENT_TABLESPACE), which always exists; the quota
-- on it is given by the owner grants that follow (admin/owner_grants.sql).
-- Re-runnable: an existing user (ORA-01920) is kept as it is.
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
