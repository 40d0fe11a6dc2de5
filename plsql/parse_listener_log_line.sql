-- PARSE_LISTENER_LOG_LINE: the article's function (fixed name, not prefixed), rebuilt; raises
-- unknown keys through ERROR_PKG. Python twin: installer/parse.py (lsnrmine.parse), which states
-- the contract; shared cases: tests/fixtures/parse_cases.json.
-- facts: docs/oracle-facts.md#plsql-parse-listener-log-line
create or replace function parse_listener_log_line(
   p_in    in varchar2,
   p_param in varchar2
) return varchar2 deterministic parallel_enable
is
   pragma udf;
   -- Contract: lsnrmine.parse.parse_listener_log_line (installer/parse.py); positions are characters.
   -- NLS independence (so DETERMINISTIC holds): REGEXP_INSTR with match parameter 'c', bracket lists
   -- without ranges, single characters compared through ASCII(); no INSTR or "=" on data
   -- (NLS_COMP=LINGUISTIC makes PL/SQL comparisons linguistic).
   --
   -- Same order as lsnrmine.parse.ALLOWED_KEYS; sources of the keys are cited there
   -- (the article's 13 keys, lsnrctl command lines, Net Services Reference 19c chapter 6).
   co_allowed_keys    constant varchar2(1000) :=
      'SID, SERVICE_NAME, PROGRAM, SERVICE, HOST, USER, PROTOCOL, TYPE, METHOD, '
      || 'RETRIES, DELAY, PORT, COMMAND, '
      || 'ARGUMENTS, VERSION, VALUE, SERVER, INSTANCE_NAME, UR, CONNECTION_ID, '
      || 'CONNECTION_ID_PREFIX, PASSWORD, '
      || 'DESCRIPTION_LIST, DESCRIPTION, ADDRESS_LIST, ADDRESS, CONNECT_DATA, CID, '
      || 'FAILOVER_MODE, BACKUP, GLOBAL_NAME, HS, RDB_DATABASE, COLOCATION_TAG, '
      || 'POOL_CONNECTION_CLASS, POOL_PURITY, POOL_BOUNDARY, SHARDING_KEY, '
      || 'SUPER_SHARDING_KEY, ENABLE, FAILOVER, LOAD_BALANCE, SOURCE_ROUTE, '
      || 'TYPE_OF_SERVICE, SDU, RECV_BUF_SIZE, SEND_BUF_SIZE, CONNECT_TIMEOUT, '
      || 'RETRY_COUNT, RETRY_DELAY, TRANSPORT_CONNECT_TIMEOUT, EXPIRE_TIME, HTTPS_PROXY, '
      || 'HTTPS_PROXY_PORT, SECURITY, SSL_SERVER_CERT_DN, '
      || 'KEY, PIPENAME, ARGS, ARGV0, PRESENTATION, SESSION';
   co_password        constant varchar2(8)    := 'PASSWORD';
   co_password_mask   constant varchar2(8)    := '********';
   co_max_key_chars   constant pls_integer    := 30;
   co_lower           constant varchar2(26)   := 'abcdefghijklmnopqrstuvwxyz';
   co_upper           constant varchar2(26)   := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
   co_code_open       constant pls_integer    := 40;  -- ascii('(')
   co_code_digit_0    constant pls_integer    := 48;  -- ascii('0')
   co_code_digit_9    constant pls_integer    := 57;  -- ascii('9')
   co_code_upper_a    constant pls_integer    := 65;  -- ascii('A')
   co_code_upper_z    constant pls_integer    := 90;  -- ascii('Z')
   co_code_underscore constant pls_integer    := 95;  -- ascii('_')
   co_match_exact     constant varchar2(1)    := 'c';
   l_key                       varchar2(32767);
   l_len                       pls_integer;
   l_start                     pls_integer;
   l_end                       pls_integer;
   l_pos                       pls_integer;
   l_depth                     pls_integer;
   l_value                     varchar2(32767);

   -- TRUE when in_key (already ASCII upper case) is one of co_allowed_keys.
   function is_allowed_key(in_key in varchar2) return boolean is
      l_code pls_integer;
   begin
      if in_key is null or length(in_key) > co_max_key_chars then
         return false;
      end if;
      for i_char in 1..length(in_key)
      loop
         l_code := ascii(substr(in_key, i_char, 1));
         if not (l_code between co_code_upper_a and co_code_upper_z
                 or l_code between co_code_digit_0 and co_code_digit_9
                 or l_code = co_code_underscore)
         then
            return false;
         end if;
      end loop;
      -- in_key holds only A-Z, 0-9 and _ here, so it is a literal regular expression.
      return regexp_instr(', ' || co_allowed_keys || ',', ', ' || in_key || ',', 1, 1, 0,
                          co_match_exact) > 0;
   end is_allowed_key;

   -- \(KEY= with every ASCII letter as a two-character bracket list: SID -> \([Ss][Ii][Dd]=
   function key_pattern(in_key in varchar2) return varchar2 is
      l_pattern varchar2(200) := '\(';
      l_char    varchar2(1);
   begin
      for i_char in 1..length(in_key)
      loop
         l_char := substr(in_key, i_char, 1);
         if ascii(l_char) between co_code_upper_a and co_code_upper_z then
            l_pattern := l_pattern || '[' || l_char || translate(l_char, co_upper, co_lower) || ']';
         else
            l_pattern := l_pattern || l_char;
         end if;
      end loop;
      return l_pattern || '=';
   end key_pattern;
begin
   l_key := translate(substr(p_param, 1, co_max_key_chars + 1), co_lower, co_upper);
   if not is_allowed_key(in_key => l_key) then
      {{ obj('ERROR_PKG') }}.raise_unknown_key(
         in_key          => p_param,
         in_allowed_keys => co_allowed_keys
      );
   end if;

   if p_in is null then
      return null;
   end if;

   -- return_option 1: position right after the match = first character of the value
   l_start := regexp_instr(p_in, key_pattern(in_key => l_key), 1, 1, 1, co_match_exact);
   l_len   := length(p_in);
   if l_start = 0 or l_start > l_len then
      return null;
   end if;

   -- walk the parentheses from the value's start; the ")" at depth 0 closes "(KEY="
   l_end   := 0;  -- 0: no closing parenthesis (unbalanced or truncated): to the end of the input
   l_depth := 0;
   l_pos   := l_start;
   while l_pos <= l_len
   loop
      l_pos := regexp_instr(p_in, '[()]', l_pos, 1, 0, co_match_exact);
      exit when l_pos = 0;
      if ascii(substr(p_in, l_pos, 1)) = co_code_open then
         l_depth := l_depth + 1;
      elsif l_depth = 0 then
         l_end := l_pos;
         exit;
      else
         l_depth := l_depth - 1;
      end if;
      l_pos := l_pos + 1;
   end loop;
   if l_end = 0 then
      l_value := substr(p_in, l_start);
   else
      l_value := substr(p_in, l_start, l_end - l_start);  -- length 0 gives NULL
   end if;

   if l_value is not null and l_key = co_password then
      return co_password_mask;
   end if;
   return l_value;
end parse_listener_log_line;
/
