-- INGEST_JOB: runs LOG_LOCATION_PKG.run_ingest (LISTENER_LOG_EXT's LOCATION kept to the files that
-- exist, A5, then INGEST_PKG.run) every INGEST_INTERVAL_MINUTES (settings table, default 5).
-- Created when missing; when it exists, install applies the current setting to its schedule and
-- sets its action (an older install ran INGEST_PKG.run directly).
-- The interval is read here (and by INGEST_PKG.apply_settings), not at every run: after
-- `update LSNR_SETTINGS set value = '2' where name = 'INGEST_INTERVAL_MINUTES'` run
-- `lsnrmine install` or `exec LSNR_INGEST_PKG.apply_settings`.
-- DBMS_SCHEDULER.CREATE_JOB with job_type STORED_PROCEDURE, enabled, auto_drop FALSE
-- (PL/SQL Packages and Types Reference, DBMS_SCHEDULER; ../shared/oracle-notes.md section 5);
-- INTERVAL in a repeat_interval is 1..999 (calendaring syntax), longer intervals become HOURLY.
declare
  l_count   pls_integer;
  l_minutes number;
  l_repeat  varchar2(100);
begin
  select count(*)
    into l_count
    from user_scheduler_jobs
   where job_name = {{ name_literal }};
  select coalesce(max(case when regexp_like(s.value, '^[0-9]{1,4}$') then to_number(s.value) end), 5)
    into l_minutes
    from {{ obj('SETTINGS') }} s
   where s.name = 'INGEST_INTERVAL_MINUTES';
  l_repeat := case
                when l_minutes <= 999 then 'FREQ=MINUTELY;INTERVAL=' || trunc(greatest(l_minutes, 1))
                else 'FREQ=HOURLY;INTERVAL=' || ceil(l_minutes / 60)
              end;
  if l_count = 0 then
    sys.dbms_scheduler.create_job(
      job_name        => {{ name_literal }},
      job_type        => 'STORED_PROCEDURE',
      job_action      => {{ (s.schema ~ '.' ~ s.object_name('LOG_LOCATION_PKG') ~ '.RUN_INGEST') | sqlstr }},
      start_date      => systimestamp,
      repeat_interval => l_repeat,
      enabled         => true,
      auto_drop       => false,
      comments        => 'lsnrmine: read new listener log lines into ' || {{ s.object_name('EVENTS') | sqlstr }}
    );
  else
    sys.dbms_scheduler.set_attribute(name => {{ name_literal }}, attribute => 'repeat_interval', value => l_repeat);
    sys.dbms_scheduler.set_attribute(
      name      => {{ name_literal }},
      attribute => 'job_action',
      value     => {{ (s.schema ~ '.' ~ s.object_name('LOG_LOCATION_PKG') ~ '.RUN_INGEST') | sqlstr }}
    );
  end if;
end;
/
