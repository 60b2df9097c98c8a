"""``smallcap-screen history``: the comparison on every stored snapshot."""

from __future__ import annotations

from typing import Annotated, List

import typer

from .app import app
from .emit import check_output, emit, stderr
from .options import (
    BenchmarkOption,
    DataDirOption,
    FormatOption,
    ForwardHorizon,
    ForwardOption,
    Negative,
    NegativeOption,
    OutputOption,
    Weighting,
    WeightingOption,
)


@app.command()
def history(
    funds: Annotated[List[str], typer.Argument(metavar="FUND...", help="Fund tickers or holdings-file paths.")],
    benchmark: BenchmarkOption = "SPY",
    negative: NegativeOption = Negative.exclude,
    weighting: WeightingOption = Weighting.price_date,
    forward: ForwardOption = ForwardHorizon.fy2,
    output_format: FormatOption = None,
    output: OutputOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Recompute the comparison on every stored snapshot: P/E and discount over time.

    Snapshots are kept by every live `compare`; a weekly cron job builds the series.

    Example: smallcap-screen history IWM IJR --negative include -o history.csv
    """
    check_output(output, output_format)
    from ..comparison import RECORD_FIELDS
    from ..comparison import history as run_history
    from ..render import history as render
    from ..output import csv_text, json_text
    from ..store import Store

    store = Store.open(data_dir)
    records = run_history(funds, benchmark=benchmark, negative=negative.value, weighting=weighting.value, forward=forward.value, store=store)
    if not records:
        stderr(f"no snapshots holding {', '.join(funds)} in {store.snapshots_dir}: live `compare` runs keep them")
    emit(
        output_format,
        output,
        json=lambda: json_text(records),
        csv=lambda: csv_text(records, ["snapshot", *RECORD_FIELDS]),
        table=lambda plain, width: render.history_table(records, benchmark=benchmark.upper(), plain=plain, width=width),
    )
