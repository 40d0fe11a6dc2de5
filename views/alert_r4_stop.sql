-- Alert rule 4 (LISTENER_STOP): every stop / reload. By an OS user in the allow-list
-- (params: comma-separated user names, case-insensitive) it is informational; by anyone else
-- (or an unknown user) it has the rule's severity.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
select r.rule_id,
       case
         when e.client_user is not null
          and instr(',' || lower(replace(r.params, ' ', '')) || ',', ',' || lower(e.client_user) || ',') > 0
         then 'info'
         else r.severity
       end,
       nvl(e.client_user, '-') || '@' || nvl(e.client_host, nvl(e.client_ip, '-')),
       e.event_id,
       e.event_time,
       e.command || ' (' || nvl(to_char(e.return_code), '?') || ') by '
         || nvl(e.client_user, '-') || '@' || nvl(e.client_host, nvl(e.client_ip, '-'))
         || ': ' || substr(e.raw_line, 1, 1000)
  from {{ obj('EVENTS') }} e
  join {{ obj('ALERT_RULES') }} r
    on r.rule_id = 'LISTENER_STOP'
 where e.command in ('stop', 'reload')
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
