{% from 'admin/macros.jinja' import create_if_missing %}
-- SOURCES: one row per file of each log source ([[sources]] in lsnrmine.toml): its label (the
-- source column of the staged lines and events, LOAD_STATE.file_name), listener, host, directory
-- object and the RAC instance whose ingest job reads it (NULL: the unpinned job). Created only if
-- missing; seeded by MERGE on every install from the settings: a configured file's row follows
-- them and is enabled; the rows of files no longer configured are disabled, never deleted (their
-- events and load state stay).
-- facts: docs/oracle-facts.md#tables-sources
{% call create_if_missing() %}
create table {{ obj('SOURCES') }} (
  label           varchar2(255 char) not null,
  source_name     varchar2(128 char) not null,
  file_name       varchar2(255 char) not null,
  listener        varchar2(128 char) not null,
  host            varchar2(255 char),
  directory_name  varchar2(128 char) not null,
  instance_number number(3),
  enabled         varchar2(1 byte) default 'Y' not null,
  updated_at      date default sysdate not null,
  constraint {{ obj('SOURCES_PK') }} primary key (label),
  constraint {{ obj('SOURCES_ENABLED_CK') }} check (enabled in ('Y', 'N')),
  constraint {{ obj('SOURCES_INSTANCE_CK') }} check (instance_number between 1 and 255)
)
{% endcall %}
merge into {{ obj('SOURCES') }} t
using (
{% for f in s.source_files() %}
  select {{ f.label | sqlstr }} label, {{ f.source.name | sqlstr }} source_name, {{ f.file_name | sqlstr }} file_name,
         {{ f.source.listener | sqlstr }} listener,
         {{ f.source.host | sqlstr if f.source.host is not none else "cast(null as varchar2(255 char))" }} host,
         {{ f.source.directory | sqlstr }} directory_name,
         {{ f.source.instance if f.source.instance is not none else "cast(null as number)" }} instance_number
    from dual
{% if not loop.last %}
  union all
{% endif %}
{% endfor %}
) src
on (t.label = src.label)
when matched then
  -- the right-hand sides see the row as it was before this update
  update set t.source_name = src.source_name,
             t.file_name = src.file_name,
             t.listener = src.listener,
             t.host = src.host,
             t.directory_name = src.directory_name,
             t.instance_number = src.instance_number,
             t.enabled = 'Y',
             t.updated_at = case
                              when t.enabled = 'Y'
                                   and t.source_name = src.source_name
                                   and t.file_name = src.file_name
                                   and t.listener = src.listener
                                   and decode(t.host, src.host, 1, 0) = 1
                                   and t.directory_name = src.directory_name
                                   and decode(t.instance_number, src.instance_number, 1, 0) = 1 then t.updated_at
                              else sysdate
                            end
when not matched then
  insert (label, source_name, file_name, listener, host, directory_name, instance_number, enabled)
  values (src.label, src.source_name, src.file_name, src.listener, src.host, src.directory_name,
          src.instance_number, 'Y')
/
-- files no longer configured: disabled (no job reads them, LISTENER_LOG leaves them out); their
-- events and LOAD_STATE rows stay
update {{ obj('SOURCES') }} t
   set t.enabled = 'N',
       t.updated_at = sysdate
 where t.enabled = 'Y'
   and t.label not in (
{% for f in s.source_files() %}
         {{ f.label | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
       )
/
commit
/
