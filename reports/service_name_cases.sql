-- Service names requested in several letter cases (e.g. OMT and omt).
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col service_key format a40
col spellings format 999
col variants format a80
col connections format 999,999,999
select service_key, count(*) spellings,
       listagg(service_name, ', ') within group (order by service_name) variants,
       sum(cnt) connections
  from (select upper(service_name) service_key, service_name, count(*) cnt
          from {{ obj('REPORT_CONNECTIONS') }}
         where service_name is not null
           and {{ period }}
         group by upper(service_name), service_name)
 group by service_key
having count(*) > 1
 order by service_key
/
