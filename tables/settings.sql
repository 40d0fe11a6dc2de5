-- Tunable values live here, not in templates: users change them with an UPDATE,
-- without reinstalling. Created only if missing (install doubles as upgrade);
-- the MERGE adds new settings and never overwrites a value a user changed
-- (OraOpenSource Logger's prefs table works the same way).
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
begin
  execute immediate q'[
create table {{ obj('SETTINGS') }} (
  name        varchar2(128 byte) not null,
  value       varchar2(4000 byte),
  description varchar2(4000 byte),
  updated_at  date default sysdate not null,
  constraint {{ obj('SETTINGS_PK') }} primary key (name)
)]';
exception
  when e_name_in_use then
    null;
end;
/
merge into {{ obj('SETTINGS') }} t
using (
  select 'INGEST_INTERVAL_MINUTES' name, {{ s.ingest_interval_minutes | sqlstr }} value,
         'Minutes between two runs of the ingest job' description from dual
  union all
  select 'ALERT_INTERVAL_MINUTES', {{ s.alert_interval_minutes | sqlstr }},
         'Minutes between two alert evaluations' from dual
  union all
  select 'RETENTION_DAYS', {{ s.retention_days | sqlstr }},
         'Days of events kept by the purge job' from dual
  union all
  select 'DATE_LANGUAGE', {{ s.date_language | sqlstr }},
         'NLS_DATE_LANGUAGE of the month names in the log' from dual
  union all
  select 'LISTENER_NAME', {{ s.listener_name | sqlstr }},
         'Listener whose log is read' from dual
  union all
  select 'MAIL_HOST', {% if s.mail_host %}{{ s.mail_host | sqlstr }}{% else %}null{% endif %},
         'SMTP server for alert mail (empty: no mail); the network ACE is created by install' from dual
  union all
  select 'MAIL_PORT', {{ s.mail_port | sqlstr }},
         'SMTP port for alert mail' from dual
  union all
  select 'MAIL_SENDER', {% if s.mail_sender %}{{ s.mail_sender | sqlstr }}{% else %}null{% endif %},
         'From address of alert mail (a plain address)' from dual
  union all
  select 'MAIL_RECIPIENTS', {% if s.mail_recipients %}{{ s.mail_recipients | join(',') | sqlstr }}{% else %}null{% endif %},
         'Comma-separated plain addresses that receive alert mail' from dual
  union all
  select 'ALERT_LOG_ENABLED', {{ ('Y' if s.alert_log else 'N') | sqlstr }},
         'Y: also write each alert as a line in the alert log (undocumented DBMS_SYSTEM.KSDWRT)' from dual
  union all
  select 'ALERT_MIN_SEVERITY', 'medium',
         'Lowest severity delivered by mail / alert log (info, low, medium, high, critical)' from dual
) src
on (t.name = src.name)
when matched then
  -- a value still empty is filled (e.g. MAIL_HOST given at a later install); a set one is kept
  update set t.description = src.description, t.value = nvl(t.value, src.value)
when not matched then
  insert (name, value, description) values (src.name, src.value, src.description)
/
commit
/
