-- Scratch rows of one alert evaluation run (issue 6): ALERT_PKG inserts each rule view's
-- candidates here, ALERT_EPISODES groups them, the package merges the episodes into ALERTS.
-- A global temporary table keeps two runs (the job and a manual evaluate) from seeing each
-- other's rows (SQL Language Reference, CREATE TABLE, GLOBAL TEMPORARY: its rows are private
-- to the session that inserted them).
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
begin
  execute immediate q'[
create global temporary table {{ obj('ALERT_CANDIDATES') }} (
  rule_id     varchar2(30 byte) not null,
  severity    varchar2(10 byte) not null,
  alert_key   varchar2(400 byte) not null,
  event_id    number,
  event_time  date not null,
  evidence    varchar2(4000 byte)
) on commit preserve rows]';
exception
  when e_name_in_use then
    null;
end;
/
