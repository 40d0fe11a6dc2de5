-- INGEST_JOB: runs LOG_LOCATION_PKG.run_ingest every INGEST_INTERVAL_MINUTES (settings table, read
-- here and by INGEST_PKG.apply_settings, not at every run). Created when missing; otherwise install
-- applies the current schedule and action.
-- facts: docs/oracle-facts.md#scheduler-jobs-ingest-job
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
