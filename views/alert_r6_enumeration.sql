-- Alert rule 6 (SID_ENUMERATION): one client IP asking for at least `threshold` distinct unknown
-- SIDs / service names (TNS-12505/12514) within `window_minutes`, from EVENTS (a self-join).
-- facts: docs/oracle-facts.md#views-alert-r6-enumeration
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
with r as (
  select rule_id, threshold, window_minutes, severity, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'SID_ENUMERATION'
),
f as (
  select e.event_id, e.event_time, e.client_ip, e.return_code, e.raw_line,
         case when e.sid is not null then 'SID=' || substr(e.sid, 1, 200) else 'SERVICE_NAME=' || substr(e.service_name, 1, 200) end target
    from {{ obj('EVENTS') }} e
   cross join r
   where e.return_code in (12505, 12514)
     and e.client_ip is not null
     and (e.sid is not null or e.service_name is not null)
     and (r.scan_from is null or e.event_time >= r.scan_from)
),
c as (
  select f.event_id, f.event_time, f.client_ip, f.return_code, f.raw_line, f.target,
         (select count(distinct f2.target)
            from f f2
           where f2.client_ip = f.client_ip
             and f2.event_time between f.event_time - r.window_minutes / 1440 and f.event_time) trail_cnt,
         (select count(distinct f2.target)
            from f f2
           where f2.client_ip = f.client_ip
             and f2.event_time between f.event_time and f.event_time + r.window_minutes / 1440) lead_cnt
    from f
   cross join r
)
select r.rule_id,
       r.severity,
       c.client_ip,
       c.event_id,
       c.event_time,
       'unknown ' || substr(c.target, 1, 100) || ' (' || to_char(c.return_code) || ') from ' || c.client_ip
         || ', ' || to_char(greatest(c.trail_cnt, c.lead_cnt)) || ' distinct names in the window: '
         || substr(c.raw_line, 1, 500)
  from c
 cross join r
 where c.trail_cnt >= r.threshold
    or c.lead_cnt >= r.threshold
/
