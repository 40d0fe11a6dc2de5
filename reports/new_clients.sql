-- Client IPs first seen in the last report_new_client_days days before the newest event.
-- time_column: first_seen
-- `lsnrmine report --from/--to` restrict the rows on first_seen (rendered into the WHERE clause).
col client_ip format a40
col connections format 999,999,999
col failures format 999,999,999
select client_ip, first_seen, last_seen, connections, failures
  from {{ obj('REPORT_NEW_CLIENTS') }}
 where first_seen >= window_start
   and {{ period }}
 order by first_seen, client_ip
/
