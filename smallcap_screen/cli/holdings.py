"""``smallcap-screen holdings``: every holding behind a fund's P/E."""

from __future__ import annotations

from typing import Annotated

import typer

from . import context
from .app import app, interrupt_note
from .emit import check_output, emit, stderr
from .options import (
    CacheDirOption,
    DataDirOption,
    DbOption,
    FormatOption,
    LiveOption,
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
    negative: NegativeOption = None,
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
    db: DbOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Show every holding behind a fund's P/E: weight, price, EPS, P/E and whether it counted.

    Examples:

      smallcap-screen holdings IWM --offline --top 10

      smallcap-screen holdings IJR -o ijr_holdings.csv
    """
    mode = data_mode(offline, live)
    check_output(output)
    from ..comparison import breakdown
    from ..progress import LiveFetch
    from ..render import holdings as render

    with context.open_cache(cache_dir, refresh=refresh) as cache, context.open_store(db, data_dir) as store:
        live_fetch = LiveFetch(cache, show=not quiet)
        interrupt_note.append(live_fetch.kept)
        result = breakdown(fund, negative=context.negative_policy(negative), data=mode, store=store, fetch=live_fetch)
    for warning in [*store.notes, *result.warnings]:  # never silenced: the data is not what was asked for
        stderr(warning)
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
