-- Opt-in (settings loader_log_directory/loader_log_dir): a separate, writable
-- directory for ORACLE_LOADER log files, so the listener log folder stays read-only.
create or replace directory {{ s.loader_log_directory | ident }} as {{ s.loader_log_dir | sqlstr }}
/
grant read, write on directory {{ s.loader_log_directory | ident }} to {{ s.schema | ident }}
/
