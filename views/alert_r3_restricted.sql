-- Alert rule 3 (ADMIN_RESTRICTED): TNS-12508, a command refused under ADMIN_RESTRICTIONS
-- (the article's "Admin Restrictions" section: trc_level * 12508).
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
select r.rule_id,
       r.severity,
       nvl(e.client_user, '-') || '@' || nvl(e.client_host, nvl(e.client_ip, '-')),
       e.event_id,
       e.event_time,
       nvl(e.command, '?') || ' refused (12508) for '
         || nvl(e.client_user, '-') || '@' || nvl(e.client_host, nvl(e.client_ip, '-'))
         || ': ' || substr(e.raw_line, 1, 1000)
  from {{ obj('EVENTS') }} e
  join {{ obj('ALERT_RULES') }} r
    on r.rule_id = 'ADMIN_RESTRICTED'
 where (e.return_code = 12508 or e.error_text like '%TNS-12508%')
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
