{# the segments of a file among the names, by ascending n, then the file (the shorthand's list and each source's) #}
{% macro segments_then_file(names, label) %}
for i_name in 1..{{ names }}.count
loop
   -- INGEST_PKG.segment_number's rule: stem || '_' || 1 to 9 digits || ext
   if length({{ names }}(i_name)) > length(l_stem) + 1 + nvl(length(l_ext), 0)
      and substr({{ names }}(i_name), 1, length(l_stem) + 1) = l_stem || '_'
      and (l_ext is null or substr({{ names }}(i_name), -length(l_ext)) = l_ext)
   then
      l_mid := substr({{ names }}(i_name), length(l_stem) + 2,
                      length({{ names }}(i_name)) - length(l_stem) - 1 - nvl(length(l_ext), 0));
      if regexp_like(l_mid, '^[0-9]{1,5}$') then
         i_n := to_number(l_mid);
         l_segments(i_n) := {{ names }}(i_name);
      end if;
   end if;
end loop;
i_n := l_segments.first;
while i_n is not null
loop
   l_out.extend;
   l_out(l_out.count) := l_segments(i_n);
   i_n := l_segments.next(i_n);
end loop;
l_out.extend;
l_out(l_out.count) := {{ label }};{% endmacro %}
-- LINE_READER: reads the listener log as raw lines through a BFILE (exact line numbers and byte
-- offsets). Used by the view LISTENER_LOG_LINES (all_lines) and by INGEST_PKG (lines with
-- in_complete_only => 1). Needs READ on the directory object, granted directly.
-- facts: docs/oracle-facts.md#bfile-reading
{% set multi = s.multi_source %}
create or replace package {{ obj('LINE_READER') }} authid definer is
   co_max_line_bytes constant pls_integer := 4000;

{% if multi %}
   -- the SOURCES columns' types (CHAR semantics: a multibyte host fits as in the table)
   type t_line is record (
      source      {{ obj('SOURCES') }}.label%type,    -- file name inside the directory object (all_lines: the source label)
      listener    {{ obj('SOURCES') }}.listener%type, -- all_lines: the source's listener
      host        {{ obj('SOURCES') }}.host%type,     -- all_lines: the source's host (null when not configured)
{% else %}
   type t_line is record (
      source      varchar2(255),  -- file name inside the directory object
      listener    varchar2(128),  -- all_lines: the source's listener (listener_name without [[sources]])
      host        varchar2(255),  -- all_lines: the source's host (null when not configured)
{% endif %}
      line_no     number,         -- 1 = first line of the file (or in_first_line_no)
      byte_offset number,         -- 1-based byte offset of the line's first byte
      line        varchar2(4000), -- text without the line end, in the database charset
      next_offset number          -- byte offset right after the line end: where the next line starts
   );
   type t_line_tab is table of t_line;

   -- Every physical line from in_start_offset (a byte offset at the start of a line) to the end of
   -- the file, including a last line without a final newline (a line being written). With
   -- in_complete_only = 1 it stops at the last newline: a partial last line is not returned, so a
   -- reader that resumes at the next_offset of the last row never sees half a line. (A number, not
   -- a BOOLEAN: the function is called from SQL.)
   function lines(
      in_directory     in varchar2 default {{ s.directory | sqlstr }},
      in_file          in varchar2,
      in_start_offset  in number   default 1,
      in_first_line_no in number   default 1,
      in_complete_only in number   default 0
   ) return t_line_tab pipelined;

   -- Byte offset right after the last newline at or after in_start_offset (in_start_offset itself
   -- when there is none): where the next incremental read starts.
   function complete_end_offset(
      in_directory    in varchar2 default {{ s.directory | sqlstr }},
      in_file         in varchar2,
      in_start_offset in number   default 1
   ) return number;

   -- Size of the file in bytes: a stored offset beyond size + 1 means the file was truncated or
   -- rotated, and the reader must start again at offset 1.
   function file_length(
      in_directory in varchar2 default {{ s.directory | sqlstr }},
      in_file      in varchar2
   ) return number;

{% if multi %}
   -- The lines of the files INGEST_PKG.run reads, in its order, for the enabled sources this
   -- instance reads (SOURCES instance_number null or the session's instance): per source and file,
   -- its 19c segments known in LOAD_STATE (ascending n) that exist, then the file itself; source =
   -- the label '<source name>/<file>', with the source's listener and host. A file that does not
   -- exist or cannot be opened here (another node's directory) has no lines.
{% else %}
   -- The lines of the files INGEST_PKG.run reads, in its order: per configured file, its 19c
   -- segments known in LOAD_STATE (ascending n) that exist, then the file itself.
{% endif %}
   function all_lines return t_line_tab pipelined;
end {{ obj('LINE_READER') }};
/

create or replace package body {{ obj('LINE_READER') }} is
   co_lf              constant raw(1)       := hextoraw('0A');
   co_cr              constant raw(1)       := hextoraw('0D');
   co_log_charset     constant varchar2(30) := {{ s.log_charset | sqlstr }};
   -- Bytes read per line at most: 2 x 4000 covers any source/database charset pair that maps a
   -- character to at most twice its bytes; CONVERT output stays below the 32767-byte RAW limit.
   co_read_cap        constant pls_integer  := 8000;
   co_max_file_chars  constant pls_integer  := 255;

{% if multi %}
   -- labels (SOURCES.label, LOAD_STATE.file_name: 255 char)
   type t_file_list is table of {{ obj('SOURCES') }}.label%type;
{% else %}
   type t_file_list is table of varchar2(255);
   co_log_files constant t_file_list := t_file_list(
{% for log_file in s.log_files %}
      {{ log_file | sqlstr }}{{ "," if not loop.last }}
{% endfor %}
   );
{% endif %}

   -- Reader state: one BFILE and the position of the next line.
   type t_reader is record (
      file_loc      bfile,
      is_open       boolean := false,
      byte_count    number,
      pos           number,
      line_no       number,
      source        {{ "%s.label%%type" % obj('SOURCES') if multi else "varchar2(255)" }},
      complete_only boolean
   );

   g_db_charset varchar2(30);

   -- The directory object name as stored (upper case); ORA-44003 from DBMS_ASSERT if it is not a
   -- simple SQL name. Quoted names are refused too, so the value can only name an upper-case object.
   function checked_directory(in_directory in varchar2) return varchar2 is
      l_name varchar2(128);
   begin
      l_name := sys.dbms_assert.simple_sql_name(in_directory);
      if instr(l_name, '"') > 0 then
         raise value_error;
      end if;
      return upper(l_name);
   end checked_directory;

   -- A plain file name: letters, digits, _ . - only (no path separators, no ..), like the
   -- installer's check_file_name.
   function checked_file(in_file in varchar2) return varchar2 is
   begin
      if in_file is null
         or length(in_file) > co_max_file_chars
         or not regexp_like(in_file, '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', 'c')
      then
         sys.dbms_standard.raise_application_error(
            num => {{ obj('ERROR_PKG') }}.co_bad_file_name,
            msg => 'lsnrmine line_reader: "' || substr(in_file, 1, 64)
               || '" is not a plain file name (letters, digits, _ . - only)'
         );
      end if;
      return in_file;
   end checked_file;

   function db_charset return varchar2 is
   begin
      if g_db_charset is null then
         select value
           into g_db_charset
           from nls_database_parameters
          where parameter = 'NLS_CHARACTERSET';
      end if;
      return g_db_charset;
   end db_charset;

   function byte_at(in_raw in raw, in_pos in pls_integer) return pls_integer is
   begin
      return to_number(rawtohex(sys.utl_raw.substr(in_raw, in_pos, 1)), 'XX');
   end byte_at;

   -- Drops an incomplete UTF-8 sequence at the end of in_raw (used only when the read was cut).
   function utf8_prefix(in_raw in raw) return raw is
      l_len  pls_integer := sys.utl_raw.length(in_raw);
      l_pos  pls_integer := l_len;
      l_byte pls_integer;
      l_need pls_integer;
   begin
      -- back to the lead byte of the last sequence (continuation bytes are 10xxxxxx)
      while l_pos > 1 and l_pos > l_len - 3
      loop
         l_byte := byte_at(in_raw => in_raw, in_pos => l_pos);
         exit when l_byte < 128 or l_byte >= 192;
         l_pos := l_pos - 1;
      end loop;
      l_byte := byte_at(in_raw => in_raw, in_pos => l_pos);
      l_need := case
                   when l_byte < 128 then 1
                   when l_byte >= 240 then 4
                   when l_byte >= 224 then 3
                   when l_byte >= 192 then 2
                   else 1
                end;
      if l_pos + l_need - 1 <= l_len then
         return in_raw;  -- the last sequence is complete
      elsif l_pos = 1 then
         return null;
      end if;
      return sys.utl_raw.substr(in_raw, 1, l_pos - 1);
   end utf8_prefix;

   -- Text of in_amount bytes at in_offset (the line without its LF), CR removed, decoded, cut.
   function decoded_line(
      in_bfile  in bfile,
      in_offset in number,
      in_amount in number
   ) return varchar2 is
      l_amount pls_integer;
      l_raw    raw(32767);
      l_text   varchar2(32767);
      l_excess pls_integer;
   begin
      if in_amount <= 0 then
         return null;
      end if;
      l_amount := least(in_amount, co_read_cap);
      sys.dbms_lob.read(in_bfile, l_amount, in_offset, l_raw);
      if in_amount <= co_read_cap
         and sys.utl_raw.substr(l_raw, sys.utl_raw.length(l_raw), 1) = co_cr
      then
         if sys.utl_raw.length(l_raw) = 1 then
            return null;
         end if;
         l_raw := sys.utl_raw.substr(l_raw, 1, sys.utl_raw.length(l_raw) - 1);
      elsif in_amount > co_read_cap and co_log_charset in ('AL32UTF8', 'UTF8') then
         l_raw := utf8_prefix(in_raw => l_raw);
         if l_raw is null then
            return null;
         end if;
      end if;
      if co_log_charset <> db_charset then
         l_raw := sys.utl_raw.convert(
            l_raw,
            'AMERICAN_AMERICA.' || db_charset,
            'AMERICAN_AMERICA.' || co_log_charset
         );
      end if;
      l_text := sys.utl_raw.cast_to_varchar2(l_raw);
      -- cut to co_max_line_bytes on a character boundary: dropping floor(excess / 4) characters
      -- (a character has 1 to 4 bytes) never removes more bytes than the excess
      while lengthb(l_text) > co_max_line_bytes
      loop
         l_excess := lengthb(l_text) - co_max_line_bytes;
         l_text := substr(l_text, 1, length(l_text) - greatest(1, trunc(l_excess / 4)));
      end loop;
      return l_text;
   end decoded_line;

   procedure check_start(in_start_offset in number, in_first_line_no in number) is
   begin
      if in_start_offset is null or in_start_offset < 1 or in_start_offset <> trunc(in_start_offset)
         or in_first_line_no is null or in_first_line_no < 1
         or in_first_line_no <> trunc(in_first_line_no)
      then
         sys.dbms_standard.raise_application_error(
            num => {{ obj('ERROR_PKG') }}.co_bad_offset,
            msg => 'lsnrmine line_reader: start offset and first line number must be whole numbers >= 1'
         );
      end if;
   end check_start;

   function locator(in_directory in varchar2, in_file in varchar2) return bfile is
   begin
      return bfilename(checked_directory(in_directory => in_directory),
                       checked_file(in_file => in_file));
   end locator;

   procedure open_reader(
      io_reader        in out nocopy t_reader,
      in_bfile         in bfile,
      in_source        in varchar2,
      in_start_offset  in number,
      in_first_line_no in number,
      in_complete_only in boolean
   ) is
   begin
      check_start(in_start_offset => in_start_offset, in_first_line_no => in_first_line_no);
      io_reader.file_loc := in_bfile;
      -- raises ORA-22285 (no such directory or file) / ORA-22288 (open failed) to the caller
      sys.dbms_lob.fileopen(io_reader.file_loc, sys.dbms_lob.file_readonly);
      io_reader.is_open := true;
      io_reader.byte_count := sys.dbms_lob.getlength(io_reader.file_loc);
      io_reader.pos := in_start_offset;
      io_reader.line_no := in_first_line_no;
      io_reader.source := in_source;
      io_reader.complete_only := in_complete_only;
   end open_reader;

   procedure close_reader(io_reader in out nocopy t_reader) is
   begin
      -- is_open, not FILEISOPEN: after a failed FILEOPEN no further LOB call may raise and hide
      -- the original error
      if io_reader.is_open then
         io_reader.is_open := false;
         sys.dbms_lob.fileclose(io_reader.file_loc);
      end if;
   end close_reader;

   -- FALSE at the end of the file (or, for complete_only, after the last newline).
   function next_line(io_reader in out nocopy t_reader, out_line out t_line) return boolean is
      l_nl number;
   begin
      if io_reader.pos > io_reader.byte_count then
         return false;
      end if;
      l_nl := sys.dbms_lob.instr(io_reader.file_loc, co_lf, io_reader.pos, 1);
      if l_nl = 0 then
         if io_reader.complete_only then
            return false;
         end if;
         l_nl := io_reader.byte_count + 1;  -- last line without a newline
      end if;
      out_line.source := io_reader.source;
      out_line.line_no := io_reader.line_no;
      out_line.byte_offset := io_reader.pos;
      out_line.line := decoded_line(in_bfile  => io_reader.file_loc,
                                    in_offset => io_reader.pos,
                                    in_amount => l_nl - io_reader.pos);
      out_line.next_offset := least(l_nl + 1, io_reader.byte_count + 1);
      io_reader.line_no := io_reader.line_no + 1;
      io_reader.pos := l_nl + 1;
      return true;
   end next_line;

   function lines(
      in_directory     in varchar2 default {{ s.directory | sqlstr }},
      in_file          in varchar2,
      in_start_offset  in number   default 1,
      in_first_line_no in number   default 1,
      in_complete_only in number   default 0
   ) return t_line_tab pipelined is
      l_reader t_reader;
      l_line   t_line;
   begin
      open_reader(io_reader        => l_reader,
                  in_bfile         => locator(in_directory => in_directory, in_file => in_file),
                  in_source        => in_file,
                  in_start_offset  => in_start_offset,
                  in_first_line_no => in_first_line_no,
                  in_complete_only => nvl(in_complete_only, 0) = 1);
      while next_line(io_reader => l_reader, out_line => l_line)
      loop
         pipe row (l_line);
      end loop;
      close_reader(io_reader => l_reader);
      return;
   exception
      when no_data_needed then
         -- the consumer stopped fetching (ROWNUM, FETCH FIRST): close the file, end quietly
         close_reader(io_reader => l_reader);
         return;
      when others then
         -- closes the file only; the original error is re-raised unchanged
         close_reader(io_reader => l_reader);
         raise;
   end lines;

   function complete_end_offset(
      in_directory    in varchar2 default {{ s.directory | sqlstr }},
      in_file         in varchar2,
      in_start_offset in number   default 1
   ) return number is
      l_reader t_reader;
      l_last   number;
      l_pos    number;
   begin
      open_reader(io_reader        => l_reader,
                  in_bfile         => locator(in_directory => in_directory, in_file => in_file),
                  in_source        => in_file,
                  in_start_offset  => in_start_offset,
                  in_first_line_no => 1,
                  in_complete_only => true);
      l_last := in_start_offset;
      l_pos := in_start_offset;
      while l_pos <= l_reader.byte_count
      loop
         l_pos := sys.dbms_lob.instr(l_reader.file_loc, co_lf, l_pos, 1);
         exit when l_pos = 0;
         l_last := l_pos + 1;
         l_pos := l_pos + 1;
      end loop;
      close_reader(io_reader => l_reader);
      return l_last;
   exception
      when others then
         close_reader(io_reader => l_reader);
         raise;
   end complete_end_offset;

   function file_length(
      in_directory in varchar2 default {{ s.directory | sqlstr }},
      in_file      in varchar2
   ) return number is
      l_reader t_reader;
      l_length number;
   begin
      open_reader(io_reader        => l_reader,
                  in_bfile         => locator(in_directory => in_directory, in_file => in_file),
                  in_source        => in_file,
                  in_start_offset  => 1,
                  in_first_line_no => 1,
                  in_complete_only => false);
      l_length := l_reader.byte_count;
      close_reader(io_reader => l_reader);
      return l_length;
   exception
      when others then
         close_reader(io_reader => l_reader);
         raise;
   end file_length;

{% if multi %}
   e_file_access exception;
   pragma exception_init(e_file_access, -22285); -- non-existent directory or file
   e_file_privs exception;
   pragma exception_init(e_file_privs, -22286);  -- insufficient privileges on file or directory
   e_invalid_directory exception;
   pragma exception_init(e_invalid_directory, -22287); -- invalid or modified directory
   e_open_failed exception;
   pragma exception_init(e_open_failed, -22288); -- file or LOB operation FILEOPEN failed

   -- SOURCES' columns (CHAR semantics; varchar2(n) would be BYTE by default and a multibyte host
   -- of more than 255 bytes would raise ORA-06502 and fail the whole LISTENER_LOG_LINES query)
   type t_source is record (
      source_name    {{ obj('SOURCES') }}.source_name%type,
      label          {{ obj('SOURCES') }}.label%type,
      listener       {{ obj('SOURCES') }}.listener%type,
      host           {{ obj('SOURCES') }}.host%type,
      directory_name {{ obj('SOURCES') }}.directory_name%type
   );
   type t_source_names is table of {{ obj('SOURCES') }}.source_name%type;
   type t_listeners is table of {{ obj('SOURCES') }}.listener%type;
   type t_hosts is table of {{ obj('SOURCES') }}.host%type;
   type t_directories is table of {{ obj('SOURCES') }}.directory_name%type;

   -- The labels INGEST_PKG.run reads for in_label (R1): its 19c segments '<source>/stem_<n>.ext'
   -- known in LOAD_STATE by ascending n (INGEST_PKG.segment_number's rule on the label), then
   -- in_label itself.
   function file_set(in_label in varchar2, in_names in t_file_list) return t_file_list is
      type t_by_number is table of {{ obj('SOURCES') }}.label%type index by pls_integer;
      l_out      t_file_list := t_file_list();
      l_segments t_by_number;
      l_dot      pls_integer := instr(in_label, '.', -1);
      l_stem     {{ obj('SOURCES') }}.label%type;
      l_ext      {{ obj('SOURCES') }}.label%type;
      l_mid      {{ obj('SOURCES') }}.label%type;
      i_n        pls_integer;
   begin
      if l_dot > instr(in_label, '/') + 1 then
         l_stem := substr(in_label, 1, l_dot - 1);
         l_ext := substr(in_label, l_dot);
      else
         l_stem := in_label;
         l_ext := null;
      end if;
{{ segments_then_file('in_names', 'in_label') | indent(6, true) }}
      return l_out;
   end file_set;

   -- LOAD_STATE is created after this package (SOURCES before it, for the %type declarations):
   -- both read through dynamic SQL; while one does not exist (ORA-00942), no source / no segment.
   function all_lines return t_line_tab pipelined is
      e_no_table exception;
      pragma exception_init(e_no_table, -942); -- table or view does not exist
      l_reader  t_reader;
      l_line    t_line;
      l_bfile   bfile;
      l_source  t_source;
      l_source_names t_source_names := t_source_names();
      l_labels       t_file_list := t_file_list();
      l_listeners    t_listeners := t_listeners();
      l_hosts        t_hosts := t_hosts();
      l_directories  t_directories := t_directories();
      l_names   t_file_list := t_file_list();
      l_files   t_file_list;
      l_exists  boolean;
   begin
      begin
         -- one collection per column (BULK COLLECT INTO scalar collections)
         execute immediate 'select s.source_name, s.label, s.listener, s.host, s.directory_name '
            || 'from {{ obj('SOURCES') }} s where s.enabled = ''Y'' '
            || 'and (s.instance_number is null or s.instance_number = to_number(sys_context(''USERENV'', ''INSTANCE''))) '
            || 'order by s.source_name, s.label'
            bulk collect into l_source_names, l_labels, l_listeners, l_hosts, l_directories;
         execute immediate 'select t.file_name from {{ obj('LOAD_STATE') }} t'
            bulk collect into l_names;
      exception
         when e_no_table then
            null;
      end;
      for i_source in 1..l_labels.count
      loop
         l_source.source_name := l_source_names(i_source);
         l_source.label := l_labels(i_source);
         l_source.listener := l_listeners(i_source);
         l_source.host := l_hosts(i_source);
         l_source.directory_name := l_directories(i_source);
         l_files := file_set(in_label => l_source.label, in_names => l_names);
         for i_file in 1..l_files.count
         loop
            begin
               l_bfile := locator(in_directory => l_source.directory_name,
                                  in_file      => substr(l_files(i_file), length(l_source.source_name) + 2));
               l_exists := sys.dbms_lob.fileexists(l_bfile) = 1;
            exception
               when e_file_access or e_file_privs or e_invalid_directory or e_open_failed then
                  l_exists := false; -- not readable from this instance: no lines here
            end;
            if l_exists then
               begin
                  open_reader(io_reader        => l_reader,
                              in_bfile         => l_bfile,
                              in_source        => l_files(i_file),
                              in_start_offset  => 1,
                              in_first_line_no => 1,
                              in_complete_only => false);
               exception
                  when e_file_access or e_file_privs or e_invalid_directory or e_open_failed then
                     -- there but FILEOPEN fails (e.g. an OS file mode the database user may not
                     -- read): no lines here, like a missing file; the other files are read
                     close_reader(io_reader => l_reader); -- open when only GETLENGTH failed
                     l_exists := false;
               end;
            end if;
            if l_exists then
               while next_line(io_reader => l_reader, out_line => l_line)
               loop
                  l_line.listener := l_source.listener;
                  l_line.host := l_source.host;
                  pipe row (l_line);
               end loop;
               close_reader(io_reader => l_reader);
            end if;
         end loop;
      end loop;
      return;
   exception
      when no_data_needed then
         close_reader(io_reader => l_reader);
         return;
      when others then
         close_reader(io_reader => l_reader);
         raise;
   end all_lines;
{% else %}
   -- The file set INGEST_PKG.run reads, in its order (R1): per configured file stem.ext, its 19c
   -- segments stem_<n>.ext known in LOAD_STATE (INGEST_PKG.discover_segments records them) by
   -- ascending n, then the file itself. LOAD_STATE is created after this package: read through
   -- dynamic SQL; while it does not exist (ORA-00942), the configured files only.
   function file_set return t_file_list is
      type t_by_number is table of varchar2(255) index by pls_integer;
      e_no_table exception;
      pragma exception_init(e_no_table, -942); -- table or view does not exist
      l_names    t_file_list := t_file_list();
      l_out      t_file_list := t_file_list();
      l_segments t_by_number;
      l_none     t_by_number;
      l_dot      pls_integer;
      l_stem     varchar2(255);
      l_ext      varchar2(255);
      l_mid      varchar2(255);
      i_n        pls_integer;
   begin
      begin
         execute immediate 'select t.file_name from {{ obj('LOAD_STATE') }} t'
            bulk collect into l_names;
      exception
         when e_no_table then
            null;
      end;
      for i_file in 1..co_log_files.count
      loop
         l_dot := instr(co_log_files(i_file), '.', -1);
         if l_dot > 1 then
            l_stem := substr(co_log_files(i_file), 1, l_dot - 1);
            l_ext := substr(co_log_files(i_file), l_dot);
         else
            l_stem := co_log_files(i_file);
            l_ext := null;
         end if;
         l_segments := l_none;
{{ segments_then_file('l_names', 'co_log_files(i_file)') | indent(9, true) }}
      end loop;
      return l_out;
   end file_set;

   function all_lines return t_line_tab pipelined is
      l_reader t_reader;
      l_line   t_line;
      l_bfile  bfile;
      l_files  t_file_list := file_set;
   begin
      for i_file in 1..l_files.count
      loop
         l_bfile := locator(in_directory => {{ s.directory | sqlstr }}, in_file => l_files(i_file));
         -- a file that does not exist (a configured rotation target, a deleted segment) has no lines
         if sys.dbms_lob.fileexists(l_bfile) = 1 then
            open_reader(io_reader        => l_reader,
                        in_bfile         => l_bfile,
                        in_source        => l_files(i_file),
                        in_start_offset  => 1,
                        in_first_line_no => 1,
                        in_complete_only => false);
            while next_line(io_reader => l_reader, out_line => l_line)
            loop
               l_line.listener := {{ s.listener_name | sqlstr }}; -- the one source's listener (host unknown)
               pipe row (l_line);
            end loop;
            close_reader(io_reader => l_reader);
         end if;
      end loop;
      return;
   exception
      when no_data_needed then
         close_reader(io_reader => l_reader);
         return;
      when others then
         close_reader(io_reader => l_reader);
         raise;
   end all_lines;
{% endif %}
end {{ obj('LINE_READER') }};
/
