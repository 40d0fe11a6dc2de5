-- Alert-log delivery of alerts (issue 6), opt-in (setting alert_log). Oracle documents no API
-- that writes a line into the alert log: the known mechanism is the undocumented
-- SYS.DBMS_SYSTEM.KSDWRT(dest, text), dest 2 = alert log (present since Oracle 8i and still in
-- 19c/23ai; not part of the documented PL/SQL Packages reference, so Oracle may change it).
-- EXECUTE on DBMS_SYSTEM also allows tracing other sessions, setting events and parameters in
-- them (README, alert_log): the owner does not get it. A schema-only account (NO AUTHENTICATION,
-- 18c+: it cannot log in) holds it and owns a definer's-rights procedure that only writes one
-- line of at most 500 bytes to the alert log; the owner gets EXECUTE on that procedure.
-- Needs CREATE USER and CREATE ANY PROCEDURE (checked by the admin preflight), and SYS or EXECUTE
-- on SYS.DBMS_SYSTEM WITH GRANT OPTION for the grant. ALERT_PKG calls the wrapper through dynamic
-- PL/SQL, so without it the package still compiles and a failed write becomes a HEALTH alert.
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
