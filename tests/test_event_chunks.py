"""The chunked event build (engine/events.build_offline: the parse view over one chunk of each
source at a time, a chunk starting at the previous chunk's last event after a context line)
against the parse view run once over every line (views/events.sql over listener_log_lines): the
same rows, event ids included, for every fixture log, the shared real samples and random logs
(hypothesis: multi-line error stacks, log.xml records, headers, bad dates, hostile text), at chunk
sizes that cut records anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from lsnrmine.engine import events
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

from conftest import FIXTURES, shared_file

COLUMNS = ", ".join(name for name, _, _ in events.EVENT_COLUMNS)
VIEW_COLUMNS = ", ".join(events.VIEW_COLUMNS)


def _view_rows(engine: OfflineEngine) -> list[tuple[Any, ...]]:
    """The parse view over all the lines in one statement, event ids numbered as the single-
    statement build numbered them (load order of the files, then line number)."""
    order = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in engine.stats.sources) + "]::VARCHAR[]"
    return engine.con.execute(
        f"SELECT row_number() OVER (ORDER BY list_position({order}, source) NULLS LAST, source, line_no), "
        f"{VIEW_COLUMNS} FROM lsnr_event_parse ORDER BY 1").fetchall()


def _chunked_rows(engine: OfflineEngine, chunk_lines: int) -> list[tuple[Any, ...]]:
    count = events.build_offline(engine, engine.stats.sources, create_view=False, chunk_lines=chunk_lines)
    rows = engine.con.execute(f"SELECT {COLUMNS} FROM lsnr_events ORDER BY event_id").fetchall()
    assert count == len(rows)
    return rows


def _check(paths: Sequence[Path], chunk_sizes: Sequence[int], settings: Optional[Settings] = None,
           encoding: str = "utf-8") -> list[tuple[Any, ...]]:
    engine = OfflineEngine(settings or Settings())
    engine.load([str(p) for p in paths], encoding=encoding, progress=False)
    events.build_offline(engine, engine.stats.sources, create_view=True, chunk_lines=10**9)
    expected = _view_rows(engine)
    assert [r[0] for r in expected] == list(range(1, len(expected) + 1))
    for size in chunk_sizes:
        assert _chunked_rows(engine, size) == expected, f"chunk_lines={size}"
    return expected


def _fixture_logs(max_lines: int) -> list[Path]:
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".log", ".xml"))
    return [p for p in files if len(p.read_bytes().splitlines()) <= max_lines]


def test_every_fixture_log_at_chunks_cutting_records() -> None:
    """All fixture logs as the sources of one engine (text and log.xml, error stacks, hostile
    text), chunks of 41 lines: cuts inside start tags and error stacks (the view is bound once per
    round of chunks, so few rounds)."""
    expected = _check(_fixture_logs(300), [41])
    assert len({r[3] for r in expected}) >= 60
    kinds = {r[6] for r in expected}
    assert {"establish", "command", "error_only", "other", "service_update"} <= kinds
    assert any(r[19] and " | " in r[19] for r in expected)  # a multi-line error record


@pytest.mark.slow  # the view is bound once per round of chunks: about one round a second
@pytest.mark.parametrize("chunk_lines", [3, 7])
def test_error_stacks_and_xml_records_at_every_cut(chunk_lines: int) -> None:
    """Chunks of 1 (every record staged again, the chunk doubled while one record fills it), 2, 3
    and 7 lines over the text log and the two log.xml layouts."""
    _check([FIXTURES / "events_text.log", FIXTURES / "events_real_layout.xml",
            FIXTURES / "boundaries" / "event_kinds.xml"], [chunk_lines])


def test_big_fixture_and_real_samples() -> None:
    """r7_storm.log (1,454 lines) in chunks of 333, and the shared real samples (clogs), the
    Shift-JIS one with its date language."""
    _check([FIXTURES / "boundaries" / "r7_storm.log", shared_file("samples/clogs/listener.log")], [333])
    _check([shared_file("samples/clogs/listener.sjis.log")], [4], Settings(date_language="JAPANESE"),
           encoding="shift_jis")


_STAMP = st.sampled_from(["31-JUL-2024 02:00:0", "01-AUG-2024 23:59:5", "29-FEB-2008 15:36:4", "31-FEB-2024 01:00:0",
                          "7-Jul-2024 9:05:0"]).flatmap(lambda p: st.integers(0, 9).map(lambda s: f"{p}{s}"))
_CONNECT = st.sampled_from([
    "(CONNECT_DATA=(SERVICE_NAME=ORCL)(CID=(PROGRAM=JDBC Thin Client)(HOST=__jdbc__)(USER=oracle)))",
    "(CONNECT_DATA=(SID=ORCL)(CID=(PROGRAM=sqlplus)(HOST=app1)(USER=scott)))",
    "(CONNECT_DATA=(CID=(PROGRAM=)(HOST=db1)(USER=ananda))(COMMAND=stop)(ARGUMENTS=64)(SERVICE=LISTENER)(VERSION=1))",
    "<unknown connect data>"])
_ADDRESS = st.sampled_from(["(ADDRESS=(PROTOCOL=tcp)(HOST=10.0.0.21)(PORT=40001))",
                            "(ADDRESS=(PROTOCOL=tcps)(HOST=10.0.0.24)(PORT=48784))"])
_RECORD = st.one_of(
    st.tuples(_STAMP, _CONNECT, _ADDRESS, st.sampled_from(["0", "12514", "12505"])).map(
        lambda t: f"{t[0]} * {t[1]} * {t[2]} * establish * ORCL * {t[3]}"),
    st.tuples(_STAMP, st.sampled_from(["service_update", "service_register", "service_died"])).map(
        lambda t: f"{t[0]} * {t[1]} * ORCL * 0"),
    _STAMP.map(lambda s: f"{s} * ping * 0"),
    st.tuples(_STAMP, _CONNECT, st.sampled_from(["stop", "status", "reload"]), st.sampled_from(["0", "1190"])).map(
        lambda t: f"{t[0]} * {t[1]} * {t[2]} * {t[3]}"),
    _STAMP.map(lambda s: f"{s} * 12502"),
)
_CONTINUATION = st.sampled_from([
    "TNS-12514: TNS:listener does not currently know of service requested in connect descriptor",
    "TNS-12560: TNS:protocol adapter error", " TNS-00511: No listener", "  Linux Error: 111: Connection refused",
    "Linux Error: 32: Broken pipe", "ns main err code: 12535", "nt secondary err code: 110",
    "ORA-29024: Certificate validation failure"])
_HEADER = st.sampled_from(["Wed Jul 31 02:00:00 2024", "Thu Aug  1 23:59:59 2024", "2024-07-31T02:00:00.123+00:00",
                           "2024-08-01T23:59:59", "", "   ",
                           "TNSLSNR for Linux: Version 19.0.0.0.0 - Production", "Log messages written to /u01/x.log"])
_XML = st.sampled_from([
    "<msg time='2024-07-31T02:00:01.000+00:00' org_id='oracle' comp_id='tnslsnr'",
    " type='UNKNOWN' level='16' host_id='dbhost1'", " host_addr='10.0.0.1' pid='4242'>",
    "<msg time='2024-08-01T00:00:02.500+02:00' host_id='dbhost2'>", "<msg time='2024-08-01T00:00:03' host_id=''>",
    "<txt>31-JUL-2024 02:00:05 * ping * 0 </txt>", "<txt>TNS-12541: TNS:no listener", "</txt>", "</msg>",
    "<txt>WARNING: Subscription for node down event still pending &amp; &lt;x&gt; &apos;y&apos; </txt>",
    "<attr name='x'>"])
_HOSTILE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"), max_size=40)
_LINE = st.one_of(_RECORD, _RECORD, _CONTINUATION, _HEADER, _XML,
                  _HOSTILE, st.tuples(_STAMP, _HOSTILE).map(lambda t: f"{t[0]} * {t[1]}"))
_LOG = st.tuples(st.sampled_from([".log", ".xml"]), st.lists(_LINE, min_size=1, max_size=14))


@pytest.mark.slow  # the view is bound once per round of chunks
@hsettings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(logs=st.lists(_LOG, min_size=1, max_size=3), chunk_lines=st.integers(1, 6))
def test_random_logs(tmp_path_factory: pytest.TempPathFactory, logs: list[tuple[str, list[str]]], chunk_lines: int) -> None:
    """Random logs (text or log.xml, records, error stacks, headers, markup, hostile text), one
    to three files, cut into chunks of 1 to 6 lines."""
    folder = tmp_path_factory.mktemp("chunks")
    paths = []
    for i, (suffix, lines) in enumerate(logs):
        path = folder / f"listener{i}{suffix}"
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        paths.append(path)
    _check(paths, [chunk_lines])
