-- Audit, traditional auditing (the article's "Combining with Auditing"): each listener connect in
-- EVENTS paired with the session it led to in DBA_AUDIT_TRAIL (time window and client), the logon
-- time shifted to the listener's clock. Deployed when audit_mode is traditional or both;
-- needs admin/audit_grants.sql.
-- facts: docs/oracle-facts.md#views-audit-traditional-match
create or replace view {{ name }} (event_id, event_time, logon_time, delay_seconds, db_user, os_user,
                                   userhost, terminal, client_program, audit_ip, audit_port, logon_rc,
                                   match_method) as
with tz as (
  select round((sysdate - cast(localtimestamp as date)) * 96) / 96 shift_days
    from dual
),
logons as (
  select a.timestamp + tz.shift_days logon_time,
         a.username,
         a.os_username,
         a.userhost,
         a.terminal,
         a.returncode,
         regexp_substr(a.comment_text, 'Client address: [^;]*\(HOST=([^)]+)\)', 1, 1, null, 1) audit_ip,
         to_number(regexp_substr(a.comment_text, 'Client address: [^;]*\(PORT=([0-9]+)\)', 1, 1, null, 1)) audit_port,
         lower(a.userhost) userhost_lc,
         lower(substr(a.userhost, instr(a.userhost, '\', -1) + 1)) userhost_short,
         lower(a.terminal) terminal_lc
    from dba_audit_trail a
   cross join tz
   where a.action_name in ('LOGON', 'LOGOFF', 'LOGOFF BY CLEANUP')
),
pairs as (
  select e.event_id,
         e.event_time,
         a.logon_time,
         a.username,
         a.os_username,
         a.userhost,
         a.terminal,
         a.audit_ip,
         a.audit_port,
         a.returncode,
         case when a.audit_ip is not null then 'address' else 'host' end match_method,
         row_number() over (partition by e.event_id
                            order by case when a.audit_ip is not null then 0 else 1 end,
                                     a.logon_time, a.username, a.returncode) rn
    from {{ obj('EVENTS') }} e
    join logons a
      on a.logon_time >= e.event_time
     and a.logon_time <= e.event_time + {{ s.audit_window_seconds }}/86400
     and ((a.audit_ip is not null
           and lower(a.audit_ip) = lower(e.client_ip)
           and a.audit_port = e.client_port)
          or (a.audit_ip is null
              and lower(e.client_host) in (a.userhost_lc, a.userhost_short, a.terminal_lc)))
   where e.event_kind = 'establish'
)
select p.event_id,
       p.event_time,
       p.logon_time,
       round((p.logon_time - p.event_time) * 86400) delay_seconds,
       p.username,
       p.os_username,
       p.userhost,
       p.terminal,
       cast(null as varchar2(48)) client_program,
       p.audit_ip,
       p.audit_port,
       p.returncode,
       p.match_method
  from pairs p
 where p.rn = 1
/
