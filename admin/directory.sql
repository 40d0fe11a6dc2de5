-- The directory object over the listener log folder; the owner gets READ only.
-- CREATE DIRECTORY needs CREATE ANY DIRECTORY; directories belong to SYS
-- (SQL Language Reference, CREATE DIRECTORY).
create or replace directory {{ s.directory | ident }} as {{ s.log_dir | sqlstr }}
/
grant read on directory {{ s.directory | ident }} to {{ s.schema | ident }}
/
