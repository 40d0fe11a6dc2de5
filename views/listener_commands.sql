-- Every lsnrctl command the listener logged with its CONNECT_DATA (the article's
-- 4-field lines: stop, log_file, log_directory, ...). On these lines ACTION holds
-- the return code, as the article explains.
create or replace view {{ name }} (log_date, host, l_user, service, command, rc) as
select log_date,
       parse_listener_log_line(connect_string, 'HOST') host,
       parse_listener_log_line(connect_string, 'USER') l_user,
       parse_listener_log_line(connect_string, 'SERVICE') service,
       parse_listener_log_line(connect_string, 'COMMAND') command,
       action rc
  from listener_log
 where parse_listener_log_line(connect_string, 'COMMAND') is not null
/
