-- Opt-in (setting alert_log): a schema-only account owning a definer's-rights procedure that writes
-- one line of at most 500 bytes to the alert log (SYS.DBMS_SYSTEM.KSDWRT); the owner gets EXECUTE on
-- that procedure only. Needs CREATE USER, CREATE ANY PROCEDURE and EXECUTE on SYS.DBMS_SYSTEM WITH
-- GRANT OPTION (or SYS). Used by ALERT_PKG through dynamic PL/SQL.
-- facts: docs/oracle-facts.md#admin-alert-log-grant
declare
  e_user_exists exception;
  pragma exception_init(e_user_exists, -1920); -- user name conflicts with another user or role name
begin
  execute immediate 'create user {{ s.alert_log_schema | ident }} no authentication';
exception
  when e_user_exists then
    null;
end;
/
grant execute on sys.dbms_system to {{ s.alert_log_schema | ident }}
/
create or replace procedure {{ s.alert_log_schema | ident }}."WRITE_ALERT_LOG" (in_text in varchar2)
  authid definer
is
  co_max_bytes constant pls_integer := 500;
  l_line varchar2(4000);
begin
  -- one line: no line breaks, at most co_max_bytes bytes (whole characters)
  l_line := substr(translate(in_text, chr(10) || chr(13), '  '), 1, co_max_bytes);
  while lengthb(l_line) > co_max_bytes
  loop
    l_line := substr(l_line, 1, length(l_line) - 1);
  end loop;
  -- KSDWRT(dest, text): positional, its parameter names are undocumented; dest 2 = alert log
  sys.dbms_system.ksdwrt(2, l_line);
end;
/
grant execute on {{ s.alert_log_schema | ident }}."WRITE_ALERT_LOG" to {{ s.schema | ident }}
/
-- earlier versions granted EXECUTE on SYS.DBMS_SYSTEM to the owner itself: taken back
declare
  e_not_granted exception;
  pragma exception_init(e_not_granted, -1927); -- cannot REVOKE privileges you did not grant
begin
  execute immediate 'revoke execute on sys.dbms_system from {{ s.schema | ident }}';
exception
  when e_not_granted then
    null;
end;
/
