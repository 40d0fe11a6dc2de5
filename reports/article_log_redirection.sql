-- Article (Part 3, "Log File Redirection"): attempts to move the listener's log.
-- The article shows only the output of this query; it is the stop query with the
-- log_file / log_directory commands. Four fields: ACTION holds the return code.
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
where parse_listener_log_line(connect_string, 'COMMAND') in ('log_file', 'log_directory')
/
