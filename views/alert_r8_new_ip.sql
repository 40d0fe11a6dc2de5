-- Alert rule 8 (NEW_CLIENT_IP):
-- a) the first event ever (in the kept events) of a client IP, once the learning period
--    (threshold days from the first event in the table) is over: the rule's severity;
-- b) every event of a client IP outside the private ranges (params: a regular expression of
--    private addresses, default 10/8, 172.16/12, 192.168/16, 127/8, ::1, fe80, fc00/7): high.
-- Purged events are forgotten: an IP last seen before the retention period is new again.
-- An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 2.5.5.2) is classified by its IPv4 form.
-- Byte budget (docs/alerts.md): key <= 100 characters (400 bytes in AL32UTF8), evidence < 4000 bytes.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
with r as (
  select rule_id, threshold, severity, params, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'NEW_CLIENT_IP'
),
ev as (
  select e.event_id, e.event_time, e.client_ip, e.client_user, e.client_host, e.program, e.raw_line,
         regexp_replace(e.client_ip, '^::[fF]{4}:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\1') ip4
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
