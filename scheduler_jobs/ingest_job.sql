-- INGEST_JOB: runs LOG_LOCATION_PKG.run_ingest every INGEST_INTERVAL_MINUTES (settings table, read
-- here and by INGEST_PKG.apply_settings, not at every run). Created when missing; otherwise install
-- applies the current schedule and action.
-- facts: docs/oracle-facts.md#scheduler-jobs-ingest-job
{% set location_instance = s.listener_log_instance if s.multi_source else none %}
{% if location_instance is not none %}
-- RAC with pinned sources: INGEST_JOB reads the unpinned sources and keeps LISTENER_LOG's LOCATION
-- from instance {{ location_instance }} (listener_log_instance), pinned there by instance_id (created
-- disabled, pinned, then enabled, so its first run is there too).
{% endif %}
declare
  l_count   pls_integer;
{% if location_instance is none %}
  l_pinned  pls_integer;
{% endif %}
  l_minutes number;
  l_repeat  varchar2(100);
begin
  select count(*)
    into l_count
    from user_scheduler_jobs
   where job_name = {{ name_literal }};
{% if location_instance is none %}
  select count(*)
    into l_pinned
    from user_scheduler_jobs
   where job_name = {{ name_literal }}
     and instance_id is not null;
{% endif %}
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
      enabled         => {{ 'false' if location_instance is not none else 'true' }},
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
{% if location_instance is none %}
    -- no pinned source: an instance_id left by an install with pinned sources is cleared (the job
    -- may run on any instance again; NULL is the attribute's default). Only then: a job never
    -- pinned (every single-instance database) is not touched by this RAC attribute.
    if l_pinned > 0 then
      sys.dbms_scheduler.set_attribute_null(name => {{ name_literal }}, attribute => 'instance_id');
    end if;
{% endif %}
  end if;
{% if location_instance is not none %}
  sys.dbms_scheduler.set_attribute(name => {{ name_literal }}, attribute => 'instance_id', value => {{ location_instance }});
  if l_count = 0 then
    sys.dbms_scheduler.enable(name => {{ name_literal }});
  end if;
{% endif %}
end;
/
{% set instances = s.source_instances() | reject('none') | list %}
-- RAC: one job per instance named by a source, INGEST_JOB_I<n>, pinned to instance n by the
-- job attribute instance_id (it runs only there: the files of that node's sources are readable
-- only there), action LOG_LOCATION_PKG.run_instance_ingest(in_instance => n). Same schedule as INGEST_JOB.
-- Instance jobs of instances no longer named by a source are dropped (in every configuration: a
-- render without pinned sources drops those an earlier install created; none exist: nothing done).
declare
  type t_instances is table of pls_integer;
  co_instances constant t_instances := t_instances({{ instances | join(', ') }});
  co_prefix    constant varchar2(128) := {{ (s.object_name('INGEST_JOB') ~ '_I') | sqlstr }};
  l_job     varchar2(128);
  l_count   pls_integer;
  l_minutes number;
  l_repeat  varchar2(100);
  l_keep    boolean;
begin
  select coalesce(max(case when regexp_like(s.value, '^[0-9]{1,4}$') then to_number(s.value) end), 5)
    into l_minutes
    from {{ obj('SETTINGS') }} s
   where s.name = 'INGEST_INTERVAL_MINUTES';
  l_repeat := case
                when l_minutes <= 999 then 'FREQ=MINUTELY;INTERVAL=' || trunc(greatest(l_minutes, 1))
                else 'FREQ=HOURLY;INTERVAL=' || ceil(l_minutes / 60)
              end;
  for r_job in (
    select j.job_name
      from user_scheduler_jobs j
     where substr(j.job_name, 1, length(co_prefix)) = co_prefix
       and regexp_like(substr(j.job_name, length(co_prefix) + 1), '^[0-9]{1,3}$')
  ) loop
    l_keep := false;
    for i_instance in 1..co_instances.count
    loop
      l_keep := l_keep or r_job.job_name = co_prefix || co_instances(i_instance);
    end loop;
    if not l_keep then
      sys.dbms_scheduler.drop_job(job_name => r_job.job_name, force => true);
    end if;
  end loop;
  for i_instance in 1..co_instances.count
  loop
    l_job := co_prefix || co_instances(i_instance);
    select count(*)
      into l_count
      from user_scheduler_jobs
     where job_name = l_job;
    if l_count = 0 then
      sys.dbms_scheduler.create_job(
        job_name        => l_job,
        job_type        => 'PLSQL_BLOCK',
        job_action      => 'begin {{ s.schema }}.{{ s.object_name('LOG_LOCATION_PKG') }}.run_instance_ingest(in_instance => '
                           || co_instances(i_instance) || '); end;',
        start_date      => systimestamp,
        repeat_interval => l_repeat,
        enabled         => false,
        auto_drop       => false,
        comments        => 'lsnrmine: read the listener logs of instance ' || co_instances(i_instance)
                           || ' into ' || {{ s.object_name('EVENTS') | sqlstr }}
      );
    else
      sys.dbms_scheduler.set_attribute(name => l_job, attribute => 'repeat_interval', value => l_repeat);
      sys.dbms_scheduler.set_attribute(
        name      => l_job,
        attribute => 'job_action',
        value     => 'begin {{ s.schema }}.{{ s.object_name('LOG_LOCATION_PKG') }}.run_instance_ingest(in_instance => '
                     || co_instances(i_instance) || '); end;'
      );
    end if;
    sys.dbms_scheduler.set_attribute(name => l_job, attribute => 'instance_id', value => co_instances(i_instance));
    if l_count = 0 then
      sys.dbms_scheduler.enable(name => l_job);
    end if;
  end loop;
end;
/
