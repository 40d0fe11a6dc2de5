-- Raised alerts (issue 6). One row per episode: a burst that continues (a new candidate whose
-- first event is no later than last_time + the rule's window) updates its row instead of adding
-- one. evidence is escaped (control characters, HTML specials) and truncated by ALERT_EPISODES.
-- delivered_severity records what was mailed/logged, so a row is delivered again only when its
-- severity rises. ALERT_CANDIDATES is the evaluator's scratch table (rows of the current run).
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
begin
  execute immediate q'[
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
  constraint {{ obj('ALERTS_PK') }} primary key (alert_id),
  constraint {{ obj('ALERTS_STATUS_CK') }} check (status in ('new', 'acknowledged'))
)]';
exception
  when e_name_in_use then
    null;
end;
/
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
begin
  execute immediate q'[
create index {{ obj('ALERTS_RULE_KEY_IX') }} on {{ obj('ALERTS') }} (rule_id, alert_key, last_time)]';
exception
  when e_name_in_use then
    null;
end;
/
declare
  e_name_in_use exception;
  pragma exception_init(e_name_in_use, -955); -- name is already used by an existing object
begin
  execute immediate q'[
create index {{ obj('ALERTS_TIME_IX') }} on {{ obj('ALERTS') }} (last_time, status)]';
exception
  when e_name_in_use then
    null;
end;
/
