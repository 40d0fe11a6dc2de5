{% from 'admin/macros.jinja' import create_if_missing %}
-- ALERTS: raised alerts, one row per episode (a continuing burst updates its row), with what each
-- channel delivered (delivered_severity, logged_severity), and the listener and host of its events.
-- Written by ALERT_PKG. Created only if missing, with its indexes (macro create_if_missing).
-- facts: docs/oracle-facts.md#tables-alerts
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
  listener           varchar2(128 char),
  host               varchar2(255 char),
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
-- upgrade: logged_severity on a table created before it
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
-- upgrade: listener and host on a table created before them
declare
  e_column_exists exception;
  pragma exception_init(e_column_exists, -1430); -- column being added already exists in table
begin
  execute immediate 'alter table {{ obj('ALERTS') }} add (listener varchar2(128 char), host varchar2(255 char))';
exception
  when e_column_exists then
    null;
end;
/
-- an alert without listener and host (from before the columns) takes those of its last event, so a
-- burst going on over the upgrade extends its alert (episodes are per rule, key, listener, host)
-- instead of raising and mailing it again. Once: the settings row ALERTS_LISTENER_FILLED, inserted
-- after the fill and committed with it, stops it at later installs (alerts of a user rule view
-- without the two columns keep NULL; filled, their next candidate would open and mail a new one).
-- Outside the ALTER's block (DDL commits on its own): a fill that failed leaves no row and the
-- next install does it. An alert whose event is purged keeps NULL (older than the retention).
update {{ obj('ALERTS') }} a
   set a.listener = (select e.listener from {{ obj('EVENTS') }} e where e.event_id = a.last_event_id),
       a.host = (select e.host from {{ obj('EVENTS') }} e where e.event_id = a.last_event_id)
 where a.listener is null
   and a.host is null
   and a.last_event_id is not null
   and exists (select 1 from {{ obj('EVENTS') }} e where e.event_id = a.last_event_id)
   and not exists (select 1 from {{ obj('SETTINGS') }} s where s.name = 'ALERTS_LISTENER_FILLED')
/
insert into {{ obj('SETTINGS') }} (name, value, description)
select 'ALERTS_LISTENER_FILLED', 'Y',
       'Y: install gave the alerts from before the LISTENER and HOST columns their last event''s values '
       || '(written once by install; while the row exists, no install does it again)'
  from dual
 where not exists (select 1 from {{ obj('SETTINGS') }} s where s.name = 'ALERTS_LISTENER_FILLED')
/
commit
/
