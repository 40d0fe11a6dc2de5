-- Tunable values live here, not in templates: users change them with an UPDATE,
-- without reinstalling. Created only if missing (install doubles as upgrade).
-- Who wins on re-install (A9/C8):
-- * SEEDED_VALUE is the value the last install wrote. A row whose VALUE still equals it (or is
--   empty) was not changed by hand: it takes the new value from lsnrmine.toml / LSNRMINE_* /
--   the command line. A VALUE a DBA changed by hand (VALUE <> SEEDED_VALUE) is kept.
-- * MAIL_HOST, MAIL_PORT and ALERT_LOG_ENABLED are install-owned: the admin phase builds the
--   network ACE and the DBMS_SYSTEM grant from the same settings, so the table always follows
--   them (change them in lsnrmine.toml and re-run install, not in the table).
-- * Rows nobody reads are not seeded: DATE_LANGUAGE and LISTENER_NAME are render-time values
--   (the external table's date conversion and the events view), removed from older tables.
-- Limits: the check constraint holds the same ranges as lsnrmine's settings validation, so a
-- by-hand UPDATE cannot set an interval the scheduler cannot run.
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
begin
  execute immediate q'[
create table {{ obj('SETTINGS') }} (
  name         varchar2(128 byte) not null,
  value        varchar2(4000 byte),
  description  varchar2(4000 byte),
  updated_at   date default sysdate not null,
  seeded_value varchar2(4000 byte),
  constraint {{ obj('SETTINGS_PK') }} primary key (name)
)]';
exception
  when e_name_in_use then
    null;
end;
/
-- upgrade of a table created by an earlier version: the SEEDED_VALUE column, then the limits
-- (ENABLE NOVALIDATE: rows already there are not checked, every later change is)
declare
  e_column_exists exception;
  pragma exception_init(e_column_exists, -1430); -- column being added already exists in table
  e_constraint_exists exception;
  pragma exception_init(e_constraint_exists, -2264); -- name already used by an existing constraint
begin
  begin
    -- rows of the earlier version keep SEEDED_VALUE empty: their values cannot be told from a
    -- DBA's change, so they are kept (README: "Settings", how to hand a row back to lsnrmine.toml)
    execute immediate 'alter table {{ obj('SETTINGS') }} add (seeded_value varchar2(4000 byte))';
  exception
    when e_column_exists then
      null;
  end;
  execute immediate q'[
alter table {{ obj('SETTINGS') }} add constraint {{ obj('SETTINGS_LIMITS_CK') }} check (
  name not in ({% for name in setting_limits %}{{ name | sqlstr }}{{ ", " if not loop.last }}{% endfor %})
  or regexp_like(value, '^[1-9][0-9]{0,5}$')
     and to_number(value) <= case name{% for name, limit in setting_limits.items() %} when {{ name | sqlstr }} then {{ limit }}{% endfor %} end
) enable novalidate]';
exception
  when e_constraint_exists then
    null;
end;
/
merge into {{ obj('SETTINGS') }} t
using (
  select 'INGEST_INTERVAL_MINUTES' name, {{ s.ingest_interval_minutes | sqlstr }} value,
         'Minutes between two runs of the ingest job (1 to {{ setting_limits['INGEST_INTERVAL_MINUTES'] }})' description,
         'N' install_owned from dual
  union all
  select 'ALERT_INTERVAL_MINUTES', {{ s.alert_interval_minutes | sqlstr }},
         'Minutes between two alert evaluations (1 to {{ setting_limits['ALERT_INTERVAL_MINUTES'] }})', 'N' from dual
  union all
  select 'RETENTION_DAYS', {{ s.retention_days | sqlstr }},
         'Days of events kept by the purge job (1 to {{ setting_limits['RETENTION_DAYS'] }})', 'N' from dual
  union all
  select 'MAIL_HOST', {% if s.mail_host %}{{ s.mail_host | sqlstr }}{% else %}null{% endif %},
         'SMTP server for alert mail (empty: no mail); set by install (mail_host), which also creates the network ACE',
         'Y' from dual
  union all
  select 'MAIL_PORT', {{ s.mail_port | sqlstr }},
         'SMTP port for alert mail; set by install (mail_port), which also creates the network ACE', 'Y' from dual
  union all
  select 'MAIL_SENDER', {% if s.mail_sender %}{{ s.mail_sender | sqlstr }}{% else %}null{% endif %},
         'From address of alert mail (a plain address)', 'N' from dual
  union all
  select 'MAIL_RECIPIENTS', {% if s.mail_recipients %}{{ s.mail_recipients | join(',') | sqlstr }}{% else %}null{% endif %},
         'Comma-separated plain addresses that receive alert mail', 'N' from dual
  union all
  select 'ALERT_LOG_ENABLED', {{ ('Y' if s.alert_log else 'N') | sqlstr }},
         'Y: also write each alert as a line in the alert log (undocumented DBMS_SYSTEM.KSDWRT); set by install '
         || '(alert_log), which also grants EXECUTE on SYS.DBMS_SYSTEM', 'Y' from dual
  union all
  select 'ALERT_MIN_SEVERITY', 'medium',
         'Lowest severity delivered by mail / alert log (info, low, medium, high, critical)', 'N' from dual
) src
on (t.name = src.name)
when matched then
  -- the right-hand sides see the row as it was before this update (SEEDED_VALUE of the last install)
  update set t.description = src.description,
             t.value = case
                         when src.install_owned = 'Y' then src.value
                         when t.value is null then src.value
                         when t.value = t.seeded_value then src.value
                         else t.value -- changed by hand: kept
                       end,
             t.seeded_value = src.value,
             t.updated_at = case
                              when decode(t.value, src.value, 1, 0) = 1 then t.updated_at
                              when src.install_owned = 'Y' or t.value is null or t.value = t.seeded_value then sysdate
                              else t.updated_at
                            end
when not matched then
  insert (name, value, description, seeded_value) values (src.name, src.value, src.description, src.value)
/
-- rows of earlier versions that no code reads (render-time values, see above)
delete from {{ obj('SETTINGS') }}
 where name in ('DATE_LANGUAGE', 'LISTENER_NAME')
/
commit
/
