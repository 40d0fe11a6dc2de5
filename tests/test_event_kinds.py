"""Every event kind and every branch of the kind classification of the event parse
(views/events.sql), one offline engine for the module.

tests/fixtures/boundaries/event_kinds.log (a 19c text log) and event_kinds.xml (its ADR log.xml
form) hold one line per branch, each reaching its kind only through that branch:
* error_only: continuation lines before any record (line 1), a bare return code record (line 29);
* other: a banner (5), the header legend (7), a 6-field record whose event is no command and has
  no (COMMAND= (handoff, 28; status, 43), a 4-field record whose event is not a word (44), a
  WARNING with its indented stack (38), a line that fits nothing (45), XML entity text (xml 21);
* establish: 6 fields by SERVICE_NAME (9) and by SID (10), <unknown connect data> in 4 fields
  after an ADDRESS (12) and in 3 fields (15), a fractional second (31);
* service_register / service_update / service_died / ping (17, 18, 19, 21; 41 has a date that
  does not convert: the time of the header before it);
* command: 3 fields (trc_level, 22), 4 fields with CONNECT_DATA (stop, 24; Reload in capitals, 42),
  5 fields with (COMMAND= in the connect data (status, 26; service_register_NSGR, 27; xml 10);
* context time: a ctime header before an undated line (47); continuation lines by each pattern:
  indented, TNS-/ORA-, unindented "ns/nt ... err code:" and "Linux Error:" (48); error_text keeps the
  first 10 lines of a stack, 96 characters each (the TNS-12170 block, 59); a text line whose
  client-chosen PROGRAM holds " time='2011-..." stays a record (the time= of log.xml markup is read
  from markup lines only, 67);
* five fields without PROTOCOL INFO (establish, 75); a connect data with no CID but an ADDRESS inside
  it (no client host or user taken from it, 76); a one-line <txt>..</txt> record without an entity
  and a host_id one character over the host column (xml 24); a line inside a multi-line <txt> with
  entities (a French listener's TNS-12514 text, xml 30: decoded in error_text); parse_note only on the record date
  that does not convert (41).
* a '*' in client-chosen connect data (lines 77..88, xml 36 and 43): the fields the listener writes
  (protocol info, event, SID, return code) are read from the right, the connect data is everything
  between the date and them; a '*' in the SID field of an establish or a registration stays in it;
  a client's (COMMAND=service_update) is a command, not a registration.
* a ')' in a quoted SERVICE_NAME repeated in the SID field (lines 89..103, review 7b #1): no client
  address forged or taken, parse_note 'split'; a client's (COMMAND=establish) is a command (95, #2);
  'other' records carry no client address (28, 43, 44): only establish and command rows do.
* review 7c: a quoted PROGRAM "(COMMAND=x)" leaves an establish an establish (104, #2); a Windows
  PROGRAM path keeps its address (106, #7); a record ending in ')' is an untrusted split (107, #6).
Each row is asserted whole: kind, command, time, the connect data fields, client address, return
code, error text, connect data, protocol info, host (log.xml host_id).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lsnrmine.engine.session import OfflineEngine

BOUNDARIES = Path(__file__).resolve().parent / "fixtures" / "boundaries"
COLUMNS = ("line_no, event_kind, command, to_char(event_time, 'YYYY-MM-DD HH24:MI:SS'), service_name, sid, "
           "program, client_host, client_user, client_ip, client_port, protocol, return_code, error_text, "
           "connect_data, protocol_info, host")


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    engine = OfflineEngine()
    engine.load([str(BOUNDARIES / "event_kinds.log"), str(BOUNDARIES / "event_kinds.xml")], progress=False)
    return engine


def rows(engine: OfflineEngine, source: str) -> list[tuple]:
    return [tuple(r) for r in engine.query(
        f"select {COLUMNS} from lsnr_events where source like '%{source}' order by line_no").rows]


# line_no, kind, command, event_time, service_name, sid, program, client_host, client_user, client_ip,
# client_port, protocol, return_code, error_text, connect_data, protocol_info, host
TEXT = [
    (1, 'error_only', None, None, None, None, None, None, None, None, None, None, 12541, 'TNS-12541: TNS:no listener | TNS-12560: TNS:protocol adapter error | TNS-00511: No listener | Linux Error: 111: Connection refused', None, None, None),
    (5, 'other', None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    (7, 'other', None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    (9, 'establish', None, '2011-12-05 10:00:01', 'ORCL', None, 'sqlplus@app1 (TNS V1-V3', 'app1', 'scott', '10.0.0.22', 51000, 'tcp', 0, None, '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=sqlplus@app1 (TNS V1-V3))(HOST=app1)(USER=scott)))', '(ADDRESS=(PROTOCOL=TCP)(HOST=10.0.0.22)(PORT=51000))', None),
    (10, 'establish', None, '2011-12-05 10:00:02', None, 'ORCL', 'JDBC Thin Client', '__jdbc__', 'oracle', '10.0.0.21', 40001, 'tcp', 12505, 'TNS-12505: TNS:listener does not currently know of SID given in connect descriptor', '(CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=JDBC Thin Client)(HOST=__jdbc__)(USER=oracle)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.21)(PORT=40001))', None),
    (12, 'establish', None, '2011-12-05 10:00:03', None, None, None, None, None, '10.0.0.24', 48784, 'tcps', 29024, 'ORA-29024: Certificate validation failure | TNS-00542: SSL Handshake failed', '<unknown connect data>', '(ADDRESS=(PROTOCOL=tcps)(HOST=10.0.0.24)(PORT=48784))', None),
    (15, 'establish', None, '2011-12-05 10:00:04', None, None, None, None, None, None, None, None, 12537, 'TNS-12537: TNS:connection closed', '<unknown connect data>', None, None),
    (17, 'service_register', None, '2011-12-05 10:00:05', None, 'ORCL', None, None, None, None, None, None, 0, None, None, None, None),
    (18, 'service_update', None, '2011-12-05 10:00:06', None, 'orcl_pdb', None, None, None, None, None, None, 0, None, None, None, None),
    (19, 'service_died', None, '2011-12-05 10:00:07', None, 'ORCL', None, None, None, None, None, None, 12537, 'TNS-12537: TNS:connection closed', None, None, None),
    (21, 'ping', None, '2011-12-05 10:00:08', None, None, None, None, None, None, None, None, 0, None, None, None, None),
    (22, 'command', 'trc_level', '2011-12-05 10:00:09', None, None, None, None, None, None, None, None, 12508, 'TNS-12508: TNS:listener could not resolve the COMMAND given', None, None, None),
    (24, 'command', 'stop', '2011-12-05 10:00:10', None, None, None, 'db1', 'ananda', None, None, None, 1190, 'TNS-01190: The user is not authorized to execute the requested listener command', '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=db1)(USER=ananda))(COMMAND=stop)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=318767104))', None, None),
    (26, 'command', 'status', '2011-12-05 10:00:11', None, None, None, 'db2', 'oracle', '192.0.2.44', 6001, 'tcp', 0, None, '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=db2)(USER=oracle))(COMMAND=status)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=318767104))', '(ADDRESS=(PROTOCOL=tcp)(HOST=192.0.2.44)(PORT=6001))', None),
    (27, 'command', 'service_register_nsgr', '2011-12-05 10:00:12', None, None, None, 'evil', 'oracle', '203.0.113.50', 40123, 'tcp', 0, None, '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=evil)(USER=oracle))(COMMAND=service_register_NSGR)(SERVICE=LISTENER)(VERSION=186646784))', '(ADDRESS=(PROTOCOL=tcp)(HOST=203.0.113.50)(PORT=40123))', None),
    (28, 'other', None, '2011-12-05 10:00:13', 'ORCL', None, 'java', 'app3', 'app', None, None, None, 0, None, '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=java)(HOST=app3)(USER=app)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.25)(PORT=51002))', None),
    (29, 'error_only', None, '2011-12-05 10:00:14', None, None, None, None, None, None, None, None, 12502, 'TNS-12502: TNS:listener received no CONNECT_DATA from client', None, None, None),
    (31, 'establish', None, '2011-12-05 10:00:15', 'ORCL', None, 'java', 'app3', 'app', '10.0.0.25', 51003, 'tcp', 12518, 'TNS-12518: TNS:listener could not hand off client connection | TNS-12547: TNS:lost contact | TNS-12560: TNS:protocol adapter error | TNS-00517: Lost contact | Linux Error: 32: Broken pipe', '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=java)(HOST=app3)(USER=app)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.25)(PORT=51003))', None),
    (38, 'other', None, '2011-12-05 10:00:16', None, None, None, None, None, None, None, None, None, 'ns main err code: 12535 | nt secondary err code: 110', None, None, None),
    (41, 'ping', None, '2011-12-05 10:00:16', None, None, None, None, None, None, None, None, 0, None, None, None, None),
    (42, 'command', 'reload', '2011-12-05 10:00:18', None, None, None, 'db1', 'oracle', None, None, None, 0, None, '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=db1)(USER=oracle))(COMMAND=reload)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=318767104))', None, None),
    (43, 'other', None, '2011-12-05 10:00:19', 'ORCL', None, 'x', 'h', 'u', None, None, None, 0, None, '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=x)(HOST=h)(USER=u)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.26)(PORT=51004))', None),
    (44, 'other', None, '2011-12-05 10:00:20', None, None, None, None, None, None, None, None, 0, None, None, '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.27)(PORT=51005))', None),
    (45, 'other', None, '2011-12-05 10:00:20', None, None, None, None, None, None, None, None, None, None, None, None, None),
    (47, 'other', None, '2011-12-05 10:01:00', None, None, None, None, None, None, None, None, None, None, None, None, None),
    (48, 'establish', None, '2011-12-05 10:01:01', 'ORCL', None, 'java', 'app5', 'app', '10.0.0.28', 51006, 'tcp', 12547, 'TNS-12547: TNS:lost contact | ns secondary err code: 12560 | nt main err code: 517 | TNS-00517: Lost contact | nt secondary err code: 104 | Linux Error: 104: Connection reset by peer', '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=java)(HOST=app5)(USER=app)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.28)(PORT=51006))', None),
    (55, 'establish', None, '2011-12-05 10:01:02', 'ORCL.example.com', None, 'java', 'app6', 'app', '10.0.0.29', 51007, 'tcp', 12170, 'TNS-12170: TNS:Connect timeout occurred | ns main err code: 12535 | TNS-12535: TNS:operation timed out | ns secondary err code: 12560 | TNS-12560: TNS:protocol adapter error | nt main err code: 505 | TNS-00505: Operation timed out | nt secondary err code: 110 | nt OS err code: 0 | Client address: (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.29)(PORT=51007)(CONNECT_DATA=(SERVICE_NAME=O', '(CONNECT_DATA=(SERVICE_NAME=ORCL.example.com)(CID=(PROGRAM=java)(HOST=app6)(USER=app)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.29)(PORT=51007))', None),
    (67, 'establish', None, '2011-12-05 10:01:03', 'ORCL', None, "/opt/batch/run time='2011-01-01T00:00:00'", 'app7', 'batch', '10.0.0.30', 51008, 'tcp', 0, None, "(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=/opt/batch/run time='2011-01-01T00:00:00')(HOST=app7)(USER=batch)))", '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.30)(PORT=51008))', None),
]

XML = [
    (4, 'establish', None, '2011-12-05 11:00:00', 'ORCL', None, 'C:\\apps\\o\'hara & sons <x> "q".exe', 'WS-0042', 'Administrator', '192.168.7.61', 63350, 'tcp', 0, None, '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=C:\\apps\\o\'hara & sons <x> "q".exe)(HOST=WS-0042)(USER=Administrator)))', '(ADDRESS=(PROTOCOL=tcp)(HOST=192.168.7.61)(PORT=63350))', 'dbhost21'),
    (10, 'command', 'status', '2011-12-05 11:00:01', None, None, None, 'dbhost21', 'oracle', '10.0.0.9', 6002, 'tcp', 0, 'TNS-12541: TNS:no listener | TNS-12560: TNS:protocol adapter error', '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=dbhost21)(USER=oracle))(COMMAND=status)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=318767104))', '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.9)(PORT=6002))', 'dbhost21'),
    (21, 'other', None, '2011-12-05 11:00:03', None, None, None, None, None, None, None, None, None, None, None, None, 'dbhost22'),
    # a one-line <txt>..</txt> without an entity (the return code ends before </txt>); host_id one
    # character over the host column (255)
    (24, 'service_update', None, '2011-12-05 11:00:04', None, 'ORCL', None, None, None, None, None, None, 0, None, None, None, 'h' + 'x' * 254),
    # a French listener's stack line inside the record's <txt> (23ai layout): its entities decoded too
    (29, 'establish', None, '2011-12-05 11:00:05', 'NOSUCH', None, 'sqlplus', 'app1', 'scott', '10.0.0.40', 51020, 'tcp', 12514,
     "TNS-12514: TNS : le module d'écoute (listener) n'a pas pu résoudre le SERVICE_NAME figurant dans le descripteur "
     "de connexion"[:96],
     '(CONNECT_DATA=(SERVICE_NAME=NOSUCH)(CID=(PROGRAM=sqlplus)(HOST=app1)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.40)(PORT=51020))', 'dbhost23'),
]


def test_text_log_every_kind_and_branch_row_by_row(engine: OfflineEngine) -> None:
    assert [r for r in rows(engine, "event_kinds.log") if r[0] < 68] == TEXT


def test_column_limits_one_character_over(engine: OfflineEngine) -> None:
    # lines 68/70: every connect-data value one character longer than its column keeps
    # (SERVICE_NAME, SID, PROGRAM, HOST, USER: 1000; client address: 64; protocol: 30)
    got = {r[0]: r for r in rows(engine, "event_kinds.log") if 68 <= r[0] <= 74}
    assert sorted(got) == [68, 70, 72, 74]
    # a text log's entity-like text stays as written (log.xml decodes: xml line 4)
    assert got[74][1] == "establish" and got[74][6] == "C:\\R&amp;D\\report.exe"
    assert got[72][1:3] == ("command", ("set_" + "x" * 61)[:64])   # a command of 65 characters keeps 64
    line = got[68]
    assert line[1:4] == ("establish", None, "2011-12-05 10:01:04")
    assert line[4:12] == ("S" + "s" * 999, None, "P" + "p" * 999, "H" + "h" * 999, "U" + "u" * 999,
                          "I" + "i" * 63, 51009, "t" * 30)
    assert line[12] == 12514
    line = got[70]
    assert line[4:6] == (None, "D" + "d" * 999)


def test_log_xml_records_markup_and_entities(engine: OfflineEngine) -> None:
    assert [r for r in rows(engine, "event_kinds.xml") if r[0] < 33] == XML


def test_five_field_command_lines_are_commands(engine: OfflineEngine) -> None:
    # the surviving mutant: without the (COMMAND= branch these were 'other'
    kinds = {(r[0], r[1], r[2]) for r in rows(engine, "event_kinds.log") if r[0] in (26, 27, 28, 43)}
    assert kinds == {(26, "command", "status"), (27, "command", "service_register_nsgr"),
                     (28, "other", None), (43, "other", None)}


def test_kinds_are_the_documented_set(engine: OfflineEngine) -> None:
    kinds = {r[0] for r in engine.query("select distinct event_kind from lsnr_events").rows}
    assert kinds == {"error_only", "other", "establish", "service_register", "service_update", "service_died",
                     "ping", "command"}


def test_five_fields_without_protocol_info_and_a_connect_data_without_cid(engine: OfflineEngine) -> None:
    # line 75: CONNECT DATA * EVENT * SID * RETURN CODE (the legend's optional PROTOCOL INFO left out):
    # an establish, no protocol info, no client address. Line 76: a connect data with no (CID=...)
    # but an ADDRESS inside it: the client host and user come from the CID only, never from the
    # first (HOST=) of the connect data (10.0.0.5 here is the database's address).
    got = [r for r in rows(engine, "event_kinds.log") if 75 <= r[0] <= 76]
    assert got == [
        (75, 'establish', None, '2011-12-05 10:01:08', None, 'ORCL', 'sqlplus@db1', 'db1', 'oracle', None, None, None,
         0, None, '(CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=sqlplus@db1)(HOST=db1)(USER=oracle)))', None, None),
        (76, 'establish', None, '2011-12-05 10:01:09', None, 'ORCL', None, None, None, '10.0.0.34', 51013, 'tcp',
         0, None, '(CONNECT_DATA=(SID=ORCL)(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.5)(PORT=1521)))',
         '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.34)(PORT=51013))', None),
    ]


def test_parse_note_marks_only_a_record_date_that_does_not_convert(engine: OfflineEngine) -> None:
    # 31-NOV-2011 (line 41) is the only record date that does not convert; undated lines
    # (banners, headers, continuation lines, log.xml markup) carry no note; 'split': the records
    # whose split is not trusted (lines 89, 91, 93, 97, 99, 101, 103)
    notes = engine.query("select source, line_no, parse_note from lsnr_event_parse "
                         "where parse_note is not null order by source, line_no").rows
    assert [(Path(r[0]).name, r[1], r[2]) for r in notes] == [("event_kinds.log", 41, "date"), ("event_kinds.log", 89, "split"),
                                                             ("event_kinds.log", 91, "split"), ("event_kinds.log", 93, "split"),
                                                             ("event_kinds.log", 97, "split"), ("event_kinds.log", 99, "split"),
                                                             ("event_kinds.log", 101, "split"), ("event_kinds.log", 103, "split"),
                                                             ("event_kinds.log", 107, "split")]


# the '*' field-shift finding (docs/alerts.md): client values holding '*', as the listener writes them
STAR_TEXT = [
    # (PROGRAM=a*b) in an establish refused with 12505: was 'other'
    (77, 'establish', None, '2011-12-05 10:01:10', None, 'ORCL', 'a*b', 'app*8', 'scott', '10.0.0.35', 51014, 'tcp', 12505,
     'TNS-12505: TNS:listener does not currently know of SID given in connect descriptor',
     '(CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=a*b)(HOST=app*8)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.35)(PORT=51014))', None),
    # (PROGRAM=x * y * service_update * z): was a forged service_update
    (79, 'establish', None, '2011-12-05 10:01:11', 'ORCL', None, 'x * y * service_update * z', 'app8', 'scott', '10.0.0.35',
     51015, 'tcp', 0, None,
     '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=x * y * service_update * z)(HOST=app8)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.35)(PORT=51015))', None),
    # a protocol-info-shaped list and a command inside the connect data: the client address is the
    # listener's (the last list); the client host is what the CID claims (its first (HOST=), as ever)
    (80, 'establish', None, '2011-12-05 10:01:12', 'ORCL', None, 'p * (ADDRESS=(PROTOCOL=tcp', '198.51.100.66', 'scott',
     '10.0.0.35', 51016, 'tcp', 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=p * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.66)(PORT=1)) * stop * 0)'
     '(HOST=app8)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.35)(PORT=51016))', None),
    # '*' in the SERVICE_NAME, which the listener repeats in the SID field
    (82, 'establish', None, '2011-12-05 10:01:13', 'a*b * service_update', None, 'sqlplus', 'app8', 'scott', '10.0.0.35',
     51017, 'tcp', 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME=a*b * service_update)(CID=(PROGRAM=sqlplus)(HOST=app8)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.35)(PORT=51017))', None),
    # a local command (no protocol info) with '*' in PROGRAM
    (84, 'command', 'status', '2011-12-05 10:01:14', None, None, 'lsnr*ctl', 'db1', 'oracle', None, None, None, 0, None,
     '(CONNECT_DATA=(CID=(PROGRAM=lsnr*ctl)(HOST=db1)(USER=oracle))(COMMAND=status)(ARGUMENTS=64)(SERVICE=LISTENER)'
     '(VERSION=318767104))', None, None),
    # five fields without protocol info, ' * ' in USER
    (85, 'establish', None, '2011-12-05 10:01:15', None, 'ORCL', 'sqlplus@db1', 'db1', 'a * b', None, None, None, 0, None,
     '(CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=sqlplus@db1)(HOST=db1)(USER=a * b)))', None, None),
    # a client's (COMMAND=service_update), echoed as the event with its connect data: a command
    (86, 'command', 'service_update', '2011-12-05 10:01:16', None, None, None, 'evil', 'oracle', '203.0.113.51', 40124, 'tcp',
     12508, 'TNS-12508: TNS:listener could not resolve the COMMAND given',
     '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=evil)(USER=oracle))(COMMAND=service_update)(ARGUMENTS=64)(SERVICE=LISTENER)'
     '(VERSION=318767104))', '(ADDRESS=(PROTOCOL=tcp)(HOST=203.0.113.51)(PORT=40124))', None),
    # an instance name holding '*' (a registration: no connect data): the whole SID field
    (88, 'service_update', None, '2011-12-05 10:01:17', None, 'orcl*1', None, None, None, None, None, None, 0, None, None,
     None, None),
]

STAR_XML = [
    (36, 'establish', None, '2011-12-05 11:00:06', None, 'ORCL', 'a*b', 'app9', 'scott', '10.0.0.41', 51021, 'tcp', 12505,
     'TNS-12505: TNS:listener does not currently know of SID given in connect descriptor',
     '(CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=a*b)(HOST=app9)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.41)(PORT=51021))', 'dbhost23'),
    (43, 'establish', None, '2011-12-05 11:00:07', 'ORCL', None, 'x * y * service_update * z & <w>', 'app9', 'scott',
     '10.0.0.41', 51022, 'tcp', 0, None,
     '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=x * y * service_update * z & <w>)(HOST=app9)(USER=scott)))',
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.41)(PORT=51022))', 'dbhost23'),
]


def test_a_star_in_client_values_shifts_no_field(engine: OfflineEngine) -> None:
    assert [r for r in rows(engine, "event_kinds.log") if 77 <= r[0] <= 88] == STAR_TEXT
    assert [r for r in rows(engine, "event_kinds.xml") if r[0] >= 33] == STAR_XML


# values a client can put in PROGRAM, HOST, USER or SERVICE_NAME: stars, a forged tail, a forged
# protocol info, balanced parentheses, a return code, an event word
HOSTILE = ("a*b", "*", "x * y * service_update * z", " * 0", "q * ping * 0",
           "p * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.66)(PORT=1)) * stop * 0",
           "r (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.67)(PORT=2)) * establish * ORCL * 0",
           "s * <unknown connect data> * 12537", "t ** u")


PI = "(ADDRESS=(PROTOCOL=tcp)(HOST=10.9.0.1)(PORT=40000))"
# (connect data, what the listener writes after it, kind, command, remote): a remote establish refused
# (6 fields), a local command (4), a remote command (5), an establish without protocol info (5)
HOSTILE_RECORDS = (
    ("(CONNECT_DATA=(SERVICE_NAME={svc})(CID=(PROGRAM={prog})(HOST={host})(USER={user})))",
     f"{PI} * establish * {{svc}} * 12514", "establish", None, True),
    ("(CONNECT_DATA=(CID=(PROGRAM={prog})(HOST={host})(USER={user}))(COMMAND=status)(ARGUMENTS=64)"
     "(SERVICE=LISTENER)(VERSION=318767104))", "status * 1190", "command", "status", False),
    ("(CONNECT_DATA=(CID=(PROGRAM={prog})(HOST={host})(USER={user}))(COMMAND=stop)(ARGUMENTS=64)"
     "(SERVICE=LISTENER)(VERSION=318767104))", f"{PI} * stop * 1190", "command", "stop", True),
    ("(CONNECT_DATA=(SID={svc})(CID=(PROGRAM={prog})(HOST={host})(USER={user})))",
     "establish * {svc} * 12505", "establish", None, False),
)


def _hostile_log(path: Path, values: tuple[str, ...]) -> list[tuple]:
    """One record per record shape, client field and value; returns per line what it must parse to."""
    lines, cases = [], []
    for cd_template, tail_template, kind, command, remote in HOSTILE_RECORDS:
        for name in ("prog", "host", "user", "svc"):
            if "{svc}" not in cd_template and name == "svc":
                continue
            for value in values:
                if name == "svc" and "(" in value and values is HOSTILE:
                    continue   # the SID field's limit: test_a_parenthesized_sid_field_is_the_remaining_limit
                second = len(lines) + 1
                d = f"06-DEC-2011 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
                fields = {"prog": "sqlplus", "host": "app1", "user": "scott", "svc": "ORCL", name: value}
                cd = cd_template.format(**fields)
                lines.append(f"{d} * {cd} * {tail_template.format(**fields)}")
                sid = fields["svc"] if "(SID=" in cd_template else None
                cases.append((kind, command, int(tail_template.rsplit(" * ", 1)[1]),
                              "10.9.0.1" if remote else None, 40000 if remote else None, cd, sid))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cases


def test_hostile_client_values_keep_kind_address_and_return_code(tmp_path: Path) -> None:
    log = tmp_path / "listener.log"
    cases = _hostile_log(log, HOSTILE)
    engine = OfflineEngine()
    engine.load([str(log)], progress=False)
    got = engine.query("select event_kind, command, return_code, client_ip, client_port, connect_data, sid "
                       "from lsnr_events order by line_no").rows
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(got) == len(cases) == 4 * 3 * len(HOSTILE) + 2 * len([v for v in HOSTILE if "(" not in v])
    for line, want, row in zip(lines, cases, got):
        # sid: the (SID=..) value up to its first ')', as for every value of the connect data
        assert tuple(row) == want[:-1] + ((want[-1].split(")")[0] if want[-1] else None),), line


def test_a_parenthesized_sid_field_is_the_remaining_limit(tmp_path: Path) -> None:
    # The SID field of an establish repeats the client's SERVICE_NAME after the protocol info; a ')'
    # in it (docs/alerts.md: not known to be written by a listener) moves the split to it: the
    # record is then no establish, but never the command or registration written inside it.
    log = tmp_path / "listener.log"
    _hostile_log(log, ("p * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.66)(PORT=1)) * stop",))
    engine = OfflineEngine()
    engine.load([str(log)], progress=False)
    got = {tuple(r) for r in engine.query(
        "select event_kind, command from lsnr_events where connect_data like '%SERVICE_NAME=p%'").rows}
    assert got == {("other", None)}


# review 7b #1/#2: a ')' in a quoted SERVICE_NAME, which the listener repeats in the SID field, moves
# the last ')' of the line there. Line 89 (evasion): the real protocol info ends inside the connect
# data; line 91 (forgery): a forged ADDRESS ends the lists; line 93: the same with a forged event
# field after it; line 97: the SID field echoed without quotes; 99 and 101: hidden addresses. parse_note 'split', the lists all
# connect data, no protocol info, no client address. Line 95: a client's (COMMAND=establish) is a
# command (its protocol info is the listener's: kept).
SPLIT_TEXT = [
    (89, 'other', None, '2011-12-05 10:01:18', '"x1', None, 'sqlplus', 'scan', 'root', None, None, None, 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME="x1)")(CID=(PROGRAM=sqlplus)(HOST=scan)(USER=root))) * '
     '(ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.20)(PORT=51030)) * establish * "x1)', None, None),
    (91, 'other', None, '2011-12-05 10:01:19', '"a', None, 'sqlplus', 'scan', 'root', None, None, None, 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME="a) * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.7)(PORT=1))")(CID=(PROGRAM=sqlplus)'
     '(HOST=scan)(USER=root))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.36)(PORT=51031)) * establish * "a) * '
     '(ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.7)(PORT=1))', None, None),
    (93, 'establish', None, '2011-12-05 10:01:20', '"b', None, 'sqlplus', 'scan', 'root', None, None, None, 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME="b) * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.8)(PORT=1)) * establish * x")'
     '(CID=(PROGRAM=sqlplus)(HOST=scan)(USER=root))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.37)(PORT=51032)) * '
     'establish * "b) * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.8)(PORT=1))', None, None),
    (95, 'command', 'establish', '2011-12-05 10:01:21', None, None, None, 'evil', 'oracle', '203.0.113.52', 40125, 'tcp',
     12508, 'TNS-12508: TNS:listener could not resolve the COMMAND given',
     '(CONNECT_DATA=(CID=(PROGRAM=)(HOST=evil)(USER=oracle))(COMMAND=establish)(ARGUMENTS=64)(SERVICE=LISTENER)'
     '(VERSION=318767104))', '(ADDRESS=(PROTOCOL=tcp)(HOST=203.0.113.52)(PORT=40125))', None),
    # the SID field written without the value's quotes, a "'" inside the value: the tail looks like
    # the listener's; two (ADDRESS= after the lists' first quote give the forgery away
    (97, 'establish', None, '2011-12-05 10:01:22', '"(c', None, 'sqlplus', 'scan', 'root', None, None, None, 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME="(c) \' * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.9)(PORT=1)) * establish * ORCL")'
     '(CID=(PROGRAM=sqlplus)(HOST=scan)(USER=root))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.38)(PORT=51033)) * '
     'establish * (c) \' * (ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.9)(PORT=1))', None, None),
    # hidden address, the tail with an event field and a quote (one ADDRESS after the first quote)
    (99, 'establish', None, '2011-12-05 10:01:23', '"z', None, 'sqlplus', 'scan', 'root', None, None, None, 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME="z) * establish * w")(CID=(PROGRAM=sqlplus)(HOST=scan)(USER=root))) * '
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.39)(PORT=51034)) * establish * "z)', None, None),
    # hidden address, the SID field echoed without quotes: a tail without event field nor quote
    (101, 'other', None, '2011-12-05 10:01:24', '"x3', None, 'sqlplus', 'scan', 'root', None, None, None, 12514,
     'TNS-12514: TNS:listener does not currently know of service requested in connect descriptor',
     '(CONNECT_DATA=(SERVICE_NAME="x3)")(CID=(PROGRAM=sqlplus)(HOST=scan)(USER=root))) * '
     '(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.40)(PORT=51035)) * establish * x3)', None, None),
    # the rule's price: a quoted value that starts with an ADDRESS, then the real protocol info (two
    # (ADDRESS= after the first quote) is refused too; the client host is the CID's first (HOST=
    (103, 'establish', None, '2011-12-05 10:01:25', 'ORCL', None, '"(ADDRESS=(PROTOCOL=tcp', '198.51.100.11', 'root', None,
     None, None, 0, None,
     '(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM="(ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.11)(PORT=1))")(HOST=scan)'
     '(USER=root))) * (ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.41)(PORT=51036))', None, None),
]


def test_a_paren_in_the_sid_field_forges_or_hides_no_client_address(engine: OfflineEngine) -> None:
    assert [r for r in rows(engine, "event_kinds.log") if 89 <= r[0] <= 103] == SPLIT_TEXT


def test_rules_6_and_8_raise_nothing_on_a_forged_address_and_read_establishes_only() -> None:
    from lsnrmine import alerts
    engine = OfflineEngine()
    engine.load([str(BOUNDARIES / "event_kinds.log")], progress=False)
    result = alerts.evaluate(engine, alerts.AlertStore(), now=dt.datetime(2011, 12, 6),
                             overrides=[("SID_ENUMERATION", "threshold", "1"),
                                        ("NEW_CLIENT_IP", "params", r"^192\.168\.")])
    assert result.failed_rules == []
    keys = engine.con.execute("select rule_id, alert_key from lsnr_alert_candidates").fetchall()
    r6 = {k for rule, k in keys if rule == "SID_ENUMERATION"}
    r8 = {k for rule, k in keys if rule == "NEW_CLIENT_IP"}
    # an establish refused with 12505/12514 counts (threshold 1); every address but 192.168/16 is
    # public here, so every establish address alerts
    assert "10.0.0.35" in r6 and "10.0.0.35" in r8
    forged = {"198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.20"}
    assert not (r6 | r8) & forged
    # review 7c #3: the address of a command (lines 26, 27, 86, 95) counts for rule 8 as an
    # establish's does (a first or public client of listener commands)
    assert {"192.0.2.44", "203.0.113.50", "203.0.113.51", "203.0.113.52"} <= r8
    # review 7c #1: the refused establishes whose address is withheld (89..101) still count for
    # rule 6, under one key per listener@host; rule 8 has no address to report
    assert "(address withheld)" in r6 and "(address withheld)" not in r8
    # review 7c #2: a quoted PROGRAM "(COMMAND=x)" keeps line 104 an establish (refused: rule 6)
    assert "10.0.0.42" in r6 and "10.0.0.42" in r8


def test_a_quoted_command_key_is_a_value_and_a_real_one_a_command() -> None:
    # review 7c #2: (COMMAND= makes an echoed establish a command only as a key of the connect
    # data (no quote before it): line 104's is inside PROGRAM's quotes; r5_poison.log line 26's is
    # a key (a client's service_register_NSGR request echoed as 'establish')
    engine = OfflineEngine()
    engine.load([str(BOUNDARIES / "event_kinds.log"), str(BOUNDARIES / "r5_poison.log")], progress=False)
    engine.ensure_events()
    got = engine.con.execute(
        "select regexp_replace(source, '.*/', ''), line_no, event_kind, command, client_ip, service_name, return_code "
        "from lsnr_events where (source like '%event_kinds.log' and line_no = 104) "
        "or (source like '%r5_poison.log' and line_no = 26) order by 1").fetchall()
    assert got == [("event_kinds.log", 104, "establish", None, "10.0.0.42", "ORCL2", 12514),
                   ("r5_poison.log", 26, "command", "establish", "203.0.113.56", "ORCL", 0)]


def test_a_windows_path_keeps_its_address_and_a_record_without_tail_is_untrusted() -> None:
    # review 7c #7: a '\' before two (ADDRESS= is refused like a quote (an escaped forgery); a
    # Windows PROGRAM path (line 106) has one (ADDRESS= after its '\', the real one: kept.
    # review 7c #6: a record that ends in ')' (line 107, no event field) is an untrusted split
    engine = OfflineEngine()
    engine.load([str(BOUNDARIES / "event_kinds.log")], progress=False)
    engine.ensure_events()
    got = engine.con.execute("select line_no, event_kind, client_ip, protocol_info from lsnr_events "
                             "where line_no in (106, 107) order by 1").fetchall()
    assert got == [(106, "establish", "10.0.0.43", "(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.43)(PORT=51038))"),
                   (107, "other", None, None)]
