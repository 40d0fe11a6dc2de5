-- Opt-in (setting create_schema): the owner schema. The password is never
-- written here: SQL*Plus asks for it (ACCEPT ... HIDE); lsnrmine install
-- substitutes it from LSNRMINE_OWNER_PASSWORD or a prompt.
set define on
accept lsnrmine_owner_password char prompt 'Password for the new owner {{ s.schema }}: ' hide
create user {{ s.schema | ident }} identified by "&lsnrmine_owner_password" default tablespace users quota unlimited on users
/
set define off
