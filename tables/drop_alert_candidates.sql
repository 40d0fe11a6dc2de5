-- Uninstall of the alert evaluator's scratch table: a global temporary table cannot be dropped
-- while a session is bound to it (ORA-14452): named here with what to do.
-- The revert of tables/alert_candidates.sql.
declare
  e_missing exception;
  pragma exception_init(e_missing, -942); -- table or view does not exist
  e_in_use exception;
  pragma exception_init(e_in_use, -14452); -- temporary table already in use
begin
  execute immediate 'drop table {{ name }} purge';
exception
  when e_missing then
    null;
  when e_in_use then
    sys.dbms_standard.raise_application_error(
      num => -20001,
      msg => 'ORA-14452: ' || {{ name_literal }}
             || ' is still bound to a session that ran the alert job: wait for that session to end'
             || ' (or end it: a scheduler job slave or a session that called ALERT_PKG), then re-run uninstall');
end;
/
