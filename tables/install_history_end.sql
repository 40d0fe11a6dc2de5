begin
  update {{ name }}
     set status = 'complete',
         finished_at = systimestamp,
         objects = {{ objects }},
         message = null
   where id = :lsnrmine_run_id;
  commit;
end;
/
