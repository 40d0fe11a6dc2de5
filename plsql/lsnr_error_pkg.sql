-- Error package: the one place that knows lsnrmine's application error numbers and messages.
-- Depends on nothing; PARSE_LISTENER_LOG_LINE raises its unknown-key error through it.
-- obj('ERROR_PKG') is the prefixed name.
create or replace package {{ obj('ERROR_PKG') }} authid definer is
   -- ORA-20001: PARSE_LISTENER_LOG_LINE was called with a key outside its allowed list.
   co_unknown_key constant pls_integer := -20001;

   -- For callers that want to catch it. PRAGMA EXCEPTION_INIT takes a literal only, hence the
   -- repeated number right next to co_unknown_key (the only other occurrence in the project).
   e_unknown_key exception;
   pragma exception_init(e_unknown_key, -20001);

   -- The other application error numbers of lsnrmine's PL/SQL (raised with
   -- sys.dbms_standard.raise_application_error by the unit named in the comment). -20000 is the
   -- SQL*Plus install scripts' own (plsql/check_*.sql: they run before this package exists).
   co_not_external_table constant pls_integer := -20002; -- LISTENER_LOG exists but is no external table
   co_bad_file_name      constant pls_integer := -20003; -- LINE_READER: not a plain file name
   co_bad_offset         constant pls_integer := -20004; -- LINE_READER: bad start offset / line number
   co_ingest_failed      constant pls_integer := -20010; -- INGEST_PKG.run: a file failed (others were read)
   co_not_configured     constant pls_integer := -20011; -- ALERT_PKG: alert_log was off at install
   co_no_such_alert      constant pls_integer := -20600; -- ALERT_PKG.acknowledge: unknown alert id

   -- Longest part of the offending key echoed in the message (same as the Python twin's
   -- lsnrmine.parse.MESSAGE_KEY_MAX_CHARS).
   co_message_key_max_chars constant pls_integer := 64;

   -- Raises co_unknown_key with the message
   --    parse_listener_log_line: unknown key "<in_key>"; allowed keys: <in_allowed_keys>
   -- in_key is cut to co_message_key_max_chars characters; NULL shows as "".
   procedure raise_unknown_key(
      in_key          in varchar2,
      in_allowed_keys in varchar2
   );
end {{ obj('ERROR_PKG') }};
/

create or replace package body {{ obj('ERROR_PKG') }} is
   procedure raise_unknown_key(
      in_key          in varchar2,
      in_allowed_keys in varchar2
   ) is
   begin
      sys.dbms_standard.raise_application_error(
         num => co_unknown_key,
         msg => 'parse_listener_log_line: unknown key "'
            || substr(in_key, 1, co_message_key_max_chars)
            || '"; allowed keys: '
            || in_allowed_keys
      );
   end raise_unknown_key;
end {{ obj('ERROR_PKG') }};
/
