-- LISTENER_LOG: the article's name and six columns (log_date a DATE), a view over LISTENER_LOG_EXT
-- converting log_date with TO_DATE(... DEFAULT NULL ON CONVERSION ERROR) in the date language.
-- Replaces only lsnrmine's own object of that name (an old external table is dropped), else ORA-20002.
-- facts: docs/oracle-facts.md#views-listener-log
declare
   e_table_missing exception;
   pragma exception_init(e_table_missing, -942); -- table or view does not exist
   l_external_count pls_integer;
   l_other_count    pls_integer;
begin
   select count(*)
     into l_external_count
     from user_external_tables
    where table_name = {{ name_literal }};
   select count(*)
     into l_other_count
     from user_objects
    where object_name = {{ name_literal }}
      and object_type not in ('VIEW', 'TABLE');
   select count(*) + l_other_count
     into l_other_count
     from user_views
    where view_name = {{ name_literal }}
      and nvl(instr(upper(text_vc), {{ s.object_name('LISTENER_LOG_EXT') | sqlstr }}), 0) = 0;
   if l_external_count = 0 then
      select count(*) + l_other_count
        into l_other_count
        from user_tables
       where table_name = {{ name_literal }};
   end if;
   if l_other_count > 0 then
      sys.dbms_standard.raise_application_error(
         num => {{ obj('ERROR_PKG') }}.co_not_external_table,
         msg => 'lsnrmine: ' || {{ name_literal }}
            || ' exists and is not lsnrmine''s (its external table or view); rename or drop it, then install again'
      );
   end if;
   if l_external_count > 0 then
      for r_grant in (
         select p.grantee, p.privilege
           from user_tab_privs_made p
          where p.table_name = {{ name_literal }}
          order by p.grantee, p.privilege
      )
      loop
         sys.dbms_output.put_line('lsnrmine: dropping the old external table ' || {{ name_literal }}
            || ' drops the grant of ' || r_grant.privilege || ' to ' || r_grant.grantee
            || '; grant it on the view again');
      end loop;
      begin
         execute immediate 'drop table {{ name }} purge';
      exception
         when e_table_missing then
            null; -- dropped by another session meanwhile
      end;
   end if;
end;
/
create or replace view {{ name }} (log_date, connect_string, protocol_info, action, service_name, return_code) as
{% if s.multi_source %}
{# [[sources]] (RAC): serial, so no PX server of another node opens a node-local file (KUP-04040);
   the table's NOPARALLEL does not stop a PARALLEL hint, FORCE PARALLEL QUERY or automatic DOP #}
select /*+ no_parallel(x) */
       to_date(x.log_date default null on conversion error, 'DD-MON-YYYY HH24:MI:SS',
               {{ ('NLS_DATE_LANGUAGE = ' ~ s.date_language) | sqlstr }}) log_date,
{% else %}
select to_date(x.log_date default null on conversion error, 'DD-MON-YYYY HH24:MI:SS',
               {{ ('NLS_DATE_LANGUAGE = ' ~ s.date_language) | sqlstr }}) log_date,
{% endif %}
       x.connect_string,
       x.protocol_info,
       x.action,
       x.service_name,
       x.return_code
  from {{ obj('LISTENER_LOG_EXT') }} x
 where x.log_date is null
    or to_date(x.log_date default null on conversion error, 'DD-MON-YYYY HH24:MI:SS',
               {{ ('NLS_DATE_LANGUAGE = ' ~ s.date_language) | sqlstr }}) is not null
/
