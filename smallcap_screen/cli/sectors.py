"""``smallcap-screen sectors``: funds by sector beside the benchmark, and the gap by sector."""

from __future__ import annotations

from typing import Annotated, List

import typer

from .app import app
from .data import left_out_error, method_of, on_chosen_data
from .emit import check_output, emit_result
from .environment import Environment
from .options import (
    BenchmarkOption,
    DataOptions,
    FormatOption,
    MethodOptions,
    OutputOption,
    with_environment,
)


@app.command()
@with_environment(MethodOptions, DataOptions)
def sectors(
    env: Environment,
    funds: Annotated[List[str], typer.Argument(metavar="FUND...", help="Fund tickers or index aliases, or paths to holdings files.")],
    benchmark: BenchmarkOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    method_options: MethodOptions,
    data: DataOptions,
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

    method = method_of(env, method_options, benchmark)
    result = on_chosen_data(env, data, lambda **chosen: run_sectors(funds, method, **chosen))
    emit_result(env, output_format, output, result, table=lambda plain, width: render.sectors_tables(result, plain=plain, width=width))
    failure = left_out_error(env, result.missing)
    if failure is not None:  # the other funds' output is out; the fund left out says why
        raise failure
