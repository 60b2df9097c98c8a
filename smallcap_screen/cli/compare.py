"""``smallcap-screen compare``: funds side by side, and their discount to a benchmark."""

from __future__ import annotations

from typing import Annotated, List

import typer

from ..errors import ExitCode
from .app import app
from .data import fund_error, method_of, on_chosen_data
from .emit import check_output, emit_result, nothing_computed
from .environment import Environment
from .options import (
    BenchmarkOption,
    DataOptions,
    FormatOption,
    MethodOptions,
    MinCoverageOption,
    OutputOption,
    with_environment,
)


@app.command()
@with_environment(MethodOptions, DataOptions)
def compare(
    env: Environment,
    funds: Annotated[
        List[str],
        typer.Argument(
            metavar="FUND...",
            help="Fund tickers or index aliases (see `smallcap-screen funds`), or paths to holdings files "
            "(iShares CSV, SSGA xlsx, or a CSV with ticker,weight columns)."
        ),
    ],
    benchmark: BenchmarkOption = None,
    min_coverage: MinCoverageOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    method_options: MethodOptions,
    data: DataOptions,
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

    method = method_of(env, method_options, benchmark, min_coverage)
    result = on_chosen_data(env, data, lambda **chosen: run_compare(funds, method, **chosen))
    failure = fund_error(env, [row.fund for row in result.rows if not row.valuation])
    if not any(row.valuation for row in result.rows):
        raise failure or nothing_computed(f"{row.fund} ({row.status_reason})" for row in result.rows)
    emit_result(env, output_format, output, result, table=lambda plain, width: render.comparison_table(result, plain=plain, width=width))
    if failure is not None:  # the other funds' figures are out; the fund that failed says why
        raise failure
    if data.live and result.partial:
        for line in result.shortfalls:
            env.say(f"warning: {line}")
        raise typer.Exit(ExitCode.PARTIAL)
