{% from 'admin/macros.jinja' import create_if_missing %}
-- Raised alerts (issue 6). One row per episode: a burst that continues (a new candidate whose
-- first event is no later than last_time + the rule's window) updates its row instead of adding
-- one. evidence is plain text (control characters replaced by ALERT_EPISODES), cut by ALERT_PKG
-- to whole characters within the column's bytes. delivered_severity records what was mailed
-- (or, without mail, handled), logged_severity what was written to the alert log: each channel is
-- delivered again only when the severity rises, so a failing mail server does not repeat the
-- alert-log lines. An escalation of an acknowledged alert sets it back to 'new' (ALERT_PKG).
-- ALERT_CANDIDATES is the evaluator's scratch table (rows of the current run).
{% call create_if_missing() %}
create table {{ obj('ALERTS') }} (
  alert_id           number generated always as identity,
  rule_id            varchar2(30 byte) not null,
  severity           varchar2(10 byte) not null,
  alert_key          varchar2(400 byte) not null,
  first_time         date not null,
  last_time          date not null,
  cnt                number not null,
  last_event_id      number,
  evidence           varchar2(1000 byte),
  status             varchar2(12 byte) default 'new' not null,
  created_at         date default sysdate not null,
  updated_at         date default sysdate not null,
  acknowledged_at    date,
  acknowledged_by    varchar2(128 byte),
  delivered_severity varchar2(10 byte),
  delivered_at       date,
  logged_severity    varchar2(10 byte),
  constraint {{ obj('ALERTS_PK') }} primary key (alert_id),
  constraint {{ obj('ALERTS_STATUS_CK') }} check (status in ('new', 'acknowledged'))
)
{% endcall %}
{% call create_if_missing() %}
create index {{ obj('ALERTS_RULE_KEY_IX') }} on {{ obj('ALERTS') }} (rule_id, alert_key, last_time)
{% endcall %}
{% call create_if_missing() %}
create index {{ obj('ALERTS_TIME_IX') }} on {{ obj('ALERTS') }} (last_time, status)
{% endcall %}
-- upgrade: logged_severity (issue 18) on a table created before it
declare
  e_column_exists exception;
  pragma exception_init(e_column_exists, -1430); -- column being added already exists in table
begin
  execute immediate 'alter table {{ obj('ALERTS') }} add (logged_severity varchar2(10 byte))';
  -- once, when the column is new: alerts already delivered were written to the alert log by the
  -- old package at that severity; without this every open alert would be written again
  execute immediate 'update {{ obj('ALERTS') }} set logged_severity = delivered_severity where delivered_severity is not null';
  commit;
exception
  when e_column_exists then
    null;
end;
/
