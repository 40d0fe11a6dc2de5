-- install.sql (SQL*Plus) records its run like `lsnrmine install` does: a 'running' row now,
-- 'complete' at the end (a run stopped by WHENEVER SQLERROR keeps 'running').
variable lsnrmine_run_id number
begin
  insert into {{ name }} (version, phase, status)
  values ({{ version | sqlstr }}, 'owner', 'running')
  returning id into :lsnrmine_run_id;
  commit;
end;
/
