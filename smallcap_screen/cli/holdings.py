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
    MethodOptions,
    OutputOption,
    with_environment,
)


@app.command()
@with_environment(MethodOptions, DataOptions)
def holdings(
    env: Environment,
    fund: Annotated[str, typer.Argument(help="A fund ticker or index alias, or the path of a holdings file.")],
    top: Annotated[
        int, typer.Option("--top", min=0, help="Show the largest N holdings in the table (0: all, as for screen). CSV and JSON always have all.")
    ] = TABLE_ROWS,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    method_options: MethodOptions,
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

    method = method_of(env, method_options)
    result = on_chosen_data(env, data, lambda **chosen: breakdown(fund, method, **chosen))
    emit(
        env,
        output_format,
        output,
        json=lambda: render.breakdown_json(result),
        csv=lambda: render.breakdown_csv(result),
        table=lambda plain, width: render.breakdown_table(result, top=top or None, plain=plain, width=width),
    )
