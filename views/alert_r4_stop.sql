-- Alert rule 4 (LISTENER_STOP): every stop / reload in EVENTS; a successful one by an allow-listed
-- OS user (params) is info, by anyone else critical; a refused one has the rule's severity.
-- facts: docs/oracle-facts.md#views-alert-r4-stop
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
select r.rule_id,
       case
         when e.return_code = 0
          and length(e.client_user) <= 128
          and instr(',' || lower(replace(r.params, ' ', '')) || ',', ',' || lower(substr(e.client_user, 1, 129)) || ',') > 0
         then 'info'
         when e.return_code = 0
         then 'critical'
         else r.severity
       end,
       substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51),
       e.event_id,
       e.event_time,
       e.command || ' (' || nvl(to_char(e.return_code), '?') || ') by '
         || substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51)
         || ': ' || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
  join {{ obj('ALERT_RULES') }} r
    on r.rule_id = 'LISTENER_STOP'
 where e.command in ('stop', 'reload')
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
