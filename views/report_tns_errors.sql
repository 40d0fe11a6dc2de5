-- Report base: every event with a return code other than 0, with Oracle's message text
-- when the code is in TNS_ERROR_TEXT.
-- Reads EVENTS and TNS_ERROR_TEXT.
create or replace view {{ name }} (event_id, event_time, event_kind, return_code, message, client_ip,
                                   service, error_text, listener, host) as
select e.event_id,
       e.event_time,
       e.event_kind,
       e.return_code,
       t.message,
       e.client_ip,
       nvl(e.service_name, e.sid) service,
       e.error_text,
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
  left join {{ obj('TNS_ERROR_TEXT') }} t on t.code = e.return_code
 where nvl(e.return_code, 0) <> 0
/
