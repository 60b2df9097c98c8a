"""``smallcap-screen explain``: one fund's P/E under every published convention."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .data import method_of, on_chosen_data
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
def explain(
    env: Environment,
    fund: Annotated[str, typer.Argument(help="A fund ticker or index alias, or the path of a holdings file.")],
    benchmark: BenchmarkOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    method_options: MethodOptions,
    data: DataOptions,
) -> None:
    """The same holdings and prices under every common P/E convention, side by side, each naming
    who publishes it that way, with the benchmark's figure and the discount under each: find
    which convention a published P/E came from.

    --negative sets the policy of the rows that vary concentration, weighting and horizon; the
    convention rows fix their own.

    Examples:

      smallcap-screen explain IWM

      smallcap-screen explain IJR --benchmark IVV -o ijr_conventions.json
    """
    check_output(output, output_format)
    from ..render import explain as render
    from ..api.screen import explain as run_explain

    method = method_of(env, method_options, benchmark)
    result = on_chosen_data(env, data, lambda **chosen: run_explain(fund, method, **chosen))
    emit_result(env, output_format, output, result, table=lambda plain, width: render.explain_table(result, plain=plain, width=width))
