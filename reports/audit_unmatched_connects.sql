-- Audit: listener connections with no matching logon (failed or abandoned connects).
-- time_column: event_time
-- A connect the listener refused (LISTENER_RC other than 0) never reaches a logon; one it handed
-- over (0) without an audited logon inside audit_window_seconds was abandoned, failed before the
-- logon was audited, or the logon is not audited at all: with no logon audit policy every connect
-- is listed here (docs/audit.md).
col service format a30
col client_ip format a20
col client_host format a24
col client_user format a16
col program format a24
col reason format a40
select event_time, service, client_ip, client_port, client_host, client_user, program, listener_rc,
       case when nvl(listener_rc, 0) <> 0 then 'refused by the listener (TNS-' || to_char(listener_rc) || ')'
            else 'no audited logon within the window' end reason
  from {{ obj('AUDIT_MATCH') }}
 where matched = 0
   and {{ period }}
 order by event_time, event_id
/
