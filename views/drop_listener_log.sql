-- Uninstall of LISTENER_LOG: drops it while it is lsnrmine's (the view whose text reads the
-- prefixed external table, or the external table of an install older than the view); a user's own
-- view or table of that name is never dropped (skipped with a DBMS_OUTPUT line).
declare
   e_missing exception;
   pragma exception_init(e_missing, -942); -- table or view does not exist
   l_views    pls_integer;
   l_external pls_integer;
begin
   select count(*)
     into l_views
     from user_views
    where view_name = {{ name_literal }}
      and instr(upper(text_vc), {{ s.object_name('LISTENER_LOG_EXT') | sqlstr }}) > 0;
   select count(*)
     into l_external
     from user_external_tables
    where table_name = {{ name_literal }};
   if l_views > 0 then
      execute immediate 'drop view {{ name }}';
   elsif l_external > 0 then
      execute immediate 'drop table {{ name }} purge';
   else
      for r_object in (select o.object_type from user_objects o where o.object_name = {{ name_literal }})
      loop
         sys.dbms_output.put_line('lsnrmine: ' || r_object.object_type || ' ' || {{ name_literal }}
            || ' is not lsnrmine''s: not dropped');
      end loop;
   end if;
exception
   when e_missing then
      null; -- dropped by another session meanwhile
end;
/
