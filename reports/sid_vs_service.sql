-- SID vs service name per client (the article's breakup, all clients): requests by SID, by SERVICE_NAME, by neither.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col client_ip format a40
col client_host format a30
col by_sid format 999,999,999
col by_service_name format 999,999,999
col by_neither format 999,999,999
select client_ip, client_host,
       sum(case when addressing = 'SID' then 1 else 0 end) by_sid,
       sum(case when addressing = 'SERVICE_NAME' then 1 else 0 end) by_service_name,
       sum(case when addressing = 'NONE' then 1 else 0 end) by_neither
  from {{ obj('REPORT_CONNECTIONS') }}
 where {{ period }}
 group by client_ip, client_host
 order by client_ip, client_host
/
