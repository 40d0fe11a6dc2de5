-- Alert rule 7 (CONNECTION_STORM), per listener and host in EVENTS (key listener@host): refusals for
-- lack of handlers / processes, or a minute of establishes at `threshold` or `params` times the
-- trailing hour's average, counted per listener and host (not per key: hosts sharing a cut key differ).
-- facts: docs/oracle-facts.md#views-alert-r7-storm
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, threshold, window_minutes, severity, scan_from, to_number(nvl(params, '10')) factor
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'CONNECTION_STORM'
),
m as (
  select e.listener, e.host,
         trunc(e.event_time, 'MI') minute_start,
         count(*) cnt
    from {{ obj('EVENTS') }} e
   cross join r
   -- a refused connect whose client data holds an unquoted nested (COMMAND=..) is parsed as the
   -- command 'establish' (review 7d); a real command echoed as establish is refused with 12508
   where (e.event_kind = 'establish'
          or (e.event_kind = 'command' and e.command = 'establish' and e.return_code in (12505, 12514)))
     and (r.scan_from is null or e.event_time >= trunc(r.scan_from, 'MI') - 1 / 24)
   group by e.listener, e.host, trunc(e.event_time, 'MI')
),
b as (
  select m.listener, m.host, m.minute_start, m.cnt,
         sum(m.cnt) over (partition by m.listener, m.host order by m.minute_start
                          range between interval '60' minute preceding and interval '1' minute preceding) hour_cnt
    from m
),
hot as (
  select b.listener, b.host, b.minute_start, b.cnt, b.hour_cnt
    from b
   cross join r
   where b.cnt >= r.threshold
      or (b.cnt >= greatest(10, r.threshold / 10)
          and b.hour_cnt >= 60
          and b.cnt > r.factor * b.hour_cnt / 60)
)
select r.rule_id,
       r.severity,
       substr(nvl(e.listener, '-'), 1, 40) || '@' || substr(nvl(e.host, '-'), 1, 59),
       e.event_id,
       e.event_time,
       'refused: ' || nvl(to_char(e.return_code), '?') || ' ' || substr(e.error_text, 1, 200)
         || ': ' || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
 cross join r
 where (e.return_code in (12516, 12518, 12519, 12520, 1158)
        or e.error_text like '%TNS-12516%' or e.error_text like '%TNS-12518%'
        or e.error_text like '%TNS-12519%' or e.error_text like '%TNS-12520%'
        or e.error_text like '%TNS-01158%')
   and (r.scan_from is null or e.event_time >= r.scan_from)
union all
select r.rule_id,
       r.severity,
       substr(nvl(e.listener, '-'), 1, 40) || '@' || substr(nvl(e.host, '-'), 1, 59),
       e.event_id,
       e.event_time,
       to_char(h.cnt) || ' establishes in the minute from ' || to_char(h.minute_start, 'YYYY-MM-DD HH24:MI')
         || ' (trailing hour: ' || to_char(nvl(h.hour_cnt, 0)) || '): ' || substr(e.raw_line, 1, 500),
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
  join hot h
    on decode(h.listener, e.listener, 1) = 1
   and decode(h.host, e.host, 1) = 1
   and h.minute_start = trunc(e.event_time, 'MI')
 cross join r
 -- a refused connect whose client data holds an unquoted nested (COMMAND=..) is parsed as the
 -- command 'establish' (review 7d); a real command echoed as establish is refused with 12508
 where (e.event_kind = 'establish'
        or (e.event_kind = 'command' and e.command = 'establish' and e.return_code in (12505, 12514)))
   and (r.scan_from is null or e.event_time >= r.scan_from)
/
