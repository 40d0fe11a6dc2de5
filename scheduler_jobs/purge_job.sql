-- PURGE_JOB: daily at 03:00, deletes events older than RETENTION_DAYS (settings table, default
-- 90; read at every run by INGEST_PKG.purge). Events without a time (EVENT_TIME null) are deleted
-- once a later-loaded event of the same source (higher event_id) is older than the limit; until
-- then they stay, and the time-windowed report views (which filter on event_time) do not show
-- them. Created when missing.
declare
  l_count pls_integer;
begin
  select count(*)
    into l_count
    from user_scheduler_jobs
   where job_name = {{ name_literal }};
  if l_count = 0 then
    sys.dbms_scheduler.create_job(
      job_name        => {{ name_literal }},
      job_type        => 'PLSQL_BLOCK', -- purge has a defaulted parameter: call it in a block
      job_action      => {{ ('begin ' ~ s.schema ~ '.' ~ s.object_name('INGEST_PKG') ~ '.purge; end;') | sqlstr }},
      start_date      => systimestamp,
      repeat_interval => 'FREQ=DAILY;BYHOUR=3;BYMINUTE=0;BYSECOND=0',
      enabled         => true,
      auto_drop       => false,
      comments        => 'lsnrmine: delete events older than RETENTION_DAYS'
    );
  end if;
end;
/
