-- The alert job: calls ALERT_PKG.run every ALERT_INTERVAL_MINUTES (settings table, read at install:
-- re-run install to apply a change). Created when missing; an existing job keeps its state and gets
-- the current interval.
-- facts: docs/oracle-facts.md#scheduler-jobs-alert-job
declare
  l_minutes pls_integer;
  l_exists  pls_integer;
  l_interval varchar2(100);
begin
  select nvl(max(case when regexp_like(value, '^[0-9]{1,4}$') then to_number(value) end), {{ s.alert_interval_minutes }})
    into l_minutes
    from {{ obj('SETTINGS') }}
   where name = 'ALERT_INTERVAL_MINUTES';
  if l_minutes < 1 or l_minutes > 1440 then
    l_minutes := {{ s.alert_interval_minutes }};
  end if;
  l_interval := 'FREQ=MINUTELY;INTERVAL=' || to_char(l_minutes);
  select count(*)
    into l_exists
    from user_scheduler_jobs
   where job_name = {{ name_literal }};
  if l_exists = 0 then
    sys.dbms_scheduler.create_job(
      job_name        => {{ name_literal }},
      job_type        => 'STORED_PROCEDURE',
      job_action      => {{ (s.object_name('ALERT_PKG') ~ '.RUN') | sqlstr }},
      start_date      => systimestamp,
      repeat_interval => l_interval,
      enabled         => true,
      auto_drop       => false,
      comments        => 'lsnrmine: evaluate the listener alert rules and deliver alerts');
  else
    sys.dbms_scheduler.set_attribute(name => {{ name_literal }}, attribute => 'repeat_interval', value => l_interval);
  end if;
end;
/
