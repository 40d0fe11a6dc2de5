-- Alert-log delivery of alerts (issue 6), opt-in (setting alert_log). Oracle documents no API
-- that writes a line into the alert log: the known mechanism is the undocumented
-- SYS.DBMS_SYSTEM.KSDWRT(dest, text), dest 2 = alert log (present since Oracle 8i and still in
-- 19c/23ai; not part of the documented PL/SQL Packages reference, so Oracle may change it).
-- ALERT_PKG calls it through dynamic PL/SQL, so without this grant the package still compiles
-- and a failed write becomes a HEALTH alert. Needs a direct grant (definer's rights).
grant execute on sys.dbms_system to {{ s.schema | ident }}
/
