"""``smallcap-screen reference build``: a maintainer's command (the issue-8 work moves it to tools/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .emit import stderr

reference_app = typer.Typer(help="Build the bundled reference snapshot from raw issuer downloads.", no_args_is_help=True)
app.add_typer(reference_app, name="reference", hidden=True)  # a maintainer command, not a user one


@reference_app.command("build")
def reference_build(
    raw_dir: Annotated[Path, typer.Argument(help="Folder with the raw downloads listed in smallcap_screen/reference.py.")],
    out: Annotated[Path, typer.Option("--out", help="Snapshot folder to (re)write.")] = Path("data/reference"),
    aliases: Annotated[Path, typer.Option("--aliases", help="Ticker alias table to (re)write from the fundamentals universe.")] = Path("data/ticker_aliases.csv"),
) -> None:
    """Rebuild the bundled reference snapshot and the ticker alias table from raw files."""
    import shutil

    from ..output import write_atomically
    from ..reference import build_reference, read_reference_fundamentals
    from ..snapshot import write_snapshot
    from ..tickers import build_alias_table

    universe = read_reference_fundamentals(raw_dir).table.index
    write_atomically(aliases, build_alias_table(universe).to_csv(index=False))
    snapshot = build_reference(raw_dir)
    if out.exists():
        shutil.rmtree(out)
    write_snapshot(snapshot, out)
    counts = ", ".join(f"{f} {len(h.equities)}" for f, h in snapshot.holdings.items())
    stderr(f"wrote {out}: {counts} holdings; fundamentals for {len(snapshot.fundamentals.table)} stocks")
