"""A cache of translated SQL on disk: the DuckDB text of an Oracle statement, kept between runs.

Translating the views with sqlglot costs about a second at every start; the translation depends
only on the statement's text, the dialect bridge's code (dialect/ and the modules it imports:
dates, functions, parse), sqlglot and the engine's date columns.
An entry is keyed by all of those plus the package version and the settings (which decide the
rendered texts), so any change misses. Stored where users expect caches: platformdirs'
user cache directory when platformdirs is installed (Windows, macOS), else
``$XDG_CACHE_HOME/lsnrmine`` or ``~/.cache/lsnrmine``; ``LSNRMINE_CACHE_DIR`` overrides it and
``LSNRMINE_CACHE_DIR=""`` turns it off. Written atomically (a temporary file renamed); a cache
that cannot be read or written is no cache, never an error.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Iterable, Optional

from .. import __version__
from ..settings import Settings

try:  # optional: the platform's rule on Windows and macOS
    import platformdirs
except ImportError:  # pragma: no cover - depends on the installation
    platformdirs = None

ENV_DIR = "LSNRMINE_CACHE_DIR"
#: entries kept; beyond it the oldest are removed when one is written (~20 KB an entry at most)
MAX_ENTRIES = 2000
_SUBDIR = "translations"
_DIALECT = Path(__file__).resolve().parent / "dialect"
#: the modules outside dialect/ that the dialect bridge imports (grep "^from \.\." dialect/*.py)
_ALSO = tuple(Path(__file__).resolve().parent / name for name in ("dates.py", "functions.py", "../parse.py"))
_code_digest: Optional[str] = None


def cache_root() -> Optional[Path]:
    """The user's cache directory for lsnrmine (not created here); None when turned off."""
    if ENV_DIR in os.environ:
        return Path(os.environ[ENV_DIR]) if os.environ[ENV_DIR] else None
    if platformdirs is None:
        base = os.environ.get("XDG_CACHE_HOME") or ""
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"  # XDG: a relative value is ignored
        return root / "lsnrmine"
    return Path(platformdirs.user_cache_dir("lsnrmine", appauthor=False))


def _translator_digest() -> str:
    """The dialect bridge's sources and sqlglot's version: a developer's edit misses the cache."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256()
        try:
            digest.update(metadata.version("sqlglot").encode())
        except metadata.PackageNotFoundError:
            digest.update(b"sqlglot ?")
        for path in [*sorted(_DIALECT.rglob("*")), *_ALSO]:
            if path.suffix in (".py", ".sql") and path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _code_digest = digest.hexdigest()
    return _code_digest


class TranslationCache:
    """Translated statements for one engine's settings and date columns."""

    def __init__(self, settings: Settings, date_columns: Iterable[str], root: Optional[Path] = None,
                 *, version: str = __version__) -> None:
        self.directory = root / _SUBDIR if root is not None else None
        self._context = "\0".join([version, _translator_digest(), repr(settings), ",".join(sorted(date_columns))])
        self.hits = 0
        self.misses = 0

    @classmethod
    def default(cls, settings: Settings, date_columns: Iterable[str]) -> "TranslationCache":
        try:
            root = cache_root()
        except (RuntimeError, KeyError, OSError):  # no home directory to find
            root = None
        return cls(settings, date_columns, root)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._context}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, text: str) -> Optional[str]:
        """The cached translation of ``text``; None when absent or unreadable."""
        if self.directory is None:
            return None
        key = self._key(text)
        try:
            data = (self.directory / f"{key}.sql").read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            self.misses += 1
            return None
        head, _, sql = data.partition("\n")
        if head != key:  # not an entry written by put (a foreign or damaged file)
            self.misses += 1
            return None
        self.hits += 1
        return sql

    def put(self, text: str, sql: str) -> None:
        """Store a translation; nothing happens when the directory cannot be written."""
        if self.directory is None:
            return
        key = self._key(text)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # queries may hold literals
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".sql", dir=self.directory)
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                    out.write(f"{key}\n{sql}")
                os.replace(temporary, self.directory / f"{key}.sql")
            except BaseException:
                os.unlink(temporary)
                raise
            self._prune()
        except (OSError, UnicodeError):
            return

    def _prune(self) -> None:
        entries = [entry for entry in os.scandir(self.directory) if entry.name.endswith(".sql")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda entry: entry.stat().st_mtime)
        for entry in entries[: len(entries) - MAX_ENTRIES]:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
