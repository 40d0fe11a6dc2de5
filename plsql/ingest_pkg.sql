{# one file's segments by ascending n, then the file itself (the shorthand's loop and each source's) #}
{% macro read_segments_then_file(base, failed) %}
         l_segments := l_none;
         for r_state in (select t.file_name, t.status
                           from {{ obj('LOAD_STATE') }} t)
         loop
            l_n := segment_number(in_base => {{ base }}, in_name => r_state.file_name);
            if l_n is not null and l_n <= co_segment_max
               and (r_state.status <> co_status_finished or file_exists(in_name => r_state.file_name))
            then
               l_segments(l_n) := r_state.file_name;
            end if;
         end loop;
         i_segment := l_segments.first;
         while i_segment is not null
         loop
            ingest_one(in_file => l_segments(i_segment), in_configured => false, io_failed => {{ failed }});
            i_segment := l_segments.next(i_segment);
         end loop;
         ingest_one(in_file => {{ base }}, in_configured => true, io_failed => {{ failed }});{% endmacro %}
-- INGEST_PKG: incremental ingestion of the configured listener log files (and their 19c segments)
-- into EVENTS: LINE_READER -> STAGE_LINES -> EVENT_PARSE, offsets in LOAD_STATE, one commit per batch.
-- Python twin of the reading algorithm: installer/ingest.py (tests/test_ingest_reader.py).
-- facts: docs/oracle-facts.md#plsql-ingest-pkg
{% set multi = s.multi_source %}
{% set dir = 'g_directory' if multi else 'co_directory' %}
{% set run_lock = 'g_run_lock' if multi else 'co_run_lock' %}
{% if multi %}
-- Sources ([[sources]]): the enabled rows of SOURCES, each file in its source's directory object;
-- a LOAD_STATE row per source label '<source name>/<file>' (segments '<source name>/<segment>').
{% endif %}
create or replace package {{ obj('INGEST_PKG') }} authid definer is
   co_batch_lines     constant pls_integer := 50000;
   co_signature_bytes constant pls_integer := 256;

{% if multi %}
   -- One poll of every file of the enabled sources of RAC instance in_instance (SOURCES
   -- instance_number; null: the sources no instance is named for). The ingest jobs' action.
   procedure run(in_instance in number default null);

   -- One poll of one source label '<source name>/<file>' (in_configured false: a 19c segment,
   -- CLOSED once read to its end, not written while unchanged).
{% else %}
   -- One poll of every configured file (the ingest job's action).
   procedure run;

{% endif %}
{% if not multi %}
   -- One poll of one file of the directory object (a plain file name); in_configured false: a
   -- 19c segment (CLOSED once read to its end, not written while unchanged).
{% endif %}
   procedure ingest_file(in_file in varchar2, in_configured in boolean default true);

   -- Deletes events older than in_retention_days (default: setting RETENTION_DAYS, else 90), in
   -- batches with a commit each (the purge job's action). An event without a time goes once a
   -- later-loaded event of the same source is older than the limit, or when its source's
   -- LOAD_STATE row is FINISHED/CLOSED (or gone) and was last read before the limit.
   procedure purge(in_retention_days in number default null);

   -- Applies INGEST_INTERVAL_MINUTES from the settings table to the ingest job's schedule (the job
   -- reads it only when created); `lsnrmine install` does the same.
   procedure apply_settings;
end {{ obj('INGEST_PKG') }};
/

create or replace package body {{ obj('INGEST_PKG') }} is
{% if not multi %}
   co_directory    constant varchar2(128) := {{ s.directory | sqlstr }};
{% endif %}
   co_ingest_job   constant varchar2(128) := {{ s.object_name('INGEST_JOB') | sqlstr }};
   co_purge_batch  constant pls_integer := 10000;
   co_fetch_rows   constant pls_integer := 1000;  -- parsed rows per fetch (bounded PGA)
   co_restage_lines constant pls_integer := 1000; -- a last event with more lines read after it is closed
   co_segment_window constant pls_integer := 50;    -- n = max+1..max+this probed (slides with each find)
   co_segment_max    constant pls_integer := 65536; -- segment numbers are 16-bit
   co_segment_slice  constant pls_integer := 1000;  -- bootstrap numbers per run, rotating (5-minute slots)
   co_run_lock       constant varchar2(30) := '/ingest run'; -- sentinel row: '/' is in no file name
   co_default_days constant pls_integer := 90;
   co_status_ok         constant varchar2(30) := 'OK';
   co_status_missing    constant varchar2(30) := 'MISSING';
   co_status_unreadable constant varchar2(30) := 'UNREADABLE';
   co_status_finished   constant varchar2(30) := 'FINISHED';
   co_status_closed     constant varchar2(30) := 'CLOSED';
   co_status_error      constant varchar2(30) := 'ERROR';

   e_file_access exception;
   pragma exception_init(e_file_access, -22285); -- non-existent directory or file for FILEOPEN
   e_file_privs exception;
   pragma exception_init(e_file_privs, -22286);  -- insufficient privileges on file or directory
   e_open_failed exception;
   pragma exception_init(e_open_failed, -22288); -- file or LOB operation FILEOPEN failed
   e_invalid_directory exception;
   pragma exception_init(e_invalid_directory, -22287); -- invalid or modified directory
   e_resource_busy exception;
   pragma exception_init(e_resource_busy, -54); -- resource busy and acquire with NOWAIT specified
   -- the session's end, not a file's or a source's problem: ingest_file and run re-raise
   -- them before their catch-all (STOP_JOB's interrupt stops the job; no file recorded as ERROR)
   e_cancelled exception;
   pragma exception_init(e_cancelled, -1013); -- user requested cancel of current operation
   e_session_killed exception;
   pragma exception_init(e_session_killed, -28); -- your session has been killed
   e_package_state_gone exception;
   pragma exception_init(e_package_state_gone, -4061); -- existing state of packages has been invalidated
   e_package_state_discarded exception;
   pragma exception_init(e_package_state_discarded, -4068); -- existing state of packages has been discarded

{% if multi %}
   e_invalid_name exception;
   pragma exception_init(e_invalid_name, -44003); -- DBMS_ASSERT: invalid SQL name

   -- the source being read (use_source): its directory object, label prefix '<name>/', listener,
   -- host, and the run-lock sentinel of its instance (one per ingest job: the jobs of different
   -- instances read disjoint sources and never wait for each other)
   g_directory {{ obj('SOURCES') }}.directory_name%type;
   g_prefix    {{ obj('SOURCES') }}.label%type; -- source_name (128 char) || '/' fits (255 char)
   g_listener  {{ obj('SOURCES') }}.listener%type;
   g_host      {{ obj('SOURCES') }}.host%type;
   g_run_lock  varchar2(30) := co_run_lock;
{% else %}
   type t_file_list is table of varchar2(255);
   co_log_files constant t_file_list := t_file_list(
{% for log_file in s.log_files %}
      {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
   );
{% endif %}

   g_failed varchar2(4000);

{% if multi %}
   function run_lock_name(in_instance in number) return varchar2 is
   begin
      return case when in_instance is null then co_run_lock else co_run_lock || ' I' || in_instance end;
   end run_lock_name;

   -- The context of source in_source_name (one SOURCES row of it: directory, listener, host and
   -- instance are the same on all its rows); the directory name checked by DBMS_ASSERT (ORA-44003).
   procedure use_source(in_source_name in varchar2) is
      l_directory {{ obj('SOURCES') }}.directory_name%type;
      l_instance  {{ obj('SOURCES') }}.instance_number%type;
   begin
      select max(s.directory_name), max(s.listener), max(s.host), max(s.instance_number)
        into l_directory, g_listener, g_host, l_instance
        from {{ obj('SOURCES') }} s
       where s.source_name = in_source_name;
      g_prefix := in_source_name || '/';
      g_run_lock := run_lock_name(in_instance => l_instance);
      g_directory := null;
      g_directory := sys.dbms_assert.simple_sql_name(l_directory);
   end use_source;

   -- The file name of a source label (the part after '<source name>/').
   function file_of(in_label in varchar2) return varchar2 is
   begin
      return substr(in_label, length(g_prefix) + 1);
   end file_of;

   -- Whether in_label's row belongs to the source being read (adoption and segments stay in it).
   function in_source(in_label in varchar2) return boolean is
   begin
      return substr(in_label, 1, length(g_prefix)) = g_prefix;
   end in_source;

{% endif %}
   function setting_number(in_name in varchar2, in_default in number) return number is
      l_value number;
   begin
      select max(case when regexp_like(s.value, '^[0-9]{1,5}$') then to_number(s.value) end)
        into l_value
        from {{ obj('SETTINGS') }} s
       where s.name = in_name;
      return coalesce(l_value, in_default);
   end setting_number;

   -- The sentinel row, locked first by every transaction of the package (D1); in_nowait: run's
   -- check that no other run is active.
   procedure lock_run(in_nowait in boolean default false) is
      l_name {{ obj('LOAD_STATE') }}.file_name%type;
   begin
      if in_nowait then
         begin
            insert into {{ obj('LOAD_STATE') }} (file_name, status) values ({{ run_lock }}, 'LOCK');
            commit;
         exception
            when dup_val_on_index then
               null; -- the usual case
         end;
         select t.file_name into l_name
           from {{ obj('LOAD_STATE') }} t
          where t.file_name = {{ run_lock }}
            for update nowait;
      else
         select t.file_name into l_name
           from {{ obj('LOAD_STATE') }} t
          where t.file_name = {{ run_lock }}
            for update;
      end if;
   end lock_run;

   -- The file's state row, locked; created when missing.
   function locked_state(in_file in varchar2) return {{ obj('LOAD_STATE') }}%rowtype is
      l_state {{ obj('LOAD_STATE') }}%rowtype;
   begin
      lock_run;
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
      lock_run;
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
             t.prev_last_event_id = in_state.prev_last_event_id,
             t.prev_last_event_line_no = in_state.prev_last_event_line_no,
             t.prev_last_event_offset = in_state.prev_last_event_offset,
             t.prev_last_event_time = in_state.prev_last_event_time,
             t.prev_last_event_host = in_state.prev_last_event_host,
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

   -- An empty file matches (nothing says it changed): no restart until bytes arrive; the Python
   -- twin (lsnrmine.ingest._signature_matches) decides the same.
   function signature_matches(in_stored in varchar2, in_head in varchar2) return boolean is
      l_common pls_integer;
   begin
      if in_stored is null or in_head is null then
         return true;
      end if;
      l_common := least(length(in_stored), length(in_head));
      return substr(in_stored, 1, l_common) = substr(in_head, 1, l_common);
   end signature_matches;

   -- New generation: from byte 1, or where a renamed segment's previous generation stopped.
   -- Candidates in a defined order (every previous generation, then every current one, each by
   -- file name); an adopted previous generation is cleared (adopted once), and a generation that
   -- another file already continues is not kept as previous generation (lsnrmine.ingest: same).
   procedure restart(io_state in out nocopy {{ obj('LOAD_STATE') }}%rowtype, in_head in varchar2, in_size in number) is
      l_taken pls_integer;
   begin
      if io_state.generation > 0 then
         io_state.restarts := io_state.restarts + 1;
         io_state.prev_signature := io_state.signature;
         io_state.prev_offset := io_state.byte_offset;
         io_state.prev_line_no := io_state.line_no;
         io_state.prev_last_event_id := io_state.last_event_id;
         io_state.prev_last_event_line_no := io_state.last_event_line_no;
         io_state.prev_last_event_offset := io_state.last_event_offset;
         io_state.prev_last_event_time := io_state.last_event_time;
         io_state.prev_last_event_host := io_state.last_event_host;
         if io_state.prev_signature is not null then
            select count(*)
              into l_taken
              from {{ obj('LOAD_STATE') }} t
             where t.file_name <> io_state.file_name
{% if multi %}
               and substr(t.file_name, 1, length(g_prefix)) = g_prefix
{% endif %}
               and substr(t.signature, 1, length(io_state.prev_signature)) = io_state.prev_signature;
            if l_taken > 0 then
               io_state.prev_signature := null;
            end if;
         end if;
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
         select o.file_name, o.is_prev, o.signature, o.byte_offset, o.line_no, o.event_id,
                o.event_line_no, o.event_offset, o.event_time, o.event_host
           from (select t.file_name, 1 is_prev, t.prev_signature signature, t.prev_offset byte_offset,
                        t.prev_line_no line_no, t.prev_last_event_id event_id,
                        t.prev_last_event_line_no event_line_no, t.prev_last_event_offset event_offset,
                        t.prev_last_event_time event_time, t.prev_last_event_host event_host
                   from {{ obj('LOAD_STATE') }} t
                  where t.file_name <> io_state.file_name
{% if multi %}
                    and substr(t.file_name, 1, length(g_prefix)) = g_prefix
{% endif %}
                    and t.prev_signature is not null
                    and t.prev_offset is not null
                 union all
                 select t.file_name, 0 is_prev, t.signature, t.byte_offset, t.line_no, t.last_event_id,
                        t.last_event_line_no, t.last_event_offset, t.last_event_time, t.last_event_host
                   from {{ obj('LOAD_STATE') }} t
                  where t.file_name <> io_state.file_name
{% if multi %}
                    and substr(t.file_name, 1, length(g_prefix)) = g_prefix
{% endif %}
                    and t.signature is not null) o
          where o.byte_offset - 1 <= in_size
          order by o.is_prev desc, o.file_name
      )
      loop
         if signature_matches(in_stored => r_other.signature, in_head => in_head)
            and nvl(length(in_head), 0) >= least(length(r_other.signature), 2 * (r_other.byte_offset - 1))
         then
            io_state.byte_offset := r_other.byte_offset;
            io_state.line_no := nvl(r_other.line_no, 0);
            io_state.signature := r_other.signature;
            -- S5: the last event comes along; the first batch re-stages it (late error lines)
            io_state.last_event_id := r_other.event_id;
            io_state.last_event_line_no := r_other.event_line_no;
            io_state.last_event_offset := r_other.event_offset;
            io_state.last_event_time := r_other.event_time;
            io_state.last_event_host := r_other.event_host;
            if r_other.is_prev = 1 then
               update {{ obj('LOAD_STATE') }} t
                  set t.prev_signature = null
                where t.file_name = r_other.file_name;
            end if;
            exit;
         end if;
      end loop;
   end restart;

   -- Stages, parses and stores one batch; commits. False when there was nothing new.
   -- The last event of the previous batch is re-staged (its error lines may have arrived since)
   -- while fewer than co_restage_lines lines were read after it; beyond that it is closed (its
   -- error_text is final) and the batch starts at the first unread line, after a context line
   -- with its time and host: a long run of non-event lines never stalls a file (F6). The stop key
   -- counts new lines only (co_batch_lines of them per batch).
   -- The parse view is evaluated once per batch (F5): one cursor, fetched co_fetch_rows at a time;
   -- the update of the last event, the insert (FORALL ... RETURNING) and the statistics all come
   -- from those rows.
   function ingest_batch(io_state in out nocopy {{ obj('LOAD_STATE') }}%rowtype) return boolean is
      type t_text is table of varchar2(4000) index by pls_integer;
      type t_number is table of number index by pls_integer;
      type t_date is table of date index by pls_integer;
      cursor c_parsed(in_from_line in number) is
         select p.listener, p.host, p.source, p.line_no, p.event_time, p.event_kind, p.command,
                p.connect_data, p.protocol_info, p.service_name, p.sid, p.program, p.client_host,
                p.client_user, p.client_ip, p.client_port, p.protocol, p.return_code, p.error_text,
                p.raw_line, p.parse_note
           from {{ obj('EVENT_PARSE') }} p
          where p.line_no >= in_from_line
          order by p.line_no;
      l_restage     boolean := io_state.last_event_line_no is not null
                               and io_state.line_no - io_state.last_event_line_no < co_restage_lines;
      l_old_line_no number := io_state.line_no;
      l_from        number;
      l_first_line  number;
      l_restaged    number := 0;
      l_end_offset  number;
      l_end_line    number;
      l_rejects     number := 0;
      l_last_line   number;
      l_last_time   date;
      l_last_host   varchar2(1020);
      l_last_offset number;
      l_last_id     number;
      -- one fetch of the parse view, column by column
      l_listener t_text; l_host t_text; l_source t_text; l_line_no t_number; l_event_time t_date;
      l_event_kind t_text; l_command t_text; l_connect_data t_text; l_protocol_info t_text;
      l_service_name t_text; l_sid t_text; l_program t_text; l_client_host t_text;
      l_client_user t_text; l_client_ip t_text; l_client_port t_number; l_protocol t_text;
      l_return_code t_number; l_error_text t_text; l_raw_line t_text; l_parse_note t_text;
      l_ids         t_number;
      l_start       pls_integer;
      l_first_fetch boolean := true;
      l_server_host varchar2(1020) := substr(sys_context('USERENV', 'SERVER_HOST'), 1, 255);
{% if multi %}
      -- a bind in the INSERT below (a private function cannot be called from SQL)
      l_file        varchar2(255) := file_of(in_label => io_state.file_name);
{% endif %}
   begin
      if l_restage then
         l_from := io_state.last_event_offset;
         l_first_line := io_state.last_event_line_no;
         l_restaged := io_state.line_no - io_state.last_event_line_no + 1;
      else
         l_from := io_state.byte_offset;
         l_first_line := io_state.line_no + 1;
      end if;
      if io_state.last_event_line_no is not null then
         -- context line: the parse view reads it as a <msg> header (time, host), never an event
{% if multi %}
         insert into {{ obj('STAGE_LINES') }} (source, listener, host, line_no, line)
         values (io_state.file_name, g_listener, g_host, l_first_line - 0.5,
{% else %}
         insert into {{ obj('STAGE_LINES') }} (source, line_no, line)
         values (io_state.file_name, l_first_line - 0.5,
{% endif %}
                 '<msg time=''' || to_char(io_state.last_event_time, 'YYYY-MM-DD"T"HH24:MI:SS') || ''''
                 || case when io_state.last_event_host is not null
                         then ' host_id=''' || replace(io_state.last_event_host, '''') || '''' end
                 || '>');
      end if;
{% if multi %}
      -- the label, listener and host of the source (LINE_READER returns the plain file name)
      insert into {{ obj('STAGE_LINES') }} (source, listener, host, line_no, line, byte_offset, next_offset)
      select io_state.file_name, g_listener, g_host, l.line_no, l.line, l.byte_offset, l.next_offset
        from table({{ obj('LINE_READER') }}.lines(
                in_directory     => g_directory,
                in_file          => l_file,
{% else %}
      insert into {{ obj('STAGE_LINES') }} (source, line_no, line, byte_offset, next_offset)
      select l.source, l.line_no, l.line, l.byte_offset, l.next_offset
        from table({{ obj('LINE_READER') }}.lines(
                in_directory     => co_directory,
                in_file          => io_state.file_name,
{% endif %}
                in_start_offset  => l_from,
                in_first_line_no => l_first_line,
                in_complete_only => 1)) l
       where rownum <= co_batch_lines + l_restaged;
      select max(s.next_offset), max(s.line_no)
        into l_end_offset, l_end_line
        from {{ obj('STAGE_LINES') }} s
       where s.byte_offset is not null;
      if l_end_line is null or l_end_line <= io_state.line_no then
         rollback; -- nothing new; empties the stage
         return false;
      end if;
      open c_parsed(in_from_line => l_first_line);
      loop
         fetch c_parsed
          bulk collect into l_listener, l_host, l_source, l_line_no, l_event_time, l_event_kind,
                            l_command, l_connect_data, l_protocol_info, l_service_name, l_sid,
                            l_program, l_client_host, l_client_user, l_client_ip, l_client_port,
                            l_protocol, l_return_code, l_error_text, l_raw_line, l_parse_note
          limit co_fetch_rows;
         exit when l_line_no.count = 0;
         l_start := 1;
         if l_first_fetch and l_restage and l_line_no(1) = io_state.last_event_line_no then
            -- the re-parsed last event: its error_text may have grown
            if io_state.last_event_id is not null then
               update {{ obj('EVENTS') }} e
                  set e.error_text = l_error_text(1)
                where e.event_id = io_state.last_event_id;
            end if;
            l_start := 2;
         end if;
         l_first_fetch := false;
         if l_line_no.count >= l_start then
            l_last_line := l_line_no(l_line_no.count);
            l_last_time := l_event_time(l_line_no.count);
            l_last_host := l_host(l_line_no.count);
            for i_row in l_start .. l_line_no.count
            loop
               if l_parse_note(i_row) is not null then
                  l_rejects := l_rejects + 1;
               end if;
               l_host(i_row) := coalesce(l_host(i_row), l_server_host);
            end loop;
            forall i_row in l_start .. l_line_no.count
               insert into {{ obj('EVENTS') }} (
                  listener, host, source, line_no, event_time, event_kind, command, connect_data,
                  protocol_info, service_name, sid, program, client_host, client_user, client_ip,
                  client_port, protocol, return_code, error_text, raw_line)
               values (
                  l_listener(i_row), l_host(i_row), l_source(i_row), l_line_no(i_row),
                  l_event_time(i_row), l_event_kind(i_row), l_command(i_row), l_connect_data(i_row),
                  l_protocol_info(i_row), l_service_name(i_row), l_sid(i_row), l_program(i_row),
                  l_client_host(i_row), l_client_user(i_row), l_client_ip(i_row),
                  l_client_port(i_row), l_protocol(i_row), l_return_code(i_row),
                  l_error_text(i_row), l_raw_line(i_row))
               returning event_id bulk collect into l_ids;
            l_last_id := l_ids(l_ids.count);
         end if;
      end loop;
      close c_parsed;
      if l_last_line is not null then
         select s.byte_offset
           into l_last_offset
           from {{ obj('STAGE_LINES') }} s
          where s.line_no = l_last_line;
         io_state.last_event_id := l_last_id;
         io_state.last_event_line_no := l_last_line;
         io_state.last_event_offset := l_last_offset;
         io_state.last_event_time := l_last_time;
         io_state.last_event_host := l_last_host;
      end if;
      io_state.lines := io_state.lines + (l_end_line - l_old_line_no);
      io_state.rejects := io_state.rejects + l_rejects;
      io_state.byte_offset := l_end_offset;
      io_state.line_no := l_end_line;
      save_state(in_state => io_state);
      commit; -- events, offset and state together; the stage is emptied
      return l_end_line - l_old_line_no >= co_batch_lines;
   end ingest_batch;

   procedure ingest_file(in_file in varchar2, in_configured in boolean default true) is
      l_state   {{ obj('LOAD_STATE') }}%rowtype;
      l_bfile   bfile;
      l_size    number;
      l_head    varchar2(512);
      l_is_open boolean := false;
      l_more    boolean := true;
   begin
{% if multi %}
      if g_prefix is null or not in_source(in_label => in_file) then
         use_source(in_source_name => substr(in_file, 1, instr(in_file, '/') - 1)); -- a direct call
      end if;
      l_state := locked_state(in_file => in_file);
      l_bfile := bfilename(g_directory, file_of(in_label => in_file));
{% else %}
      l_state := locked_state(in_file => in_file);
      l_bfile := bfilename(co_directory, in_file);
{% endif %}
      if sys.dbms_lob.fileexists(l_bfile) = 0 then
         if l_state.generation > 0 then
            record_health(in_file => in_file, in_status => co_status_finished, in_health => null);
         else
            record_health(in_file => in_file, in_status => co_status_missing,
                          in_health => in_file || ': no such file in directory ' || {{ dir }});
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
      if not in_configured
         and l_state.generation > 0
         and l_state.status in (co_status_ok, co_status_closed)
         and l_size = l_state.file_size
         and nvl(l_state.signature, '-') = nvl(l_head, '-')
      then
         rollback; -- an unchanged segment: no UPDATE, no COMMIT of its row (S4); releases the lock
         return;
      end if;
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
      if not in_configured and l_state.byte_offset - 1 = l_state.file_size then
         -- read to its end: the listener writes only the configured name, a segment never grows
         lock_run;
         update {{ obj('LOAD_STATE') }} t
            set t.status = co_status_closed
          where t.file_name = in_file
            and t.status = co_status_ok;
      end if;
      commit;
   exception
      when e_file_access or e_file_privs or e_open_failed or e_invalid_directory then
         if l_is_open then
            sys.dbms_lob.fileclose(l_bfile);
         end if;
         rollback;
         record_health(in_file => in_file, in_status => co_status_unreadable,
                       in_health => in_file || ': ' || sqlerrm);
{% if multi %}
      when e_invalid_name or value_error then
         -- no usable directory name for the source (missing SOURCES row, or not a simple SQL name)
         rollback;
         l_state := locked_state(in_file => in_file);
         record_health(in_file => in_file, in_status => co_status_unreadable,
                       in_health => in_file || ': directory object name "' || substr(g_directory, 1, 128)
                                    || '" of the source is not usable (' || sqlerrm || ')');
{% endif %}
      when e_cancelled or e_session_killed or e_package_state_gone or e_package_state_discarded then
         if l_is_open then
            sys.dbms_lob.fileclose(l_bfile);
         end if;
         raise; -- as run: the session is ending, not this file failing
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

   -- 19c+ segments (Network Log File Segmentation): a configured file stem.ext covers itself and
   -- stem_<n>.ext (listener.log -> listener_<n>.log, log.xml -> log_<n>.xml). in_base's stem and
   -- extension; the segment number of in_name, or null.
   procedure split_name(in_base in varchar2, out_stem out varchar2, out_ext out varchar2) is
      l_dot pls_integer := instr(in_base, '.', -1);
   begin
      if l_dot > 1 then
         out_stem := substr(in_base, 1, l_dot - 1);
         out_ext := substr(in_base, l_dot);
      else
         out_stem := in_base;
         out_ext := null;
      end if;
   end split_name;

   function segment_number(in_base in varchar2, in_name in varchar2) return number is
      l_stem varchar2(255);
      l_ext  varchar2(255);
      l_mid  varchar2(255);
   begin
      split_name(in_base => in_base, out_stem => l_stem, out_ext => l_ext);
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

{% if multi %}
   -- in_name: a label of the source being read; a directory that cannot be read has no files here
   -- (ingest_file records why for the configured file), so one source never stops the others
   function file_exists(in_name in varchar2) return boolean is
   begin
      return sys.dbms_lob.fileexists(bfilename(g_directory, file_of(in_label => in_name))) = 1;
   exception
      when e_file_access or e_file_privs or e_open_failed or e_invalid_directory then
         return false;
   end file_exists;
{% else %}
   function file_exists(in_name in varchar2) return boolean is
   begin
      return sys.dbms_lob.fileexists(bfilename(co_directory, in_name)) = 1;
   end file_exists;
{% endif %}

   -- New segments of in_base get a LOAD_STATE row (lsnrmine.ingest.discover_segments: same rule).
   -- While no live segment is known (none, or all FINISHED: the numbering may have restarted):
   -- n = 1..co_segment_window, the powers of two up to co_segment_max and one slice of
   -- co_segment_slice numbers chosen by the clock (every n within 66 five-minute slots), and from
   -- each hit downward while the names exist. Then the window top+1..top+co_segment_window above
   -- the highest number known or found, top moving up with every find: segments deleted before
   -- they were discovered (a gap) do not hide later ones (S1).
   procedure discover_segments(in_base in varchar2) is
      type t_numbers is table of boolean index by pls_integer;
      co_slices constant pls_integer := ceil(co_segment_max / co_segment_slice);
      l_stem    varchar2(255);
      l_ext     varchar2(255);
      l_known   t_numbers;
      l_found   t_numbers;
      l_live    boolean := false;
      l_top     pls_integer := 0;
      l_n       pls_integer;
      l_slice   pls_integer;
      l_first   pls_integer;
      l_last    pls_integer;
      function seg_name(in_n in pls_integer) return varchar2 is
      begin
         return l_stem || '_' || in_n || l_ext;
      end seg_name;
      procedure probe_down(in_hit in pls_integer) is
         l_k pls_integer := in_hit;
      begin
         while l_k >= 1 and not l_known.exists(l_k) and not l_found.exists(l_k)
               and file_exists(in_name => seg_name(l_k))
         loop
            l_found(l_k) := true;
            l_k := l_k - 1;
         end loop;
      end probe_down;
   begin
      split_name(in_base => in_base, out_stem => l_stem, out_ext => l_ext);
      lock_run;
      for r_state in (select t.file_name, t.status from {{ obj('LOAD_STATE') }} t)
      loop
         l_n := segment_number(in_base => in_base, in_name => r_state.file_name);
         if l_n is not null and l_n <= co_segment_max then
            l_known(l_n) := true;
            l_top := greatest(l_top, l_n);
            if r_state.status <> co_status_finished then
               l_live := true;
            end if;
         end if;
      end loop;
      if not l_live then
         l_slice := mod(trunc((sysdate - date '2000-01-01') * 288), co_slices);
         for i_n in 1..co_segment_window
         loop
            probe_down(in_hit => i_n);
         end loop;
         for i_k in 0..16
         loop
            probe_down(in_hit => power(2, i_k));
         end loop;
         l_first := l_slice * co_segment_slice + 1;
         l_last := least(l_first + co_segment_slice - 1, co_segment_max);
         for i_n in l_first..l_last
         loop
            probe_down(in_hit => i_n);
         end loop;
         if l_found.count > 0 then
            l_top := greatest(l_top, l_found.last);
         end if;
      end if;
      l_n := l_top + 1;
      while l_n <= least(l_top + co_segment_window, co_segment_max)
      loop
         if not l_known.exists(l_n) and file_exists(in_name => seg_name(l_n)) then
            l_found(l_n) := true;
            l_top := l_n;
         end if;
         l_n := l_n + 1;
      end loop;
      l_n := l_found.first;
      while l_n is not null
      loop
         begin
            insert into {{ obj('LOAD_STATE') }} (file_name) values (seg_name(l_n));
         exception
            when dup_val_on_index then
               null; -- another session found it first
         end;
         l_n := l_found.next(l_n);
      end loop;
      commit;
   exception
      when e_file_access or e_file_privs or e_open_failed or e_invalid_directory then
         rollback; -- the directory's problem: ingest_file records it for in_base
   end discover_segments;

   procedure ingest_one(in_file in varchar2, in_configured in boolean, io_failed in out nocopy varchar2) is
   begin
      g_failed := null;
      ingest_file(in_file => in_file, in_configured => in_configured);
      if g_failed is not null then
         io_failed := substrb(io_failed || g_failed || '; ', 1, 3900);
      end if;
   end ingest_one;

{% if multi %}
   -- One source of in_instance: its files' segments then the file (as below without sources). A
   -- source that cannot be read (no directory object, no privilege, no file, a bad directory name)
   -- is recorded in its LOAD_STATE rows; unexpected file errors are added to io_failed.
   procedure read_source(in_instance    in number,
                         in_source_name in {{ obj('SOURCES') }}.source_name%type,
                         in_label       in {{ obj('SOURCES') }}.label%type,
                         io_failed      in out nocopy varchar2) is
      type t_by_number is table of varchar2(1020) index by pls_integer;
      l_none     t_by_number;
      l_segments t_by_number;
      l_n        number;
      l_usable   boolean;
      i_segment  pls_integer;
   begin
      begin
         use_source(in_source_name => in_source_name);
         g_run_lock := run_lock_name(in_instance => in_instance); -- the lock this run holds
         l_usable := true;
      exception
         when e_invalid_name then
            l_usable := false;
            rollback;
            g_run_lock := run_lock_name(in_instance => in_instance);
            g_failed := null;
            l_segments := l_none;
            lock_run;
            begin
               insert into {{ obj('LOAD_STATE') }} (file_name) values (in_label);
            exception
               when dup_val_on_index then
                  null; -- the usual case: the row exists
            end;
            record_health(in_file => in_label, in_status => co_status_unreadable,
                          in_health => in_label || ': the directory object name of source '
                                       || in_source_name || ' is not a simple SQL name (ORA-44003)');
      end;
      if l_usable then
         discover_segments(in_base => in_label);
{{ read_segments_then_file('in_label', 'io_failed') }}
         lock_run;
         update {{ obj('LOAD_STATE') }} t
            set t.health = 'previous generation (' || (t.prev_offset - 1) || ' bytes read) not found in any '
                           || 'segment: lines written after the last run before the rotation may be lost'
          where t.file_name = in_label
            and t.status = co_status_ok
            and t.prev_signature is not null
            and t.prev_offset is not null;
         commit;
      end if;
   end read_source;

   -- Per enabled source of in_instance, by source name, per file (read_source). A failure of one
   -- source does not stop the others: it is recorded in that source's LOAD_STATE row and raised
   -- at the end, after every source.
   procedure run(in_instance in number default null) is
      l_failed varchar2(4000);
      l_error  varchar2(4000);
   begin
      g_run_lock := run_lock_name(in_instance => in_instance);
      begin
         lock_run(in_nowait => true);
      exception
         when e_resource_busy then
            sys.dbms_standard.raise_application_error(
               num => {{ obj('ERROR_PKG') }}.co_ingest_failed,
               msg => 'lsnrmine ingest: another INGEST_PKG.run for the same instance is active (LOAD_STATE row "'
                      || g_run_lock || '" is locked); this run read nothing, the next one reads on');
      end;
      for r_source in (
         select s.source_name, s.label
           from {{ obj('SOURCES') }} s
          where s.enabled = 'Y'
            and (s.instance_number = in_instance or in_instance is null and s.instance_number is null)
          order by s.source_name, s.label
      )
      loop
         begin
            read_source(in_instance    => in_instance,
                        in_source_name => r_source.source_name,
                        in_label       => r_source.label,
                        io_failed      => l_failed);
         exception
            when e_cancelled or e_session_killed or e_package_state_gone or e_package_state_discarded then
               raise; -- as ALERT_PKG.merge_episodes: the session is ending, not this source failing
            when others then
               -- Catch-all on purpose (source isolation, as ingest_file per file): any error of
               -- one source (ORA-06502 from its SOURCES row, ORA-00060/01555 in its segment
               -- discovery or LOAD_STATE scan, ...) must not skip the sources after it. It is
               -- recorded in the source's LOAD_STATE health with its backtrace and re-raised,
               -- with the others, at the end of the run.
               l_error := substrb(r_source.label || ': ' || sqlerrm || ' '
                                  || sys.dbms_utility.format_error_backtrace, 1, 4000);
               rollback;
               g_run_lock := run_lock_name(in_instance => in_instance);
               l_failed := substrb(l_failed || l_error || '; ', 1, 3900);
               lock_run;
               begin
                  insert into {{ obj('LOAD_STATE') }} (file_name) values (r_source.label);
               exception
                  when dup_val_on_index then
                     null; -- the usual case: the row exists
               end;
               record_health(in_file => r_source.label, in_status => co_status_error, in_health => l_error);
         end;
      end loop;
      if l_failed is not null then
         sys.dbms_standard.raise_application_error(num => {{ obj('ERROR_PKG') }}.co_ingest_failed,
                                                   msg => 'lsnrmine ingest: ' || l_failed);
      end if;
   end run;
{% else %}
   procedure run is
      type t_by_number is table of varchar2(1020) index by pls_integer;
      l_failed   varchar2(4000);
      l_none     t_by_number;
      l_segments t_by_number;
      l_n        number;
      i_segment  pls_integer;
   begin
      begin
         lock_run(in_nowait => true);
      exception
         when e_resource_busy then
            sys.dbms_standard.raise_application_error(
               num => {{ obj('ERROR_PKG') }}.co_ingest_failed,
               msg => 'lsnrmine ingest: another INGEST_PKG.run is active (LOAD_STATE row "'
                      || co_run_lock || '" is locked); this run read nothing, the next one reads on');
      end;
      for i_file in 1..co_log_files.count
      loop
         discover_segments(in_base => co_log_files(i_file));
         -- its segments by ascending n (a renamed file adopts the generation it continues before
         -- the configured name restarts), then the configured file itself; a segment that
         -- disappeared after it was read (FINISHED) is read again only when its name exists (S3)
{{ read_segments_then_file('co_log_files(i_file)', 'l_failed') }}
         -- S1: a previous generation no segment continued (deleted before discovery, or copied
         -- and truncated): its unread tail, if any, is lost; said in health (verify shows it)
         lock_run;
         update {{ obj('LOAD_STATE') }} t
            set t.health = 'previous generation (' || (t.prev_offset - 1) || ' bytes read) not found in any '
                           || 'segment: lines written after the last run before the rotation may be lost'
          where t.file_name = co_log_files(i_file)
            and t.status = co_status_ok
            and t.prev_signature is not null
            and t.prev_offset is not null;
         commit;
      end loop;
      if l_failed is not null then
         sys.dbms_standard.raise_application_error(num => {{ obj('ERROR_PKG') }}.co_ingest_failed,
                                                   msg => 'lsnrmine ingest: ' || l_failed);
      end if;
   end run;
{% endif %}

   -- Deletes events older than the retention limit. Events without a time (undated lines at the
   -- top of a generation, the error_only event of a rotated-away event's error lines, records
   -- whose date did not convert and that have no header before them) are deleted too, by these
   -- criteria (F8, P2), per source:
   --  a. a later-loaded event of the same source (higher event_id) is itself older than the limit
   --     (a log is chronological, so such an event is older still);
   --  b. the source is no longer read: its LOAD_STATE row is FINISHED (gone) or CLOSED (a segment
   --     read to its end) and was last read before the limit, or it has no LOAD_STATE row (a file
   --     removed from log_file) and no event of it is at or after the limit.
   -- The highest old event_id is computed once per source (EVENTS_TIME_IX), each delete is a
   -- range of EVENTS_SOURCE_TIME_IX (source, event_time is null): a single-column index on
   -- event_time has no entry for NULL (P1).
   procedure purge(in_retention_days in number default null) is
      l_days  number := coalesce(in_retention_days, setting_number(in_name => 'RETENTION_DAYS',
                                                                   in_default => co_default_days));
      l_limit date;
   begin
      l_limit := sysdate - l_days;
      for r_source in (
         select x.source, max(case when x.event_time < l_limit then x.event_id end) max_old_id,
                max(case when x.event_time >= l_limit then 1 else 0 end) has_recent
           from {{ obj('EVENTS') }} x
          group by x.source
      )
      loop
         loop
            delete from {{ obj('EVENTS') }} e
             where e.source = r_source.source
               and e.event_time is null
               and (e.event_id < r_source.max_old_id
                    or exists (select null
                                 from {{ obj('LOAD_STATE') }} t
                                where t.file_name = r_source.source
                                  and t.status in (co_status_finished, co_status_closed)
                                  and t.last_success < l_limit)
                    or r_source.has_recent = 0
                       and not exists (select null
                                         from {{ obj('LOAD_STATE') }} t
                                        where t.file_name = r_source.source))
               and rownum <= co_purge_batch;
            exit when sql%rowcount = 0;
            commit;
         end loop;
      end loop;
      loop
         delete from {{ obj('EVENTS') }} e
          where e.event_time < l_limit
            and rownum <= co_purge_batch;
         exit when sql%rowcount = 0;
         commit;
      end loop;
      commit;
   end purge;

{% if multi %}
   -- every ingest job: INGEST_JOB and the instance jobs INGEST_JOB_I<n>
   procedure apply_settings is
      l_minutes number := setting_number(in_name => 'INGEST_INTERVAL_MINUTES', in_default => 5);
   begin
      for r_job in (
         select j.job_name
           from user_scheduler_jobs j
          where j.job_name = co_ingest_job
             or substr(j.job_name, 1, length(co_ingest_job) + 2) = co_ingest_job || '_I'
                and regexp_like(substr(j.job_name, length(co_ingest_job) + 3), '^[0-9]{1,3}$')
      )
      loop
         sys.dbms_scheduler.set_attribute(
            name      => r_job.job_name,
            attribute => 'repeat_interval',
            value     => case
                            when l_minutes <= 999 then 'FREQ=MINUTELY;INTERVAL=' || trunc(greatest(l_minutes, 1))
                            else 'FREQ=HOURLY;INTERVAL=' || ceil(l_minutes / 60)
                         end
         );
      end loop;
   end apply_settings;
{% else %}
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
{% endif %}
end {{ obj('INGEST_PKG') }};
/
