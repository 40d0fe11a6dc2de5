-- Article (Part 3, "Combining with Auditing"): the Oracle user behind a listener
-- connection, matched by client host and a 2-second window (traditional auditing:
-- DBA_AUDIT_TRAIL, needs AUDIT_TRAIL=DB and AUDIT CREATE SESSION; on Unified
-- Auditing databases DBA_AUDIT_TRAIL stays empty).
-- Edit the service name and host to the ones you investigate.
col username format a20
col ses_actions format a20
col comment_text format a60
col sql_text format a40
select username, ses_actions, logoff_time, comment_text, sql_text
from dba_audit_trail a, listener_log l
where parse_listener_log_line(connect_string,'SERVICE_NAME') = 'DBA'
and parse_listener_log_line(connect_string,'HOST') = 'STSCOTIGERAT42'
and l.log_date between a.timestamp - (2/24/60/60) and a.timestamp
and a.terminal = 'STSCOTIGERAT42'
/
