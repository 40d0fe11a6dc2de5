"""The ``lsnrmine`` console script: Ctrl-C while the package is still being imported ends with the
same one line and status as during a command (cli.signals takes over once ``main`` runs)."""

from __future__ import annotations

import sys

from .errors import EXIT_INTERRUPTED


def main() -> int:
    try:
        from .cli import main as cli_main  # imported here: a Ctrl-C during this import is caught below
    except KeyboardInterrupt:
        print("lsnrmine: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return cli_main()
