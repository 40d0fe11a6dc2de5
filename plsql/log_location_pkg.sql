-- LOG_LOCATION_PKG: keeps the LOCATION of LISTENER_LOG_EXT to the log files that exist now (one
-- missing file fails every query, KUP-04040); records the result in SETTINGS LOG_LOCATION_STATUS.
-- run_ingest is the ingest job's action (refresh, INGEST_PKG.run, refresh). Reads LOAD_STATE.
-- facts: docs/oracle-facts.md#plsql-log-location-pkg
create or replace package {{ obj('LOG_LOCATION_PKG') }} authid definer is
   co_status_setting constant varchar2(128) := 'LOG_LOCATION_STATUS';

   -- Applies the list of files that exist now to the external table's LOCATION; raises on an
   -- unexpected error (after recording it).
   procedure refresh;

   -- The ingest job's action: refresh (errors recorded, not raised), INGEST_PKG.run, refresh again.
   procedure run_ingest;
end {{ obj('LOG_LOCATION_PKG') }};
/

create or replace package body {{ obj('LOG_LOCATION_PKG') }} is
   co_directory constant varchar2(128) := {{ s.directory | sqlstr }};
   co_table     constant varchar2(128) := {{ s.object_name('LISTENER_LOG_EXT') | sqlstr }};

   e_file_access exception;
   pragma exception_init(e_file_access, -22285); -- non-existent directory or file
   e_file_privs exception;
   pragma exception_init(e_file_privs, -22286);  -- insufficient privileges on file or directory
   e_invalid_directory exception;
   pragma exception_init(e_invalid_directory, -22287); -- invalid or modified directory
   e_open_failed exception;
   pragma exception_init(e_open_failed, -22288); -- file or LOB operation failed

   type t_file_list is table of varchar2(255);
   co_log_files constant t_file_list := t_file_list(
{% for log_file in s.log_files %}
      {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
   );

   -- the first ORA-2228x of the current refresh (why no file was found); variables come before
   -- the subprogram bodies of a declarative part
   g_file_error varchar2(1000);

   -- in_value is cut in PL/SQL: a bind longer than 4000 bytes fails in SQL (ORA-01460) before
   -- any SUBSTRB there could cut it
   procedure put_status(in_value in varchar2) is
      l_value varchar2(4000) := substrb(in_value, 1, 4000); -- at most 4000 bytes whatever the length semantics
   begin
      merge into {{ obj('SETTINGS') }} t
      using (select co_status_setting name, l_value value,
                    'LOCATION of ' || co_table || ' at the last refresh (written by ' ||
                    {{ s.object_name('LOG_LOCATION_PKG') | sqlstr }} || ')' description
               from dual) src
      on (t.name = src.name)
      when matched then
         update set t.value = src.value, t.updated_at = sysdate
      when not matched then
         insert (name, value, description) values (src.name, src.value, src.description);
   end put_status;

   function file_exists(in_name in varchar2) return boolean is
   begin
      return sys.dbms_lob.fileexists(file_loc => bfilename(co_directory, in_name)) = 1;
   exception
      when e_file_access or e_file_privs or e_invalid_directory or e_open_failed then
         if g_file_error is null then
            g_file_error := substrb(in_name || ': ' || sqlerrm, 1, 1000);
         end if;
         return false; -- the directory's problem (e.g. ORA-22288 soft link in path): in the status
   end file_exists;

   -- the segment number of in_name when it is a 19c segment stem_<n>.ext of in_base, else null
   -- (the rule of INGEST_PKG.segment_number and lsnrmine.ingest)
   function segment_number(in_base in varchar2, in_name in varchar2) return number is
      l_dot  pls_integer := instr(in_base, '.', -1);
      l_stem varchar2(255);
      l_ext  varchar2(255);
      l_mid  varchar2(255);
   begin
      if l_dot > 1 then
         l_stem := substr(in_base, 1, l_dot - 1);
         l_ext := substr(in_base, l_dot);
      else
         l_stem := in_base;
      end if;
      if length(in_name) <= length(l_stem) + 1 + nvl(length(l_ext), 0)
         or substr(in_name, 1, length(l_stem) + 1) <> l_stem || '_'
         or l_ext is not null and substr(in_name, -length(l_ext)) <> l_ext
      then
         return null;
      end if;
      l_mid := substr(in_name, length(l_stem) + 2, length(in_name) - length(l_stem) - 1 - nvl(length(l_ext), 0));
      if regexp_like(l_mid, '^[0-9]{1,9}$') then
         return to_number(l_mid);
      end if;
      return null;
   end segment_number;

   -- Hook for the segment list: the 19c segments of in_base known to the ingest (LOAD_STATE rows
   -- written by INGEST_PKG's discovery), by ascending n. segment_number is private to this body,
   -- so it is applied in PL/SQL, not in the query (a private function cannot be called from SQL).
   function known_segments(in_base in varchar2) return t_file_list is
      type t_by_number is table of varchar2(255) index by pls_integer;
      l_by_number t_by_number;
      l_segments  t_file_list := t_file_list();
      l_n         number;
      i_n         pls_integer;
   begin
      for r_state in (select t.file_name from {{ obj('LOAD_STATE') }} t)
      loop
         l_n := segment_number(in_base => in_base, in_name => r_state.file_name);
         if l_n is not null then
            l_by_number(l_n) := r_state.file_name;
         end if;
      end loop;
      i_n := l_by_number.first;
      while i_n is not null
      loop
         l_segments.extend;
         l_segments(l_segments.last) := l_by_number(i_n);
         i_n := l_by_number.next(i_n);
      end loop;
      return l_segments;
   end known_segments;

   function contains(in_files in t_file_list, in_name in varchar2) return boolean is
   begin
      for i_file in 1..in_files.count
      loop
         if in_files(i_file) = in_name then
            return true;
         end if;
      end loop;
      return false;
   end contains;

   function existing_files return t_file_list is
      l_files    t_file_list := t_file_list();
      l_segments t_file_list;
   begin
      for i_file in 1..co_log_files.count
      loop
         l_segments := known_segments(in_base => co_log_files(i_file));
         for i_segment in 1..l_segments.count
         loop
            if file_exists(in_name => l_segments(i_segment))
               and not contains(in_files => l_files, in_name => l_segments(i_segment))
            then
               l_files.extend;
               l_files(l_files.last) := l_segments(i_segment);
            end if;
         end loop;
         if file_exists(in_name => co_log_files(i_file))
            and not contains(in_files => l_files, in_name => co_log_files(i_file))
         then
            l_files.extend;
            l_files(l_files.last) := co_log_files(i_file);
         end if;
      end loop;
      return l_files;
   end existing_files;

   function current_files return t_file_list is
      l_files t_file_list := t_file_list();
   begin
      for r_location in (
         select l.location
           from user_external_locations l
          where l.table_name = co_table
            and (l.directory_name is null or l.directory_name = co_directory)
          order by l.location
      )
      loop
         l_files.extend;
         l_files(l_files.last) := r_location.location;
      end loop;
      return l_files;
   end current_files;

   -- the same names, in any order (neither list holds a name twice)
   function same_files(in_left in t_file_list, in_right in t_file_list) return boolean is
   begin
      if in_left.count <> in_right.count then
         return false;
      end if;
      for i_file in 1..in_left.count
      loop
         if not contains(in_files => in_right, in_name => in_left(i_file)) then
            return false;
         end if;
      end loop;
      return true;
   end same_files;

   -- a short summary for the status: the count, the first and the last name
   function summary(in_files in t_file_list) return varchar2 is
   begin
      if in_files.count = 0 then
         return '0 files';
      elsif in_files.count = 1 then
         return '1 file: ' || in_files(1);
      end if;
      return in_files.count || ' files: ' || in_files(1) || ' .. ' || in_files(in_files.count);
   end summary;

   procedure apply_location(in_files in t_file_list) is
      l_sql varchar2(32767);
   begin
      for i_file in 1..in_files.count
      loop
         l_sql := l_sql || case when i_file > 1 then ', ' end
            || sys.dbms_assert.enquote_literal(str => in_files(i_file));
      end loop;
      l_sql := 'alter table ' || sys.dbms_assert.enquote_name(str => sys.dbms_assert.simple_sql_name(co_table),
                                                            capitalize => false)
         || ' location (' || l_sql || ')';
      execute immediate l_sql;
   end apply_location;

   -- Whether ALTER TABLE ... LOCATION invalidates the views over the table is not documented; an
   -- invalid view recompiles on its next use anyway, but verify would report it meanwhile. The
   -- schema's invalid objects are compiled in dependency order by DBMS_UTILITY.COMPILE_SCHEMA with
   -- compile_all => false (own schema, no further privilege); ALTER VIEW ... COMPILE one by one
   -- would invalidate the views that depend on each one again (SQL Language Reference, ALTER VIEW).
   procedure compile_invalid_objects is
   begin
      sys.dbms_utility.compile_schema(schema => user, compile_all => false);
   end compile_invalid_objects;

   procedure do_refresh(in_raise in boolean) is
      pragma autonomous_transaction;
      l_wanted  t_file_list;
      l_current t_file_list;
      l_error   varchar2(4000);
   begin
      g_file_error := null;
      l_wanted := existing_files;
      l_current := current_files;
      if l_wanted.count = 0 then
         put_status(in_value =>
            case
               when g_file_error is null then 'no configured log file exists in directory ' || co_directory
               else 'no configured log file is readable in directory ' || co_directory || ' (' || g_file_error || ')'
            end || ': LOCATION kept (' || summary(in_files => l_current) || ')');
      else
         if not same_files(in_left => l_current, in_right => l_wanted) then
            apply_location(in_files => l_wanted); -- DDL: commits this autonomous transaction only
            compile_invalid_objects;
         end if;
         put_status(in_value => 'ok: ' || summary(in_files => l_wanted));
      end if;
      commit;
   exception
      when others then
         l_error := substrb(sys.dbms_utility.format_error_stack, 1, 3900);
         rollback;
         put_status(in_value => 'error: ' || l_error);
         commit;
         if in_raise then
            raise;
         end if;
   end do_refresh;

   procedure refresh is
   begin
      do_refresh(in_raise => true);
   end refresh;

   procedure run_ingest is
   begin
      do_refresh(in_raise => false);
      begin
         {{ obj('INGEST_PKG') }}.run;
      exception
         when others then
            do_refresh(in_raise => false); -- the segments it discovered before failing; then re-raised
            raise;
      end;
      do_refresh(in_raise => false); -- segments the run has just discovered (LOAD_STATE rows)
   end run_ingest;
end {{ obj('LOG_LOCATION_PKG') }};
/
begin
   {{ obj('LOG_LOCATION_PKG') }}.refresh;
end;
/
