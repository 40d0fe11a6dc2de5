-- Alert rule 9 (CLIENT_HYGIENE), informational (daily window):
-- a) JDBC thin clients (CID HOST __jdbc__) connecting by SID instead of SERVICE_NAME, per
--    client IP (the article's "SID or Service Name Breakup");
-- b) a service name used in more than one letter case (the article's omt / OMT): every event
--    using a spelling other than the most used one, keyed by the upper-case name; the spellings
--    are counted per listener and host.
-- Byte budget (docs/alerts.md): key <= 100 characters (400 bytes in AL32UTF8), evidence < 4000 bytes.
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, severity, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'CLIENT_HYGIENE'
),
sv as (
  select e.listener, e.host, upper(e.service_name) service_upper, e.service_name, count(*) uses
    from {{ obj('EVENTS') }} e
   cross join r
   where e.service_name is not null
     and (r.scan_from is null or e.event_time >= r.scan_from)
   group by e.listener, e.host, upper(e.service_name), e.service_name
),
ranked as (
  select sv.listener, sv.host, sv.service_upper, sv.service_name, sv.uses,
         count(*) over (partition by sv.listener, sv.host, sv.service_upper) spellings,
         row_number() over (partition by sv.listener, sv.host, sv.service_upper
                            order by sv.uses desc, sv.service_name) spelling_rank,
         max(sv.uses) over (partition by sv.listener, sv.host, sv.service_upper) top_uses
    from sv
)
select r.rule_id,
       r.severity,
       e.client_ip,
       e.event_id,
       e.event_time,
       'JDBC client ' || e.client_ip || ' connects by SID=' || substr(e.sid, 1, 100) || ' instead of a service name: '
         || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
 cross join r
 where e.client_host = '__jdbc__'
   and e.sid is not null
   and e.client_ip is not null
   and (r.scan_from is null or e.event_time >= r.scan_from)
union all
select r.rule_id,
       r.severity,
       'SERVICE_NAME=' || substr(k.service_upper, 1, 87),
       e.event_id,
       e.event_time,
       'service name ' || substr(e.service_name, 1, 100) || ' (' || to_char(k.uses) || ' uses) also spelled with another letter case ('
         || to_char(k.top_uses) || ' uses of the most used spelling): ' || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
  join ranked k
    on k.service_name = e.service_name
   and decode(k.listener, e.listener, 1) = 1
   and decode(k.host, e.host, 1) = 1
 cross join r
 where k.spellings > 1
   and k.spelling_rank > 1
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
