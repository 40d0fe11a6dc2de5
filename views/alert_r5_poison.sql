-- Alert rule 5 (TNS_POISON, CVE-2012-1675): a service registration from a non-local address
-- (loopback or the addresses in params are local), or a refused one (TNS-01182, TNS-01185), in EVENTS.
-- facts: docs/oracle-facts.md#views-alert-r5-poison
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, severity, params, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'TNS_POISON'
),
f as (
  select e.event_id, e.event_time, e.client_ip, e.raw_line, e.listener, e.host,
         regexp_replace(e.client_ip, '^(::|(0{1,4}:){5})[fF]{4}:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\3') ip4,
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
       end || ': ' || substr(f.raw_line, 1, 500),
       f.listener,
       f.host
  from f
 cross join r
 where f.refused is not null
    or (f.client_ip is not null
        and not regexp_like(f.ip4, '^(127\.|::1$|0:0:0:0:0:0:0:1$)')
        and instr(',' || replace(r.params, ' ', '') || ',', ',' || f.ip4 || ',') = 0
        and instr(',' || replace(r.params, ' ', '') || ',', ',' || f.client_ip || ',') = 0)
/
