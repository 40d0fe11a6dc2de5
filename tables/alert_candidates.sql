{% from 'admin/macros.jinja' import create_if_missing %}
-- ALERT_CANDIDATES: scratch rows of one alert evaluation run (ALERT_PKG inserts each rule view's
-- candidates, ALERT_EPISODES groups them). A global temporary table, ON COMMIT DELETE ROWS.
-- Created only if missing (macro create_if_missing).
-- facts: docs/oracle-facts.md#tables-alert-candidates
{% set candidates_ddl %}
create global temporary table {{ obj('ALERT_CANDIDATES') }} (
  rule_id     varchar2(30 byte) not null,
  severity    varchar2(10 byte) not null,
  alert_key   varchar2(400 byte) not null,
  event_id    number,
  event_time  date not null,
  evidence    varchar2(4000 byte),
  listener    varchar2(128 char),
  host        varchar2(255 char)
) on commit delete rows
{% endset %}
{% call create_if_missing() %}
{{ candidates_ddl | trim }}
{% endcall %}
-- upgrade: a table created ON COMMIT PRESERVE ROWS (by an older lsnrmine) is dropped and created
-- again ON COMMIT DELETE ROWS (USER_TABLES.DURATION SYS$SESSION vs SYS$TRANSACTION), and so is one
-- without the listener and host columns; it holds no data between runs. A session still bound to
-- it (ORA-14452) is named with what to do.
declare
  e_in_use exception;
  pragma exception_init(e_in_use, -14452); -- temporary table already in use
  l_duration varchar2(30);
  l_columns  pls_integer;
begin
  select max(duration)
    into l_duration
    from sys.user_tables
   where table_name = {{ s.object_name('ALERT_CANDIDATES') | sqlstr }};
  select count(*)
    into l_columns
    from sys.user_tab_columns
   where table_name = {{ s.object_name('ALERT_CANDIDATES') | sqlstr }}
     and column_name in ('LISTENER', 'HOST');
  if l_duration = 'SYS$SESSION' or (l_duration is not null and l_columns < 2) then
    execute immediate 'drop table {{ obj('ALERT_CANDIDATES') }} purge';
    execute immediate q'[
{{ candidates_ddl | trim }}]';
  end if;
exception
  when e_in_use then
    sys.dbms_standard.raise_application_error(
      num => -20001,
      msg => 'ORA-14452: ' || {{ s.object_name('ALERT_CANDIDATES') | sqlstr }}
             || ' is still bound to a session that ran the alert job: wait for that session to end'
             || ' (or end it: it is a scheduler job slave or a session that called ALERT_PKG), then re-run install');
end;
/
