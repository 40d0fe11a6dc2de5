-- The jobs plsql/pause_jobs.sql disabled now or found marked by an earlier run that stopped,
-- enabled again after a complete run; then the marker leaves their COMMENTS (a failed ENABLE keeps
-- the marker, so the next run tries again).
declare
  co_marker constant varchar2(64) := {{ marker | sqlstr }};
{% if s.multi_source %}
  co_instance_jobs constant varchar2(128) := {{ (s.object_name('INGEST_JOB') ~ '_I') | sqlstr }};
{% endif %}
begin
  for r_job in (
    select j.job_name, j.comments
      from user_scheduler_jobs j
{% if s.multi_source %}
     where (j.job_name in ({% for job in jobs %}{{ job | sqlstr }}{{ ", " if not loop.last }}{% endfor %})
            or substr(j.job_name, 1, length(co_instance_jobs)) = co_instance_jobs -- INGEST_JOB_I<n>
               and regexp_like(substr(j.job_name, length(co_instance_jobs) + 1), '^[0-9]{1,3}$'))
{% else %}
     where j.job_name in ({% for job in jobs %}{{ job | sqlstr }}{{ ", " if not loop.last }}{% endfor %})
{% endif %}
       and instr(:lsnrmine_paused_jobs, ',' || j.job_name || ',') > 0
  ) loop
    sys.dbms_scheduler.enable(name => r_job.job_name);
    if substr(r_job.comments, 1, length(co_marker)) = co_marker then
      sys.dbms_scheduler.set_attribute(name => r_job.job_name, attribute => 'comments',
                                       value => substr(r_job.comments, length(co_marker) + 1));
    end if;
  end loop;
end;
/
