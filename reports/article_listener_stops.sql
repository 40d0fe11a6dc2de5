-- Article (Part 3, "Listener Password"): who stopped (or tried to stop) the listener.
-- These lines have four fields, so ACTION holds the return code (1190 = wrong password).
-- Reads LISTENER_LOG through PARSE_LISTENER_LOG_LINE (the article's query).
col l_user format a10
col service format a20
col logdate format a20
col host format a10
col RC format a5
select to_char(log_date,'mm/dd/yy hh24:mi:ss') logdate,
parse_listener_log_line(connect_string,'HOST') host,
        parse_listener_log_line(connect_string,'USER') l_user,
        parse_listener_log_line(connect_string,'SERVICE') service,
        action RC
from listener_log
where parse_listener_log_line(connect_string, 'COMMAND') = 'stop'
/
