"""``smallcap-screen history``: each fund's figures over the stored snapshots."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ExitCode
from ..vocabulary import HISTORY_METRICS
from .app import app
from .data import method_of
from .emit import check_output, emit, resolve_format
from .environment import Environment
from .options import (
    BenchmarkOption,
    ConfiguredFundsArgument,
    Format,
    FormatOption,
    MethodOptions,
    OutputOption,
    QuietOption,
    StoreOptions,
    parse_date,
    with_environment,
)

Metric = Enum("Metric", [(m, m) for m in HISTORY_METRICS], type=str)


@app.command()
@with_environment(MethodOptions, StoreOptions)
def history(
    env: Environment,
    funds: ConfiguredFundsArgument = None,
    since: Annotated[Optional[str], typer.Option("--since", help="First data date, YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Last data date, YYYY-MM-DD.")] = None,
    metric: Annotated[
        Optional[Metric], typer.Option("--metric", "-m", help="What the summary and the --plot chart follow: trailing/forward P/E, discount, loss-maker weight, coverage (default: pe; the chart: P/E and discount).", show_default=False)
    ] = None,
    table: Annotated[bool, typer.Option("--table", help="Print the full dated series instead of the per-fund summary.")] = False,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Also write a chart, FILE.png or FILE.svg: of --metric when given, else of P/E and discount.")] = None,
    benchmark: BenchmarkOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    quiet: QuietOption = False,
    *,
    method_options: MethodOptions,
    store_options: StoreOptions,
) -> None:
    """Each fund's P/E and discount over the stored snapshots, by data date.

    The table shows per fund the latest value of --metric, a sparkline of its series, its range
    and the latest value's percentile within the fund's own history. Figures are read as stored
    by `snapshot` (recomputed from the stored inputs for a policy or benchmark not stored).
    A damaged snapshot is named on stderr and left out, and the command exits 3.

    Examples:

      smallcap-screen history IWM IJR SPY --since 2024-01-01

      smallcap-screen history --metric discount --plot discount.png

      smallcap-screen history IWM --table -o iwm_history.csv
    """
    check_output(output, output_format)
    if plot is not None:
        check_output(plot)
        if plot.suffix.lower() not in (".png", ".svg"):
            raise typer.BadParameter(f"{plot.name}: the chart is written as .png or .svg", param_hint="--plot")
    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    from ..api.history import history as run_history
    from ..render import history as render
    from ..output import csv_text, json_text

    names = funds or env.settings()["funds"]
    method = method_of(env, method_options, benchmark)
    with env.open_store(store_options) as store:
        result = run_history(names, method, store=store, since=first, until=last)
        notes, where = store.notes, store.path
    for note in notes:
        env.say(note)
    records = result.records()
    if not records:
        env.say(f"no stored snapshot holds {', '.join(result.funds)} in {where}: `smallcap-screen snapshot` keeps one each time it runs")
    elif not quiet:
        for note in result.provenance.notes:
            env.say(note)
    if plot is not None and records:
        from ..render.chart import history_chart

        history_chart(result, plot, metric=metric.value if metric else None)
        if not quiet:
            env.say(f"wrote {plot}")
    full = table or resolve_format(output_format, output) is not Format.table
    emit(
        env,
        output_format,
        output,
        json=lambda: json_text(records),
        csv=lambda: csv_text(records, result.fields),
        table=lambda plain, width: render.series_table(result, plain=plain, width=width) if full else render.trends_table(result, (metric or Metric.pe).value, plain=plain, width=width),
    )
    for damaged in result.provenance.damaged:
        env.say(f"error: {damaged}")
    if result.provenance.damaged:
        raise typer.Exit(ExitCode.BAD_DATA)
