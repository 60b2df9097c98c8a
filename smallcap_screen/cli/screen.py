"""``smallcap-screen screen``: the stocks inside one or several funds, filtered and sorted."""

from __future__ import annotations

import re
from typing import Annotated, List, Optional

import typer

from ..vocabulary import SCREEN_SORT_KEYS
from .app import app
from .data import left_out_error, method_of, on_chosen_data
from .emit import check_output, emit_result
from .environment import Environment
from .options import (
    DataOptions,
    FormatOption,
    MethodOptions,
    OutputOption,
    with_environment,
)

AMOUNT = re.compile(r"^\s*\$?([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)
SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def parse_amount(text: Optional[str], option: str) -> Optional[float]:
    """``2B``, ``500M``, ``1.5e9``, ``$300k`` as dollars; a usage error for anything else."""
    if text is None:
        return None
    match = AMOUNT.match(text)
    if not match:
        raise typer.BadParameter(f"{text!r} is not an amount like 2B, 500M or 300000000", param_hint=option)
    return float(match.group(1)) * SUFFIX[match.group(2).lower()]


def check_sort(value: str) -> str:
    if value.strip().lower().replace("_", "-") not in SCREEN_SORT_KEYS:
        raise typer.BadParameter(f"choose one of {', '.join(SCREEN_SORT_KEYS)}")
    return value


@app.command()
@with_environment(MethodOptions, DataOptions)
def screen(
    env: Environment,
    funds: Annotated[
        List[str],
        typer.Argument(metavar="FUND...", help="Fund tickers or index aliases, or paths to holdings files: the stocks they hold."),
    ],
    max_pe: Annotated[Optional[float], typer.Option("--max-pe", min=0.0, help="Trailing P/E at most this (loss-makers have none and fail).")] = None,
    min_pe: Annotated[Optional[float], typer.Option("--min-pe", min=0.0, help="Trailing P/E at least this.")] = None,
    max_fwd_pe: Annotated[Optional[float], typer.Option("--max-fwd-pe", min=0.0, help="Forward P/E at most this.")] = None,
    profitable: Annotated[bool, typer.Option("--profitable", help="Only stocks with positive trailing earnings.")] = False,
    losses: Annotated[bool, typer.Option("--losses", help="Only loss-makers (trailing EPS <= 0).")] = False,
    sector: Annotated[List[str], typer.Option("--sector", help="Keep this sector (repeatable; any part of the name: 'tech').")] = [],  # noqa: B006 - typer's spelling of an empty default
    min_weight: Annotated[Optional[float], typer.Option("--min-weight", min=0.0, help="Weight in at least one of the funds, in percent (0.5 = 0.5%).")] = None,
    min_cap: Annotated[Optional[str], typer.Option("--min-cap", help="Market cap at least this: 300M, 2B, 1.5e9.")] = None,
    max_cap: Annotated[Optional[str], typer.Option("--max-cap", help="Market cap at most this: 300M, 2B, 1.5e9.")] = None,
    max_pb: Annotated[Optional[float], typer.Option("--max-pb", min=0.0, help="Price / book at most this (negative book fails).")] = None,
    max_ps: Annotated[Optional[float], typer.Option("--max-ps", min=0.0, help="Price / sales at most this (no sales fails).")] = None,
    min_yield: Annotated[
        Optional[float], typer.Option("--min-yield", min=0.0, help="Dividend yield at least this, in percent (3 = 3%; unknown yield fails).")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", callback=check_sort, help=f"Sort by: {', '.join(SCREEN_SORT_KEYS)}. Ascending, except weight.")
    ] = "weight",
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending (missing values stay last).")] = False,
    top: Annotated[
        Optional[int], typer.Option("--top", min=0, help="Keep the first N rows (0: all, in a table too; default: all, a table shows the first 100).")
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    *,
    method_options: MethodOptions,
    data: DataOptions,
) -> None:
    """Screen the stocks inside funds: one row per stock with the funds holding it and their
    weights, market cap, price, trailing and forward P/E, growth, P/B, P/S, dividend yield and
    data flags.

    With --negative include a loss-maker shows its negative P/E; it fails every P/E bound either way.

    Examples:

      smallcap-screen screen IJR --profitable --max-pe 12 --top 20

      smallcap-screen screen IWM IJR --sector tech --sort fwd-pe --top 30

      smallcap-screen screen IWM --sort pe -o iwm_stocks.csv

      smallcap-screen screen IJR --min-yield 4 --sort yield --desc --top 20
    """
    if profitable and losses:
        raise typer.BadParameter("choose one of --profitable and --losses")
    check_output(output, output_format)
    from ..metrics.screens import Criteria
    from ..render import screen as render
    from ..api.screen import screen as run_screen

    criteria = Criteria(
        max_pe=max_pe, min_pe=min_pe, max_fwd_pe=max_fwd_pe,
        earnings="profitable" if profitable else "losses" if losses else None,
        sectors=tuple(sector), min_weight=None if min_weight is None else min_weight / 100,
        min_cap=parse_amount(min_cap, "--min-cap"), max_cap=parse_amount(max_cap, "--max-cap"), max_pb=max_pb,
        max_ps=max_ps, min_yield=None if min_yield is None else min_yield / 100,
    )
    method = method_of(env, method_options)
    result = on_chosen_data(
        env, data, lambda **chosen: run_screen(funds, criteria, method, sort=sort, descending=True if desc else None, top=top, **chosen)
    )
    emit_result(env, output_format, output, result, table=lambda plain, width: render.screen_table(result, plain=plain, width=width, rows=render.TABLE_ROWS if top is None else top or None))
    failure = left_out_error(env, result.missing)
    if failure is not None:  # the other funds' output is out; the fund left out says why
        raise failure
