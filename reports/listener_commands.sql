-- Listener (lsnrctl) commands with OS user, host and return code.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col command format a20
col client_user format a20
col client_host format a30
col return_code format 99999
select event_time, command, client_user, client_host, return_code
  from {{ obj('REPORT_COMMANDS') }}
 where {{ period }}
 order by event_time, event_id
/
