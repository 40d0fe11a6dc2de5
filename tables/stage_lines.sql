{% from 'admin/macros.jinja' import create_if_missing %}
-- STAGE_LINES: the raw lines of one ingest batch, parsed by the view EVENT_PARSE. A global
-- temporary table: private to the session, emptied by the COMMIT that stores the batch's events
-- and offset (ON COMMIT DELETE ROWS: SQL Language Reference, CREATE TABLE, "GLOBAL TEMPORARY").
-- line_no may be fractional for the context line INGEST_PKG adds before a re-parsed event.
-- The embedded engine has a view of the same name on listener_log_lines instead.
{% call create_if_missing() %}
create global temporary table {{ obj('STAGE_LINES') }} (
  source      varchar2(255 char) not null,
  line_no     number not null,
  line        varchar2(4000 byte),
  byte_offset number,
  next_offset number
) on commit delete rows
{% endcall %}
