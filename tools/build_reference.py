#!/usr/bin/env python3
"""Rebuild the bundled reference snapshot and the ticker alias table from the raw downloads.

A maintainer's tool, not a user command. Works from any folder:

    .venv/bin/python tools/build_reference.py ../shared/data/raw
    .venv/bin/python tools/build_reference.py RAW_DIR --output /tmp/reference --aliases /tmp/aliases.csv

The raw files it reads are listed in smallcap_screen/reference.py; the snapshot keeps the funds'
holdings and the prices and earnings of every stock of the finviz export (held or not).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="folder with the raw downloads (../shared/data/raw)")
    parser.add_argument("--output", type=Path, default=DATA / "reference", help="snapshot folder to (re)write (default: %(default)s)")
    parser.add_argument("--aliases", type=Path, default=DATA / "ticker_aliases.csv", help="ticker alias table to (re)write (default: %(default)s)")
    args = parser.parse_args(argv)

    from smallcap_screen.errors import ScreenError
    from smallcap_screen.output import write_atomically
    from smallcap_screen.reference import build_reference, read_reference_fundamentals
    from smallcap_screen.store.folder import write_snapshot
    from smallcap_screen.tickers import build_alias_table

    try:
        universe = read_reference_fundamentals(args.raw_dir).table.index
        write_atomically(args.aliases, build_alias_table(universe).to_csv(index=False))
        snapshot = build_reference(args.raw_dir)
        staging = args.output.with_name(args.output.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        write_snapshot(snapshot, staging)
        shutil.rmtree(args.output, ignore_errors=True)
        staging.rename(args.output)
    except ScreenError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    counts = ", ".join(f"{f} {len(h.equities)}" for f, h in snapshot.holdings.items())
    print(f"wrote {args.output}: {counts} holdings; fundamentals for {len(snapshot.fundamentals.table):,} stocks", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
