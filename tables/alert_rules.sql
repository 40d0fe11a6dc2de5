{% from 'admin/macros.jinja' import create_if_missing %}
-- Alert rules: one row per rule; users change enabled, threshold, window_minutes,
-- severity and params with an UPDATE, no reinstall. Created only if missing (install doubles as
-- upgrade); the MERGE adds new rules and refreshes name/description/view_name, never a value a
-- user may have changed. The defaults come from the view ALERT_RULE_DEFAULTS (also read by the
-- embedded engine). The last columns are the evaluator's per-rule state (written by ALERT_PKG).
{% call create_if_missing() %}
create table {{ obj('ALERT_RULES') }} (
  rule_id          varchar2(30 byte) not null,
  rule_no          number(3) not null,
  rule_name        varchar2(200 byte) not null,
  description      varchar2(4000 byte),
  enabled          varchar2(1 byte) default 'Y' not null,
  threshold        number not null,
  window_minutes   number not null,
  severity         varchar2(10 byte) not null,
  params           varchar2(4000 byte),
  view_name        varchar2(128 byte),
  scan_from        date,
  last_event_id    number,
  last_run         date,
  last_status      varchar2(10 byte),
  last_error       varchar2(4000 byte),
  last_candidates  number,
  updated_at       date default sysdate not null,
  constraint {{ obj('ALERT_RULES_PK') }} primary key (rule_id),
  constraint {{ obj('ALERT_RULES_EN_CK') }} check (enabled in ('Y', 'N')),
  constraint {{ obj('ALERT_RULES_SEV_CK') }} check (severity in ('info', 'low', 'medium', 'high', 'critical')),
  constraint {{ obj('ALERT_RULES_NUM_CK') }} check (threshold >= 0 and window_minutes > 0)
)
{% endcall %}
merge into {{ obj('ALERT_RULES') }} t
using (
  select rule_id, rule_no, rule_name, description, enabled, threshold, window_minutes, severity, params, view_name
    from {{ obj('ALERT_RULE_DEFAULTS') }}
) src
on (t.rule_id = src.rule_id)
when matched then
  update set t.rule_no = src.rule_no,
             t.rule_name = src.rule_name,
             t.description = src.description,
             t.view_name = src.view_name
when not matched then
  insert (rule_id, rule_no, rule_name, description, enabled, threshold, window_minutes, severity, params, view_name)
  values (src.rule_id, src.rule_no, src.rule_name, src.description, src.enabled, src.threshold,
          src.window_minutes, src.severity, src.params, src.view_name)
/
commit
/
