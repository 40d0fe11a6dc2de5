-- Alert rule 8 (NEW_CLIENT_IP), from EVENTS: the first establish or command of a client IP on a
-- listener@host after that listener@host's learning period (threshold days from its first event of
-- any kind), and every establish or command of a public client IP (params: the private ranges).
-- Only establish and command rows: the kinds whose client address the event parse trusts
-- (views/events.sql). First rows come from an analytic function (one sort) before the scan_from
-- filter; its input is cut to the client IPs seen since scan_from (client_ip is a partition key:
-- whole partitions kept or dropped, ranks unchanged). l joins on NVL(.., chr(1)): an equijoin (a
-- hash join is possible) in which a NULL host meets a NULL host, as DECODE's did.
-- facts: docs/oracle-facts.md#views-alert-r8-new-ip
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, threshold, severity, params, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'NEW_CLIENT_IP'
),
l as (
  select e.listener, e.host, min(e.event_time) + r.threshold learned_at
    from {{ obj('EVENTS') }} e
   cross join r
   group by e.listener, e.host, r.threshold
),
a as (
  select e.event_id, e.event_time, e.client_ip, e.client_user, e.client_host, e.program, e.raw_line, e.listener, e.host,
         row_number() over (partition by e.listener, e.host, e.client_ip order by e.event_time, e.event_id) ip_rank
    from {{ obj('EVENTS') }} e
   where e.event_kind in ('establish', 'command')
     and e.client_ip in (select c.client_ip
                           from {{ obj('EVENTS') }} c
                          cross join r
                          where c.event_kind in ('establish', 'command')
                            and c.client_ip is not null
                            and (r.scan_from is null or c.event_time >= r.scan_from))
),
ev as (
  select a.event_id, a.event_time, a.client_ip, a.client_user, a.client_host, a.program, a.raw_line, a.listener,
         a.host, a.ip_rank, l.learned_at,
         regexp_replace(a.client_ip, '^(::|(0{1,4}:){5})[fF]{4}:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\3') ip4
    from a
    join l
      on nvl(l.listener, chr(1)) = nvl(a.listener, chr(1))
     and nvl(l.host, chr(1)) = nvl(a.host, chr(1))
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
