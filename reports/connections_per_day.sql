-- Connection requests and failures per day.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col connections format 999,999,999
col failures format 999,999,999
select day_start, count(*) connections, sum(failed) failures
  from {{ obj('REPORT_CONNECTIONS') }}
 where {{ period }}
 group by day_start
 order by day_start
/
