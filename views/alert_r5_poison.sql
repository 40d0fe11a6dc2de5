-- Alert rule 5 (TNS_POISON, CVE-2012-1675): a service registration (service_register_NSGR)
-- that came from a non-local address, or a refused registration:
-- * TNS-01182 "Listener rejected registration of service": Valid Node Checking for Registration
--   (VNCR) refused it; the line has no client address (`* service_register_NSGR * 1182`, after a
--   "Listener(VNCR option 1) rejected Registration request from destination" line);
-- * TNS-01185 "Registration attempted from a remote node" (Error Help: the registering instance
--   is not on the listener's node; a local_listener naming a remote listener, or a remote attempt).
-- Local = loopback (IPv4, IPv6 and IPv4-mapped ::ffff:127.x) or one of the server's own addresses
-- listed in params (comma-separated; an IPv4-mapped client address is compared in its IPv4
-- form). A successful registration without a client IP (IPC, or no address in the record) is not
-- judged remote. Byte budget (docs/alerts.md): key <= 100 characters, evidence < 4000 bytes.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
with r as (
  select rule_id, severity, params, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'TNS_POISON'
),
f as (
  select e.event_id, e.event_time, e.client_ip, e.raw_line,
         regexp_replace(e.client_ip, '^::[fF]{4}:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\1') ip4,
         case
           when e.return_code = 1182 or e.error_text like '%TNS-01182%' then 1182
           when e.return_code = 1185 or e.error_text like '%TNS-01185%' then 1185
         end refused,
         substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, '-'), 1, 51) claimed
    from {{ obj('EVENTS') }} e
   cross join r
   where (r.scan_from is null or e.event_time >= r.scan_from)
     and (lower(e.command) = 'service_register_nsgr'
          or lower(e.connect_data) like '%service_register_nsgr%'
          or e.return_code in (1182, 1185)
          or e.error_text like '%TNS-01182%'
          or e.error_text like '%TNS-01185%')
)
select r.rule_id,
       r.severity,
       case
         when f.client_ip is not null then f.client_ip
         when f.claimed <> '-@-' then f.claimed
         else 'registration refused (no client address)'
       end,
       f.event_id,
       f.event_time,
       case f.refused
         when 1182 then 'registration refused by valid node checking (TNS-01182)'
         when 1185 then 'registration from a remote node refused (TNS-01185)'
         else 'service_register_NSGR from ' || f.client_ip
       end || ': ' || substr(f.raw_line, 1, 500)
  from f
 cross join r
 where f.refused is not null
    or (f.client_ip is not null
        and not regexp_like(f.ip4, '^(127\.|::1$|0:0:0:0:0:0:0:1$)')
        and instr(',' || replace(r.params, ' ', '') || ',', ',' || f.ip4 || ',') = 0
        and instr(',' || replace(r.params, ' ', '') || ',', ',' || f.client_ip || ',') = 0)
/
