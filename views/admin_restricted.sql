-- The article's admin-restricted commands: 3-field lines, CONNECT_STRING holds the
-- command and PROTOCOL_INFO the return code (12508 under ADMIN_RESTRICTIONS).
-- Reads LISTENER_LOG (the article's view).
create or replace view {{ name }} (log_date, command, return_code) as
select log_date,
       connect_string command,
       protocol_info return_code
  from listener_log
 where connect_string in ('password', 'rawmode', 'displaymode', 'trc_file', 'trc_directory', 'trc_level',
                          'log_file', 'log_directory', 'log_status', 'current_listener',
                          'inbound_connect_timeout', 'startup_waittime', 'save_config_on_stop', 'start',
                          'stop', 'status', 'services', 'version', 'reload', 'save_config', 'trace',
                          'spawn', 'change_password', 'quit', 'exit')
/
