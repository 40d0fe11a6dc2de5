-- Alert rule 5 (TNS_POISON, CVE-2012-1675): a service registration (service_register_NSGR)
-- that came from a non-local address, or TNS-01185 (registration from a remote node refused by
-- VALID_NODE_CHECKING_REGISTRATION). Local = loopback or one of the server's own addresses
-- listed in params (comma-separated). A registration without a client IP (IPC, or no address
-- in the record) is not judged remote.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
select r.rule_id,
       r.severity,
       nvl(e.client_ip, nvl(e.client_user, '-') || '@' || nvl(e.client_host, '-')),
       e.event_id,
       e.event_time,
       case
         when e.return_code = 1185 or e.error_text like '%TNS-01185%' then 'remote registration refused (TNS-01185)'
         else 'service_register_NSGR from ' || e.client_ip
       end || ': ' || substr(e.raw_line, 1, 1000)
  from {{ obj('EVENTS') }} e
  join {{ obj('ALERT_RULES') }} r
    on r.rule_id = 'TNS_POISON'
 where (r.scan_from is null or e.event_time >= r.scan_from)
   and ((lower(e.command) = 'service_register_nsgr' or lower(e.connect_data) like '%service_register_nsgr%')
         and e.client_ip is not null
         and not regexp_like(e.client_ip, '^(127\.|::1$|0:0:0:0:0:0:0:1$|::ffff:127\.)')
         and instr(',' || replace(r.params, ' ', '') || ',', ',' || e.client_ip || ',') = 0
        or e.return_code = 1185
        or e.error_text like '%TNS-01185%')
/
