-- Report base: every lsnrctl command the listener logged (event_kind command), with the
-- OS user and host from CID, the return code, failure (code other than 0) and whether
-- ADMIN_RESTRICTIONS refused it (TNS-12508, as in the article's admin-restricted query).
create or replace view {{ name }} (event_id, event_time, command, client_user, client_host, return_code,
                                   failed, restricted, error_text, listener, host) as
select e.event_id,
       e.event_time,
       e.command,
       e.client_user,
       e.client_host,
       e.return_code,
       case when nvl(e.return_code, 0) <> 0 then 1 else 0 end failed,
       case when e.return_code = 12508 then 1 else 0 end restricted,
       e.error_text,
       e.listener,
       e.host
  from {{ obj('EVENTS') }} e
 where e.event_kind = 'command'
/
