-- Report base: one row per connection request (event_kind establish) with the values the
-- connection reports group by: hour and day, the service asked for (SERVICE_NAME, else SID), how it
-- was addressed, failure (return code other than 0), JDBC thin client (CID HOST __jdbc__, as in the
-- article), public client address (not RFC 1918 / loopback / link-local / IPv6 ULA), and privileged
-- OS user (CID USER in the privileged_os_users setting, compared in lower case). An IPv4-mapped
-- IPv6 address (::ffff:a.b.c.d) is classified by its IPv4 form; IPv6 link-local is fe80::/10.
create or replace view {{ name }} (event_id, event_time, hour_start, day_start, service, service_name, sid,
                                   addressing, client_ip, client_host, client_user, program, protocol,
                                   return_code, failed, is_jdbc, is_public, is_privileged, listener, host) as
select e.event_id,
       e.event_time,
       trunc(e.event_time, 'HH24') hour_start,
       trunc(e.event_time, 'DD') day_start,
       nvl(e.service_name, e.sid) service,
       e.service_name,
       e.sid,
       case when e.service_name is not null then 'SERVICE_NAME'
            when e.sid is not null then 'SID'
            else 'NONE' end addressing,
       e.client_ip,
       e.client_host,
       e.client_user,
       e.program,
       e.protocol,
       e.return_code,
       case when nvl(e.return_code, 0) <> 0 then 1 else 0 end failed,
       case when e.client_host = '__jdbc__' then 1 else 0 end is_jdbc,
       case when e.client_ip is null then 0
            when regexp_like(regexp_replace(lower(e.client_ip), '^(::|0:0:0:0:0:)ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$', '\2'),
                             '^(10\.|127\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|169\.254\.|::1$|fe[89ab][0-9a-f]:|f[cd][0-9a-f]{2}:)')
            then 0
            else 1 end is_public,
       case when lower(e.client_user) in ({% for user in s.privileged_os_users %}{{ user | sqlstr }}{{ ", " if not loop.last }}{% endfor %}) then 1 else 0 end is_privileged,
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
 where e.event_kind = 'establish'
/
