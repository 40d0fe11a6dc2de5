-- Failure ratio per client IP: failed / total connection requests, in percent.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col client_ip format a40
col connections format 999,999,999
col failures format 999,999,999
col failure_pct format 990.0
select client_ip, count(*) connections, sum(failed) failures, round(100 * sum(failed) / count(*), 1) failure_pct
  from {{ obj('REPORT_CONNECTIONS') }}
 where {{ period }}
 group by client_ip
 order by failure_pct desc, failures desc, client_ip
/
