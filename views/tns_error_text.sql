-- TNS_ERROR_TEXT: Oracle's message text of the TNS codes the listener logs most often, for the
-- tns_errors report. A view over DUAL, so the embedded engine creates it from this template too.
-- facts: docs/oracle-facts.md#views-tns-error-text
create or replace view {{ name }} (code, message) as
select 1158 code, 'Internal connection limit reached, preventing dispatcher from connecting' message from dual
union all select 1169, 'The listener has not recognized the password' from dual
union all select 1180, 'Missing listener object string in Directory Server' from dual
union all select 1182, 'Listener rejected registration of service' from dual
union all select 1185, 'Registration attempted from a remote node' from dual
union all select 1189, 'The listener could not authenticate the user' from dual
union all select 1190, 'The user is not authorized to execute the requested listener command' from dual
union all select 12170, 'TNS:Connect timeout occurred' from dual
union all select 12502, 'TNS:listener received no CONNECT_DATA from client' from dual
union all select 12505, 'TNS:listener does not currently know of SID given in connect descriptor' from dual
union all select 12508, 'TNS:listener could not resolve the COMMAND given' from dual
union all select 12514, 'TNS:listener does not currently know of service requested in connect descriptor' from dual
union all select 12516, 'TNS:listener could not find available handler with matching protocol stack' from dual
union all select 12518, 'TNS:listener could not hand off client connection' from dual
union all select 12519, 'TNS:no appropriate service handler found' from dual
union all select 12520, 'TNS:listener could not find available handler for requested type of server' from dual
union all select 12521, 'TNS:listener does not currently know of instance requested in connect descriptor' from dual
union all select 12526, 'TNS:listener: all appropriate instances are in restricted mode' from dual
union all select 12528, 'TNS:listener: all appropriate instances are blocking new connections' from dual
union all select 12535, 'TNS:operation timed out' from dual
union all select 12537, 'TNS:connection closed' from dual
union all select 12541, 'TNS:no listener' from dual
union all select 12547, 'TNS:lost contact' from dual
union all select 12560, 'TNS:protocol adapter error' from dual
/
