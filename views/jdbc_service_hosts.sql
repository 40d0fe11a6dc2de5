-- The article's JDBC report as a view: service name x client address of JDBC thin clients
-- (CID HOST __jdbc__, as in the article).
-- Reads LISTENER_LOG (the article's view) through PARSE_LISTENER_LOG_LINE.
create or replace view {{ name }} (sn, host, cnt) as
select parse_listener_log_line(connect_string, 'SERVICE_NAME') sn,
       parse_listener_log_line(protocol_info, 'HOST') host,
       count(1) cnt
  from listener_log
 where parse_listener_log_line(connect_string, 'HOST') = '__jdbc__'
 group by parse_listener_log_line(connect_string, 'SERVICE_NAME'),
          parse_listener_log_line(protocol_info, 'HOST')
/
