-- Connection requests from privileged OS users (setting privileged_os_users).
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col client_user format a20
col client_host format a30
col client_ip format a40
col program format a40
col service format a30
col return_code format 99999
select event_time, client_user, client_host, client_ip, program, service, return_code
  from {{ obj('REPORT_CONNECTIONS') }}
 where is_privileged = 1
   and {{ period }}
 order by event_time, event_id
/
