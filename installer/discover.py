"""Listener ADR homes: the host and listener of a log file (from its ADR path or the header the
listener writes when it starts), and the discovery of every listener home under an ADR base (on
the database server, or a copied diag tree with several nodes' trees under one directory), with
the ``[[sources]]`` block of lsnrmine.toml for them.

An ADR home of a listener is ``<ADR base>/diag/tnslsnr/<host>/<listener>`` (the listener name in
lower case), its text log ``trace/<listener>.log`` and 19c segments ``trace/<listener>_<n>.log``,
its XML log ``alert/log.xml`` and segments ``alert/log_<n>.xml`` (docs/oracle-facts.md, "Listener
ADR homes and discovery").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

from . import identifiers as ids

__all__ = ["DiscoverError", "ListenerHome", "HEADER_BYTES", "discover", "header_labels", "path_labels",
           "sources_toml", "listing"]

#: how much of the start of a log is searched for the header's "Log messages written to" line
HEADER_BYTES = 1 << 20
#: .../diag/tnslsnr/<host>/<listener>/(trace|alert)/<file>, either separator (a copied Windows tree)
_ADR_FILE = re.compile(r"(?:^|[\\/])diag[\\/]tnslsnr[\\/]([^\\/]+)[\\/]([^\\/]+)[\\/](?:trace|alert)[\\/][^\\/]+$",
                       re.IGNORECASE)
#: the header line naming the listener's ADR home (English on every locale seen, e.g. the Japanese
#: XE log of the public samples)
_HEADER = re.compile(r"Log messages written to (.*[\\/]diag[\\/]tnslsnr[\\/]([^\\/]+)[\\/]([^\\/]+))[\\/]alert[\\/]"
                     r"log\.xml")
#: how deep below the given directory a diag/tnslsnr tree is looked for
_MAX_DEPTH = 6
#: a name part of a generated identifier: what a host or listener name may hold besides A-Z 0-9 _
_NOT_IDENT = re.compile(r"[^A-Z0-9_]+")


class DiscoverError(Exception):
    """The directory cannot be searched; the message is one line naming it and the fix."""


def path_labels(path: str) -> Optional[tuple[str, str]]:
    """(LISTENER, host) of a file in a listener ADR home (``.../diag/tnslsnr/<host>/<listener>/
    trace|alert/<file>``, absolute or relative), the listener name upper-cased like the settings'
    listener_name; None for any other path."""
    m = _ADR_FILE.search(os.path.abspath(path)) or _ADR_FILE.search(path)
    return (m.group(2).upper(), m.group(1)) if m else None


def header_labels(text: str) -> Optional[tuple[str, str, str]]:
    """(LISTENER, host, ADR home path on the listener's server) of the first "Log messages written
    to .../diag/tnslsnr/<host>/<listener>/alert/log.xml" line in ``text`` (the header a listener
    writes when it starts, in listener.log and as a <txt> of log.xml); None when there is none."""
    m = _HEADER.search(text)
    return (m.group(3).upper(), m.group(2), m.group(1)) if m else None


def _read_head(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEADER_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


@dataclass
class ListenerHome:
    """One listener ADR home found: its host and listener (as the directory names say), the local
    directory, the log files (base name first, then the 19c segments by number) and, from the
    header of its log, the home's path on the listener's server (a copied tree: where the files
    really are)."""

    host: str
    listener: str
    home: str
    text_files: list[str] = field(default_factory=list)
    xml_files: list[str] = field(default_factory=list)
    server_home: Optional[str] = None

    @property
    def listener_name(self) -> str:
        return self.listener.upper()


def _segments(directory: str, stem: str, ext: str) -> list[str]:
    """``stem.ext`` (if present) then ``stem_<n>.ext`` by n, the files of ``directory``."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    pattern = re.compile(re.escape(stem) + r"_([0-9]{1,9})" + re.escape(ext))
    base = [stem + ext] if stem + ext in names and os.path.isfile(os.path.join(directory, stem + ext)) else []
    numbered = sorted((int(m.group(1)), n) for n in names if (m := pattern.fullmatch(n))
                      and os.path.isfile(os.path.join(directory, n)))
    return base + [n for _, n in numbered]


def _home(host_dir: str, host: str, listener: str) -> ListenerHome:
    home = ListenerHome(host=host, listener=listener, home=os.path.join(host_dir, listener))
    home.text_files = _segments(os.path.join(home.home, "trace"), listener.lower(), ".log")
    home.xml_files = _segments(os.path.join(home.home, "alert"), "log", ".xml")
    for sub, files in (("trace", home.text_files), ("alert", home.xml_files)):
        for name in files:
            found = header_labels(_read_head(os.path.join(home.home, sub, name)))
            if found is not None:
                home.server_home = found[2]
                return home
    return home


def _tnslsnr_dirs(root: str) -> Iterator[str]:
    """Every ``diag/tnslsnr`` directory at or below ``root`` (depth-limited; below a ``diag``
    directory only ``tnslsnr`` is entered: rdbms and crs trace directories hold many files)."""
    real = os.path.realpath(root)
    parts = real.replace("\\", "/").rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2:] == ["diag", "tnslsnr"]:
        yield real
        return
    start = real.count(os.sep)
    for dirpath, dirnames, _ in os.walk(real, onerror=None):
        name = os.path.basename(dirpath)
        if name == "tnslsnr" and os.path.basename(os.path.dirname(dirpath)) == "diag":
            dirnames[:] = []
            yield dirpath
            continue
        if name == "diag":
            dirnames[:] = [d for d in dirnames if d == "tnslsnr"]
        elif dirpath.count(os.sep) - start >= _MAX_DEPTH:
            dirnames[:] = []
        dirnames.sort()


def _check_dir(path: str) -> str:
    if not os.path.exists(path):
        raise DiscoverError(f"{path}: no such directory; give the ADR base (e.g. /u01/app/grid, the directory "
                            "holding diag/tnslsnr) or a copied diag tree")
    if not os.path.isdir(path):
        raise DiscoverError(f"{path}: is not a directory; give the ADR base (the directory holding diag/tnslsnr)")
    if not os.access(path, os.R_OK | os.X_OK):
        raise DiscoverError(f"{path}: not readable; run as the listener's owner (grid or oracle) or grant read access")
    return path


def discover(base: str) -> list[ListenerHome]:
    """The listener homes under ``base`` (an ADR base, a diag or diag/tnslsnr directory, a
    directory of copied node trees, or a single host or listener directory of such a tree),
    sorted by host and listener. Raises DiscoverError for a missing or unreadable directory."""
    _check_dir(base)
    real = os.path.realpath(base)
    parts = real.replace("\\", "/").rstrip("/").split("/")
    homes: list[ListenerHome] = []
    if len(parts) >= 4 and parts[-4:-2] == ["diag", "tnslsnr"]:  # one listener home
        homes.append(_home(os.path.dirname(real), parts[-2], parts[-1]))
    elif len(parts) >= 3 and parts[-3:-1] == ["diag", "tnslsnr"]:  # one host
        homes.extend(_homes_of_host(real, parts[-1]))
    else:
        for tnslsnr in _tnslsnr_dirs(real):
            for host in sorted(os.listdir(tnslsnr)):
                host_dir = os.path.join(tnslsnr, host)
                if os.path.isdir(host_dir):
                    homes.extend(_homes_of_host(host_dir, host))
    homes = [h for h in homes if h.text_files or h.xml_files]
    return sorted(homes, key=lambda h: (h.host, h.listener, h.home))


def _homes_of_host(host_dir: str, host: str) -> list[ListenerHome]:
    try:
        names = sorted(os.listdir(host_dir))
    except OSError as exc:
        raise DiscoverError(f"{host_dir}: cannot list ({exc.strerror}); grant read access to the ADR tree") from None
    return [_home(host_dir, host, n) for n in names if os.path.isdir(os.path.join(host_dir, n))]


def _ident_part(text: str) -> str:
    return _NOT_IDENT.sub("_", text.upper()).strip("_") or "X"


def _listener_ident(listener: str) -> str:
    """The listener name as a settings identifier (upper case; other characters made _)."""
    try:
        return ids.check_identifier("listener", listener)
    except ids.SettingError:
        name = _ident_part(listener)
        return name if name[0].isalpha() else "L" + name


def _unique(name: str, taken: set[str]) -> str:
    """``name`` cut to the identifier limit, made unique with _2, _3, ... and recorded."""
    candidate, n = name[:ids.MAX_IDENTIFIER_BYTES], 1
    while candidate in taken or candidate in ids.RESERVED_WORDS:
        n += 1
        suffix = f"_{n}"
        candidate = name[:ids.MAX_IDENTIFIER_BYTES - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def _toml_str(value: str) -> str:
    """A TOML basic string (backslashes and quotes escaped; the values are paths and names)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _source_dir(home: ListenerHome) -> tuple[str, list[str]]:
    """(sub-directory, files) a source reads: the text log in trace/ (its 19c segments are found
    by the ingest), else the log.xml in alert/."""
    if home.text_files:
        return "trace", home.text_files[:1]
    return "alert", home.xml_files[:1]


def sources_toml(homes: list[ListenerHome], prefix: str = "LSNR_") -> str:
    """The ``[[sources]]`` block of lsnrmine.toml for ``homes``: one source per home (the text log,
    else log.xml), names ``<HOST>_<LISTENER>`` and directory objects ``<prefix><HOST>_<LISTENER>``
    made valid and unique; the path is the home's path on the listener's server when the log's
    header names it, else the local one. On several hosts (RAC) ``instance`` is left to the DBA,
    commented (a guess in host order: the DBA checks it against gv$instance)."""
    names: set[str] = set()
    directories: set[str] = set()
    hosts = sorted({h.host for h in homes})
    out = ["# lsnrmine sources (lsnrmine sources --discover); one [[sources]] per listener ADR home"]
    for home in homes:
        sub, files = _source_dir(home)
        base = f"{_ident_part(home.host)}_{_ident_part(home.listener)}"
        if not base[0].isalpha():
            base = "H" + base
        name = _unique(base, names)
        directory = _unique(f"{prefix}{name}", directories)
        local = os.path.join(os.path.abspath(home.home), sub)
        server = None
        if home.server_home is not None:
            sep = "\\" if "\\" in home.server_home else "/"
            server = home.server_home + sep + sub
        out.append("")
        out.append("[[sources]]")
        out.append(f"name = {_toml_str(name)}")
        out.append(f"listener = {_toml_str(_listener_ident(home.listener))}")
        out.append(f"host = {_toml_str(home.host)}")
        out.append(f"directory = {_toml_str(directory)}")
        if server is not None and server != local:
            out.append(f"# found in {local}; the path below is the one the log's header names on {home.host}")
        out.append(f"path = {_toml_str(server or local)}")
        out.append("files = [" + ", ".join(_toml_str(f) for f in files) + "]")
        more = (home.text_files[1:] if sub == "trace" else home.xml_files[1:])
        if more:
            out.append(f"# rotated segments now present (found by the ingest itself): {', '.join(more)}")
        if sub == "trace" and home.xml_files:
            out.append(f"# the same records in XML: alert/{home.xml_files[0]} (mine the text log or log.xml, not both)")
        if len(hosts) > 1:
            out.append(f"# instance = {hosts.index(home.host) + 1}   # RAC: the instance on {home.host} "
                       "(select instance_number, host_name from gv$instance)")
    return "\n".join(out) + "\n"


def listing(homes: list[ListenerHome]) -> list[tuple[str, str, str, str]]:
    """(host, listener, directory, files) rows, one per directory holding log files."""
    rows = []
    for home in homes:
        for sub, files in (("trace", home.text_files), ("alert", home.xml_files)):
            if files:
                rows.append((home.host, home.listener_name, os.path.join(home.home, sub), " ".join(files)))
    return rows
