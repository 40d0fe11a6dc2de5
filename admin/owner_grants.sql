-- System privileges the owner needs, granted directly (definer's-rights PL/SQL
-- and DBMS_SCHEDULER ignore roles). No DBA role, no ANY privilege.
grant create session, create table, create view, create procedure{% if s.jobs_enabled %}, create job{% endif %} to {{ s.schema | ident }}
/
