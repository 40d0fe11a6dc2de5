-- Service registration timeline: service_register / service_update / service_died per service and hour.
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
col service format a40
col registers format 999,999
col updates format 999,999
col deaths format 999,999
select hour_start, service,
       sum(case when event_kind = 'service_register' then 1 else 0 end) registers,
       sum(case when event_kind = 'service_update' then 1 else 0 end) updates,
       sum(case when event_kind = 'service_died' then 1 else 0 end) deaths
  from {{ obj('REPORT_SERVICE_EVENTS') }}
 where {{ period }}
 group by hour_start, service
 order by hour_start, service
/
