-- INGEST_PKG: incremental ingestion of the configured listener log files into EVENTS.
-- Python twin of the reading algorithm: installer/ingest.py (tests/test_ingest_reader.py).
--
-- One poll (procedure run), per configured file:
-- 1. lock the file's LOAD_STATE row (SELECT ... FOR UPDATE: two sessions never read the same bytes);
-- 2. FILEEXISTS / FILEOPEN / GETLENGTH, and the first 256 bytes (DBMS_LOB.SUBSTR) as signature;
--    a file shorter than what was read, or whose first bytes changed, is read from byte 1 (a new
--    generation), unless its first bytes are where another file's previous generation stopped
--    (a segment renamed by rotation: it continues at that offset);
-- 3. batches of at most co_batch_lines complete lines from LINE_READER.lines (in_complete_only => 1) (a trailing
--    partial line waits for the next poll) go to STAGE_LINES, re-staging the last event of the
--    previous batch (its error lines may have arrived since) after a context line carrying its
--    time and host; the parse view EVENT_PARSE turns them into events: the re-parsed last event
--    gets its error_text updated, newer ones are inserted;
-- 4. the new offset is stored and COMMITted with the batch's events (and the GTT emptied):
--    a crash before the commit loses nothing and duplicates nothing.
-- A missing or unreadable file (ORA-22285/22286/22288, directory errors) is recorded in
-- LOAD_STATE (status, health) and is not an error of the job; an unexpected error is recorded
-- too, the other files are still read, and run raises it at the end (the job run shows it).
--
-- Facts used: DBMS_LOB.FILEEXISTS/FILEOPEN/GETLENGTH/SUBSTR(bfile)/FILECLOSE with 1-based byte
-- offsets, exceptions NOEXIST_DIRECTORY, NOPRIV_DIRECTORY, INVALID_DIRECTORY (PL/SQL Packages
-- and Types Reference, DBMS_LOB; ../shared/oracle-notes.md section 2); ORA-22285/22286/22288
-- (Error Help); SYS_CONTEXT('USERENV', 'SERVER_HOST') (SQL Language Reference, SYS_CONTEXT);
-- DBMS_SCHEDULER.SET_ATTRIBUTE(name, 'repeat_interval', value) (DBMS_SCHEDULER reference).
create or replace package {{ obj('INGEST_PKG') }} authid definer is
   co_batch_lines     constant pls_integer := 50000;
   co_signature_bytes constant pls_integer := 256;

   -- One poll of every configured file (the ingest job's action).
   procedure run;

   -- One poll of one file of the directory object (a plain file name).
   procedure ingest_file(in_file in varchar2);

   -- Deletes events older than in_retention_days (default: setting RETENTION_DAYS, else 90), in
   -- batches with a commit each (the purge job's action).
   procedure purge(in_retention_days in number default null);

   -- Applies INGEST_INTERVAL_MINUTES from the settings table to the ingest job's schedule (the job
   -- reads it only when created); `lsnrmine install` does the same.
   procedure apply_settings;
end {{ obj('INGEST_PKG') }};
/

create or replace package body {{ obj('INGEST_PKG') }} is
   co_directory    constant varchar2(128) := {{ s.directory | sqlstr }};
   co_ingest_job   constant varchar2(128) := {{ s.object_name('INGEST_JOB') | sqlstr }};
   co_purge_batch  constant pls_integer := 10000;
   co_default_days constant pls_integer := 90;
   co_status_ok         constant varchar2(30) := 'OK';
   co_status_missing    constant varchar2(30) := 'MISSING';
   co_status_unreadable constant varchar2(30) := 'UNREADABLE';
   co_status_finished   constant varchar2(30) := 'FINISHED';
   co_status_error      constant varchar2(30) := 'ERROR';

   e_file_access exception;
   pragma exception_init(e_file_access, -22285); -- non-existent directory or file for FILEOPEN
   e_file_privs exception;
   pragma exception_init(e_file_privs, -22286);  -- insufficient privileges on file or directory
   e_open_failed exception;
   pragma exception_init(e_open_failed, -22288); -- file or LOB operation FILEOPEN failed
   e_invalid_directory exception;
   pragma exception_init(e_invalid_directory, -22287); -- invalid or modified directory

   type t_file_list is table of varchar2(255);
   co_log_files constant t_file_list := t_file_list(
{% for log_file in s.log_files %}
      {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
   );

   g_failed varchar2(4000);

   function setting_number(in_name in varchar2, in_default in number) return number is
      l_value number;
   begin
      select max(case when regexp_like(s.value, '^[0-9]{1,5}$') then to_number(s.value) end)
        into l_value
        from {{ obj('SETTINGS') }} s
       where s.name = in_name;
      return coalesce(l_value, in_default);
   end setting_number;

   -- The file's state row, locked; created when missing.
   function locked_state(in_file in varchar2) return {{ obj('LOAD_STATE') }}%rowtype is
      l_state {{ obj('LOAD_STATE') }}%rowtype;
   begin
      begin
         insert into {{ obj('LOAD_STATE') }} (file_name) values (in_file);
      exception
         when dup_val_on_index then
            null; -- the usual case: the row exists
      end;
      select *
        into l_state
        from {{ obj('LOAD_STATE') }} t
       where t.file_name = in_file
         for update;
      return l_state;
   end locked_state;

   procedure record_health(in_file in varchar2, in_status in varchar2, in_health in varchar2) is
   begin
      update {{ obj('LOAD_STATE') }} t
         set t.status = in_status,
             t.health = substrb(in_health, 1, 4000),
             t.last_run = sysdate
       where t.file_name = in_file;
      commit;
   end record_health;

   procedure save_state(in_state in {{ obj('LOAD_STATE') }}%rowtype) is
   begin
      update {{ obj('LOAD_STATE') }} t
         set t.generation = in_state.generation,
             t.byte_offset = in_state.byte_offset,
             t.line_no = in_state.line_no,
             t.file_size = in_state.file_size,
             t.signature = in_state.signature,
             t.prev_signature = in_state.prev_signature,
             t.prev_offset = in_state.prev_offset,
             t.prev_line_no = in_state.prev_line_no,
             t.last_event_id = in_state.last_event_id,
             t.last_event_line_no = in_state.last_event_line_no,
             t.last_event_offset = in_state.last_event_offset,
             t.last_event_time = in_state.last_event_time,
             t.last_event_host = in_state.last_event_host,
             t.lines = in_state.lines,
             t.rejects = in_state.rejects,
             t.restarts = in_state.restarts,
             t.last_run = in_state.last_run,
             t.last_success = in_state.last_success,
             t.status = in_state.status,
             t.health = in_state.health
       where t.file_name = in_state.file_name;
   end save_state;

   function signature_matches(in_stored in varchar2, in_head in varchar2) return boolean is
      l_common pls_integer;
   begin
      if in_stored is null then
         return true;
      end if;
      l_common := least(length(in_stored), nvl(length(in_head), 0));
      return l_common = 0 and in_head is null and in_stored is null
          or l_common > 0 and substr(in_stored, 1, l_common) = substr(in_head, 1, l_common);
   end signature_matches;

   -- New generation: from byte 1, or where a renamed segment's previous generation stopped.
   procedure restart(io_state in out nocopy {{ obj('LOAD_STATE') }}%rowtype, in_head in varchar2, in_size in number) is
   begin
      if io_state.generation > 0 then
         io_state.restarts := io_state.restarts + 1;
         io_state.prev_signature := io_state.signature;
         io_state.prev_offset := io_state.byte_offset;
         io_state.prev_line_no := io_state.line_no;
      end if;
      io_state.generation := io_state.generation + 1;
      io_state.byte_offset := 1;
      io_state.line_no := 0;
      io_state.signature := null;
      io_state.last_event_id := null;
      io_state.last_event_line_no := null;
      io_state.last_event_offset := null;
      io_state.last_event_time := null;
      io_state.last_event_host := null;
      for r_other in (
         select o.signature, o.byte_offset, o.line_no
           from (select t.prev_signature signature, t.prev_offset byte_offset, t.prev_line_no line_no
                   from {{ obj('LOAD_STATE') }} t
                  where t.file_name <> io_state.file_name
                    and t.prev_signature is not null
                 union all
                 select t.signature, t.byte_offset, t.line_no
                   from {{ obj('LOAD_STATE') }} t
                  where t.file_name <> io_state.file_name
                    and t.signature is not null) o
          where o.byte_offset - 1 <= in_size
      )
      loop
         if signature_matches(in_stored => r_other.signature, in_head => in_head)
            and length(in_head) >= least(length(r_other.signature), 2 * (r_other.byte_offset - 1))
         then
            io_state.byte_offset := r_other.byte_offset;
            io_state.line_no := r_other.line_no;
            io_state.signature := r_other.signature;
            exit;
         end if;
      end loop;
   end restart;

   -- Stages, parses and stores one batch; commits. False when there was nothing new.
   function ingest_batch(io_state in out nocopy {{ obj('LOAD_STATE') }}%rowtype) return boolean is
      l_from        number := coalesce(io_state.last_event_offset, io_state.byte_offset);
      l_first_line  number := coalesce(io_state.last_event_line_no, io_state.line_no + 1);
      l_staged      pls_integer;
      l_end_offset  number;
      l_end_line    number;
      l_rejects     number;
      l_last_line   number;
      l_last_time   date;
      l_last_host   varchar2(1020);
      l_last_offset number;
      l_last_id     number;
      l_server_host varchar2(1020) := substr(sys_context('USERENV', 'SERVER_HOST'), 1, 255);
   begin
      if io_state.last_event_line_no is not null then
         -- context line: the parse view reads it as a <msg> header (time, host), never an event
         insert into {{ obj('STAGE_LINES') }} (source, line_no, line)
         values (io_state.file_name, l_first_line - 0.5,
                 '<msg time=''' || to_char(io_state.last_event_time, 'YYYY-MM-DD"T"HH24:MI:SS') || ''''
                 || case when io_state.last_event_host is not null
                         then ' host_id=''' || replace(io_state.last_event_host, '''') || '''' end
                 || '>');
      end if;
      insert into {{ obj('STAGE_LINES') }} (source, line_no, line, byte_offset, next_offset)
      select l.source, l.line_no, l.line, l.byte_offset, l.next_offset
        from table({{ obj('LINE_READER') }}.lines(
                in_directory     => co_directory,
                in_file          => io_state.file_name,
                in_start_offset  => l_from,
                in_first_line_no => l_first_line,
                in_complete_only => 1)) l
       where rownum <= co_batch_lines;
      l_staged := sql%rowcount;
      select max(s.next_offset), max(s.line_no)
        into l_end_offset, l_end_line
        from {{ obj('STAGE_LINES') }} s
       where s.byte_offset is not null;
      if l_end_line is null or l_end_line <= io_state.line_no then
         rollback; -- nothing new; empties the stage
         return false;
      end if;
      if io_state.last_event_id is not null then
         update {{ obj('EVENTS') }} e
            set e.error_text = (select p.error_text
                                  from {{ obj('EVENT_PARSE') }} p
                                 where p.source = io_state.file_name
                                   and p.line_no = io_state.last_event_line_no)
          where e.event_id = io_state.last_event_id;
      end if;
      insert into {{ obj('EVENTS') }} (
         listener, host, source, line_no, event_time, event_kind, command, connect_data,
         protocol_info, service_name, sid, program, client_host, client_user, client_ip,
         client_port, protocol, return_code, error_text, raw_line)
      select p.listener, coalesce(p.host, l_server_host), p.source, p.line_no, p.event_time,
             p.event_kind, p.command, p.connect_data, p.protocol_info, p.service_name, p.sid,
             p.program, p.client_host, p.client_user, p.client_ip, p.client_port, p.protocol,
             p.return_code, p.error_text, p.raw_line
        from {{ obj('EVENT_PARSE') }} p
       where p.line_no > coalesce(io_state.last_event_line_no, 0)
       order by p.line_no;
      select count(case when p.parse_note is not null then 1 end),
             max(p.line_no),
             max(p.event_time) keep (dense_rank last order by p.line_no),
             max(p.host) keep (dense_rank last order by p.line_no)
        into l_rejects, l_last_line, l_last_time, l_last_host
        from {{ obj('EVENT_PARSE') }} p
       where p.line_no > coalesce(io_state.last_event_line_no, 0);
      if l_last_line is not null then
         select s.byte_offset
           into l_last_offset
           from {{ obj('STAGE_LINES') }} s
          where s.line_no = l_last_line;
         select max(e.event_id)
           into l_last_id
           from {{ obj('EVENTS') }} e
          where e.source = io_state.file_name
            and e.line_no = l_last_line;
         io_state.last_event_id := l_last_id;
         io_state.last_event_line_no := l_last_line;
         io_state.last_event_offset := l_last_offset;
         io_state.last_event_time := l_last_time;
         io_state.last_event_host := l_last_host;
      end if;
      io_state.lines := io_state.lines + (l_end_line - io_state.line_no);
      io_state.rejects := io_state.rejects + l_rejects;
      io_state.byte_offset := l_end_offset;
      io_state.line_no := l_end_line;
      save_state(in_state => io_state);
      commit; -- events, offset and state together; the stage is emptied
      return l_staged >= co_batch_lines;
   end ingest_batch;

   procedure ingest_file(in_file in varchar2) is
      l_state   {{ obj('LOAD_STATE') }}%rowtype;
      l_bfile   bfile;
      l_size    number;
      l_head    varchar2(512);
      l_is_open boolean := false;
      l_more    boolean := true;
   begin
      l_state := locked_state(in_file => in_file);
      l_bfile := bfilename(co_directory, in_file);
      if sys.dbms_lob.fileexists(l_bfile) = 0 then
         if l_state.generation > 0 then
            record_health(in_file => in_file, in_status => co_status_finished, in_health => null);
         else
            record_health(in_file => in_file, in_status => co_status_missing,
                          in_health => in_file || ': no such file in directory ' || co_directory);
         end if;
         return;
      end if;
      sys.dbms_lob.fileopen(l_bfile, sys.dbms_lob.file_readonly);
      l_is_open := true;
      l_size := sys.dbms_lob.getlength(l_bfile);
      if l_size > 0 then
         l_head := rawtohex(sys.dbms_lob.substr(l_bfile, least(l_size, co_signature_bytes), 1));
      end if;
      l_is_open := false;
      sys.dbms_lob.fileclose(l_bfile);
      if l_state.generation = 0
         or l_size < l_state.byte_offset - 1
         or not signature_matches(in_stored => l_state.signature, in_head => l_head)
      then
         restart(io_state => l_state, in_head => l_head, in_size => l_size);
      end if;
      if l_state.signature is null or length(l_head) > length(l_state.signature) then
         l_state.signature := l_head;
      end if;
      l_state.file_size := l_size;
      l_state.status := co_status_ok;
      l_state.health := null;
      l_state.last_run := sysdate;
      l_state.last_success := sysdate;
      save_state(in_state => l_state);
      commit; -- the file's state (restart, size, health) even when no line is new
      while l_more
      loop
         l_state := locked_state(in_file => in_file); -- each commit releases the lock
         l_more := ingest_batch(io_state => l_state);
      end loop;
      commit;
   exception
      when e_file_access or e_file_privs or e_open_failed or e_invalid_directory then
         if l_is_open then
            sys.dbms_lob.fileclose(l_bfile);
         end if;
         rollback;
         record_health(in_file => in_file, in_status => co_status_unreadable,
                       in_health => in_file || ': ' || sqlerrm);
      when others then
         -- recorded for `lsnrmine status` and the alerts, then the caller decides (run raises
         -- at the end, after the other files)
         g_failed := substrb(in_file || ': ' || sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace, 1, 4000);
         if l_is_open then
            sys.dbms_lob.fileclose(l_bfile);
         end if;
         rollback;
         record_health(in_file => in_file, in_status => co_status_error, in_health => g_failed);
   end ingest_file;

   procedure run is
      l_failed varchar2(4000);
   begin
      for i_file in 1..co_log_files.count
      loop
         g_failed := null;
         ingest_file(in_file => co_log_files(i_file));
         if g_failed is not null then
            l_failed := substrb(l_failed || g_failed || '; ', 1, 3900);
         end if;
      end loop;
      if l_failed is not null then
         sys.dbms_standard.raise_application_error(num => {{ obj('ERROR_PKG') }}.co_ingest_failed,
                                                   msg => 'lsnrmine ingest: ' || l_failed);
      end if;
   end run;

   procedure purge(in_retention_days in number default null) is
      l_days  number := coalesce(in_retention_days, setting_number(in_name => 'RETENTION_DAYS',
                                                                   in_default => co_default_days));
      l_limit date;
   begin
      l_limit := sysdate - l_days;
      loop
         delete from {{ obj('EVENTS') }} e
          where e.event_time < l_limit
            and rownum <= co_purge_batch;
         exit when sql%rowcount = 0;
         commit;
      end loop;
      commit;
   end purge;

   procedure apply_settings is
      l_minutes number := setting_number(in_name => 'INGEST_INTERVAL_MINUTES', in_default => 5);
   begin
      sys.dbms_scheduler.set_attribute(
         name      => co_ingest_job,
         attribute => 'repeat_interval',
         value     => case
                         when l_minutes <= 999 then 'FREQ=MINUTELY;INTERVAL=' || trunc(greatest(l_minutes, 1))
                         else 'FREQ=HOURLY;INTERVAL=' || ceil(l_minutes / 60)
                      end
      );
   end apply_settings;
end {{ obj('INGEST_PKG') }};
/
