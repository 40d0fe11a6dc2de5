-- Article (Part 3, "Admin Restrictions"): commands refused under ADMIN_RESTRICTIONS.
-- These lines have three fields: CONNECT_STRING holds the command and
-- PROTOCOL_INFO the return code (12508).
Col command format a20
Col return_code format a15
Set pages 3400
select
       log_date,
       connect_string
                             command,
       protocol_info
                             return_code
from listener_log
where connect_string in
(
         'password',
         'rawmode',
         'displaymode',
         'trc_file',
         'trc_directory',
         'trc_level',
         'log_file',
         'log_directory',
         'log_status',
         'current_listener',
         'inbound_connect_timeout',
         'startup_waittime',
         'save_config_on_stop',
         'start',
         'stop',
         'status',
         'services',
         'version',
         'reload',
         'save_config',
         'trace',
         'spawn',
         'change_password',
         'quit',
         'exit'
)
/
