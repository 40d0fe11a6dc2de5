-- Clients connecting with a SID instead of a service name.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col client_ip format a40
col client_host format a30
col program format a40
col sid format a20
col connections format 999,999,999
select client_ip, client_host, program, sid, count(*) connections, max(event_time) last_time
  from {{ obj('REPORT_CONNECTIONS') }}
 where addressing = 'SID'
   and {{ period }}
 group by client_ip, client_host, program, sid
 order by connections desc, client_ip, client_host, program, sid
/
