-- Audit, rendered when audit_mode is not none: SELECT on the logon audit trail(s) the audit match
-- views read, granted directly to the owner (definer's-rights views ignore roles). Needs SYS or SELECT
-- on those views WITH GRANT OPTION.
-- facts: docs/oracle-facts.md#admin-audit-grants
{% if s.audit_unified %}
-- The unified trail view is owned by AUDSYS in current releases (SYS in early 12.1) [U], reached
-- through a public synonym: grant on whichever owns it.
declare
  l_owner sys.dba_views.owner%type;
begin
  -- AUDSYS sorts before SYS: MIN prefers it when both exist (an aggregate: no NO_DATA_FOUND)
  select min(v.owner)
    into l_owner
    from sys.dba_views v
   where v.view_name = 'UNIFIED_AUDIT_TRAIL'
     and v.owner in ('AUDSYS', 'SYS');
  if l_owner is null then
    raise_application_error(-20001, 'UNIFIED_AUDIT_TRAIL not found (AUDSYS or SYS): this database has no '
                            || 'unified auditing; set audit_mode = traditional or none');
  end if;
  execute immediate 'grant select on ' || sys.dbms_assert.enquote_name(str => l_owner, capitalize => false)
                    || '."UNIFIED_AUDIT_TRAIL" to {{ s.schema | ident }}';
end;
/
{% endif %}
{% if s.audit_traditional %}
grant select on sys.dba_audit_trail to {{ s.schema | ident }}
/
{% endif %}
