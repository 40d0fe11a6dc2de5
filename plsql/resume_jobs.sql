-- The jobs plsql/pause_jobs.sql disabled, enabled again after a complete run.
declare
  co_jobs constant sys.odcivarchar2list := sys.odcivarchar2list({% for job in jobs %}{{ job | sqlstr }}{{ ", " if not loop.last }}{% endfor %});
begin
  for i in 1..co_jobs.count
  loop
    if instr(:lsnrmine_paused_jobs, ',' || co_jobs(i) || ',') > 0 then
      sys.dbms_scheduler.enable(name => co_jobs(i));
    end if;
  end loop;
end;
/
