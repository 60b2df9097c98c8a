"""``smallcap-screen holdings``: every holding behind a fund's P/E."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app, interrupt_note
from .emit import check_output, emit, stderr
from .options import (
    CacheDirOption,
    DataDirOption,
    FormatOption,
    LiveOption,
    Negative,
    NegativeOption,
    OfflineOption,
    OutputOption,
    QuietOption,
    RefreshOption,
    data_mode,
)


@app.command()
def holdings(
    fund: Annotated[str, typer.Argument(help="A fund ticker or index alias, or the path of a holdings file.")],
    negative: NegativeOption = Negative.exclude,
    top: Annotated[
        int, typer.Option("--top", min=0, help="Show the largest N holdings in the table (0: all). CSV and JSON always have all.")
    ] = 25,
    output_format: FormatOption = None,
    output: OutputOption = None,
    offline: OfflineOption = False,
    live: LiveOption = False,
    refresh: RefreshOption = False,
    quiet: QuietOption = False,
    data_dir: DataDirOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Show every holding behind a fund's P/E: weight, price, EPS, P/E and whether it counted.

    Examples:

      smallcap-screen holdings IWM --offline --top 10

      smallcap-screen holdings IJR -o ijr_holdings.csv
    """
    mode = data_mode(offline, live)
    check_output(output, output_format)
    from ..cache import Cache
    from ..comparison import breakdown
    from ..progress import LiveFetch
    from ..render import holdings as render
    from ..store import Store

    with Cache(cache_dir, refresh=refresh) as cache:
        live_fetch = LiveFetch(cache, show=not quiet)
        interrupt_note.append(live_fetch.kept)
        result = breakdown(fund, negative=negative.value, data=mode, store=Store.open(data_dir), fetch=live_fetch)
    if not quiet:
        for note in [*live_fetch.summary(), *result.notes]:
            stderr(note)
    emit(
        output_format,
        output,
        json=lambda: render.breakdown_json(result),
        csv=lambda: render.breakdown_csv(result),
        table=lambda plain, width: render.breakdown_table(result, top=top or None, plain=plain, width=width),
    )
