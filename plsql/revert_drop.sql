{# The default revert of a manifest object: drops it (a job with DBMS_SCHEDULER.DROP_JOB), tolerant of
   an object that is already gone. Rendered into the uninstall scripts once per object, so it carries no
   SQL comment header. Context: kind, name, name_literal (installer/manifest.py REVERT_DROP). #}
{% if kind == 'JOB' %}
declare
  e_no_job exception;
  pragma exception_init(e_no_job, -27475); -- unknown job
begin
  sys.dbms_scheduler.drop_job(job_name => {{ name_literal }}, force => true);
exception
  when e_no_job then
    null;
end;
/
{% else %}
declare
  e_missing exception;
{% if kind in ('TABLE', 'VIEW') %}
  pragma exception_init(e_missing, -942); -- table or view does not exist
{% else %}
  pragma exception_init(e_missing, -4043); -- object does not exist
{% endif %}
begin
  execute immediate 'drop {{ kind | lower }} {{ name }}{% if kind == 'TABLE' %} purge{% endif %}';
exception
  when e_missing then
    null;
end;
/
{% endif %}
