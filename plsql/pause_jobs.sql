-- Upgrade while jobs run (the same steps as `lsnrmine install`): CREATE OR REPLACE of code a
-- running job executes waits on a library cache lock and fails with ORA-04021 after about 5
-- minutes. lsnrmine's enabled jobs are disabled (FORCE: a running instance finishes), then this
-- waits at most 180 s for running instances to end. Each job disabled here gets co_marker at the
-- start of its COMMENTS, removed when resume_jobs.sql enables it at the end of a complete run: a
-- run that stops half-way leaves the marked jobs disabled, and the next run enables them when it
-- completes. A job a DBA disabled (no marker) stays disabled.
variable lsnrmine_paused_jobs varchar2(4000)
declare
  co_jobs constant sys.odcivarchar2list := sys.odcivarchar2list({% for job in jobs %}{{ job | sqlstr }}{{ ", " if not loop.last }}{% endfor %});
  co_marker constant varchar2(64) := {{ marker | sqlstr }};
  co_wait_seconds constant pls_integer := 180;
  l_disabled_now varchar2(4000) := ',';
  l_running varchar2(4000);
begin
  :lsnrmine_paused_jobs := ',';
  for r_job in (
    select j.job_name, j.enabled, j.comments
      from user_scheduler_jobs j
     where j.job_name in (select column_value from table(co_jobs))
  ) loop
    if r_job.enabled = 'TRUE' then
      sys.dbms_scheduler.disable(name => r_job.job_name, force => true);
      l_disabled_now := l_disabled_now || r_job.job_name || ',';
      :lsnrmine_paused_jobs := :lsnrmine_paused_jobs || r_job.job_name || ',';
      if r_job.comments is null or substr(r_job.comments, 1, length(co_marker)) <> co_marker then
        sys.dbms_scheduler.set_attribute(name => r_job.job_name, attribute => 'comments',
                                         value => substr(co_marker || r_job.comments, 1, 240));
      end if;
    elsif substr(r_job.comments, 1, length(co_marker)) = co_marker then
      :lsnrmine_paused_jobs := :lsnrmine_paused_jobs || r_job.job_name || ',';
      sys.dbms_output.put_line('lsnrmine: job ' || r_job.job_name || ' was left disabled by an install that did '
                               || 'not complete: enabled again when this one completes');
    end if;
  end loop;
  for l_second in 1..co_wait_seconds
  loop
    select listagg(r.job_name, ', ') within group (order by r.job_name)
      into l_running
      from user_scheduler_running_jobs r
     where r.job_name in (select column_value from table(co_jobs));
    exit when l_running is null;
    sys.dbms_session.sleep(seconds => 1);
  end loop;
  if l_running is not null then
    for r_job in (
      select j.job_name, j.comments
        from user_scheduler_jobs j
       where instr(l_disabled_now, ',' || j.job_name || ',') > 0
    ) loop
      sys.dbms_scheduler.enable(name => r_job.job_name);
      sys.dbms_scheduler.set_attribute(name => r_job.job_name, attribute => 'comments',
                                       value => substr(r_job.comments, length(co_marker) + 1));
    end loop;
    raise_application_error(-20000, 'lsnrmine: job(s) ' || l_running || ' still running after '
      || co_wait_seconds || ' s: nothing was replaced; install again when it has finished, or stop it with '
      || 'dbms_scheduler.stop_job');
  end if;
end;
/
