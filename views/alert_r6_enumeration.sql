-- Alert rule 6 (SID_ENUMERATION): one client IP asking one listener@host for at least `threshold`
-- distinct unknown SIDs / service names (TNS-12505/12514) within `window_minutes`, from EVENTS'
-- establish rows (the only kind whose client address the event parse trusts: views/events.sql).
-- A refused establish without a trusted protocol info (an untrusted split, which a client can cause
-- with its own values) counts under the key '(address withheld)' per listener@host, so that an
-- enumeration hidden this way still alerts (a client address never holds ')': HOST=[^)]*); one
-- with a protocol info but no HOST (IPC, BEQ) has no client address to count, as before.
-- The distinct names of each request's trailing and leading window are counted by sorting, not by
-- a self-join: a name's requests (per listener, host, IP), in time order, fall into islands whose
-- neighbours are at most the window apart, and a name is in the window [t - w, t] iff one of its
-- islands starts at or before t and ends at or after t - w ([t, t + w]: starts at or before
-- t + w, ends at or after t). So a count is islands started by a point less islands ended before
-- another point: running sums over the island bounds and the requests' points, sorted.
-- facts: docs/oracle-facts.md#views-alert-r6-enumeration
create or replace view {{ name }} (rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) as
with r as (
  select rule_id, threshold, window_minutes, severity, scan_from
    from {{ obj('ALERT_RULES') }}
   where rule_id = 'SID_ENUMERATION'
),
f as (
  select e.event_id, e.event_time, coalesce(e.client_ip, '(address withheld)') client_ip, e.return_code, e.raw_line,
         e.listener, e.host,
         case when e.sid is not null then 'SID=' || substr(e.sid, 1, 200) else 'SERVICE_NAME=' || substr(e.service_name, 1, 200) end target,
         e.event_time - r.window_minutes / 1440 lo,
         e.event_time + r.window_minutes / 1440 hi
    from {{ obj('EVENTS') }} e
   cross join r
   -- a refused connect whose client data holds an unquoted nested (COMMAND=..) is parsed as the
   -- command 'establish' (review 7d); a real command echoed as establish is refused with 12508
   where (e.event_kind = 'establish'
          or (e.event_kind = 'command' and e.command = 'establish' and e.return_code in (12505, 12514)))
     and e.return_code in (12505, 12514)
     and (e.client_ip is not null or e.protocol_info is null)
     and e.event_time is not null
     and (e.sid is not null or e.service_name is not null)
     and (r.scan_from is null or e.event_time >= r.scan_from)
),
-- g is read by the 8 branches of s: MATERIALIZE sorts its 4 windows once (as EVENT_PARSE's
-- dated/owned; the embedded engine ignores the comment)
g as (
  select /*+ materialize */ f.event_id, f.event_time, f.listener, f.host, f.client_ip, f.lo, f.hi,
         lag(f.event_time) over (partition by f.listener, f.host, f.client_ip, f.target order by f.event_time, f.event_id) prev_time,
         lag(f.hi) over (partition by f.listener, f.host, f.client_ip, f.target order by f.event_time, f.event_id) prev_hi,
         lead(f.event_time) over (partition by f.listener, f.host, f.client_ip, f.target order by f.event_time, f.event_id) next_time,
         lead(f.lo) over (partition by f.listener, f.host, f.client_ip, f.target order by f.event_time, f.event_id) next_lo
    from f
),
-- part 1: trailing islands' starts, counted at t; part 2: their ends, counted before t - w;
-- part 3: leading islands' starts, counted at t + w; part 4: their ends, counted before t.
-- d = 1: an island bound at x; d = 0: a request's point x, where cnt is read. At its own x a
-- point counts the starts (same o: peers in the RANGE frame) but not the ends (o = 1 sorts after).
s as (
  select g.listener, g.host, g.client_ip, 1 part, g.event_time x, 0 o, 1 d, g.event_id
    from g
   where g.prev_time is null or g.prev_time < g.lo
  union all
  select g.listener, g.host, g.client_ip, 2, g.event_time, 1, 1, g.event_id
    from g
   where g.next_time is null or g.event_time < g.next_lo
  union all
  select g.listener, g.host, g.client_ip, 3, g.event_time, 0, 1, g.event_id
    from g
   where g.prev_time is null or g.prev_hi < g.event_time
  union all
  select g.listener, g.host, g.client_ip, 4, g.event_time, 1, 1, g.event_id
    from g
   where g.next_time is null or g.hi < g.next_time
  union all
  select g.listener, g.host, g.client_ip, 1, g.event_time, 0, 0, g.event_id from g
  union all
  select g.listener, g.host, g.client_ip, 2, g.lo, 0, 0, g.event_id from g
  union all
  select g.listener, g.host, g.client_ip, 3, g.hi, 0, 0, g.event_id from g
  union all
  select g.listener, g.host, g.client_ip, 4, g.event_time, 0, 0, g.event_id from g
),
n as (
  select s.event_id, s.part, s.d,
         sum(s.d) over (partition by s.listener, s.host, s.client_ip, s.part order by s.x, s.o) cnt
    from s
),
c as (
  select n.event_id,
         sum(case n.part when 1 then n.cnt when 2 then -n.cnt end) trail_cnt,
         sum(case n.part when 3 then n.cnt when 4 then -n.cnt end) lead_cnt
    from n
   where n.d = 0
   group by n.event_id
)
select r.rule_id,
       r.severity,
       f.client_ip,
       f.event_id,
       f.event_time,
       'unknown ' || substr(f.target, 1, 100) || ' (' || to_char(f.return_code) || ') from ' || f.client_ip
         || case when f.client_ip = '(address withheld)' then ' (no trusted client address in these records)' end
         || ', ' || to_char(greatest(c.trail_cnt, c.lead_cnt)) || ' distinct names in the window: '
         || substr(f.raw_line, 1, 500),
       f.listener,
       f.host
  from f
  join c
    on c.event_id = f.event_id
 cross join r
 where c.trail_cnt >= r.threshold
    or c.lead_cnt >= r.threshold
/
