-- Undo admin/mail_acl.sql: remove the owner's ACE for the SMTP host (REMOVE_HOST_ACE, Security
-- Guide 19c, "Revoking Access Control Privileges for External Network Services") and the grant.
-- Run as a DBA (EXECUTE on DBMS_NETWORK_ACL_ADMIN) in the admin uninstall phase.
begin
  sys.dbms_network_acl_admin.remove_host_ace(
    host             => {{ s.mail_host | sqlstr }},
    lower_port       => {{ s.mail_port }},
    upper_port       => {{ s.mail_port }},
    ace              => sys.xs$ace_type(
                          privilege_list => sys.xs$name_list('connect'),
                          principal_name => {{ s.schema | sqlstr }},
                          principal_type => sys.xs_acl.ptype_db),
    remove_empty_acl => true);
end;
/
declare
  e_not_granted exception;
  pragma exception_init(e_not_granted, -1927); -- cannot REVOKE privileges you did not grant
  e_no_user exception;
  pragma exception_init(e_no_user, -1917); -- user or role does not exist
begin
  execute immediate 'revoke execute on sys.utl_smtp from {{ s.schema | ident }}';
exception
  when e_not_granted or e_no_user then
    null;
end;
/
