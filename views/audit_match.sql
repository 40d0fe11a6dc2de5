-- Audit: one row per listener connect (EVENTS, event_kind establish) with the logon it
-- led to, from the audit match view(s) audit_mode deploys (Unified Auditing preferred when both
-- match); MATCHED = 0 when no logon was found in the window: the connect failed before a logon was
-- audited (TNS error, refused, abandoned), or the logon is not audited (no logon audit policy /
-- AUDIT SESSION: then every connect has MATCHED = 0, see docs/audit.md). The audit reports read it.
create or replace view {{ name }} (event_id, event_time, day_start, service, service_name, sid, client_ip,
                                   client_port, client_host, client_user, program, listener_rc, audit_source,
                                   logon_time, delay_seconds, db_user, os_user, userhost, terminal,
                                   client_program, logon_rc, match_method, matched) as
with matches as (
{% if s.audit_unified %}
  select 'unified' audit_source, 1 source_rank, m.event_id, m.logon_time, m.delay_seconds, m.db_user,
         m.os_user, m.userhost, m.terminal, m.client_program, m.logon_rc, m.match_method
    from {{ obj('AUDIT_UNIFIED_MATCH') }} m
{% endif %}
{% if s.audit_unified and s.audit_traditional %}
  union all
{% endif %}
{% if s.audit_traditional %}
  select 'traditional' audit_source, 2 source_rank, m.event_id, m.logon_time, m.delay_seconds, m.db_user,
         m.os_user, m.userhost, m.terminal, m.client_program, m.logon_rc, m.match_method
    from {{ obj('AUDIT_TRADITIONAL_MATCH') }} m
{% endif %}
),
best as (
  select m.event_id, m.audit_source, m.logon_time, m.delay_seconds, m.db_user, m.os_user, m.userhost,
         m.terminal, m.client_program, m.logon_rc, m.match_method,
         row_number() over (partition by m.event_id order by m.source_rank) rn
    from matches m
)
select e.event_id,
       e.event_time,
       trunc(e.event_time, 'DD') day_start,
       nvl(e.service_name, e.sid) service,
       e.service_name,
       e.sid,
       e.client_ip,
       e.client_port,
       e.client_host,
       e.client_user,
       e.program,
       e.return_code,
       b.audit_source,
       b.logon_time,
       b.delay_seconds,
       b.db_user,
       b.os_user,
       b.userhost,
       b.terminal,
       b.client_program,
       b.logon_rc,
       b.match_method,
       case when b.event_id is null then 0 else 1 end matched
  from {{ obj('EVENTS') }} e
  left join best b
    on b.event_id = e.event_id
   and b.rn = 1
 where e.event_kind = 'establish'
/
