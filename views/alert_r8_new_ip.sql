-- Alert rule 8 (NEW_CLIENT_IP), from EVENTS: the first event of a client IP after the learning
-- period (threshold days), and every event of a public client IP (params: the private ranges).
-- facts: docs/oracle-facts.md#views-alert-r8-new-ip
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
with r as (
  select rule_id, threshold, severity, params, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'NEW_CLIENT_IP'
),
ev as (
  select e.event_id, e.event_time, e.client_ip, e.client_user, e.client_host, e.program, e.raw_line,
         regexp_replace(e.client_ip, '^(::|(0{1,4}:){5})[fF]{4}:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\3') ip4
    from {{ obj('EVENTS') }} e
   cross join r
   where e.client_ip is not null
     and (r.scan_from is null or e.event_time >= r.scan_from)
),
lp as (
  select min(event_time) + max(r.threshold) learned_at
    from {{ obj('EVENTS') }}
   cross join r
)
select r.rule_id,
       case when not regexp_like(e.ip4, r.params) then 'high' else r.severity end,
       e.client_ip,
       e.event_id,
       e.event_time,
       case when not regexp_like(e.ip4, r.params) then 'public client IP ' else 'new client IP ' end
         || e.client_ip || ' (' || substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, '-'), 1, 51)
         || ', ' || substr(nvl(e.program, '-'), 1, 100) || '): ' || substr(e.raw_line, 1, 500)
  from ev e
 cross join r
 cross join lp
 where (not regexp_like(e.ip4, r.params)
        or (e.event_time >= lp.learned_at
            and not exists (select null
                              from {{ obj('EVENTS') }} p
                             where p.client_ip = e.client_ip
                               and (p.event_time < e.event_time
                                    or p.event_time = e.event_time and p.event_id < e.event_id))))
/
