{% from 'admin/macros.jinja' import severity_case %}
-- ALERT_EPISODES: the episodes of the current evaluation run (ALERT_CANDIDATES, ALERT_RULES, ALERTS),
-- the one dedup step both engines share: new candidates only, split by the rule's window, one row per
-- episode per rule, key, listener and host. ALERT_PKG (and the embedded engine) merge them into ALERTS.
-- facts: docs/oracle-facts.md#views-alert-episodes
create or replace view {{ name }} (rule_id, alert_key, severity, first_time, last_time, cnt, last_event_id,
                                   evidence, window_minutes, listener, host) as
with hw as (
  select l.rule_id, l.alert_key, l.listener, l.host, l.last_time, l.last_event_id
    from (select a.rule_id, a.alert_key, a.listener, a.host, a.last_time, a.last_event_id,
                 row_number() over (partition by a.rule_id, a.alert_key, a.listener, a.host
                                    order by a.last_time desc, a.alert_id desc) rn
            from {{ obj('ALERTS') }} a
           -- only the (rule, key, listener, host)s of this run's candidates: the sort does not grow with the table
           where exists (select null
                           from {{ obj('ALERT_CANDIDATES') }} k
                          where k.rule_id = a.rule_id
                            and k.alert_key = a.alert_key
                            and decode(k.listener, a.listener, 1) = 1
                            and decode(k.host, a.host, 1) = 1)) l
   where l.rn = 1
),
fresh as (
  select c.rule_id, c.alert_key, c.listener, c.host, c.event_id, c.event_time, c.evidence, r.window_minutes,
         {{ severity_case('c.severity') }} sev_rank,
         row_number() over (partition by c.rule_id, c.alert_key, c.event_id, c.event_time
                            order by {{ severity_case('c.severity', mid='\n' ~ ' ' * 53) }} desc) dup_rank
    from {{ obj('ALERT_CANDIDATES') }} c
    join {{ obj('ALERT_RULES') }} r
      on r.rule_id = c.rule_id
    left join hw
      on hw.rule_id = c.rule_id
     and hw.alert_key = c.alert_key
     and decode(hw.listener, c.listener, 1) = 1
     and decode(hw.host, c.host, 1) = 1
   where hw.last_time is null
      or c.event_time > hw.last_time
      or (c.event_time = hw.last_time and c.event_id > nvl(hw.last_event_id, -1))
),
gaps as (
  select f.rule_id, f.alert_key, f.listener, f.host, f.event_id, f.event_time, f.evidence, f.window_minutes,
         f.sev_rank,
         case
           when f.event_time - lag(f.event_time) over (partition by f.rule_id, f.alert_key, f.listener, f.host
                                                       order by f.event_time, f.event_id)
                <= f.window_minutes / 1440
           then 0
           else 1
         end new_episode
    from fresh f
   where f.dup_rank = 1
),
numbered as (
  select g.rule_id, g.alert_key, g.listener, g.host, g.event_id, g.event_time, g.evidence, g.window_minutes,
         g.sev_rank,
         sum(g.new_episode) over (partition by g.rule_id, g.alert_key, g.listener, g.host
                                  order by g.event_time, g.event_id
                                  rows between unbounded preceding and current row) episode_no
    from gaps g
),
firsts as (
  select n.rule_id, n.alert_key, n.listener, n.host, n.event_id, n.event_time, n.window_minutes, n.sev_rank,
         n.episode_no,
         first_value(n.evidence) over (partition by n.rule_id, n.alert_key, n.listener, n.host, n.episode_no
                                       order by n.event_time, n.event_id) first_evidence
    from numbered n
)
select x.rule_id,
       x.alert_key,
       case max(x.sev_rank) when 5 then 'critical' when 4 then 'high' when 3 then 'medium' when 2 then 'low' else 'info' end,
       min(x.event_time),
       max(x.event_time),
       count(*),
       max(x.event_id),
       substr(max(x.first_evidence), 1, 400),
       max(x.window_minutes),
       x.listener,
       x.host
  from firsts x
 group by x.rule_id, x.alert_key, x.listener, x.host, x.episode_no
/
