-- Upgrade while jobs run: lsnrmine's enabled jobs are disabled (marked with co_marker in COMMENTS)
-- and running instances waited for (at most 180 s), so CREATE OR REPLACE does not fail with
-- ORA-04021; resume_jobs.sql enables the marked jobs when the run completes.
-- facts: docs/oracle-facts.md#plsql-pause-jobs
variable lsnrmine_paused_jobs varchar2(4000)
declare
  co_jobs constant sys.odcivarchar2list := sys.odcivarchar2list({% for job in jobs %}{{ job | sqlstr }}{{ ", " if not loop.last }}{% endfor %});
  co_marker constant varchar2(64) := {{ marker | sqlstr }};
{% if s.multi_source %}
  co_instance_jobs constant varchar2(128) := {{ (s.object_name('INGEST_JOB') ~ '_I') | sqlstr }};
{% endif %}
  co_wait_seconds constant pls_integer := 180;
  l_disabled_now varchar2(4000) := ',';
  l_running varchar2(4000);
begin
  :lsnrmine_paused_jobs := ',';
  for r_job in (
    select j.job_name, j.enabled, j.comments
      from user_scheduler_jobs j
     where j.job_name in (select column_value from table(co_jobs))
{% if s.multi_source %}
        or substr(j.job_name, 1, length(co_instance_jobs)) = co_instance_jobs -- INGEST_JOB_I<n>
           and regexp_like(substr(j.job_name, length(co_instance_jobs) + 1), '^[0-9]{1,3}$')
{% endif %}
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
{% if s.multi_source %}
     where r.job_name in (select column_value from table(co_jobs))
        or substr(r.job_name, 1, length(co_instance_jobs)) = co_instance_jobs
           and regexp_like(substr(r.job_name, length(co_instance_jobs) + 1), '^[0-9]{1,3}$');
{% else %}
     where r.job_name in (select column_value from table(co_jobs));
{% endif %}
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
