-- Alert rule 4 (LISTENER_STOP): every stop / reload. A successful one (return code 0) by an OS
-- user in the allow-list (params: comma-separated user names, case-insensitive) is informational;
-- a refused one, or one by anyone else (or an unknown user), has the rule's severity: the CID USER
-- is chosen by the client, so it never downgrades a refused command.
-- Byte budget (docs/alerts.md): key <= 100 characters (400 bytes in AL32UTF8), evidence < 4000 bytes.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
select r.rule_id,
       case
         when e.return_code = 0
          and length(e.client_user) <= 128
          and instr(',' || lower(replace(r.params, ' ', '')) || ',', ',' || lower(e.client_user) || ',') > 0
         then 'info'
         else r.severity
       end,
       substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51),
       e.event_id,
       e.event_time,
       e.command || ' (' || nvl(to_char(e.return_code), '?') || ') by '
         || substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51)
         || ': ' || substr(e.raw_line, 1, 500)
  from {{ obj('EVENTS') }} e
  join {{ obj('ALERT_RULES') }} r
    on r.rule_id = 'LISTENER_STOP'
 where e.command in ('stop', 'reload')
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
