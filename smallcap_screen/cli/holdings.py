"""``smallcap-screen holdings``: every holding behind a fund's P/E."""

from __future__ import annotations

from typing import Annotated

import typer

from ..render.holdings import TABLE_ROWS
from .app import app
from .data import method_of, on_chosen_data
from .emit import check_output, emit
from .environment import Environment
from .options import (
    DataOptions,
    FormatOption,
    ForwardHorizon,
    ForwardOption,
    NegativeOption,
    OutputOption,
    Weighting,
    WeightingOption,
    with_environment,
)


@app.command()
@with_environment(DataOptions)
def holdings(
    env: Environment,
    fund: Annotated[str, typer.Argument(help="A fund ticker or index alias, or the path of a holdings file.")],
    negative: NegativeOption = None,
    weighting: WeightingOption = Weighting.price_date,
    forward: ForwardOption = ForwardHorizon.fy2,
    top: Annotated[
        int, typer.Option("--top", min=0, help="Show the largest N holdings in the table (0: all, as for screen). CSV and JSON always have all.")
    ] = TABLE_ROWS,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    data: DataOptions,
) -> None:
    """Show every holding behind a fund's P/E: weight, price, EPS, P/E and whether it counted.

    Examples:

      smallcap-screen holdings IWM --offline --top 10

      smallcap-screen holdings IJR -o ijr_holdings.csv
    """
    check_output(output, output_format)
    from ..api.holdings import breakdown
    from ..render import holdings as render

    method = method_of(env, negative=negative, weighting=weighting, forward=forward)
    result = on_chosen_data(env, data, lambda **chosen: breakdown(fund, method, **chosen))
    emit(
        env,
        output_format,
        output,
        json=lambda: render.breakdown_json(result),
        csv=lambda: render.breakdown_csv(result),
        table=lambda plain, width: render.breakdown_table(result, top=top or None, plain=plain, width=width),
    )
