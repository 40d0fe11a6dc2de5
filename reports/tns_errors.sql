-- TNS error codes with counts and Oracle's message text.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col return_code format 99999
col message format a80
col events format 999,999,999
select return_code, message, count(*) events, min(event_time) first_time, max(event_time) last_time
  from {{ obj('REPORT_TNS_ERRORS') }}
 where {{ period }}
 group by return_code, message
 order by events desc, return_code
/
