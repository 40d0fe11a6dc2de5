-- The article's failed listener commands (its list with the missing comma after 'spawn' fixed):
-- lsnrctl commands whose return code is not 0.
-- Reads LISTENER_LOG (the article's view).
create or replace view {{ name }} (log_date, l_user, command, return_code) as
select log_date,
       parse_listener_log_line(connect_string, 'USER') l_user,
       protocol_info command,
       action return_code
  from listener_log
 where parse_listener_log_line(connect_string, 'COMMAND') in ('start', 'stop', 'status', 'services', 'version',
                                                             'reload', 'save_config', 'trace', 'spawn',
                                                             'change_password', 'quit', 'exit')
   and action != '0'
/
