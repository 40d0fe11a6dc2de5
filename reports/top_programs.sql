-- Top programs (CID PROGRAM) by connection requests, with failures.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col program format a40
col connections format 999,999,999
col failures format 999,999,999
select program, count(*) connections, sum(failed) failures, min(event_time) first_time, max(event_time) last_time
  from {{ obj('REPORT_CONNECTIONS') }}
 where {{ period }}
 group by program
 order by connections desc, program
/
