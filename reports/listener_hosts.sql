-- Events, connection requests, failures and commands per host and listener (RAC nodes, SCAN listeners).
-- time_column: event_time
-- `lsnrmine report --from/--to` restrict the rows on event_time (rendered into the WHERE clause).
-- A host is the node the log was written on (the ADR path, the log's header or log.xml's host_id);
-- a SCAN listener that moved between nodes has one row per node.
col host format a30
col listener format a30
col events format 999,999,999
col connections format 999,999,999
col failures format 999,999,999
col commands format 999,999,999
col log_files format 9,999
select host, listener, count(*) events,
       sum(case when event_kind = 'establish' then 1 else 0 end) connections,
       sum(case when event_kind = 'establish' and nvl(return_code, 0) <> 0 then 1 else 0 end) failures,
       sum(case when event_kind = 'command' then 1 else 0 end) commands,
       count(distinct source) log_files,
       min(event_time) first_time, max(event_time) last_time
  from {{ obj('EVENTS') }}
 where {{ period }}
 group by host, listener
 order by host, listener
/
