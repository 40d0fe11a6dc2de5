-- Alert rule 2 (LOG_REDIRECTION): any command that moves the listener's log or trace
-- (the article's log_file / log_directory attack, RESTRICT_ADMIN bypass), whatever its return
-- code; a successful one (return code 0) is critical.
-- Byte budget (docs/alerts.md): key <= 100 characters (400 bytes in AL32UTF8), evidence < 4000 bytes.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
select r.rule_id,
       case when e.return_code = 0 then 'critical' else r.severity end,
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
    on r.rule_id = 'LOG_REDIRECTION'
 where e.command in ('log_file', 'log_directory', 'trc_file', 'trc_directory', 'trc_level')
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
