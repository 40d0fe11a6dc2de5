-- Audit, Unified Auditing: each listener connect in EVENTS paired with the logon it led to in
-- UNIFIED_AUDIT_TRAIL (client address and port, time window), the logon time shifted to the
-- listener's clock. Deployed when audit_mode is unified or both; needs admin/audit_grants.sql.
-- facts: docs/oracle-facts.md#views-audit-unified-match
create or replace view {{ name }} (event_id, event_time, logon_time, delay_seconds, db_user, os_user,
                                   userhost, terminal, client_program, audit_ip, audit_port, logon_rc,
                                   match_method) as
with tz as (
  select round((sysdate - cast(localtimestamp as date)) * 96) / 96 shift_days
    from dual
),
logons as (
  select cast(u.event_timestamp as date) + tz.shift_days logon_time,
         u.dbusername,
         u.os_username,
         u.userhost,
         u.terminal,
         u.client_program_name,
         u.return_code,
         regexp_substr(u.authentication_type, 'CLIENT ADDRESS=[^;]*\(HOST=([^)]+)\)', 1, 1, null, 1) audit_ip,
         to_number(regexp_substr(u.authentication_type, 'CLIENT ADDRESS=[^;]*\(PORT=([0-9]+)\)', 1, 1, null, 1)) audit_port
    from unified_audit_trail u
   cross join tz
   where u.action_name = 'LOGON'
),
pairs as (
  select e.event_id,
         e.event_time,
         a.logon_time,
         a.dbusername,
         a.os_username,
         a.userhost,
         a.terminal,
         a.client_program_name,
         a.audit_ip,
         a.audit_port,
         a.return_code,
         row_number() over (partition by e.event_id order by a.logon_time, a.dbusername, a.return_code) rn
    from {{ obj('EVENTS') }} e
    join logons a
      on lower(a.audit_ip) = lower(e.client_ip)
     and a.audit_port = e.client_port
     and a.logon_time >= e.event_time
     and a.logon_time <= e.event_time + {{ s.audit_window_seconds }}/86400
   where e.event_kind = 'establish'
)
select p.event_id,
       p.event_time,
       p.logon_time,
       round((p.logon_time - p.event_time) * 86400) delay_seconds,
       p.dbusername,
       p.os_username,
       p.userhost,
       p.terminal,
       p.client_program_name,
       p.audit_ip,
       p.audit_port,
       p.return_code,
       'address' match_method
  from pairs p
 where p.rn = 1
/
