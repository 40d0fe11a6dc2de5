-- JDBC thin clients (CID HOST __jdbc__): service name x client IP, as in the article.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col service_name format a30
col client_ip format a40
col connections format 999,999,999
col failures format 999,999,999
select service_name, client_ip, count(*) connections, sum(failed) failures,
       min(event_time) first_time, max(event_time) last_time
  from {{ obj('REPORT_CONNECTIONS') }}
 where is_jdbc = 1
   and {{ period }}
 group by service_name, client_ip
 order by connections desc, service_name, client_ip
/
