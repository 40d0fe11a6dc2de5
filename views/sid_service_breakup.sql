-- The article's SID / service name breakup of JDBC thin clients (NULL SID: a service name was used).
-- Reads LISTENER_LOG (the article's view) through PARSE_LISTENER_LOG_LINE.
-- One row per SID, service name and client host, with its count.
create or replace view {{ name }} (sid, sn, host, cnt) as
select parse_listener_log_line(connect_string, 'SID') sid,
       parse_listener_log_line(connect_string, 'SERVICE_NAME') sn,
       parse_listener_log_line(protocol_info, 'HOST') host,
       count(1) cnt
  from listener_log
 where parse_listener_log_line(connect_string, 'HOST') = '__jdbc__'
 group by parse_listener_log_line(connect_string, 'SID'),
          parse_listener_log_line(connect_string, 'SERVICE_NAME'),
          parse_listener_log_line(protocol_info, 'HOST')
/
