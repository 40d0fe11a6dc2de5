-- Alert rule 1 (PASSWORD_FAILURES): TNS-01169/01189/01190 failures from EVENTS, keyed by client IP
-- (else claimed user@host); the rule's severity at `threshold` failures of one key or of all keys
-- within `window_minutes`, else low, counted per listener and host. Reads ALERT_RULES and scan_from.
-- facts: docs/oracle-facts.md#views-alert-r1-password
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, threshold, window_minutes, severity, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'PASSWORD_FAILURES'
),
f as (
  select e.event_id, e.event_time, e.command, e.return_code, e.raw_line, e.listener, e.host,
         case
           when e.client_ip is not null then e.client_ip
           else substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, '-'), 1, 51)
         end alert_key,
         substr(nvl(e.client_user, '-'), 1, 48) || '@' || substr(nvl(e.client_host, nvl(e.client_ip, '-')), 1, 51) claimed
    from {{ obj('EVENTS') }} e
   cross join r
   where (e.return_code in (1169, 1189, 1190)
          or e.error_text like '%TNS-01169%' or e.error_text like '%TNS-01189%' or e.error_text like '%TNS-01190%')
     and (r.scan_from is null or e.event_time >= r.scan_from)
),
c as (
  select f.event_id, f.event_time, f.command, f.return_code, f.raw_line, f.alert_key, f.claimed, f.listener, f.host,
         (select count(*)
            from f f2
           where f2.alert_key = f.alert_key
             and decode(f2.listener, f.listener, 1) = 1 and decode(f2.host, f.host, 1) = 1
             and f2.event_time between f.event_time - r.window_minutes / 1440 and f.event_time) trail_cnt,
         (select count(*)
            from f f2
           where f2.alert_key = f.alert_key
             and decode(f2.listener, f.listener, 1) = 1 and decode(f2.host, f.host, 1) = 1
             and f2.event_time between f.event_time and f.event_time + r.window_minutes / 1440) lead_cnt,
         (select count(*)
            from f f2
           where decode(f2.listener, f.listener, 1) = 1 and decode(f2.host, f.host, 1) = 1
             and f2.event_time between f.event_time - r.window_minutes / 1440 and f.event_time) trail_all,
         (select count(*)
            from f f2
           where decode(f2.listener, f.listener, 1) = 1 and decode(f2.host, f.host, 1) = 1
             and f2.event_time between f.event_time and f.event_time + r.window_minutes / 1440) lead_all
    from f
   cross join r
)
select r.rule_id,
       case
         when c.trail_cnt >= r.threshold or c.lead_cnt >= r.threshold
           or c.trail_all >= r.threshold or c.lead_all >= r.threshold
         then r.severity
         else 'low'
       end,
       c.alert_key,
       c.event_id,
       c.event_time,
       nvl(c.command, '?') || ' refused (' || nvl(to_char(c.return_code), '?') || ') for ' || c.claimed
         || case when c.alert_key <> c.claimed then ' from ' || c.alert_key end
         || ': ' || substr(c.raw_line, 1, 500),
       c.listener,
       c.host
  from c
 cross join r
/
