-- Failure ratio per service: failed / total connection requests, in percent.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col service format a40
col connections format 999,999,999
col failures format 999,999,999
col failure_pct format 990.0
select service, count(*) connections, sum(failed) failures, round(100 * sum(failed) / count(*), 1) failure_pct
  from {{ obj('REPORT_CONNECTIONS') }}
 where {{ period }}
 group by service
 order by failure_pct desc, failures desc, service
/
