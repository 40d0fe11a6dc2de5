-- LOG_LOCATION_PKG: keeps the LOCATION of LISTENER_LOG_EXT to the log files that exist now (one
-- missing file fails every query, KUP-04040); records the result in SETTINGS LOG_LOCATION_STATUS.
-- run_ingest is the ingest job's action (refresh, INGEST_PKG.run, refresh). Reads LOAD_STATE.
-- facts: docs/oracle-facts.md#plsql-log-location-pkg
{% set multi = s.multi_source %}
{% set location_instance = s.listener_log_instance if multi else none %}
{% if multi %}
-- Sources ([[sources]]): LOCATION lists DIRECTORY:'file' for each text file (not *.xml) of every
-- enabled source, and its known segments, that exists as seen from the refreshing instance.
{% endif %}
{% if location_instance is not none %}
-- RAC, node-local logs: LISTENER_LOG is a view of instance {{ location_instance }} (setting listener_log_instance):
-- the LOCATION lists the files of the unpinned sources and of that instance's sources, and is
-- refreshed only there (INGEST_JOB runs there); a refresh on another instance changes nothing.
{% endif %}
create or replace package {{ obj('LOG_LOCATION_PKG') }} authid definer is
   co_status_setting constant varchar2(128) := 'LOG_LOCATION_STATUS';

   -- Applies the list of files that exist now to the external table's LOCATION; raises on an
   -- unexpected error (after recording it).
   procedure refresh;

{% if multi %}
   -- INGEST_JOB's action (STORED_PROCEDURE, no argument): refresh (errors recorded, not raised),
   -- INGEST_PKG.run for the unpinned sources, refresh again.
   procedure run_ingest;

   -- The action of the instance job INGEST_JOB_I<n>: INGEST_PKG.run(in_instance => n), no refresh
   -- (the LOCATION is kept by INGEST_JOB and the install).
   procedure run_instance_ingest(in_instance in number);
{% else %}
   -- The ingest job's action: refresh (errors recorded, not raised), INGEST_PKG.run, refresh again.
   procedure run_ingest;
{% endif %}
end {{ obj('LOG_LOCATION_PKG') }};
/

create or replace package body {{ obj('LOG_LOCATION_PKG') }} is
{% if not multi %}
   co_directory constant varchar2(128) := {{ s.directory | sqlstr }};
{% endif %}
   co_table     constant varchar2(128) := {{ s.object_name('LISTENER_LOG_EXT') | sqlstr }};

   e_file_access exception;
   pragma exception_init(e_file_access, -22285); -- non-existent directory or file
   e_file_privs exception;
   pragma exception_init(e_file_privs, -22286);  -- insufficient privileges on file or directory
   e_invalid_directory exception;
   pragma exception_init(e_invalid_directory, -22287); -- invalid or modified directory
   e_open_failed exception;
   pragma exception_init(e_open_failed, -22288); -- file or LOB operation failed

{% if multi %}
   -- a LOCATION entry 'DIRECTORY:file' (a checked simple SQL name, no quote, so no ':' in it)
   type t_file_list is table of varchar2(400);
{% if location_instance is not none %}
   co_location_instance constant pls_integer := {{ location_instance }};
{% endif %}
   e_invalid_name exception;
   pragma exception_init(e_invalid_name, -44003); -- DBMS_ASSERT: invalid SQL name
{% else %}
   type t_file_list is table of varchar2(255);
   co_log_files constant t_file_list := t_file_list(
{% for log_file in s.log_files %}
      {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
   );
{% endif %}

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

{% if multi %}
   function file_exists(in_directory in varchar2, in_name in varchar2) return boolean is
   begin
      return sys.dbms_lob.fileexists(file_loc => bfilename(in_directory, in_name)) = 1;
   exception
      when e_file_access or e_file_privs or e_invalid_directory or e_open_failed then
         if g_file_error is null then
            g_file_error := substrb(in_directory || ':' || in_name || ': ' || sqlerrm, 1, 1000);
         end if;
         return false; -- that source's problem (missing directory, no privilege): in the status
   end file_exists;
{% else %}
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
{% endif %}

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

{% if multi %}
   -- per enabled source's text file (label order), its known segments then the file, as
   -- 'DIRECTORY:file', when it exists here; a bad directory name is recorded and skipped
   function existing_files return t_file_list is
      l_files     t_file_list := t_file_list();
      l_segments  t_file_list;
      l_directory varchar2(128);
      l_entry     varchar2(400);
   begin
      for r_source in (
         select s.source_name, s.label, s.directory_name
           from {{ obj('SOURCES') }} s
          where s.enabled = 'Y'
            and lower(s.file_name) not like '%.xml'
{% if location_instance is not none %}
            and (s.instance_number is null or s.instance_number = co_location_instance)
{% endif %}
          order by s.source_name, s.label
      )
      loop
         begin
            l_directory := sys.dbms_assert.simple_sql_name(r_source.directory_name);
         exception
            when e_invalid_name then
               l_directory := null;
               if g_file_error is null then
                  g_file_error := substrb(r_source.label || ': directory object name is not a simple SQL name', 1, 1000);
               end if;
         end;
         if l_directory is not null and instr(l_directory, '"') = 0 then
            l_segments := known_segments(in_base => r_source.label);
            l_segments.extend;
            l_segments(l_segments.last) := r_source.label;
            for i_file in 1..l_segments.count
            loop
               -- the file name after '<source name>/'
               l_entry := l_directory || ':' || substr(l_segments(i_file), length(r_source.source_name) + 2);
               if file_exists(in_directory => l_directory,
                              in_name      => substr(l_segments(i_file), length(r_source.source_name) + 2))
                  and not contains(in_files => l_files, in_name => l_entry)
               then
                  l_files.extend;
                  l_files(l_files.last) := l_entry;
               end if;
            end loop;
         end if;
      end loop;
      return l_files;
   end existing_files;

   -- the LOCATION now, as 'DIRECTORY:file' (a location without a directory is in the default one)
   function current_files return t_file_list is
      l_files t_file_list := t_file_list();
   begin
      for r_location in (
         select coalesce(l.directory_name, x.default_directory_name) || ':' || l.location entry
           from user_external_locations l
           join user_external_tables x
             on x.table_name = l.table_name
          where l.table_name = co_table
          order by 1
      )
      loop
         l_files.extend;
         l_files(l_files.last) := r_location.entry;
      end loop;
      return l_files;
   end current_files;
{% else %}
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
{% endif %}

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

{% if multi %}
   -- LOCATION ("DIRECTORY":'file', ...), the form external_tables/listener_log.sql renders: each
   -- directory name checked again by DBMS_ASSERT and quoted, each file name quoted as a literal
   procedure apply_location(in_files in t_file_list) is
      l_sql   varchar2(32767);
      l_colon pls_integer;
   begin
      for i_file in 1..in_files.count
      loop
         l_colon := instr(in_files(i_file), ':');
         l_sql := l_sql || case when i_file > 1 then ', ' end
            || sys.dbms_assert.enquote_name(str => sys.dbms_assert.simple_sql_name(substr(in_files(i_file), 1, l_colon - 1)),
                                            capitalize => false) || ':'
            || sys.dbms_assert.enquote_literal(str => substr(in_files(i_file), l_colon + 1));
      end loop;
      l_sql := 'alter table ' || sys.dbms_assert.enquote_name(str => sys.dbms_assert.simple_sql_name(co_table),
                                                            capitalize => false)
         || ' location (' || l_sql || ')';
      execute immediate l_sql;
   end apply_location;
{% else %}
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
{% endif %}

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
{% if location_instance is not none %}
      if to_number(sys_context('USERENV', 'INSTANCE')) <> co_location_instance then
         -- the files listed are those of instance co_location_instance: not visible from here
         put_status(in_value => 'not refreshed from instance ' || sys_context('USERENV', 'INSTANCE')
                                || ': LISTENER_LOG reads the files of instance ' || co_location_instance
                                || ' (listener_log_instance), refreshed there by the ingest job; LOCATION kept ('
                                || summary(in_files => current_files) || ')');
         commit;
         return;
      end if;
{% endif %}
      g_file_error := null;
      l_wanted := existing_files;
      l_current := current_files;
      if l_wanted.count = 0 then
{% if multi %}
         put_status(in_value =>
            case
               when g_file_error is null then 'no text file of an enabled source exists here'
               else 'no text file of an enabled source is readable here (' || g_file_error || ')'
            end || ': LOCATION kept (' || summary(in_files => l_current) || ')');
{% else %}
         put_status(in_value =>
            case
               when g_file_error is null then 'no configured log file exists in directory ' || co_directory
               else 'no configured log file is readable in directory ' || co_directory || ' (' || g_file_error || ')'
            end || ': LOCATION kept (' || summary(in_files => l_current) || ')');
{% endif %}
      else
         if not same_files(in_left => l_current, in_right => l_wanted) then
            apply_location(in_files => l_wanted); -- DDL: commits this autonomous transaction only
            compile_invalid_objects;
         end if;
{% if multi %}
         put_status(in_value => case when g_file_error is null then 'ok: ' else 'partial: ' end
                                || summary(in_files => l_wanted)
                                || case when g_file_error is not null then ' (not readable: ' || g_file_error || ')' end);
{% else %}
         put_status(in_value => 'ok: ' || summary(in_files => l_wanted));
{% endif %}
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

{% if multi %}
   procedure run_ingest is
   begin
      do_refresh(in_raise => false);
      begin
         {{ obj('INGEST_PKG') }}.run(in_instance => null);
      exception
         when others then
            do_refresh(in_raise => false); -- the segments it discovered before failing; then re-raised
            raise;
      end;
      do_refresh(in_raise => false); -- segments the run has just discovered (LOAD_STATE rows)
   end run_ingest;

   procedure run_instance_ingest(in_instance in number) is
   begin
      {{ obj('INGEST_PKG') }}.run(in_instance => in_instance);
   end run_instance_ingest;
{% else %}
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
{% endif %}
end {{ obj('LOG_LOCATION_PKG') }};
/
begin
{% if location_instance is not none %}
   if to_number(sys_context('USERENV', 'INSTANCE')) <> {{ location_instance }} then
      sys.dbms_output.put_line('lsnrmine: LISTENER_LOG''s file list is not refreshed from instance '
         || sys_context('USERENV', 'INSTANCE') || ': it lists the files of instance {{ location_instance }} '
         || '(listener_log_instance), where the ingest job refreshes it at its next run');
   end if;
{% endif %}
   {{ obj('LOG_LOCATION_PKG') }}.refresh;
end;
/
