-- The article's JDBC report as a view: service name x client address of JDBC thin clients.
create or replace view {{ name }} (sn, host, cnt) as
select parse_listener_log_line(connect_string, 'SERVICE_NAME') sn,
       parse_listener_log_line(protocol_info, 'HOST') host,
       count(1) cnt
  from listener_log
 where parse_listener_log_line(connect_string, 'HOST') = '__jdbc__'
 group by parse_listener_log_line(connect_string, 'SERVICE_NAME'),
          parse_listener_log_line(protocol_info, 'HOST')
/
