-- Alert rule 3 (ADMIN_RESTRICTED): TNS-12508, a command refused under ADMIN_RESTRICTIONS
-- (the article's "Admin Restrictions" section: trc_level * 12508).
-- Byte budget (docs/alerts.md): key <= 100 characters (400 bytes in AL32UTF8), evidence < 4000 bytes.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
select r.rule_id,
       r.severity,
       substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51),
       e.event_id,
       e.event_time,
       nvl(e.command, '?') || ' refused (12508) for '
         || substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51)
         || ': ' || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
  join {{ obj('ALERT_RULES') }} r
    on r.rule_id = 'ADMIN_RESTRICTED'
 where (e.return_code = 12508 or e.error_text like '%TNS-12508%')
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
