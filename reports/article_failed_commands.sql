-- Article (Part 3, "Admin Restrictions"): listener commands that failed.
-- Fixed from the article: `from listener log` -> `from listener_log`, and the
-- missing comma after 'spawn' (the article's list concatenated two literals).
col l_user format a10
col command format a20
col return_code format a15
select log_date,
       parse_listener_log_line(connect_string,'USER') l_user,
       protocol_info command,
       action return_code
from listener_log
where
       parse_listener_log_line(connect_string,'COMMAND')
       in
       (
              'start',
              'stop',
              'status',
              'services',
              'version',
              'reload',
              'save_config',
              'trace','spawn',
              'change_password',
              'quit',
              'exit'
       )
and action != '0'
/
