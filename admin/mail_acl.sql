{% from 'admin/macros.jinja' import grant_execute_unless_public with context %}
-- Mail delivery of alerts (issue 6), rendered only when mail_host is set.
-- The owner needs EXECUTE on SYS.UTL_SMTP directly or through PUBLIC (definer's-rights code
-- ignores roles; many sites revoke it from PUBLIC) and a network ACE for the SMTP host and port. APPEND_HOST_ACE
-- "appends an access control entry (ACE) with the specified privilege to the ACL for the given
-- host, and creates the ACL if it does not exist yet" (Security Guide 19c, "Configuring Access
-- Control for External Network Services"). Privilege 'connect' is what UTL_SMTP needs (PL/SQL
-- Packages and Types Reference 11.1, DBMS_NETWORK_ACL_ADMIN: connect is needed for UTL_TCP,
-- UTL_HTTP, UTL_SMTP and UTL_MAIL). Run as a DBA (EXECUTE on DBMS_NETWORK_ACL_ADMIN).
-- Changing MAIL_HOST / MAIL_PORT in the settings table later needs this re-run (install).
-- EXECUTE on SYS.UTL_SMTP is granted only where neither PUBLIC (a default database) nor the owner
-- has it, like DBMS_LOB (admin/owner_grants.sql): then any DBA account can run this script; on a
-- database that revoked it from PUBLIC the grant needs SYS or the privilege WITH GRANT OPTION.
{{ grant_execute_unless_public('UTL_SMTP') }}
begin
  sys.dbms_network_acl_admin.append_host_ace(
    host       => {{ s.mail_host | sqlstr }},
    lower_port => {{ s.mail_port }},
    upper_port => {{ s.mail_port }},
    ace        => sys.xs$ace_type(
                    privilege_list => sys.xs$name_list('connect'),
                    principal_name => {{ s.schema | sqlstr }},
                    principal_type => sys.xs_acl.ptype_db));
end;
/
