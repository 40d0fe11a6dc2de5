{% from 'admin/macros.jinja' import directory_guard with context %}
-- The directory object over the listener log folder; the owner gets READ only.
-- CREATE DIRECTORY needs CREATE ANY DIRECTORY; directories belong to SYS
-- (SQL Language Reference, CREATE DIRECTORY). CREATE OR REPLACE would repoint a directory of
-- the same name that someone else uses (e.g. DATA_PUMP_DIR): an existing directory pointing
-- elsewhere is repointed only when rendered/installed with --force.
-- Without --force, a guard refuses to go on when it exists and points elsewhere.
{% if s.multi_source %}
-- One directory object per distinct folder of the log sources ([[sources]]), READ only on each.
-- Every guard runs before the first directory is created or repointed.
{% for d in directories %}
{{ directory_guard('sources[].directory', d.name_literal, d.path) -}}
{% endfor %}
{% for d in directories %}
create or replace directory {{ d.name }} as {{ d.path | sqlstr }}
/
grant read on directory {{ d.name }} to {{ s.schema | ident }}
/
{% endfor %}
{% else %}
{{ directory_guard('directory') -}}
create or replace directory {{ name }} as {{ directory_path | sqlstr }}
/
grant read on directory {{ name }} to {{ s.schema | ident }}
/
{% endif %}
