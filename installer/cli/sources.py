"""``lsnrmine sources --discover``: the listener ADR homes under an ADR base (on the database
server, or a copied diag tree) and the ``[[sources]]`` block of lsnrmine.toml for them."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..discover import DiscoverError, discover, listing, sources_toml
from ..errors import EXIT_FAILURE, EXIT_OK, UserError
from .common import settings_from


def _cmd_sources(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    bases = args.adr_base or ([os.environ["ORACLE_BASE"]] if os.environ.get("ORACLE_BASE") else [])
    if not bases:
        raise UserError("sources --discover: no ADR base; give --adr-base DIR (the grid or oracle ORACLE_BASE, "
                        "or a copied diag tree) or set ORACLE_BASE")
    homes = []
    seen: set[str] = set()
    try:
        for base in bases:
            for home in discover(base):
                if os.path.realpath(home.home) not in seen:
                    seen.add(os.path.realpath(home.home))
                    homes.append(home)
    except DiscoverError as exc:
        raise UserError(f"--adr-base {exc}") from None
    if not homes:
        print(f"lsnrmine: no listener ADR home (diag/tnslsnr/<host>/<listener> with a listener log) under "
              f"{', '.join(bases)}; give the ADR base that holds diag/tnslsnr (the grid user's ORACLE_BASE for "
              "SCAN and node listeners)", file=sys.stderr)
        return EXIT_FAILURE
    rows = listing(homes)
    widths = [max(len(r[i]) for r in rows + [("HOST", "LISTENER", "DIRECTORY", "FILES")]) for i in range(3)]
    out = [f"# {'HOST'.ljust(widths[0])}  {'LISTENER'.ljust(widths[1])}  {'DIRECTORY'.ljust(widths[2])}  FILES"]
    out += [f"# {h.ljust(widths[0])}  {n.ljust(widths[1])}  {d.ljust(widths[2])}  {f}" for h, n, d, f in rows]
    sys.stdout.write("\n".join(out) + "\n" + sources_toml(homes, settings.prefix))
    print(f"lsnrmine: {len(homes)} listener home(s) on {len({h.host for h in homes})} host(s); "
          "add the [[sources]] block above to lsnrmine.toml", file=sys.stderr)
    return EXIT_OK


def register(commands: Any, settings: argparse.ArgumentParser) -> None:
    text = "find the listener logs under an ADR base and print the [[sources]] block for lsnrmine.toml"
    sub = commands.add_parser(
        "sources", parents=[settings], help=text,
        description=text + ". Every diag/tnslsnr/<host>/<listener> home is listed (as comments) with its text "
        "and XML logs and 19c segments, then one [[sources]] entry per home on standard output (redirect it "
        "into a file). On the database server give the ADR base (the grid user's ORACLE_BASE for SCAN "
        "listeners); a copied diag tree, or several nodes' trees under one directory, works too: the path "
        "written is then the one the log's header names on its server.")
    sub.add_argument("--discover", action="store_true", required=True,
                     help="search the ADR base(s) for listener homes")
    sub.add_argument("--adr-base", metavar="DIR", action="append",
                     help="directory to search (repeatable; default: $ORACLE_BASE)")
    sub.set_defaults(handler=_cmd_sources)
