-- Audit: database users seen through more than one service (each service against the user's usual one).
-- time_column: event_time
-- Per database user and service: matched connects; USUAL_SERVICE is the service the user connects
-- through most often (ties: alphabetical first). Only users seen through two or more services are
-- listed; rows with IS_USUAL = 0 are the unexpected ones.
col db_user format a20
col service format a30
col usual_service format a30
with per_service as (
  select db_user, service, count(*) connections, min(event_time) first_time, max(event_time) last_time
    from {{ obj('AUDIT_MATCH') }}
   where matched = 1
     and db_user is not null
     and {{ period }}
   group by db_user, service
),
ranked as (
  select p.db_user, p.service, p.connections, p.first_time, p.last_time,
         count(*) over (partition by p.db_user) user_services,
         first_value(p.service) over (partition by p.db_user order by p.connections desc, p.service
                                      rows between unbounded preceding and unbounded following) usual_service
    from per_service p
)
select db_user, service, connections, user_services, usual_service,
       case when (service = usual_service) or (service is null and usual_service is null) then 1 else 0 end is_usual,
       first_time, last_time
  from ranked
 where user_services > 1
 order by db_user, is_usual desc, connections desc, service
/
