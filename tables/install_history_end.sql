{# install.sql's last step: the INSTALL_HISTORY row tables/install_history_start.sql opened is set to
   'complete'. A fragment rendered into install.sql (no SQL comment header there). #}
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
