"""``smallcap-screen compare``: funds side by side, and their discount to a benchmark."""

from __future__ import annotations

from typing import Annotated, List

import typer

from .app import app, interrupt_note
from .emit import check_output, emit, nothing_computed, stderr
from .options import (
    BenchmarkOption,
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
def compare(
    funds: Annotated[
        List[str],
        typer.Argument(
            metavar="FUND...",
            help="Fund tickers or index aliases (see `smallcap-screen funds`), or paths to holdings files "
            "(iShares CSV, SSGA xlsx, or a CSV with ticker,weight columns)."
        ),
    ],
    benchmark: BenchmarkOption = "SPY",
    negative: NegativeOption = Negative.exclude,
    output_format: FormatOption = None,
    output: OutputOption = None,
    offline: OfflineOption = False,
    live: LiveOption = False,
    refresh: RefreshOption = False,
    quiet: QuietOption = False,
    data_dir: DataDirOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Compare funds' trailing and forward P/E and their discount to a benchmark.

    Live data is fetched (and cached) when the network is reachable; otherwise the newest stored
    snapshot or the bundled reference snapshot is used, and stderr says so.

    Examples:

      smallcap-screen compare IWM IJR IJS SPY

      smallcap-screen compare IWM SPY --negative include -o iwm.json

      smallcap-screen compare my_portfolio.csv IWM --offline
    """
    mode = data_mode(offline, live)
    check_output(output, output_format)
    from ..comparison import compare as run_compare
    from ..render import compare as render
    from ..store import Store

    store = Store.open(data_dir)
    summary: list[str] = []
    if mode == "offline":  # no cache, no fetch machinery to load
        result = run_compare(funds, benchmark=benchmark, negative=negative.value, data=mode, store=store)
    else:
        from ..cache import Cache
        from ..progress import LiveFetch

        with Cache(cache_dir, refresh=refresh) as cache:
            live_fetch = LiveFetch(cache, show=not quiet)
            interrupt_note.append(live_fetch.kept)
            result = run_compare(funds, benchmark=benchmark, negative=negative.value, data=mode, store=store, fetch=live_fetch)
        summary = live_fetch.summary()
    if not quiet:
        for note in [*summary, *result.notes]:
            stderr(note)
    if not any(row.valuation for row in result.rows):
        raise nothing_computed(f"{row.fund} ({row.status_reason})" for row in result.rows)
    emit(
        output_format,
        output,
        json=lambda: render.to_json(result),
        csv=lambda: render.to_csv(result),
        table=lambda plain, width: render.comparison_table(result, plain=plain, width=width),
    )
