-- Uninstall of LISTENER_LOG: drops it while it is lsnrmine's (the view, or the external table of
-- an install older than the view); a user's own table of that name is never dropped.
declare
   e_missing exception;
   pragma exception_init(e_missing, -942); -- table or view does not exist
   l_views    pls_integer;
   l_external pls_integer;
begin
   select count(*)
     into l_views
     from user_views
    where view_name = {{ name_literal }};
   select count(*)
     into l_external
     from user_external_tables
    where table_name = {{ name_literal }};
   if l_views > 0 then
      execute immediate 'drop view {{ name }}';
   elsif l_external > 0 then
      execute immediate 'drop table {{ name }} purge';
   end if;
exception
   when e_missing then
      null; -- dropped by another session meanwhile
end;
/
