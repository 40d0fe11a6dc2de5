-- Article (Part 3, "SID or Service Name Breakup"): JDBC clients by SID and service name.
-- A NULL SID means the client used a service name.
-- Reads LISTENER_LOG through PARSE_LISTENER_LOG_LINE (the article's query).
col sid format a15
col sn format a20
col host format a20
col cnt format 999,999,999
select
  parse_listener_log_line(connect_string,'SID') SID,
  parse_listener_log_line(connect_string,'SERVICE_NAME') SN,
  parse_listener_log_line(protocol_info,'HOST') host,
  count(1) cnt
from listener_log
where
  parse_listener_log_line(connect_string,'HOST') = '__jdbc__'
group by
  parse_listener_log_line(connect_string,'SID'),
  parse_listener_log_line(connect_string,'SERVICE_NAME'),
  parse_listener_log_line(protocol_info,'HOST')
/
