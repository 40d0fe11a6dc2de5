{% from 'admin/macros.jinja' import directory_guard with context %}
-- Opt-in (settings loader_log_directory/loader_log_dir): a separate, writable
-- directory for ORACLE_LOADER log files, so the listener log folder stays read-only.
-- Never repoints an existing directory of that name without --force (see admin/directory.sql).
-- Without --force, a guard refuses to go on when it exists and points elsewhere.
{{ directory_guard('loader_log_directory') -}}
create or replace directory {{ name }} as {{ directory_path | sqlstr }}
/
grant read, write on directory {{ name }} to {{ s.schema | ident }}
/
