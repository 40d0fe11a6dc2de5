-- Upgrade while jobs run (the same steps as `lsnrmine install`): CREATE OR REPLACE of code a
-- running job executes waits on a library cache lock and fails with ORA-04021 after about 5
-- minutes. lsnrmine's enabled jobs are disabled (FORCE: a running instance finishes), then this
-- waits at most 180 s for running instances to end; the jobs disabled here are enabled again at
-- the end of install.sql (a job a DBA had disabled stays disabled).
variable lsnrmine_paused_jobs varchar2(4000)
declare
  co_jobs constant sys.odcivarchar2list := sys.odcivarchar2list({% for job in jobs %}{{ job | sqlstr }}{{ ", " if not loop.last }}{% endfor %});
  co_wait_seconds constant pls_integer := 180;
  l_enabled pls_integer;
  l_running varchar2(4000);
begin
  :lsnrmine_paused_jobs := ',';
  for i in 1..co_jobs.count
  loop
    select count(*)
      into l_enabled
      from user_scheduler_jobs j
     where j.job_name = co_jobs(i)
       and j.enabled = 'TRUE';
    if l_enabled > 0 then
      sys.dbms_scheduler.disable(name => co_jobs(i), force => true);
      :lsnrmine_paused_jobs := :lsnrmine_paused_jobs || co_jobs(i) || ',';
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
    for i in 1..co_jobs.count
    loop
      if instr(:lsnrmine_paused_jobs, ',' || co_jobs(i) || ',') > 0 then
        sys.dbms_scheduler.enable(name => co_jobs(i));
      end if;
    end loop;
    raise_application_error(-20000, 'lsnrmine: job(s) ' || l_running || ' still running after '
      || co_wait_seconds || ' s: nothing was replaced; install again when it has finished, or stop it with '
      || 'dbms_scheduler.stop_job');
  end if;
end;
/
