"""``smallcap-screen snapshots``: what the local store keeps."""

from __future__ import annotations

import typer

from .app import app
from .emit import stderr
from .options import DataDirOption


@app.command()
def snapshots(data_dir: DataDirOption = None) -> None:
    """List the snapshots kept in the local store, oldest first.

    Example: smallcap-screen snapshots
    """
    from ..store import Store

    store = Store.open(data_dir)
    names = store.names()
    if not names:
        stderr(f"no snapshots in {store.snapshots_dir} yet: `compare` saves one each time it gets live data")
        return
    for name in names:
        typer.echo(name)
