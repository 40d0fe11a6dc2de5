-- Alert rule 8 (NEW_CLIENT_IP), from EVENTS: the first event of a client IP on a listener@host after
-- that listener@host's learning period (threshold days from its first event), and every event of a
-- public client IP (params: the private ranges). First events and learning periods come from
-- analytic functions over all events (one sort), before the scan_from filter.
-- facts: docs/oracle-facts.md#views-alert-r8-new-ip
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, threshold, severity, params, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'NEW_CLIENT_IP'
),
a as (
  select e.event_id, e.event_time, e.client_ip, e.client_user, e.client_host, e.program, e.raw_line, e.listener, e.host,
         row_number() over (partition by e.listener, e.host, e.client_ip order by e.event_time, e.event_id) ip_rank,
         min(e.event_time) over (partition by e.listener, e.host) + r.threshold learned_at
    from {{ obj('EVENTS') }} e
   cross join r
),
ev as (
  select a.event_id, a.event_time, a.client_ip, a.client_user, a.client_host, a.program, a.raw_line, a.listener,
         a.host, a.ip_rank, a.learned_at,
         regexp_replace(a.client_ip, '^(::|(0{1,4}:){5})[fF]{4}:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\3') ip4
    from a
   cross join r
   where a.client_ip is not null
     and (r.scan_from is null or a.event_time >= r.scan_from)
)
select r.rule_id,
       case when not regexp_like(e.ip4, r.params) then 'high' else r.severity end,
       e.client_ip,
       e.event_id,
       e.event_time,
       case when not regexp_like(e.ip4, r.params) then 'public client IP ' else 'new client IP ' end
         || e.client_ip || ' (' || substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, '-'), 1, 51)
         || ', ' || substr(nvl(e.program, '-'), 1, 100) || '): ' || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from ev e
 cross join r
 where not regexp_like(e.ip4, r.params)
    or (e.event_time >= e.learned_at and e.ip_rank = 1)
/
