-- Listener commands that failed (return code other than 0) with the error lines.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col command format a20
col client_user format a20
col client_host format a30
col return_code format 99999
col error_text format a80
select event_time, command, client_user, client_host, return_code, error_text
  from {{ obj('REPORT_COMMANDS') }}
 where failed = 1
   and {{ period }}
 order by event_time, event_id
/
