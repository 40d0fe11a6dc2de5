{# The revert of INGEST_JOB: drops it (plsql/revert_drop.sql) and, with [[sources]], every instance job
   INGEST_JOB_I<n> (scheduler_jobs/ingest_job.sql), whichever instances an earlier install named. #}
{% include 'plsql/revert_drop.sql' %}
{% if s.multi_source %}
declare
  co_prefix constant varchar2(128) := {{ (s.object_name('INGEST_JOB') ~ '_I') | sqlstr }};
  e_no_job exception;
  pragma exception_init(e_no_job, -27475); -- unknown job
begin
  for r_job in (
    select j.job_name
      from user_scheduler_jobs j
     where substr(j.job_name, 1, length(co_prefix)) = co_prefix
       and regexp_like(substr(j.job_name, length(co_prefix) + 1), '^[0-9]{1,3}$')
  ) loop
    begin
      sys.dbms_scheduler.drop_job(job_name => r_job.job_name, force => true);
    exception
      when e_no_job then
        null; -- dropped by another session meanwhile
    end;
  end loop;
end;
/
{% endif %}
