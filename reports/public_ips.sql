-- Connection requests from public (non-RFC 1918) client addresses.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col client_ip format a40
col connections format 999,999,999
col failures format 999,999,999
select client_ip, count(*) connections, sum(failed) failures, min(event_time) first_time, max(event_time) last_time
  from {{ obj('REPORT_CONNECTIONS') }}
 where is_public = 1
   and {{ period }}
 group by client_ip
 order by connections desc, client_ip
/
