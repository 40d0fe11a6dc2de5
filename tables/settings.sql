{% from 'admin/macros.jinja' import create_if_missing %}
-- SETTINGS: the tunable values (users change them with an UPDATE, no reinstall). Created only if
-- missing; seeded by MERGE keeping values a DBA changed by hand (SEEDED_VALUE), except the
-- install-owned MAIL_HOST, MAIL_PORT, ALERT_LOG_ENABLED. A check constraint holds lsnrmine's limits.
-- facts: docs/oracle-facts.md#tables-settings
{% call create_if_missing() %}
create table {{ obj('SETTINGS') }} (
  name         varchar2(128 byte) not null,
  value        varchar2(4000 byte),
  description  varchar2(4000 byte),
  updated_at   date default sysdate not null,
  seeded_value varchar2(4000 byte),
  constraint {{ obj('SETTINGS_PK') }} primary key (name)
)
{% endcall %}
{# 1 when a value is within its limits, else 0. A searched CASE evaluates its WHEN conditions in
    order and stops at the first true one, so TO_NUMBER only ever sees 1 to 6 digits (an AND/OR
    chain has no evaluation order: TO_NUMBER('smtp.example.com') could raise ORA-01722). -#}
{% macro within_limits(name, value) -%}
case
    when {{ value }} is null then 0
    when not regexp_like({{ value }}, '^[1-9][0-9]{0,5}$') then 0
    when to_number({{ value }}) <= case {{ name }}{% for row, limit in setting_limits.items() %} when {{ row | sqlstr }} then {{ limit }}{% endfor %} end then 1
    else 0
  end
{%- endmacro -%}
{% set limited_names %}{% for row in setting_limits %}{{ row | sqlstr }}{{ ", " if not loop.last }}{% endfor %}{% endset -%}
-- upgrade of a table created by an earlier version: the SEEDED_VALUE column, then the limits
-- (ENABLE NOVALIDATE: rows already there are not checked, every later change is). The constraint
-- is dropped and added again on every install, so its condition is always this version's.
declare
  e_column_exists exception;
  pragma exception_init(e_column_exists, -1430); -- column being added already exists in table
  e_no_constraint exception;
  pragma exception_init(e_no_constraint, -2443); -- cannot drop constraint - nonexistent constraint
begin
  begin
    -- rows of the earlier version keep SEEDED_VALUE empty: their values cannot be told from a
    -- DBA's change, so they are kept (README: "Settings", how to hand a row back to lsnrmine.toml)
    execute immediate 'alter table {{ obj('SETTINGS') }} add (seeded_value varchar2(4000 byte))';
  exception
    when e_column_exists then
      null;
  end;
  begin
    execute immediate 'alter table {{ obj('SETTINGS') }} drop constraint {{ obj('SETTINGS_LIMITS_CK') }}';
  exception
    when e_no_constraint then
      null;
  end;
  execute immediate q'[
alter table {{ obj('SETTINGS') }} add constraint {{ obj('SETTINGS_LIMITS_CK') }} check (
  case
    when name in ({{ limited_names }}) then {{ within_limits('name', 'value') | indent(4) }}
    else 1
  end = 1
) enable novalidate]';
end;
/
-- A kept value outside the limits (an old by-hand '0', '05' or '2000') would fail the constraint
-- in the MERGE below (ORA-02290): the MERGE replaces it with the install's value; said here.
begin
  for r_bad in (
    select t.name, t.value
      from {{ obj('SETTINGS') }} t
     where t.name in ({{ limited_names }})
       and {{ within_limits('t.name', 't.value') | indent(6) }} = 0
  ) loop
    sys.dbms_output.put_line('lsnrmine: setting ' || r_bad.name || ' = ''' || r_bad.value
                             || ''' is outside its limits: replaced by the install value');
  end loop;
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
         || '(alert_log), which also builds the KSDWRT wrapper the owner may execute', 'Y' from dual
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
                         when src.name in ({{ limited_names }})
                              and {{ within_limits('src.name', 't.value') | indent(30) }} = 0 then src.value -- outside the limits
                         when t.value = t.seeded_value then src.value
                         else t.value -- changed by hand: kept
                       end,
             t.seeded_value = src.value,
             t.updated_at = case
                              when decode(t.value, src.value, 1, 0) = 1 then t.updated_at
                              when src.install_owned = 'Y' or t.value is null or t.value = t.seeded_value then sysdate
                              when src.name in ({{ limited_names }})
                                   and {{ within_limits('src.name', 't.value') | indent(35) }} = 0 then sysdate
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
