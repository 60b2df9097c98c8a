"""``smallcap-screen compare``: funds side by side, and their discount to a benchmark."""

from __future__ import annotations

from typing import Annotated, List

import typer

from ..errors import ExitCode
from . import context
from .app import app
from .data import on_chosen_data
from .emit import check_output, emit, nothing_computed
from .options import (
    BenchmarkOption,
    CacheDirOption,
    DataDirOption,
    DbOption,
    FormatOption,
    ForwardHorizon,
    ForwardOption,
    LiveOption,
    MinCoverageOption,
    NegativeOption,
    OfflineOption,
    OutputOption,
    QuietOption,
    RefreshOption,
    Weighting,
    WeightingOption,
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
    benchmark: BenchmarkOption = None,
    negative: NegativeOption = None,
    weighting: WeightingOption = Weighting.price_date,
    forward: ForwardOption = ForwardHorizon.fy2,
    min_coverage: MinCoverageOption = None,
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
    """Compare funds' trailing and forward P/E and their discount to a benchmark.

    Live data is fetched (and cached) when the network is reachable, and kept in the store;
    otherwise the newest stored snapshot or the bundled reference snapshot is used, and stderr
    says so even with --quiet. A fund whose download fails takes its newest stored (else bundled)
    holdings and its row says so; with --live that run exits 7 (partial).

    Examples:

      smallcap-screen compare IWM IJR IJS SPY

      smallcap-screen compare IWM SPY --negative include -o iwm.json

      smallcap-screen compare my_portfolio.csv IWM --offline
    """
    check_output(output, output_format)
    from ..api.compare import compare as run_compare
    from ..render import compare as render

    options = dict(negative=context.negative_policy(negative), weighting=weighting.value, forward=forward.value, coverage_threshold=context.coverage_threshold(min_coverage))
    result = on_chosen_data(
        lambda **data: run_compare(funds, benchmark=context.benchmark(benchmark), **options, **data),
        offline=offline, live=live, refresh=refresh, quiet=quiet, data_dir=data_dir, cache_dir=cache_dir, db=db,
        notes=lambda r: r.notes, warnings=lambda r: r.warnings,
    )
    if not any(row.valuation for row in result.rows):
        raise nothing_computed(f"{row.fund} ({row.status_reason})" for row in result.rows)
    emit(
        output_format,
        output,
        json=lambda: render.to_json(result),
        csv=lambda: render.to_csv(result),
        table=lambda plain, width: render.comparison_table(result, plain=plain, width=width),
    )
    if live and result.partial:
        raise typer.Exit(ExitCode.PARTIAL)
