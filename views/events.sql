-- EVENT_PARSE: one row per listener log record, parsed from raw lines (source, line_no, line): the
-- one parse of the project. Oracle runs it over STAGE_LINES (filled by INGEST_PKG), the embedded
-- engine over listener_log_lines. Columns = EVENTS without event_id, then parse_note.
-- facts: docs/oracle-facts.md#views-events
create or replace view {{ name }} (
  listener, host, source, line_no, event_time, event_kind, command, connect_data, protocol_info,
  service_name, sid, program, client_host, client_user, client_ip, client_port, protocol,
  return_code, error_text, raw_line, parse_note
) as
with
-- 1. XML markup or content; the content of a line, XML entities decoded in log.xml sources only
-- (a source whose name ends in .xml: ADR writes log.xml and its segments log_<n>.xml; a text
-- log's entity text stays as written). Markup (line_type 'M') is decided by the line alone, so any
-- staged range parses the same way:
-- * a <msg start tag line: one line (<msg time=.. host_id=..>) or the first of Oracle's three
--   (<msg time=.. org_id=.. comp_id='tnslsnr' / type=.. level=.. host_id=.. / host_addr=..>);
-- * in a log.xml source, an attribute-only line (name='value' pairs, optionally closing the tag
--   with > or />): the 2nd and 3rd line of a start tag, whatever the release's attribute set
--   (pid, version, seclabel in 23ai);
-- * </txt>, </msg>, <attr ...> lines.
-- time= and host_id= are read from every markup line that carries them (host_id is on the 2nd
-- line of a real start tag). Lines inside a multi-line <txt> (an error stack written in one
-- record) are content.
tagged as (
  select s.source,
         s.line_no,
         s.line,
         case when lower(s.source) like '%.xml' then 1 else 0 end is_xml,
         case
           when regexp_like(s.line, '^[[:space:]]*<txt>') then 'T'
           when regexp_like(s.line, '^[[:space:]]*</?(msg|txt|attr)([[:space:]]|>|/|$)') then 'M'
           when lower(s.source) like '%.xml'
                and regexp_like(s.line, '^[[:space:]]*([A-Za-z_][A-Za-z0-9_.:-]*=(''[^'']*''|"[^"]*")[[:space:]]*)+/?>?[[:space:]]*$') then 'M'
           else 'L'
         end line_type
    from {{ obj('STAGE_LINES') }} s
),
texts as (
  select t.source,
         t.line_no,
         t.line,
         t.line_type,
         t.is_xml,
         case
           when t.line_type = 'T' then regexp_substr(t.line, '<txt>(.*)$', 1, 1, null, 1)
           when t.line_type = 'L' then t.line
         end txt
    from tagged t
),
contents as (
  select x.source,
         x.line_no,
         x.line,
         x.line_type,
         case
           -- chr(38) is the ampersand: no an ampersand name in the text, so SQL*Plus never substitutes
           when x.is_xml = 1 and instr(x.txt, chr(38)) > 0 then
             replace(replace(replace(replace(replace(
               case when x.txt like '%</txt>%' then regexp_replace(x.txt, '</txt>[[:space:]]*$', '') else x.txt end,
               chr(38) || 'lt;', '<'), chr(38) || 'gt;', '>'), chr(38) || 'quot;', '"'), chr(38) || 'apos;', ''''),
               chr(38) || 'amp;', chr(38))
           when x.txt like '%</txt>%' then regexp_replace(x.txt, '</txt>[[:space:]]*$', '')
           else x.txt
         end content,
         case
           when x.line_type = 'M' and regexp_like(x.line, '(^|[[:space:]])time=[''"][0-9]{4}-') then
             regexp_substr(x.line, '(^|[[:space:]])time=[''"]([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2})', 1, 1, null, 2)
             || ' ' ||
             regexp_substr(x.line, '(^|[[:space:]])time=[''"]([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2})', 1, 1, null, 3)
         end msg_time_txt,
         case
           when x.line_type = 'M' then
             regexp_substr(x.line, '(^|[[:space:]])host_id=[''"]([^''"]*)[''"]', 1, 1, null, 2)
         end msg_host
    from texts x
),
-- 2. what each content line is (every pattern evaluated once per line)
classified as (
  select c.source,
         c.line_no,
         c.line,
         c.content,
         c.msg_host,
         c.msg_time_txt,
         case
           when c.msg_time_txt is not null then 'X'
           when regexp_like(c.content, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?([+-][0-9]{2}:?[0-9]{2}|Z)?[[:space:]]*$') then 'I'
           when regexp_like(c.content, '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}[[:space:]]*$') then 'C'
         end hdr_kind,
         case
           when c.content is null or trim(c.content) is null then 0
           when regexp_like(c.content, '^[[:space:]]+[^[:space:]]') then 1
           when regexp_like(c.content, '^(TNS|ORA|NL|NS|NT|NNC|NNO|NPL|NZE|NNL)-[0-9]+') then 1
           when regexp_like(c.content, '^[A-Za-z][A-Za-z0-9_/ -]* Error: [0-9]+') then 1
           when regexp_like(c.content, '^n[a-z] (main|secondary|OS) err code:') then 1
           else 0
         end is_cont,
         regexp_substr(c.content,
                       '^([0-9]{1,2}-[^*]{1,30}-[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2})([:.][0-9]{1,9})?[[:space:]]*[*]',
                       1, 1, null, 1) date_txt
    from contents c
),
-- dated (3 references) and owned (2) carry the MATERIALIZE hint: evaluated once per query into a
-- temporary result instead of being inlined per reference (the regex work of a batch is done once,
-- V1); DuckDB ignores the comment (its CTEs referenced more than once are materialized too).
dated as (
  select /*+ materialize */ k.source,
         k.line_no,
         k.line,
         k.content,
         k.msg_host,
         k.is_cont,
         k.date_txt,
         case
           when k.date_txt is not null then
             to_date(k.date_txt default null on conversion error, 'DD-MON-YYYY HH24:MI:SS',
                     {{ ('NLS_DATE_LANGUAGE=' ~ s.date_language) | sqlstr }})
         end rec_time,
         case
           when k.hdr_kind = 'X' then
             to_date(k.msg_time_txt default null on conversion error, 'YYYY-MM-DD HH24:MI:SS')
           when k.hdr_kind = 'I' then
             to_date(substr(k.content, 1, 10) || ' ' || substr(k.content, 12, 8) default null on conversion error,
                      'YYYY-MM-DD HH24:MI:SS')
           when k.hdr_kind = 'C' then
             to_date(regexp_substr(k.content, '^[A-Za-z]+ ([A-Za-z]+) +([0-9]{1,2}) ([0-9:]{8}) ([0-9]{4})', 1, 1, null, 2)
                     || '-' || regexp_substr(k.content, '^[A-Za-z]+ ([A-Za-z]+) +([0-9]{1,2}) ([0-9:]{8}) ([0-9]{4})', 1, 1, null, 1)
                     || '-' || regexp_substr(k.content, '^[A-Za-z]+ ([A-Za-z]+) +([0-9]{1,2}) ([0-9:]{8}) ([0-9]{4})', 1, 1, null, 4)
                     || ' ' || regexp_substr(k.content, '^[A-Za-z]+ ([A-Za-z]+) +([0-9]{1,2}) ([0-9:]{8}) ([0-9]{4})', 1, 1, null, 3)
                     default null on conversion error,
                     'DD-MON-YYYY HH24:MI:SS', 'NLS_DATE_LANGUAGE=AMERICAN')
         end hdr_time,
         case
           when k.hdr_kind is null and k.is_cont = 0 and k.content is not null and trim(k.content) is not null then 1
           else 0
         end is_head
    from classified k
),
-- 3. context (time, host) and the record each line belongs to: one pass of running windows over
-- narrow columns only (the line text joins back once, below). grp: the last record line at or
-- before the line, else (continuation lines before any record of the source) the first
-- continuation line of the source, which is the running minimum of continuation line numbers
-- for any continuation line that has no record before it.
owned as (
  select /*+ materialize */ d.source,
         d.line_no,
         d.is_cont,
         d.is_head,
         last_value(coalesce(d.hdr_time, d.rec_time) ignore nulls) over (
           partition by d.source order by d.line_no rows between unbounded preceding and current row
         ) ctx_time,
         last_value(d.msg_host ignore nulls) over (
           partition by d.source order by d.line_no rows between unbounded preceding and current row
         ) ctx_host,
         coalesce(
           max(case when d.is_head = 1 then d.line_no end) over (
             partition by d.source order by d.line_no rows between unbounded preceding and current row
           ),
           min(case when d.is_cont = 1 then d.line_no end) over (
             partition by d.source order by d.line_no rows between unbounded preceding and current row
           )
         ) grp
    from dated d
),
errors as (
  select e.source,
         e.grp,
         listagg(case when e.rn <= 10 then substr(trim(e.content), 1, 96) end, ' | ')
           within group (order by e.line_no) error_text
    from (select w.source,
                 w.grp,
                 w.line_no,
                 t.content,
                 row_number() over (partition by w.source, w.grp order by w.line_no) rn
            from owned w
            join dated t
              on t.source = w.source
             and t.line_no = w.line_no
           where w.is_cont = 1
             and w.grp is not null) e
   group by e.source, e.grp
),
-- 4. the fields of each record line. The client chooses the connect data (PROGRAM, HOST, USER,
-- SERVICE_NAME...), which may hold '*': a record is not split on every '*'. The listener writes
-- TIMESTAMP * [CONNECT DATA *] [PROTOCOL INFO *] EVENT [* SID] * RETURN CODE; the date field ends at
-- the first '*', the connect data and protocol info are parenthesized lists, the listener-written
-- fields follow the last ')': lists = from the first '(' after the date to the last ')' of the line
-- (when the record has a list), tail = the rest (' * EVENT [* SID] * RETURN CODE'), else the whole
-- record (the tail's patterns skip its first field, the date).
heads as (
  select o.source,
         o.line_no,
         h.line,
         h.content,
         o.is_cont,
         h.date_txt,
         h.rec_time,
         o.ctx_time,
         o.ctx_host,
         case
           when h.date_txt is not null then
             regexp_substr(h.content, '^[^*]*[*][[:space:]]*(\(.*[)])', 1, 1, null, 1)
         end lists,
         case
           when h.date_txt is null then null
           when regexp_like(h.content, '^[^*]*[*][[:space:]]*\(.*[)]') then
             regexp_substr(h.content, '^[^*]*[*][[:space:]]*\(.*[)]([^)]*)$', 1, 1, null, 1)
           else h.content
         end tail,
         case
           when h.date_txt is not null then
             regexp_substr(h.content, '[*][[:space:]]*([0-9]{1,9})[[:space:]]*$', 1, 1, null, 1)
           else
             regexp_substr(h.content, '^[[:space:]]*[A-Z]{2,4}-0*([0-9]{1,9})', 1, 1, null, 1)
         end rc_txt
    from owned o
    join dated h
      on h.source = o.source
     and h.line_no = o.line_no
   where o.is_head = 1
      or (o.is_cont = 1 and o.line_no = o.grp)
),
-- the protocol info is the last list when it is an ADDRESS of (NAME=value) pairs after a '*' (or
-- the only list): the listener writes it from the socket; the connect data is the lists before it.
-- EVENT is the tail's first field; SID is everything between it and the return code, '*' included
-- (an establish's SID field repeats the client's SERVICE_NAME or SID). A ')' in a client value echoed
-- in the SID field (a quoted SERVICE_NAME) moves the last ')' there: such a record's tail is empty
-- or has no event field, or a quote, '(' or '\' (never in a listener-written tail); or, if the SID
-- field is written without its quotes, two '(ADDRESS=' after the lists' first quote or '\' (a
-- quoted or escaped value holding a forged protocol info and its echo; the real protocol info is
-- the only one in a record whose quote is in PROGRAM or USER). split_bad = 1: the split is not
-- trusted: parse_note 'split', the lists are all connect data, no protocol info and no client
-- address (raw_line keeps the text).
splits as (
  select v.*,
         case
           when v.lists is not null
                and (v.tail is null
                     or not regexp_like(v.tail, '^[^*]*[*][[:space:]]*[^*[:space:]][^*]*[*]')
                     or regexp_like(v.tail, '[("''\\]')
                     or (regexp_like(v.lists, '["''\\]')
                         and instr(upper(v.lists), '(ADDRESS=',
                                   coalesce(length(regexp_substr(v.lists, '^[^"''\\]+')), 0) + 1, 2) > 0)) then 1
           else 0
         end split_bad,
         regexp_substr(v.lists,
                       '(^|[*])[[:space:]]*\(ADDRESS=\(PROTOCOL=[^()*]*\)(\([A-Za-z_]+=[^()*]*\))*\)[[:space:]]*$',
                       1, 1, 'i') pi_txt,
         trim(regexp_substr(v.tail, '^[^*]*[*]([^*]*)[*]', 1, 1, null, 1)) ev_txt,
         trim(regexp_substr(v.tail, '^[^*]*[*][^*]*[*](.*)[*]', 1, 1, null, 1)) sid_txt
    from heads v
),
fields as (
  select p.*,
         case
           when p.pi_txt is null then p.lists
           else trim(substr(p.lists, 1, length(p.lists) - length(p.pi_txt)))
         end cd_txt,
         regexp_substr(p.pi_txt, '\(.*\)') pi
    from splits p
),
events as (
  select v.source,
         v.line_no,
         v.line,
         v.is_cont,
         v.date_txt,
         v.rec_time,
         v.ctx_time,
         v.ctx_host,
         v.rc_txt,
         lower(v.ev_txt) ev,
         -- an untrusted split: all lists are connect data, no protocol info
         case
           when v.split_bad = 1 then v.lists
           when v.cd_txt is not null then v.cd_txt
           when lower(v.ev_txt) = '<unknown connect data>' then v.ev_txt
         end connect_data,
         case when v.split_bad = 0 then v.pi end protocol_info,
         v.sid_txt sid_field,
         v.split_bad
    from fields v
),
kinds as (
  select e.*,
         case
           when e.is_cont = 1 then 'error_only'
           when e.date_txt is null then 'other'
           -- a dated record of its date and return code only
           when e.date_txt is not null and e.ev is null and e.connect_data is null and e.protocol_info is null
                and e.rc_txt is not null then 'error_only'
           -- a client's (COMMAND=establish) echoed as the event has its connect data: a command
           -- (a key of the connect data: no quote before it; a quoted "(COMMAND=x)" is a value)
           when e.ev in ('establish', '<unknown connect data>') and e.cmd_key = 0 then 'establish'
           -- the listener writes these without client data; a client's (COMMAND=service_update)
           -- echoed as the event has its connect data: a command
           when e.ev in ('service_update', 'service_register', 'service_died', 'ping')
                and e.connect_data is null and e.protocol_info is null then e.ev
           -- a command: an event word without SID field and connect data (a refused lsnrctl
           -- command), or with connect data holding (COMMAND= (a client's command, whatever the
           -- fields after it: a COMMAND value may hold '*')
           when regexp_like(e.ev, '^[a-z_]+$')
                and ((e.sid_field is null and e.connect_data is null) or upper(e.connect_data) like '%(COMMAND=%') then 'command'
           else 'other'
         end event_kind,
         case
           when instr(upper(e.connect_data), '(CID=') > 0 then
             substr(e.connect_data, instr(upper(e.connect_data), '(CID='))
         end cid
    from (select e0.*,
                 case
                   when instr(upper(e0.connect_data), '(COMMAND=') > 0
                        and (instr(upper(e0.connect_data), '"') = 0
                             or instr(upper(e0.connect_data), '"') > instr(upper(e0.connect_data), '(COMMAND='))
                        and (instr(upper(e0.connect_data), '''') = 0
                             or instr(upper(e0.connect_data), '''') > instr(upper(e0.connect_data), '(COMMAND=')) then 1
                   else 0
                 end cmd_key
            from events e0) e
),
-- 5. the listener and host the stager gave each source (every line of a source carries the same)
labels as (
  select b.source,
         max(b.listener) listener,
         max(b.host) host
    from {{ obj('STAGE_LINES') }} b
   group by b.source
)
select substr(coalesce(l.listener, {{ s.listener_name | sqlstr }}), 1, 128) listener,
       substr(coalesce(l.host, k.ctx_host), 1, 255) host,
       k.source,
       k.line_no,
       coalesce(k.rec_time, k.ctx_time) event_time,
       k.event_kind,
       case when k.event_kind = 'command' then substr(k.ev, 1, 64) end command,
       k.connect_data,
       k.protocol_info,
       substr(regexp_substr(k.connect_data, '\(SERVICE_NAME=([^)]*)\)', 1, 1, 'i', 1), 1, 1000) service_name,
       substr(coalesce(regexp_substr(k.connect_data, '\(SID=([^)]*)\)', 1, 1, 'i', 1),
                       case when k.event_kind in ('service_update', 'service_register', 'service_died')
                            then k.sid_field end), 1, 1000) sid,
       substr(regexp_substr(k.connect_data, '\(PROGRAM=([^)]*)\)', 1, 1, 'i', 1), 1, 1000) program,
       substr(regexp_substr(k.cid, '\(HOST=([^)]*)\)', 1, 1, 'i', 1), 1, 1000) client_host,
       substr(regexp_substr(k.cid, '\(USER=([^)]*)\)', 1, 1, 'i', 1), 1, 1000) client_user,
       -- the client address only from a trusted split of an establish or a command
       case when k.ip_ok = 1 then substr(regexp_substr(k.protocol_info, '\(HOST=([^)]*)\)', 1, 1, 'i', 1), 1, 64) end client_ip,
       case when k.ip_ok = 1 then to_number(regexp_substr(k.protocol_info, '\(PORT=([0-9]{1,9})\)', 1, 1, 'i', 1)) end client_port,
       case when k.ip_ok = 1 then substr(lower(regexp_substr(k.protocol_info, '\(PROTOCOL=([^)]*)\)', 1, 1, 'i', 1)), 1, 30) end protocol,
       to_number(k.rc_txt) return_code,
       r.error_text,
       k.line raw_line,
       case
         when k.date_txt is not null and k.rec_time is null then 'date'
         when k.split_bad = 1 then 'split'
       end parse_note
  from (select k0.*,
               case when k0.split_bad = 0 and k0.event_kind in ('establish', 'command') then 1 else 0 end ip_ok
          from kinds k0) k
  left join errors r
    on r.source = k.source
   and r.grp = k.line_no
  left join labels l
    on l.source = k.source
/
