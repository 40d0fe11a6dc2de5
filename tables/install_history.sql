{% from 'admin/macros.jinja' import create_if_missing %}
-- One row per run of `lsnrmine install` (owner phase): 'running' at the start, 'complete' at the
-- end, 'incomplete' with the objects created so far and the error when a run stops half-way.
-- The version of the last complete run decides which versioned ALTER steps an upgrade applies
-- (manifest.UPGRADE_STEPS). Created only if missing; kept by `uninstall --keep-data`, so a later
-- install still knows the shape of the kept tables.
-- Identity columns need 12c+ (SQL Language Reference, CREATE TABLE, identity_clause).
{% call create_if_missing() %}
create table {{ obj('INSTALL_HISTORY') }} (
  id          number generated always as identity not null,
  version     varchar2(30 byte) not null,
  phase       varchar2(10 byte) not null,
  started_at  timestamp with time zone default systimestamp not null,
  finished_at timestamp with time zone,
  status      varchar2(10 byte) default 'running' not null,
  objects     clob,
  message     varchar2(4000 byte),
  installed_by varchar2(128 byte) default user not null,
  constraint {{ obj('INSTALL_HISTORY_PK') }} primary key (id),
  constraint {{ obj('INSTALL_HISTORY_STATUS_CK') }} check (status in ('running', 'complete', 'incomplete')),
  constraint {{ obj('INSTALL_HISTORY_PHASE_CK') }} check (phase in ('admin', 'owner'))
)
{% endcall %}
