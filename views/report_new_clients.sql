-- Report base: each client IP's first and last connection request over all kept events,
-- and the start of the "new client" window: report_new_client_days ({{ s.report_new_client_days }})
-- days before the newest event.
create or replace view {{ name }} (client_ip, first_seen, last_seen, connections, failures, window_start) as
select c.client_ip,
       min(c.event_time) first_seen,
       max(c.event_time) last_seen,
       count(*) connections,
       sum(c.failed) failures,
       m.window_start
  from {{ obj('REPORT_CONNECTIONS') }} c
 cross join (select max(event_time) - {{ s.report_new_client_days }} window_start
               from {{ obj('EVENTS') }}) m
 where c.client_ip is not null
 group by c.client_ip, m.window_start
/
