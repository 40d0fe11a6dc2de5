"""Deterministic generator of realistic Oracle TNS listener.log text (benchmarks, load tests).

Usage: python benchmarks/generate_log.py N OUT [--seed S]

Writes N lines (UTF-8, LF) to OUT (``-`` for stdout). Mix, by line:
- ~80 %  ``establish`` lines (6 fields): CONNECT_DATA with SERVICE_NAME= (sometimes SID=), a CID with
  PROGRAM/HOST/USER; a share of JDBC thin clients ``(CID=(PROGRAM=JDBC Thin Client)(HOST=__jdbc__)
  (USER=oracle))``; ADDRESS with PROTOCOL/HOST (an IP)/PORT; return code 0;
- service_update / service_register lines (4 fields), ping lines (3 fields), lsnrctl command lines
  (status/services/stop/reload, 4 fields), failed connects (return code 12514/12505) each followed by
  the ``TNS-125nn: ...`` message line, and now and then a ctime header line (``Sat Jan 14 02:39:08
  2012``) or a banner block.
Timestamps increase monotonically (0-2 s apart). Same N and seed -> byte-identical output.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import random
import sys
from typing import Iterator, TextIO

__all__ = ["generate_lines", "write_log", "main"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_SERVICES = ("PROPRD1", "OMT", "SLC", "PNAT", "PCAT", "ADHOC", "PROLO", "PROMSG", "PROSVC",
             "BOOKING", "PROCOMM", "PROSRCH", "PROMEET", "RESPONSE", "proprd1", "omt")
_SIDS = ("PROPRD1", "PROPRD", "PROSRCH", "ORCL")
_PROGRAMS = ("sqlplus", "C:\\app\\client\\bin\\sqlplus.exe", "toad.exe", "python3", "java",
             "oracle@appsrv01 (TNS V1-V3)", "SQL Developer", "perl")
_HOSTS = ("appsrv01", "appsrv02", "stcdelpas01", "prolin01", "WIN-DESK42", "batch07")
_USERS = ("oracle", "ananda", "oraprol", "appuser", "scott", "SYSTEM")
_TNS = {
    "12514": "TNS-12514: TNS:listener does not currently know of service requested in connect "
             "descriptor",
    "12505": "TNS-12505: TNS:listener does not currently know of SID given in connect descriptor",
}


def _fmt(ts: _dt.datetime) -> str:
    return f"{ts.day:02d}-{_MONTHS[ts.month - 1]}-{ts.year:04d} {ts:%H:%M:%S}"


def _ip(rnd: random.Random) -> str:
    return f"10.{rnd.choice((14, 20, 23))}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"


def generate_lines(n: int, seed: int = 42) -> Iterator[str]:
    """Yield exactly ``n`` listener.log lines (without terminators)."""
    rnd = random.Random(seed)
    ts = _dt.datetime(2005, 10, 16, 5, 35, 41)
    produced = 0
    while produced < n:
        ts += _dt.timedelta(seconds=rnd.randrange(3))
        date = _fmt(ts)
        r = rnd.random()
        out: list[str]
        if r < 0.80:
            jdbc = rnd.random() < 0.35
            if jdbc:
                cid = "(CID=(PROGRAM=JDBC Thin Client)(HOST=__jdbc__)(USER=oracle))"
            else:
                cid = (f"(CID=(PROGRAM={rnd.choice(_PROGRAMS)})(HOST={rnd.choice(_HOSTS)})"
                       f"(USER={rnd.choice(_USERS)}))")
            if rnd.random() < 0.12:
                target = f"(SID={rnd.choice(_SIDS)})"
                svc = rnd.choice(_SIDS)
            else:
                svc = rnd.choice(_SERVICES)
                target = f"(SERVICE_NAME={svc})"
            if rnd.random() < 0.5:
                cd = f"(CONNECT_DATA={target}{cid})"
            else:
                cd = f"(CONNECT_DATA={cid}{target})"
            if rnd.random() < 0.1:
                cd = f"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=dbhost)(PORT=1521)){cd})"
            addr = f"(ADDRESS=(PROTOCOL=tcp)(HOST={_ip(rnd)})(PORT={rnd.randrange(1025, 65535)}))"
            if rnd.random() < 0.04:
                rc = rnd.choice(("12514", "12505"))
                out = [f"{date} * {cd} * {addr} * establish * {svc} * {rc}", _TNS[rc]]
            else:
                out = [f"{date} * {cd} * {addr} * establish * {svc} * 0"]
        elif r < 0.90:
            event = "service_register" if rnd.random() < 0.05 else "service_update"
            out = [f"{date} * {event} * {rnd.choice(('ORCL', 'PROPRD1', 'xe'))} * 0"]
        elif r < 0.95:
            out = [f"{date} * ping * 0"]
        elif r < 0.985:
            cmd = rnd.choice(("status", "services", "reload", "stop", "version"))
            rc = "1190" if rnd.random() < 0.1 else "0"
            out = [f"{date} * (CONNECT_DATA=(CID=(PROGRAM=)(HOST={rnd.choice(_HOSTS)})"
                   f"(USER={rnd.choice(_USERS)}))(COMMAND={cmd})(ARGUMENTS=64)"
                   f"(SERVICE=LISTENER)(VERSION=318767104)) * {cmd} * {rc}"]
            if rc == "1190":
                out.append("TNS-01190: The user is not authorized to execute the requested "
                           "listener command")
        elif r < 0.998:
            out = [ts.strftime("%a %b %d %H:%M:%S %Y")]
        else:
            out = [
                "",
                "TNSLSNR for Linux: Version 19.0.0.0.0 - Production",
                "System parameter file is /u01/app/oracle/product/19/network/admin/listener.ora",
                "Log messages written to /u01/app/oracle/diag/tnslsnr/db01/listener/alert/log.xml",
                "Listening on: (DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=db01)(PORT=1521)))",
                "",
            ]
        for line in out:
            if produced >= n:
                return
            produced += 1
            yield line


def write_log(n: int, out: TextIO, seed: int = 42) -> None:
    """Write ``n`` generated lines to ``out`` (LF terminated)."""
    buf: list[str] = []
    for line in generate_lines(n, seed):
        buf.append(line)
        if len(buf) >= 10000:
            out.write("\n".join(buf) + "\n")
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of lines")
    ap.add_argument("out", help="output file, - for stdout")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    if args.out == "-":
        write_log(args.n, sys.stdout, args.seed)
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
            write_log(args.n, fh, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
