"""``smallcap-screen sectors``: funds by sector beside the benchmark, and the gap by sector."""

from __future__ import annotations

from typing import Annotated, List

import typer

from . import context
from .app import app
from .data import on_chosen_data
from .emit import check_output, emit
from .options import (
    BenchmarkOption,
    CacheDirOption,
    DataDirOption,
    ForwardHorizon,
    ForwardOption,
    FormatOption,
    LiveOption,
    NegativeOption,
    OfflineOption,
    OutputOption,
    QuietOption,
    RefreshOption,
    Weighting,
    WeightingOption,
)


@app.command()
def sectors(
    funds: Annotated[List[str], typer.Argument(metavar="FUND...", help="Fund tickers or index aliases, or paths to holdings files.")],
    benchmark: BenchmarkOption = None,
    negative: NegativeOption = None,
    weighting: WeightingOption = Weighting.price_date,
    forward: ForwardOption = ForwardHorizon.fy2,
    output_format: FormatOption = None,
    output: OutputOption = None,
    offline: OfflineOption = False,
    live: LiveOption = False,
    refresh: RefreshOption = False,
    quiet: QuietOption = False,
    data_dir: DataDirOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Each fund's weight, P/E and loss-makers by sector beside the benchmark's, and the P/E gap
    split into sector mix (over/under-weighting) and valuation within sectors: is the fund cheap,
    or just light on expensive sectors?

    Examples:

      smallcap-screen sectors IWM IJR

      smallcap-screen sectors IWM --benchmark IVV -o iwm_sectors.json
    """
    check_output(output, output_format)
    from ..render import sectors as render
    from ..api.screen import sectors as run_sectors

    result = on_chosen_data(
        lambda **data: run_sectors(funds, benchmark=context.benchmark(benchmark), negative=context.negative_policy(negative), weighting=weighting.value, forward=forward.value, **data),
        offline=offline, live=live, refresh=refresh, quiet=quiet, data_dir=data_dir, cache_dir=cache_dir,
        notes=lambda r: r.facts.notes,
    )
    emit(
        output_format,
        output,
        json=lambda: render.to_json(result),
        csv=lambda: render.to_csv(result),
        table=lambda plain, width: render.sectors_tables(result, plain=plain, width=width),
    )
