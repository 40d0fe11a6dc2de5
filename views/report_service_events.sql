-- Report base: service registration events (service_register, service_update,
-- service_died); on these 4-field lines the service/instance name is in SID.
-- Reads EVENTS.
create or replace view {{ name }} (event_id, event_time, hour_start, service, event_kind, return_code,
                                   listener, host) as
select e.event_id,
       e.event_time,
       trunc(e.event_time, 'HH24') hour_start,
       nvl(e.service_name, e.sid) service,
       e.event_kind,
       e.return_code,
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
 where e.event_kind in ('service_register', 'service_update', 'service_died')
/
