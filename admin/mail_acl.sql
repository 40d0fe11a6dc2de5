{% from 'admin/macros.jinja' import grant_execute_unless_public with context %}
-- Mail delivery of alerts, rendered only when mail_host is set: a network ACE ('connect') for the
-- SMTP host and port, and EXECUTE on SYS.UTL_SMTP where neither PUBLIC nor the owner has it.
-- Run as a DBA (EXECUTE on DBMS_NETWORK_ACL_ADMIN); re-run install after changing MAIL_HOST/MAIL_PORT.
-- facts: docs/oracle-facts.md#admin-mail-acl
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
