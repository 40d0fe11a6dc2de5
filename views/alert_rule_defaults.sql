-- ALERT_RULE_DEFAULTS: the shipped alert rules as rows, the single source of the defaults:
-- tables/alert_rules.sql MERGEs them into ALERT_RULES, the embedded engine builds its alert_rules
-- from this view. One rule = one view over EVENTS (view_name); HEALTH has none.
-- facts: docs/oracle-facts.md#views-alert-rule-defaults
create or replace view {{ name }} (rule_id, rule_no, rule_name, description, enabled, threshold,
                                   window_minutes, severity, params, view_name) as
select 'PASSWORD_FAILURES', 1, 'Listener password failures',
       'TNS-01169/01189/01190 from one OS user or host: threshold failures within window minutes; a single one is low',
       'Y', 3, 5, 'high', cast(null as varchar2(4000)), {{ s.object_name('ALERT_R1_PASSWORD') | sqlstr }}
  from dual
union all
select 'LOG_REDIRECTION', 2, 'Log or trace redirection',
       'Any log_file, log_directory, trc_file, trc_directory or trc_level command; success is critical',
       'Y', 1, 60, 'high', null, {{ s.object_name('ALERT_R2_REDIRECT') | sqlstr }}
  from dual
union all
select 'ADMIN_RESTRICTED', 3, 'Admin-restricted command attempts',
       'TNS-12508: a command refused because of ADMIN_RESTRICTIONS',
       'Y', 1, 60, 'medium', null, {{ s.object_name('ALERT_R3_RESTRICTED') | sqlstr }}
  from dual
union all
select 'LISTENER_STOP', 4, 'Listener stop or reload',
       'successful stop/reload by an allow-listed OS user (params, comma list) is info, by anyone else critical; a refused one the rule severity',
       'Y', 1, 60, 'high', 'oracle,grid', {{ s.object_name('ALERT_R4_STOP') | sqlstr }}
  from dual
union all
select 'TNS_POISON', 5, 'TNS poison: remote service registration',
       'service_register_NSGR from a non-local address, or TNS-01185; params: the server''s own IPs (comma list)',
       'Y', 1, 60, 'critical', null, {{ s.object_name('ALERT_R5_POISON') | sqlstr }}
  from dual
union all
select 'SID_ENUMERATION', 6, 'SID / service enumeration',
       'At least threshold distinct SID/SERVICE_NAME refused with 12505/12514 from one client IP within window minutes',
       'Y', 5, 5, 'high', null, {{ s.object_name('ALERT_R6_ENUMERATION') | sqlstr }}
  from dual
union all
select 'CONNECTION_STORM', 7, 'Connection storm / exhaustion',
       'TNS-12516/12518/12519/12520/01158, or threshold establishes in one minute, or params times the trailing hour''s rate',
       'Y', 300, 10, 'high', '10', {{ s.object_name('ALERT_R7_STORM') | sqlstr }}
  from dual
union all
select 'NEW_CLIENT_IP', 8, 'New or public client IP',
       'Client IP never seen before, after a learning period of threshold days; any IP outside the private ranges (params regexp) is high',
       'Y', 7, 1440, 'medium',
       '^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.|127\.|::1$|[fF][eE][89aAbB][0-9a-fA-F]:|[fF][cCdD][0-9a-fA-F]{2}:)',
       {{ s.object_name('ALERT_R8_NEW_IP') | sqlstr }}
  from dual
union all
select 'CLIENT_HYGIENE', 9, 'JDBC by SID, service name letter case',
       'JDBC thin clients connecting by SID instead of service name; a service name used in more than one letter case',
       'Y', 1, 1440, 'info', null, {{ s.object_name('ALERT_R9_HYGIENE') | sqlstr }}
  from dual
union all
select 'HEALTH', 0, 'Alert job health',
       'Raised by the alert job itself: a rule that failed, a delivery that failed (key = what failed)',
       'Y', 1, 60, 'high', null, null
  from dual
/
