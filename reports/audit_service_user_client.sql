-- Audit: service name x database user x client (listener connects matched to logon audit records).
-- time_column: event_time
-- Reads LSNR_AUDIT_MATCH (installed when audit_mode is not none; docs/audit.md). Failed logons
-- (LOGON_RC other than 0, e.g. 1017 wrong password) are counted apart.
col service format a30
col db_user format a20
col client_ip format a20
col client_host format a24
col program format a24
select service, db_user, client_ip, client_host, program,
       count(*) connections,
       sum(case when nvl(logon_rc, 0) <> 0 then 1 else 0 end) failed_logons,
       min(event_time) first_time,
       max(event_time) last_time
  from {{ obj('AUDIT_MATCH') }}
 where matched = 1
   and {{ period }}
 group by service, db_user, client_ip, client_host, program
 order by connections desc, service, db_user, client_ip, client_host, program
/
