"""``smallcap-screen export``: the stored history to CSV, JSON or Parquet, for other tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..errors import DataError, ExitCode
from .app import app
from .data import method_of
from .emit import check_output, is_stdout, write_text
from .environment import Environment
from .options import BenchmarkOption, MethodOptions, NegativeOption, StoreOptions, parse_date, with_environment

What = Enum("What", [("history", "history"), ("holdings", "holdings")], type=str)
ExportFormat = Enum("ExportFormat", [(f, f) for f in ("csv", "json", "parquet")], type=str)


@app.command()
@with_environment(StoreOptions)
def export(
    env: Environment,
    funds: Annotated[Optional[List[str]], typer.Argument(metavar="[FUND]...", help="Fund tickers (default: every stored fund).", show_default=False)] = None,
    what: Annotated[What, typer.Option("--what", "-w", help="history: fund-level figures per data date; holdings: every holding with its price and earnings.")] = What.history,
    output_format: Annotated[
        Optional[ExportFormat], typer.Option("--format", "-f", help="csv, json or parquet (default: from the --output extension, else csv).", show_default=False)
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically); '-' or nothing: standard output.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="First data date, YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Last data date, YYYY-MM-DD.")] = None,
    benchmark: BenchmarkOption = None,
    negative: NegativeOption = None,
    *,
    store_options: StoreOptions,
) -> None:
    """Export the stored history: fund-level figures or holding-level inputs, by data date.

    Columns are stable and documented in the README ("Exports"); dates are ISO; CSV text that a
    spreadsheet would run as a formula is prefixed with '. Parquet needs the `parquet` extra.

    Examples:

      smallcap-screen export -o history.csv

      smallcap-screen export IWM --what holdings --since 2025-01-01 -o iwm.parquet
    """
    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    chosen = output_format.value if output_format else _format_of(output)
    check_output(output, chosen)  # the format is chosen: .parquet is written here
    from ..api.history import history, holdings_history
    from ..output import csv_text, json_text
    from ..render.export import export_parquet

    with env.open_store(store_options) as store:
        for note in store.notes:
            env.say(note)
        stored = store.snapshots()
        if what is What.history:
            names = funds or sorted({f for i in stored for f in i.fund_names})
            result = history(names, method_of(env, MethodOptions(negative=negative), benchmark), store=store, since=first, until=last)
            frame = result.to_frame()
        else:
            result = holdings_history(funds, store=store, since=first, until=last)
            frame = result.table
        where = store.path
    if frame.empty:  # a header alone would pass for an export in a script: say it, write nothing
        raise DataError(_nothing_to_export(where, bool(stored), funds, since, until))
    data = {"csv": csv_text, "json": json_text, "parquet": export_parquet}[chosen](frame)
    write_text(env, data, output)
    for damaged in result.provenance.damaged:
        env.say(f"error: {damaged}")
    if result.provenance.damaged:
        raise typer.Exit(ExitCode.BAD_DATA)


def _format_of(output: Optional[Path]) -> str:
    suffix = "" if is_stdout(output) else output.suffix.lower()
    return {".json": "json", ".parquet": "parquet"}.get(suffix, "csv")


def _nothing_to_export(store: Path, holds_snapshots: bool, funds: Optional[List[str]], since: Optional[str], until: Optional[str]) -> str:
    if not holds_snapshots:
        return f"nothing to export: the store {store} holds no snapshots yet; `smallcap-screen snapshot` or `import` keeps one"
    asked = " of " + ", ".join(funds) if funds else ""
    dates = "".join(f" {word} {date}" for word, date in (("from", since), ("until", until)) if date)
    return f"nothing to export: no stored snapshot{asked}{dates}; `smallcap-screen snapshots` lists what the store holds"
