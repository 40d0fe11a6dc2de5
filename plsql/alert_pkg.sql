-- Alert evaluation and delivery (issue 6).
--
-- run      : the alert job's procedure: evaluate, deliver, record the job's health in SETTINGS
--            (ALERT_LAST_RUN, ALERT_LAST_STATUS). The ingest job may call it after a load too.
-- evaluate : for each enabled rule of ALERT_RULES that has a view, only when EVENTS has rows
--            newer (event_id) than the rule's last evaluation: set scan_from (oldest new event
--            minus the rule's window), copy the view's candidate rows into ALERT_CANDIDATES,
--            then merge the episodes of ALERT_EPISODES into ALERTS: an episode extends the
--            latest alert of its (rule, key) when it starts no later than that alert's
--            last_time + window, else it is a new alert. A rule that fails is rolled back to
--            its savepoint, keeps its old state (its events are read again next run) and
--            becomes a HEALTH alert naming it; the other rules go on.
-- deliver  : every alert not yet delivered at its current severity (and at least
--            ALERT_MIN_SEVERITY): one mail per run through UTL_SMTP when mail was configured at
--            install (MAIL_* settings), one alert-log line per alert when ALERT_LOG_ENABLED = Y,
--            always the table. Text from the log never reaches a mail header: header values are
--            built from rule ids, severities and counts, and the key is stripped of control
--            characters (CR/LF included) and truncated; body lines are escaped and truncated.
-- acknowledge: sets status acknowledged.
create or replace package {{ obj('ALERT_PKG') }} authid definer is
   co_max_mail_alerts constant pls_integer := 50;

   procedure run;

   procedure evaluate(out_failed_rules out pls_integer);

   procedure deliver(out_problem out varchar2);

   procedure acknowledge(in_alert_id in number);

   -- in_text without control characters (CR, LF, TAB, ESC ... become a blank), at most in_max
   -- characters: safe in a mail header, the alert log and a terminal.
   function one_line(in_text in varchar2, in_max in pls_integer) return varchar2;
end {{ obj('ALERT_PKG') }};
/

create or replace package body {{ obj('ALERT_PKG') }} is
   co_health_rule constant varchar2(30) := 'HEALTH';
   -- not UTL_TCP.CRLF: without mail the package must not depend on the network packages
   co_crlf constant varchar2(2) := chr(13) || chr(10);

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
   e_regexp exception;
   pragma exception_init(e_regexp, -12726); -- unmatched bracket in regular expression
   e_snapshot_too_old exception;
   pragma exception_init(e_snapshot_too_old, -1555); -- snapshot too old
   e_bad_sql_name exception;
   pragma exception_init(e_bad_sql_name, -44003); -- DBMS_ASSERT: invalid SQL name
   e_plsql_compile exception;
   pragma exception_init(e_plsql_compile, -6550); -- dynamic block: DBMS_SYSTEM not granted
   e_acl_denied exception;
   pragma exception_init(e_acl_denied, -24247); -- network access denied by access control list
   e_network exception;
   pragma exception_init(e_network, -29260); -- UTL_TCP network error
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

   function one_line(in_text in varchar2, in_max in pls_integer) return varchar2 is
   begin
      return substr(regexp_replace(in_text, '[[:cntrl:]]', ' '), 1, in_max);
   end one_line;

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
      return case in_severity
                when 'critical' then 5
                when 'high' then 4
                when 'medium' then 3
                when 'low' then 2
                else 1
             end;
   end severity_rank;

   -- a HEALTH candidate: merged like any other, so a rule failing every run is one alert
   procedure add_health(in_key in varchar2, in_text in varchar2) is
   begin
      insert into {{ obj('ALERT_CANDIDATES') }} (rule_id, severity, alert_key, event_id, event_time, evidence)
      values (co_health_rule, 'high', substr(in_key, 1, 400), 0, sysdate, substr(in_text, 1, 4000));
   end add_health;

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
      -- the view name comes from a table users can edit: only a simple SQL name, quoted
      -- (PL/SQL Packages and Types Reference, DBMS_ASSERT.SIMPLE_SQL_NAME / ENQUOTE_NAME)
      execute immediate 'insert into {{ obj('ALERT_CANDIDATES') }} '
         || '(rule_id, severity, alert_key, event_id, event_time, evidence) '
         || 'select rule_id, severity, substr(alert_key, 1, 400), event_id, event_time, substr(evidence, 1, 4000) from '
         || sys.dbms_assert.enquote_name(sys.dbms_assert.simple_sql_name(in_view_name), capitalize => false)
         || ' where rule_id = :rule_id and event_time is not null and alert_key is not null'
         using in_rule_id;
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
        or e_value_too_large or e_regexp or e_snapshot_too_old or e_bad_sql_name
        or value_error or zero_divide then
         l_error := substr(sqlerrm, 1, 2000);
         out_ok := false;
         update {{ obj('ALERT_RULES') }}
            set last_run = sysdate, last_status = 'failed', last_error = l_error
          where rule_id = in_rule_id;
         add_health(in_rule_id, 'rule ' || in_rule_id || ' failed: ' || l_error);
      -- Catch-all on purpose: the job must not die on one bad rule (a user-edited view or
      -- params value can raise anything). The error is recorded in ALERT_RULES.last_error and
      -- as a HEALTH alert naming the rule, with the backtrace; the other rules go on.
      when others then
         l_error := substr(sqlerrm || ' ' || sys.dbms_utility.format_error_backtrace, 1, 2000);
         out_ok := false;
         update {{ obj('ALERT_RULES') }}
            set last_run = sysdate, last_status = 'failed', last_error = l_error
          where rule_id = in_rule_id;
         add_health(in_rule_id, 'rule ' || in_rule_id || ' failed: ' || l_error);
   end evaluate_rule;

   procedure merge_episodes is
      l_alert_id {{ obj('ALERTS') }}.alert_id%type;
      l_severity {{ obj('ALERTS') }}.severity%type;
   begin
      for ep in (
         select rule_id, alert_key, severity, first_time, last_time, cnt, last_event_id, evidence, window_minutes
           from {{ obj('ALERT_EPISODES') }}
          order by rule_id, alert_key, first_time
      )
      loop
         select max(alert_id)
           into l_alert_id
           from {{ obj('ALERTS') }}
          where rule_id = ep.rule_id
            and alert_key = ep.alert_key
            and ep.first_time <= last_time + ep.window_minutes / 1440;
         if l_alert_id is not null then
            select severity
              into l_severity
              from {{ obj('ALERTS') }}
             where alert_id = l_alert_id;
            if severity_rank(ep.severity) > severity_rank(l_severity) then
               l_severity := ep.severity;
            end if;
            update {{ obj('ALERTS') }}
               set first_time = least(first_time, ep.first_time),
                   last_event_id = case when ep.last_time >= last_time then ep.last_event_id else last_event_id end,
                   last_time = greatest(last_time, ep.last_time),
                   cnt = cnt + ep.cnt,
                   severity = l_severity,
                   updated_at = sysdate
             where alert_id = l_alert_id;
         else
            insert into {{ obj('ALERTS') }} (rule_id, severity, alert_key, first_time, last_time, cnt,
                                             last_event_id, evidence)
            values (ep.rule_id, ep.severity, ep.alert_key, ep.first_time, ep.last_time, ep.cnt,
                    ep.last_event_id, ep.evidence);
         end if;
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
   -- One mail; out_problem is NULL when the server accepted it.
   procedure send_mail(in_subject in varchar2, in_body in varchar2, out_problem out varchar2) is
      co_address   constant varchar2(100) := '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$';
      -- the record type without sys.: the offline gate's parser cannot read a 3-part type name
      l_conn       utl_smtp.connection;
      l_open       boolean := false;
      l_recipients varchar2(4000) := setting('MAIL_RECIPIENTS');
      l_sender     varchar2(4000) := setting('MAIL_SENDER');
      l_address    varchar2(4000);
      l_to         varchar2(4000);
   begin
      -- the addresses live in an editable table: plain addresses only, so nothing can add a
      -- header line or an SMTP command (MAIL/RCPT arguments, the From:/To: headers)
      if not regexp_like(l_sender, co_address) then
         out_problem := 'MAIL_SENDER is not a plain mail address';
         return;
      end if;
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
      sys.utl_smtp.helo(l_conn, substr(l_sender, instr(l_sender, '@') + 1));
      sys.utl_smtp.mail(l_conn, l_sender);
      for i in 1 .. regexp_count(l_to, '[^, ]+') loop
         sys.utl_smtp.rcpt(l_conn, regexp_substr(l_to, '[^, ]+', 1, i));
      end loop;
      sys.utl_smtp.open_data(l_conn);
      sys.utl_smtp.write_data(l_conn, 'From: ' || l_sender || co_crlf);
      sys.utl_smtp.write_data(l_conn, 'To: ' || l_to || co_crlf);
      -- the subject is built from counts and severities; one_line() strips CR/LF anyway
      sys.utl_smtp.write_data(l_conn, 'Subject: ' || one_line(in_subject, 150) || co_crlf);
      sys.utl_smtp.write_data(l_conn, 'MIME-Version: 1.0' || co_crlf);
      sys.utl_smtp.write_data(l_conn, 'Content-Type: text/plain; charset=us-ascii' || co_crlf);
      -- a blank line ends the headers; every body line starts with a fixed label ('- ' or
      -- '  evidence: '), never with '.', so no dot-stuffing is needed (RFC 5321 4.5.2)
      sys.utl_smtp.write_data(l_conn, co_crlf || in_body);
      sys.utl_smtp.close_data(l_conn);
      sys.utl_smtp.quit(l_conn);
   exception
      when e_smtp_transient or e_smtp_permanent or e_smtp_invalid_operation
        or e_network or e_acl_denied or e_invalid_number or value_error then
         out_problem := substr(sqlerrm, 1, 1000);
         if l_open then
            begin
               sys.utl_smtp.quit(l_conn);
            exception
               -- the server is gone: QUIT raises as well (as in Oracle's UTL_SMTP example)
               when e_smtp_transient or e_smtp_permanent or e_network then
                  null;
            end;
         end if;
   end send_mail;
{% else %}
   procedure send_mail(in_subject in varchar2, in_body in varchar2, out_problem out varchar2) is
   begin
      -- mail was not configured at install (no mail_host): no UTL_SMTP code, no network ACE
      out_problem := 'MAIL_HOST is set but mail was not configured at install; re-run install with mail_host ('
                     || length(in_subject) || '/' || length(in_body) || ' characters not sent)';
   end send_mail;
{% endif %}

   procedure write_alert_log(in_text in varchar2) is
   begin
      -- undocumented SYS.DBMS_SYSTEM.KSDWRT, dest 2 = alert log (see admin/alert_log_grant.sql);
      -- dynamic so the package compiles without the grant
      execute immediate 'begin sys.dbms_system.ksdwrt(2, :txt); end;' using one_line(in_text, 500);
   end write_alert_log;

   procedure deliver(out_problem out varchar2) is
      l_min_rank  pls_integer := severity_rank(nvl(setting('ALERT_MIN_SEVERITY'), 'medium'));
      l_mail_on   boolean := setting('MAIL_HOST') is not null;
      l_log_on    boolean := setting('ALERT_LOG_ENABLED') = 'Y';
      l_body      varchar2(32767);
      l_count     pls_integer := 0;
      l_top       varchar2(10) := 'info';
      l_delivered boolean := true;
      l_mail_problem varchar2(2000);
      type t_ids is table of {{ obj('ALERTS') }}.alert_id%type;
      l_ids       t_ids := t_ids();
   begin
      for a in (
         select alert_id, rule_id, severity, alert_key, first_time, last_time, cnt, evidence
           from {{ obj('ALERTS') }}
          where status = 'new'
            and (delivered_severity is null
                 or case severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end
                  > case delivered_severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end)
          order by last_time, alert_id
      )
      loop
         l_ids.extend;
         l_ids(l_ids.last) := a.alert_id;
         if severity_rank(a.severity) >= l_min_rank then
            l_count := l_count + 1;
            if severity_rank(a.severity) > severity_rank(l_top) then
               l_top := a.severity;
            end if;
            if l_count <= co_max_mail_alerts then
               l_body := l_body
                  || '- ' || a.severity || ' ' || a.rule_id || ' key=' || one_line(a.alert_key, 200)
                  || ' count=' || a.cnt
                  || ' first=' || to_char(a.first_time, 'YYYY-MM-DD HH24:MI:SS')
                  || ' last=' || to_char(a.last_time, 'YYYY-MM-DD HH24:MI:SS') || co_crlf
                  || '  evidence: ' || one_line(a.evidence, 400) || co_crlf;
            end if;
            if l_log_on then
               begin
                  write_alert_log('lsnrmine alert ' || a.alert_id || ' ' || a.severity || ' ' || a.rule_id
                                  || ' key=' || one_line(a.alert_key, 200) || ' count=' || a.cnt);
               exception
                  when e_plsql_compile then
                     out_problem := 'alert log: SYS.DBMS_SYSTEM.KSDWRT not callable (grant missing?): '
                                    || substr(sqlerrm, 1, 300);
                     l_log_on := false;
               end;
            end if;
         end if;
      end loop;
      if l_mail_on and l_count > 0 then
         if l_count > co_max_mail_alerts then
            l_body := l_body || '- and ' || (l_count - co_max_mail_alerts) || ' more: see table '
                      || {{ s.object_name('ALERTS') | sqlstr }} || co_crlf;
         end if;
         send_mail(in_subject  => 'lsnrmine: ' || l_count || ' listener alert(s), highest ' || l_top,
                   in_body     => l_body,
                   out_problem => l_mail_problem);
         if l_mail_problem is not null then
            out_problem := substr('mail: ' || l_mail_problem || case when out_problem is not null then '; ' || out_problem end,
                                  1, 2000);
            l_delivered := false;
         end if;
      end if;
      if l_delivered then
         -- mail failed: keep the alerts undelivered, the next run tries again
         forall i in 1 .. l_ids.count
            update {{ obj('ALERTS') }}
               set delivered_severity = severity, delivered_at = sysdate
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

   procedure run is
      l_failed  pls_integer;
      l_problem varchar2(4000);
      l_status  varchar2(4000);
   begin
      evaluate(out_failed_rules => l_failed);
      deliver(out_problem => l_problem);
      if l_problem is not null then
         -- a delivery problem is itself an alert (table only until delivery works again)
         add_health('DELIVERY', l_problem);
         merge_episodes;
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
