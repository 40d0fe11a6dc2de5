-- install.sql (SQL*Plus) records its run like `lsnrmine install` does: a 'running' row now,
-- 'complete' at the end (a run stopped by WHENEVER SQLERROR keeps 'running').
-- Writes INSTALL_HISTORY (tables/install_history.sql); tables/install_history_end.sql closes the row.
variable lsnrmine_run_id number
begin
  insert into {{ name }} (version, phase, status)
  values ({{ version | sqlstr }}, 'owner', 'running')
  returning id into :lsnrmine_run_id;
  commit;
end;
/
