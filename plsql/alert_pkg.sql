{% from 'admin/macros.jinja' import severity_case %}
-- ALERT_PKG: alert evaluation (rule views -> ALERT_CANDIDATES -> ALERT_EPISODES -> ALERTS) and
-- delivery (mail through UTL_SMTP, alert-log lines, the table), run by the alert job. Depends on
-- ALERT_RULES, ALERTS, ALERT_CANDIDATES, ALERT_EPISODES, SETTINGS and the rule views.
-- facts: docs/oracle-facts.md#plsql-alert-pkg
create or replace package {{ obj('ALERT_PKG') }} authid definer is
   co_max_mail_alerts constant pls_integer := 50;
   -- byte limits of the columns text from the log goes into (tables/alerts.sql, alert_candidates.sql)
   co_key_bytes       constant pls_integer := 400;
   co_evidence_bytes  constant pls_integer := 1000;
   co_candidate_bytes constant pls_integer := 4000;
   -- character limits of the listener and host columns (declared CHAR: cut by characters)
   co_listener_chars  constant pls_integer := 128;
   co_host_chars      constant pls_integer := 255;
   -- a mail text line is at most 1,000 octets with its CRLF (RFC 5321 4.5.3.1.6): 12 + 980 + 2
   co_mail_evidence_bytes constant pls_integer := 980;

   procedure run;

   procedure evaluate(out_failed_rules out pls_integer);

   procedure deliver(out_problem out varchar2);

   procedure acknowledge(in_alert_id in number);

   -- in_text cut to whole characters so that it takes at most in_max_bytes bytes (at most 8191)
   function fit_bytes(in_text in varchar2, in_max_bytes in pls_integer) return varchar2;

   -- in_text without control characters (CR, LF, TAB, ESC, C1 U+0080-U+009F ...), line/paragraph
   -- separators, bidi and zero-width format characters (U+061C, U+200B-U+200F, U+202A-U+202E,
   -- U+2060-U+2064, U+2066-U+2069, U+FEFF; each becomes a blank), at most in_max_bytes bytes: safe in a
   -- mail header or body line, the alert log and a terminal.
   function one_line(in_text in varchar2, in_max_bytes in pls_integer) return varchar2;

   -- one_line, and no 'ORA-' (written 'ORA_'): text for the alert log, where monitors raise an
   -- incident for any ORA- they find
   function log_text(in_text in varchar2, in_max_bytes in pls_integer) return varchar2;
end {{ obj('ALERT_PKG') }};
/

create or replace package body {{ obj('ALERT_PKG') }} is
   co_health_rule constant varchar2(30) := 'HEALTH';
   -- rules whose every event after an acknowledgement is delivered again (merge_episode)
   co_redirect_rule constant varchar2(30) := 'LOG_REDIRECTION';
   co_stop_rule     constant varchar2(30) := 'LISTENER_STOP';
   -- not UTL_TCP.CRLF: without mail the package must not depend on the network packages
   co_crlf constant varchar2(2) := chr(13) || chr(10);
   -- Listed explicitly, not left to [[:cntrl:]] (whose reach beyond ASCII the documentation does
   -- not state): the C1 controls U+0080-U+009F (NEL U+0085 included), and the format characters
   -- ALM U+061C, ZWSP/ZWNJ/ZWJ U+200B-U+200D, LRM, RLM, LINE SEPARATOR, PARAGRAPH SEPARATOR,
   -- LRE, RLE, PDF, LRO, RLO, WJ and invisible operators U+2060-U+2064, LRI, RLI, FSI, PDI, BOM/
   -- ZWNBSP U+FEFF. In a database character set without them the conversion gives replacement
   -- characters: then they cannot occur in VARCHAR2 data either, and that list is not used.
   g_c1_chars constant varchar2(400) := to_char(unistr(
      '\0080\0081\0082\0083\0084\0085\0086\0087\0088\0089\008A\008B\008C\008D\008E\008F'
      || '\0090\0091\0092\0093\0094\0095\0096\0097\0098\0099\009A\009B\009C\009D\009E\009F'));
   g_c1_ok    constant boolean := length(g_c1_chars) = 32 and instr(g_c1_chars, '?') = 0;
   g_format_chars constant varchar2(400) := to_char(unistr(
      '\061C\200B\200C\200D\200E\200F\2028\2029\202A\202B\202C\202D\202E'
      || '\2060\2061\2062\2063\2064\2066\2067\2068\2069\FEFF'));
   g_format_ok    constant boolean := length(g_format_chars) = 23 and instr(g_format_chars, '?') = 0;

   type t_lines is table of varchar2(2000);

   e_table_missing exception;
   pragma exception_init(e_table_missing, -942); -- table or view does not exist
   e_invalid_identifier exception;
   pragma exception_init(e_invalid_identifier, -904); -- invalid identifier
   e_view_has_errors exception;
   pragma exception_init(e_view_has_errors, -4063); -- view has errors
   e_invalid_number exception;
   pragma exception_init(e_invalid_number, -1722); -- invalid number (e.g. a bad params value)
   e_value_too_large exception;
   pragma exception_init(e_value_too_large, -12899); -- value too large for column
   e_concat_too_long exception;
   pragma exception_init(e_concat_too_long, -1489); -- result of string concatenation is too long
   e_regexp exception;
   pragma exception_init(e_regexp, -12726); -- unmatched bracket in regular expression
   e_snapshot_too_old exception;
   pragma exception_init(e_snapshot_too_old, -1555); -- snapshot too old
   -- infrastructure errors: not a problem of one episode; the run is rolled back and retried
   e_deadlock exception;
   pragma exception_init(e_deadlock, -60); -- deadlock detected while waiting for resource
   e_cancelled exception;
   pragma exception_init(e_cancelled, -1013); -- user requested cancel of current operation
   e_session_killed exception;
   pragma exception_init(e_session_killed, -28); -- your session has been killed
   e_package_state_gone exception;
   pragma exception_init(e_package_state_gone, -4061); -- existing state of packages has been invalidated
   e_package_state_discarded exception;
   pragma exception_init(e_package_state_discarded, -4068); -- existing state of packages has been discarded
   e_undo_space_full exception;
   pragma exception_init(e_undo_space_full, -30036); -- unable to extend segment in undo tablespace
   e_table_space_full exception;
   pragma exception_init(e_table_space_full, -1653); -- unable to extend table
   e_index_space_full exception;
   pragma exception_init(e_index_space_full, -1654); -- unable to extend index
   e_bad_sql_name exception;
   pragma exception_init(e_bad_sql_name, -44003); -- DBMS_ASSERT: invalid SQL name
   e_plsql_compile exception;
   pragma exception_init(e_plsql_compile, -6550); -- dynamic block: the alert-log wrapper not granted
   e_acl_denied exception;
   pragma exception_init(e_acl_denied, -24247); -- network access denied by access control list
   e_network exception;
   pragma exception_init(e_network, -29260); -- UTL_TCP network error
   e_end_of_input exception;
   pragma exception_init(e_end_of_input, -29259); -- UTL_TCP end-of-input reached
   -- UTL_SMTP's exceptions by number (ORA-29277 invalid SMTP operation = INVALID_OPERATION,
   -- ORA-29278 SMTP transient error = TRANSIENT_ERROR (4xx reply), ORA-29279 SMTP permanent
   -- error = PERMANENT_ERROR (5xx reply)); local names keep this body free of UTL_SMTP
   -- references when mail is off
   e_smtp_invalid_operation exception;
   pragma exception_init(e_smtp_invalid_operation, -29277);
   e_smtp_transient exception;
   pragma exception_init(e_smtp_transient, -29278);
   e_smtp_permanent exception;
   pragma exception_init(e_smtp_permanent, -29279);

   function fit_bytes(in_text in varchar2, in_max_bytes in pls_integer) return varchar2 is
      -- at most in_max_bytes characters first (4 bytes each at worst in AL32UTF8: <= 32764 bytes)
      l_text varchar2(32767) := substr(in_text, 1, least(in_max_bytes, 8191));
   begin
      -- SUBSTR counts characters, LENGTHB bytes (SQL Language Reference, SUBSTR / LENGTH): drop
      -- whole characters until the text fits, so no character is ever cut in half (what SUBSTRB
      -- returns for a cut character is not documented)
      while lengthb(l_text) > in_max_bytes loop
         l_text := substr(l_text, 1, length(l_text) - greatest(1, trunc((lengthb(l_text) - in_max_bytes) / 4)));
      end loop;
      return l_text;
   end fit_bytes;

   function one_line(in_text in varchar2, in_max_bytes in pls_integer) return varchar2 is
      l_text varchar2(32767) := regexp_replace(substr(in_text, 1, least(in_max_bytes, 8191)), '[[:cntrl:]]', ' ');
   begin
      if g_c1_ok then
         l_text := translate(l_text, g_c1_chars, rpad(' ', length(g_c1_chars)));
      end if;
      if g_format_ok then
         l_text := translate(l_text, g_format_chars, rpad(' ', length(g_format_chars)));
      end if;
      return fit_bytes(l_text, in_max_bytes);
   end one_line;

   function log_text(in_text in varchar2, in_max_bytes in pls_integer) return varchar2 is
   begin
      return fit_bytes(regexp_replace(one_line(in_text, in_max_bytes), 'ORA-', 'ORA_', 1, 0, 'i'), in_max_bytes);
   end log_text;

   function setting(in_name in varchar2) return varchar2 is
      l_value {{ obj('SETTINGS') }}.value%type;
   begin
      select value
        into l_value
        from {{ obj('SETTINGS') }}
       where name = in_name;
      return l_value;
   exception
      when no_data_found then
         return null;
   end setting;

   procedure put_setting(in_name in varchar2, in_value in varchar2, in_description in varchar2) is
   begin
      merge into {{ obj('SETTINGS') }} t
      using (select in_name name, in_value value, in_description description from dual) src
      on (t.name = src.name)
      when matched then
         update set t.value = src.value, t.updated_at = sysdate
      when not matched then
         insert (name, value, description) values (src.name, src.value, src.description);
   end put_setting;

   function severity_rank(in_severity in varchar2) return pls_integer is
   begin
      return {{ severity_case('in_severity', sep='\n' ~ ' ' * 16, end_sep='\n' ~ ' ' * 13) }};
   end severity_rank;

   -- A HEALTH alert (the job's own problem, key = what failed), stored directly so it cannot
   -- depend on the merge that may have failed: the latest HEALTH alert of the key within the
   -- HEALTH rule's window is extended, else a new one. The HEALTH row of the rules table decides
   -- whether (enabled) and how (severity) it is raised.
   procedure store_health(in_key in varchar2, in_text in varchar2) is
      l_enabled  {{ obj('ALERT_RULES') }}.enabled%type;
      l_severity {{ obj('ALERT_RULES') }}.severity%type;
      l_window   {{ obj('ALERT_RULES') }}.window_minutes%type;
      l_alert_id {{ obj('ALERTS') }}.alert_id%type;
      l_key      {{ obj('ALERTS') }}.alert_key%type := nvl(one_line(in_key, co_key_bytes), '-');
      l_text     {{ obj('ALERTS') }}.evidence%type := one_line(in_text, co_evidence_bytes);
   begin
      select max(enabled), max(severity), max(window_minutes)
        into l_enabled, l_severity, l_window
        from {{ obj('ALERT_RULES') }}
       where rule_id = co_health_rule;
      if l_enabled = 'N' then
         return;
      end if;
      select max(alert_id)
        into l_alert_id
        from {{ obj('ALERTS') }}
       where rule_id = co_health_rule
         and alert_key = l_key
         and last_time >= sysdate - nvl(l_window, 60) / 1440;
      if l_alert_id is not null then
         update {{ obj('ALERTS') }}
            set last_time = sysdate, cnt = cnt + 1, evidence = l_text, updated_at = sysdate
          where alert_id = l_alert_id;
      else
         insert into {{ obj('ALERTS') }} (rule_id, severity, alert_key, first_time, last_time, cnt, last_event_id, evidence)
         values (co_health_rule, nvl(l_severity, 'high'), l_key, sysdate, sysdate, 1, 0, l_text);
      end if;
   end store_health;

   procedure evaluate_rule(
      in_rule_id   in varchar2,
      in_view_name in varchar2,
      in_window    in number,
      in_last_id   in number,
      out_ok       out boolean
   ) is
      l_max_id   number;
      l_min_time date;
      l_count    pls_integer;
      l_error    varchar2(4000);
      l_insert   varchar2(2000);
      l_from     varchar2(2000);
   begin
      out_ok := true;
      select max(event_id), min(event_time)
        into l_max_id, l_min_time
        from {{ obj('EVENTS') }}
       where event_id > nvl(in_last_id, -1);
      if l_max_id is null then
         update {{ obj('ALERT_RULES') }}
            set last_run = sysdate, last_status = 'idle', last_candidates = 0
          where rule_id = in_rule_id;
         return;
      end if;
      -- no savepoint needed: the only work of the rule that can fail is the one INSERT ... SELECT
      -- below, and a failed statement is rolled back on its own (statement-level atomicity)
      update {{ obj('ALERT_RULES') }}
         set scan_from = l_min_time - in_window / 1440
       where rule_id = in_rule_id;
      -- the view name comes from a table users can edit: only a simple SQL name; an unquoted one
      -- is upper-cased as the data dictionary stores it, a quoted one kept as written (PL/SQL
      -- Packages and Types Reference, DBMS_ASSERT.SIMPLE_SQL_NAME / ENQUOTE_NAME capitalize).
      -- Key and evidence cut to whole characters within the GTT's byte limits (a user-written
      -- view may return anything up to 4000 bytes), listener and host to their character limits.
      l_insert := 'insert into {{ obj('ALERT_CANDIDATES') }} '
         || '(rule_id, severity, alert_key, event_id, event_time, evidence, listener, host) '
         || 'select rule_id, severity, '
         || '{{ obj('ALERT_PKG') }}.fit_bytes(alert_key, ' || co_key_bytes || '), event_id, event_time, '
         || '{{ obj('ALERT_PKG') }}.fit_bytes(evidence, ' || co_candidate_bytes || '), ';
      l_from := ' from '
         || sys.dbms_assert.enquote_name(sys.dbms_assert.simple_sql_name(in_view_name), capitalize => true)
         || ' where rule_id = :rule_id and event_time is not null and alert_key is not null';
      begin
         execute immediate l_insert
            || 'substr(listener, 1, ' || co_listener_chars || '), substr(host, 1, ' || co_host_chars || ')' || l_from
            using in_rule_id;
      exception
         -- a user-written view of the six columns documented before listener and host: its
         -- candidates have none (a view missing another column fails again, as the rule)
         when e_invalid_identifier then
            execute immediate l_insert || 'null, null' || l_from using in_rule_id;
      end;
      l_count := sql%rowcount;
      update {{ obj('ALERT_RULES') }}
         set last_event_id = l_max_id,
             last_run = sysdate,
             last_status = 'ok',
             last_error = null,
             last_candidates = l_count
       where rule_id = in_rule_id;
   exception
      when e_table_missing or e_invalid_identifier or e_view_has_errors or e_invalid_number
        or e_value_too_large or e_concat_too_long or e_regexp or e_snapshot_too_old or e_bad_sql_name
        or value_error or zero_divide then
         l_error := substr(sqlerrm, 1, 2000);
         out_ok := false;
         update {{ obj('ALERT_RULES') }}
            set last_run = sysdate, last_status = 'failed', last_error = l_error
          where rule_id = in_rule_id;
         store_health(in_rule_id, 'rule ' || in_rule_id || ' failed: ' || l_error);
      -- infrastructure errors are not the rule's fault: the run fails and is retried (merge_episodes)
      when e_deadlock or e_cancelled or e_session_killed or e_package_state_gone
        or e_package_state_discarded or e_undo_space_full or e_table_space_full
        or e_index_space_full then
         raise;
      -- Catch-all on purpose: the job must not die on one bad rule (a user-edited view or
      -- params value can raise anything). The error is recorded in ALERT_RULES.last_error and
      -- as a HEALTH alert naming the rule, with the backtrace; the other rules go on.
      when others then
         l_error := substr(sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace, 1, 2000);
         out_ok := false;
         update {{ obj('ALERT_RULES') }}
            set last_run = sysdate, last_status = 'failed', last_error = l_error
          where rule_id = in_rule_id;
         store_health(in_rule_id, 'rule ' || in_rule_id || ' failed: ' || l_error);
   end evaluate_rule;

   procedure merge_episode(
      in_rule_id in varchar2, in_key in varchar2, in_severity in varchar2, in_first_time in date,
      in_last_time in date, in_cnt in number, in_last_event_id in number, in_evidence in varchar2,
      in_window in number, in_listener in varchar2, in_host in varchar2
   ) is
      l_reopen boolean := false;
      l_alert_id {{ obj('ALERTS') }}.alert_id%type;
      l_severity {{ obj('ALERTS') }}.severity%type;
      l_status   {{ obj('ALERTS') }}.status%type;
   begin
      select max(alert_id)
        into l_alert_id
        from {{ obj('ALERTS') }}
       where rule_id = in_rule_id
         and alert_key = in_key
         -- DECODE: NULL matches NULL (an alert of events without a host)
         and decode(listener, in_listener, 1) = 1
         and decode(host, in_host, 1) = 1
         and in_first_time <= last_time + in_window / 1440;
      if l_alert_id is not null then
         select severity, status
           into l_severity, l_status
           from {{ obj('ALERTS') }}
          where alert_id = l_alert_id;
         if l_status = 'acknowledged' and in_rule_id in (co_redirect_rule, co_stop_rule)
            and severity_rank(in_severity) >= severity_rank(l_severity) then
            -- a log redirection or stop after the acknowledgement, at least as severe as the alert
            -- (a second successful log_file: critical -> critical): re-opened and delivered again
            -- on both channels
            l_reopen := true;
            l_status := 'new';
         end if;
         if severity_rank(in_severity) > severity_rank(l_severity) then
            l_severity := in_severity;
            -- an escalation re-opens an acknowledged alert: deliver sends status 'new' only
            l_status := 'new';
         end if;
         update {{ obj('ALERTS') }}
            set first_time = least(first_time, in_first_time),
                last_event_id = case when in_last_time >= last_time then in_last_event_id else last_event_id end,
                last_time = greatest(last_time, in_last_time),
                cnt = cnt + in_cnt,
                severity = l_severity,
                status = l_status,
                delivered_severity = case when l_reopen then null else delivered_severity end,
                logged_severity = case when l_reopen then null else logged_severity end,
                updated_at = sysdate
          where alert_id = l_alert_id;
      else
         insert into {{ obj('ALERTS') }} (rule_id, severity, alert_key, first_time, last_time, cnt,
                                          last_event_id, evidence, listener, host)
         values (in_rule_id, in_severity, in_key, in_first_time, in_last_time, in_cnt,
                 in_last_event_id, fit_bytes(in_evidence, co_evidence_bytes), in_listener, in_host);
      end if;
   end merge_episode;

   procedure merge_episodes is
      l_error varchar2(4000);
   begin
      for ep in (
         select rule_id, alert_key, severity, first_time, last_time, cnt, last_event_id, evidence, window_minutes,
                listener, host
           from {{ obj('ALERT_EPISODES') }}
          order by rule_id, alert_key, listener, host, first_time
      )
      loop
         -- no savepoint needed: merge_episode writes with one UPDATE or one INSERT, and a failed
         -- statement is rolled back on its own (statement-level atomicity)
         begin
            merge_episode(in_rule_id       => ep.rule_id,
                          in_key           => ep.alert_key,
                          in_severity      => ep.severity,
                          in_first_time    => ep.first_time,
                          in_last_time     => ep.last_time,
                          in_cnt           => ep.cnt,
                          in_last_event_id => ep.last_event_id,
                          in_evidence      => ep.evidence,
                          in_window        => ep.window_minutes,
                          in_listener      => ep.listener,
                          in_host          => ep.host);
         exception
            -- infrastructure errors are not the episode's fault: the run fails, its transaction
            -- is rolled back (watermarks included) and the next run evaluates the events again
            when e_deadlock or e_cancelled or e_session_killed or e_package_state_gone
              or e_package_state_discarded or e_undo_space_full or e_table_space_full
              or e_index_space_full or e_snapshot_too_old then
               raise;
            -- Catch-all on purpose: one episode that cannot be stored (whatever the reason) is
            -- recorded as the rule's last_error and a HEALTH alert with the
            -- backtrace, and skipped; the other episodes are stored and the rule's watermark
            -- advances past it.
            when others then
               l_error := substr(sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace, 1, 2000);
               update {{ obj('ALERT_RULES') }}
                  set last_status = 'failed',
                      last_error = substr('alert not stored (key ' || one_line(ep.alert_key, 200) || '): ' || l_error, 1, 4000)
                where rule_id = ep.rule_id;
               store_health(ep.rule_id, 'rule ' || ep.rule_id || ': an alert could not be stored: ' || l_error);
         end;
      end loop;
      delete from {{ obj('ALERT_CANDIDATES') }};
   end merge_episodes;

   procedure evaluate(out_failed_rules out pls_integer) is
      l_ok boolean;
   begin
      out_failed_rules := 0;
      delete from {{ obj('ALERT_CANDIDATES') }};
      for r in (
         select rule_id, view_name, window_minutes, last_event_id
           from {{ obj('ALERT_RULES') }}
          where enabled = 'Y'
            and view_name is not null
          order by rule_no, rule_id
      )
      loop
         evaluate_rule(in_rule_id   => r.rule_id,
                       in_view_name => r.view_name,
                       in_window    => r.window_minutes,
                       in_last_id   => r.last_event_id,
                       out_ok       => l_ok);
         if not l_ok then
            out_failed_rules := out_failed_rules + 1;
         end if;
      end loop;
      merge_episodes;
      commit;
   end evaluate;

{% if s.mail_host %}
   -- Clean-up after a failed mail: CLOSE_CONNECTION aborts whatever SMTP operation was under way
   -- (no reply needed, unlike QUIT, which is an invalid operation in DATA mode), so no connection
   -- stays open in the job's session whatever state the dialogue was in.
   procedure close_mail(io_conn in out nocopy utl_smtp.connection, in_open in boolean) is
   begin
      if in_open then
         sys.utl_smtp.close_connection(c => io_conn);
      end if;
   exception
      when e_smtp_invalid_operation or e_network or e_end_of_input then
         null; -- the connection is already gone
   end close_mail;

   -- One mail; out_problem is NULL when the server accepted it. Plain text (RFC 5322 headers
   -- Date: and Message-ID:), written line by line: no buffer holds the whole body.
   procedure send_mail(in_subject in varchar2, in_lines in t_lines, out_problem out varchar2) is
      co_address   constant varchar2(100) := '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$';
      -- the record type without sys.: the offline gate's parser cannot read a 3-part type name
      l_conn       utl_smtp.connection;
      l_open       boolean := false;
      l_recipients varchar2(4000) := setting('MAIL_RECIPIENTS');
      l_sender     varchar2(4000) := setting('MAIL_SENDER');
      l_domain     varchar2(4000);
      l_address    varchar2(4000);
      l_to         varchar2(4000);
      l_now        timestamp with time zone := systimestamp;
   begin
      -- the addresses live in an editable table: plain addresses only, so nothing can add a
      -- header line or an SMTP command (MAIL/RCPT arguments, the From:/To: headers)
      if not regexp_like(l_sender, co_address) then
         out_problem := 'MAIL_SENDER is not a plain mail address';
         return;
      end if;
      l_domain := substr(l_sender, instr(l_sender, '@') + 1);
      for i in 1 .. nvl(regexp_count(l_recipients, '[^,]+'), 0) loop
         l_address := trim(regexp_substr(l_recipients, '[^,]+', 1, i));
         if regexp_like(l_address, co_address) then
            l_to := l_to || case when l_to is not null then ', ' end || l_address;
         end if;
      end loop;
      if l_to is null then
         out_problem := 'MAIL_RECIPIENTS holds no plain mail address';
         return;
      end if;
      -- UTL_SMTP flow: OPEN_CONNECTION, HELO, MAIL, RCPT, OPEN_DATA, WRITE_DATA, CLOSE_DATA,
      -- QUIT (PL/SQL Packages and Types Reference 9.2, UTL_SMTP example; 9.0.1 OPEN_CONNECTION:
      -- tx_timeout in seconds). The procedural forms raise TRANSIENT_ERROR (4xx) or
      -- PERMANENT_ERROR (5xx) replies.
      l_conn := sys.utl_smtp.open_connection(host       => setting('MAIL_HOST'),
                                             port       => to_number(setting('MAIL_PORT')),
                                             tx_timeout => 30);
      l_open := true;
      sys.utl_smtp.helo(c => l_conn, domain => l_domain);
      sys.utl_smtp.mail(c => l_conn, sender => l_sender);
      for i in 1 .. regexp_count(l_to, '[^, ]+') loop
         sys.utl_smtp.rcpt(c => l_conn, recipient => regexp_substr(l_to, '[^, ]+', 1, i));
      end loop;
      sys.utl_smtp.open_data(c => l_conn);
      -- RFC 5322 3.6.1: the origination date is required, Gregorian, day and month names in
      -- English. Built from EXTRACT (the stored datetime's fields) and fixed name lists, not
      -- from TO_CHAR's Dy/Mon/YYYY, which follow the session's NLS_CALENDAR and language.
      -- 2001-01-01 (an ANSI date literal, Gregorian) was a Monday.
      sys.utl_smtp.write_data(c => l_conn, data => 'Date: '
         || substr('MonTueWedThuFriSatSun', mod(trunc(cast(l_now as date)) - date '2001-01-01', 7) * 3 + 1, 3) || ', '
         || to_char(extract(day from l_now), 'fm00') || ' '
         || substr('JanFebMarAprMayJunJulAugSepOctNovDec', (extract(month from l_now) - 1) * 3 + 1, 3) || ' '
         || to_char(extract(year from l_now), 'fm0000') || ' '
         || to_char(l_now, 'HH24:MI:SS TZHTZM') || co_crlf);
      sys.utl_smtp.write_data(c => l_conn, data => 'Message-ID: <' || lower(rawtohex(sys_guid())) || '.lsnrmine@' || l_domain || '>' || co_crlf);
      sys.utl_smtp.write_data(c => l_conn, data => 'From: ' || l_sender || co_crlf);
      sys.utl_smtp.write_data(c => l_conn, data => 'To: ' || l_to || co_crlf);
      -- the subject is built from counts and severities; one_line() strips CR/LF anyway
      sys.utl_smtp.write_data(c => l_conn, data => 'Subject: ' || one_line(in_subject, 150) || co_crlf);
      sys.utl_smtp.write_data(c => l_conn, data => 'MIME-Version: 1.0' || co_crlf);
      sys.utl_smtp.write_data(c => l_conn, data => 'Content-Type: text/plain; charset=us-ascii' || co_crlf);
      -- a blank line ends the headers; every body line starts with a fixed label ('- ' or
      -- '  evidence: '), never with '.', so no dot-stuffing is needed (RFC 5321 4.5.2)
      sys.utl_smtp.write_data(c => l_conn, data => co_crlf);
      for i in 1 .. in_lines.count loop
         sys.utl_smtp.write_data(c => l_conn, data => in_lines(i) || co_crlf);
      end loop;
      sys.utl_smtp.close_data(c => l_conn);
      sys.utl_smtp.quit(c => l_conn);
   exception
      when e_smtp_transient or e_smtp_permanent or e_smtp_invalid_operation
        or e_network or e_acl_denied or e_invalid_number or value_error then
         out_problem := substr(sqlerrm, 1, 1000);
         close_mail(io_conn => l_conn, in_open => l_open);
      -- Catch-all on purpose (as evaluate_rule's): whatever else the mail path raises (ORA-29259
      -- end-of-input, ORA-29261 bad argument, other UTL_TCP errors, a character set conversion)
      -- must not fail the run: it is returned with the backtrace, deliver records it as the
      -- DELIVERY HEALTH alert and the alerts stay undelivered by mail for the next run.
      when others then
         out_problem := substr(sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace, 1, 1000);
         close_mail(io_conn => l_conn, in_open => l_open);
   end send_mail;
{% else %}
   procedure send_mail(in_subject in varchar2, in_lines in t_lines, out_problem out varchar2) is
   begin
      -- mail was not configured at install (no mail_host): no UTL_SMTP code, no network ACE
      out_problem := 'MAIL_HOST is set but mail was not configured at install; re-run install with mail_host ('
                     || length(in_subject) || ' characters, ' || in_lines.count || ' lines not sent)';
   end send_mail;
{% endif %}

   procedure write_alert_log(in_text in varchar2) is
   begin
{% if s.alert_log %}
      -- the KSDWRT wrapper of the admin phase (admin/alert_log_grant.sql: the owner holds EXECUTE
      -- on it, not on SYS.DBMS_SYSTEM); dynamic so the package compiles without it
      execute immediate 'begin {{ s.alert_log_schema | ident }}."WRITE_ALERT_LOG"(:txt); end;' using log_text(in_text, 500);
{% else %}
      -- alert_log was off at install: no wrapper exists; deliver records this as a DELIVERY problem
      sys.dbms_standard.raise_application_error(
         num => {{ obj('ERROR_PKG') }}.co_not_configured,
         msg => 'ALERT_LOG_ENABLED is Y but alert_log was not configured at install; re-run install with alert_log = true ('
                || lengthb(in_text) || ' bytes not written)'
      );
{% endif %}
   end write_alert_log;

   procedure deliver(out_problem out varchar2) is
      l_min_rank  pls_integer := severity_rank(nvl(setting('ALERT_MIN_SEVERITY'), 'medium'));
      l_mail_on   boolean := setting('MAIL_HOST') is not null;
      l_log_flag  varchar2(1) := case when setting('ALERT_LOG_ENABLED') = 'Y' then 'Y' else 'N' end;
      l_lines     t_lines := t_lines();
      l_count     pls_integer := 0;
      l_top       varchar2(10) := 'info';
      l_delivered boolean := true;
      l_needs_mail boolean;
      l_mail_problem varchar2(2000);
      type t_ids is table of {{ obj('ALERTS') }}.alert_id%type;
      type t_severities is table of {{ obj('ALERTS') }}.severity%type;
      l_ids       t_ids := t_ids();
      -- the severity each alert was selected (and mailed) with: recorded as delivered_severity,
      -- not the column's value at update time
      l_sevs      t_severities := t_severities();
   begin
      for a in (
         select alert_id, rule_id, severity, alert_key, first_time, last_time, cnt, evidence,
                delivered_severity, logged_severity, listener, host
           from {{ obj('ALERTS') }}
          where status = 'new'
            and (delivered_severity is null
                 or {{ severity_case('severity') }}
                  > {{ severity_case('delivered_severity') }}
                 or l_log_flag = 'Y'
                    and (logged_severity is null
                         or {{ severity_case('severity') }}
                          > {{ severity_case('logged_severity') }}))
          -- the mail lists the first co_max_mail_alerts: the most severe first
          order by {{ severity_case('severity') }} desc,
                   last_time, alert_id
      )
      loop
         l_needs_mail := a.delivered_severity is null or severity_rank(a.severity) > severity_rank(a.delivered_severity);
         if l_needs_mail then
            l_ids.extend;
            l_ids(l_ids.last) := a.alert_id;
            l_sevs.extend;
            l_sevs(l_sevs.last) := a.severity;
         end if;
         if severity_rank(a.severity) >= l_min_rank then
            if l_needs_mail then
               l_count := l_count + 1;
               if severity_rank(a.severity) > severity_rank(l_top) then
                  l_top := a.severity;
               end if;
               if l_count <= co_max_mail_alerts then
                  -- each line is bounded (key 300, listener 128, host 255, evidence 980 bytes: a mail
                  -- line stays within 1,000 octets), the list by co_max_mail_alerts; listener and
                  -- host (from log.xml host_id: log text) cleaned like the key
                  l_lines.extend;
                  l_lines(l_lines.last) := '- ' || a.severity || ' ' || a.rule_id || ' key=' || one_line(a.alert_key, 300)
                     || case when a.listener is not null then ' listener=' || one_line(a.listener, 128) end
                     || case when a.host is not null then ' host=' || one_line(a.host, 255) end
                     || ' count=' || a.cnt
                     || ' first=' || to_char(a.first_time, 'YYYY-MM-DD HH24:MI:SS')
                     || ' last=' || to_char(a.last_time, 'YYYY-MM-DD HH24:MI:SS');
                  l_lines.extend;
                  l_lines(l_lines.last) := '  evidence: ' || one_line(a.evidence, co_mail_evidence_bytes);
               end if;
            end if;
            if l_log_flag = 'Y' and (a.logged_severity is null or severity_rank(a.severity) > severity_rank(a.logged_severity)) then
               begin
                  -- within write_alert_log's 500 bytes: key 200, listener 64, host 100 bytes
                  write_alert_log('lsnrmine alert ' || a.alert_id || ' ' || a.severity || ' ' || a.rule_id
                                  || ' key=' || one_line(a.alert_key, 200)
                                  || case when a.listener is not null then ' listener=' || one_line(a.listener, 64) end
                                  || case when a.host is not null then ' host=' || one_line(a.host, 100) end
                                  || ' count=' || a.cnt);
               exception
                  when e_plsql_compile then
                     out_problem := 'alert log: SYS.DBMS_SYSTEM.KSDWRT not callable (grant missing?): '
                                    || substr(sqlerrm, 1, 300);
                     l_log_flag := 'N';
                  -- Catch-all on purpose: whatever else the alert-log call raises must not fail the
                  -- run; it is returned with the backtrace (run records it as the DELIVERY HEALTH
                  -- alert) and the alert log is not tried again in this run.
                  when others then
                     out_problem := substr('alert log: ' || sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace, 1, 1000);
                     l_log_flag := 'N';
               end;
            end if;
         end if;
         -- written (or below ALERT_MIN_SEVERITY): not written again at this severity, whatever mail does
         if l_log_flag = 'Y' and (a.logged_severity is null or severity_rank(a.severity) > severity_rank(a.logged_severity)) then
            update {{ obj('ALERTS') }}
               set logged_severity = a.severity
             where alert_id = a.alert_id;
         end if;
      end loop;
      -- the alert-log lines are written: their record is committed before the mail is tried, so
      -- nothing the mail path does can roll it back and repeat the lines next run
      commit;
      if l_mail_on and l_count > 0 then
         if l_count > co_max_mail_alerts then
            l_lines.extend;
            l_lines(l_lines.last) := '- and ' || (l_count - co_max_mail_alerts) || ' more: see table '
                                      || {{ s.object_name('ALERTS') | sqlstr }};
         end if;
         send_mail(in_subject  => 'lsnrmine: ' || l_count || ' listener alert(s), highest ' || l_top,
                   in_lines    => l_lines,
                   out_problem => l_mail_problem);
         if l_mail_problem is not null then
            -- mail failed: keep the alerts undelivered by mail, the next run tries again
            out_problem := substr('mail: ' || l_mail_problem || case when out_problem is not null then '; ' || out_problem end,
                                  1, 2000);
            l_delivered := false;
         end if;
      end if;
      if l_delivered then
         forall i in 1 .. l_ids.count
            update {{ obj('ALERTS') }}
               set delivered_severity = l_sevs(i), delivered_at = sysdate
             where alert_id = l_ids(i);
      end if;
      commit;
   end deliver;

   procedure acknowledge(in_alert_id in number) is
   begin
      update {{ obj('ALERTS') }}
         set status = 'acknowledged',
             acknowledged_at = sysdate,
             acknowledged_by = sys_context('USERENV', 'SESSION_USER'),
             updated_at = sysdate
       where alert_id = in_alert_id;
      if sql%rowcount = 0 then
         sys.dbms_standard.raise_application_error(num => {{ obj('ERROR_PKG') }}.co_no_such_alert, msg => 'no alert ' || in_alert_id);
      end if;
      commit;
   end acknowledge;

   -- Alerts that are done (acknowledged, or delivered at their severity) and whose last event is
   -- older than RETENTION_DAYS: their events are purged by then, and no episode can extend them
   -- (windows are at most a day), so LSNR_ALERTS does not grow without end. Open alerts stay.
   procedure purge_alerts is
      l_days number;
   begin
      -- in SQL: DEFAULT ... ON CONVERSION ERROR (a value the settings constraint should refuse)
      select max(to_number(value default null on conversion error))
        into l_days
        from {{ obj('SETTINGS') }}
       where name = 'RETENTION_DAYS';
      l_days := nvl(l_days, 90);
      delete from {{ obj('ALERTS') }}
       where last_time < sysdate - greatest(l_days, 1)
         and (status = 'acknowledged' or delivered_severity = severity);
   end purge_alerts;

   procedure run is
      l_failed  pls_integer;
      l_problem varchar2(4000);
      l_status  varchar2(4000);
   begin
      evaluate(out_failed_rules => l_failed);
      deliver(out_problem => l_problem);
      purge_alerts;
      if l_problem is not null then
         -- a delivery problem is itself an alert (table only until delivery works again)
         store_health('DELIVERY', l_problem);
      end if;
      l_status := case
                     when l_failed = 0 and l_problem is null then 'ok'
                     else substr(l_failed || ' rule(s) failed' || case when l_problem is not null then '; ' || l_problem end,
                                 1, 4000)
                  end;
      put_setting('ALERT_LAST_RUN', to_char(sysdate, 'YYYY-MM-DD HH24:MI:SS'), 'Last run of the alert job (written by it)');
      put_setting('ALERT_LAST_STATUS', l_status, 'Result of the last alert job run (written by it)');
      commit;
   end run;
end {{ obj('ALERT_PKG') }};
/
