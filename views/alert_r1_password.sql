-- Alert rule 1 (PASSWORD_FAILURES): TNS-01169 / 01189 / 01190 (wrong or missing listener
-- password) per OS user@host. Every failure is a candidate: the rule's severity when at least
-- `threshold` failures of the same key fall within `window_minutes` before or after it, else low
-- (the article's single failed stop followed by a success). Windows are in event time
-- (self-join, not a RANGE frame: the window comes from the rules table). Only events from
-- scan_from on (set by ALERT_PKG: the oldest new event minus the window; NULL offline = all).
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence) as
with r as (
  select rule_id, threshold, window_minutes, severity, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'PASSWORD_FAILURES'
),
f as (
  select e.event_id, e.event_time, e.command, e.return_code, e.raw_line,
         nvl(e.client_user, '-') || '@' || nvl(e.client_host, nvl(e.client_ip, '-')) alert_key
    from {{ obj('EVENTS') }} e
   cross join r
   where (e.return_code in (1169, 1189, 1190)
          or e.error_text like '%TNS-01169%' or e.error_text like '%TNS-01189%' or e.error_text like '%TNS-01190%')
     and (r.scan_from is null or e.event_time >= r.scan_from)
),
c as (
  select f.event_id, f.event_time, f.command, f.return_code, f.raw_line, f.alert_key,
         (select count(*)
            from f f2
           where f2.alert_key = f.alert_key
             and f2.event_time between f.event_time - r.window_minutes / 1440 and f.event_time) trail_cnt,
         (select count(*)
            from f f2
           where f2.alert_key = f.alert_key
             and f2.event_time between f.event_time and f.event_time + r.window_minutes / 1440) lead_cnt
    from f
   cross join r
)
select r.rule_id,
       case when c.trail_cnt >= r.threshold or c.lead_cnt >= r.threshold then r.severity else 'low' end,
       c.alert_key,
       c.event_id,
       c.event_time,
       nvl(c.command, '?') || ' refused (' || nvl(to_char(c.return_code), '?') || ') for ' || c.alert_key
         || ': ' || substr(c.raw_line, 1, 1000)
  from c
 cross join r
/
