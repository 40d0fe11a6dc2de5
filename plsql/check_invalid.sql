-- The install fails if anything in the schema is left invalid (utPLSQL does the same).
-- Reads USER_OBJECTS of the owner; runs at the end of install.sql, after every object.
-- Not a DB object of its own: rendered into the install script only.
declare
  l_invalid varchar2(4000);
begin
  select listagg(object_type || ' ' || object_name, ', ') within group (order by object_type, object_name)
    into l_invalid
    from user_objects
   where status <> 'VALID'
     and rownum <= 40;
  if l_invalid is not null then
    raise_application_error(-20000, 'lsnrmine: invalid objects after install: ' || l_invalid);
  end if;
end;
/
