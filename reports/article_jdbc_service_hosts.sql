-- Article (Part 3, "JDBC Connections"): service name used from each JDBC thin client.
-- For JDBC thin clients CONNECT_DATA's HOST is __jdbc__; the client's address is
-- the HOST of the ADDRESS in PROTOCOL_INFO.
col sn format a20
col host format a20
col cnt format 999,999,999
select
   parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
   parse_listener_log_line(protocol_info,'HOST') host,
   count(1) cnt
from listener_log
where
   parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
group by
   parse_listener_log_line(connect_string,'SERVICE_NAME'),
   parse_listener_log_line(protocol_info,'HOST')
/
