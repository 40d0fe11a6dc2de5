-- Article (Part 3, "Combining with Auditing"): service names and database users
-- of one JDBC client. Fixed from the article: `1.log_date` -> `l.log_date`.
-- Edit the IP address and the client's host name to the ones you investigate.
col sn format a20
col username format a20
col cnt format 999,999,999
select
  parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
   a.username,
  count(1) cnt
from
  listener_log l,
   dba_audit_trail a
where
  parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
and
  parse_listener_log_line(protocol_info,'HOST') = '10.20.214.170'
and
   l.log_date between a.timestamp - (2/24/60/60) and a.timestamp
and
  a.userhost = 'stcdelpas01'
group by
  parse_listener_log_line(connect_string,'SERVICE_NAME'),
   a.username
/
