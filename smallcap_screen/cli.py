"""The ``smallcap-screen`` command line: a thin layer over the Python API.

Heavy modules (pandas, yfinance, openpyxl) are imported inside the commands so ``--help`` is instant.

Exit codes: 0 success; 1 unexpected internal error; 2 usage error; 3 bad or unusable data;
4 unknown fund; 5 network unavailable (with ``--live``); 6 output could not be written.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, List, Optional

import typer

app = typer.Typer(
    name="smallcap-screen",
    help="Small-cap valuation screener: fund P/E computed bottom-up from full ETF holdings, "
    "and the small-cap discount versus the S&P 500.",
    epilog="Start with: smallcap-screen compare IWM IJR IJS SPY. Exit codes: 0 ok, 2 usage, 3 bad data, "
    "4 unknown fund, 5 network unavailable (--live), 6 output not written, 1 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
reference_app = typer.Typer(help="Build the bundled reference snapshot from raw issuer downloads.", no_args_is_help=True)
app.add_typer(reference_app, name="reference")
cache_app = typer.Typer(help="Inspect or empty the download cache (holdings: 1 day, quotes: 6 hours).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


class Negative(str, Enum):
    exclude = "exclude"
    include = "include"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


# Options several commands share, declared once.
BenchmarkOption = Annotated[str, typer.Option("--benchmark", "-b", help="Fund to measure the discount against.")]
NegativeOption = Annotated[
    Negative,
    typer.Option(
        "--negative",
        "-n",
        help="Negative-earnings policy: 'exclude' drops loss-makers (iShares/FTSE Russell convention); "
        "'include' keeps them (aggregate earnings).",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: a table for people, csv or json for programs.")]
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output (atomically).")]
OfflineOption = Annotated[bool, typer.Option("--offline", help="Use only local data: the newest stored snapshot, else the bundled reference snapshot.")]
DataDirOption = Annotated[
    Optional[Path], typer.Option("--data-dir", envvar="SMALLCAP_SCREEN_DATA_DIR", help="Where snapshots are kept (default: the user data directory).")
]
CacheDirOption = Annotated[
    Optional[Path], typer.Option("--cache-dir", envvar="SMALLCAP_SCREEN_CACHE_DIR", help="Download cache folder (default: the user cache directory).")
]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"smallcap-screen {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Small-cap valuation screener: fund P/E computed bottom-up from full ETF holdings, and the
    small-cap discount versus the S&P 500."""


def _stderr(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)


@app.command()
def compare(
    funds: Annotated[List[str], typer.Argument(help="Fund tickers (see `smallcap-screen funds`) or paths to holdings files (iShares CSV, SSGA xlsx, or a CSV with ticker,weight columns).")],
    benchmark: BenchmarkOption = "SPY",
    negative: NegativeOption = Negative.exclude,
    output_format: FormatOption = Format.table,
    output: OutputOption = None,
    offline: OfflineOption = False,
    live: Annotated[bool, typer.Option("--live", help="Require live data: fail (exit 5) instead of falling back when the network is unreachable.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ignore cached downloads and quotes and fetch everything anew.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display and no summary on standard error.")] = False,
    data_dir: DataDirOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Compare funds' trailing and forward P/E and their discount to a benchmark.

    Live data is fetched (and cached) when the network is reachable; otherwise the newest stored
    snapshot or the bundled reference snapshot is used, and stderr says so.

    Examples:

      smallcap-screen compare IWM IJR IJS SPY

      smallcap-screen compare IWM SPY --negative include --format json -o iwm.json

      smallcap-screen compare my_portfolio.csv IWM --offline
    """
    if offline and live:
        raise typer.BadParameter("choose one of --offline and --live")
    _check_output(output)
    from . import render
    from .comparison import compare as run_compare
    from .store import Store

    store = Store.open(data_dir)
    summary: list[str] = []
    if offline:  # no cache, no fetch machinery to load
        result = run_compare(funds, benchmark=benchmark, negative=negative.value, data="offline", store=store)
    else:
        from .cache import Cache
        from .progress import LiveFetch

        with Cache(cache_dir, refresh=refresh) as cache:
            live_fetch = LiveFetch(cache, show=not quiet)
            result = run_compare(funds, benchmark=benchmark, negative=negative.value, data="live" if live else "auto", store=store, fetch=live_fetch)
        summary = live_fetch.summary()
    if not quiet:
        for note in [*summary, *result.notes]:
            _stderr(note)
    _emit(
        output_format,
        output,
        json=lambda: render.to_json(result),
        csv=lambda: render.to_csv(result),
        table=lambda plain, width: render.comparison_table(result, plain=plain, width=width),
    )


def _check_output(output: Optional[Path]) -> None:
    """Fail before any work when the output file cannot be created."""
    if output is not None and not output.parent.is_dir():
        from .errors import OutputError

        raise OutputError(f"cannot write {output}: folder {output.parent} does not exist; create it or choose another path")


def _emit(output_format: Format, output: Optional[Path], *, json: Callable[[], str], csv: Callable[[], str], table) -> None:
    """Write the result in the chosen format; ``table(plain, width)`` builds the Rich table."""
    if output_format is Format.table:
        _print_table(table, output)
    else:
        _write((json if output_format is Format.json else csv)(), output)


def _write(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .output import write_atomically

    write_atomically(output, text)


def _print_table(make_table, output: Optional[Path]) -> None:
    """Print the table ``make_table(plain, width)`` builds: styled on a terminal, plain when piped
    or NO_COLOR is set, and as plain text into ``output``."""
    from rich.console import Console

    if output is not None:
        console = Console(file=open(os.devnull, "w"), record=True, width=200, color_system=None)
        console.print(make_table(True, console.width))
        _write(console.export_text(), output)
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 200))  # piped: let lines run long rather than wrap
    console.print(make_table(not console.is_terminal or console.no_color, console.width))


@app.command()
def holdings(
    fund: Annotated[str, typer.Argument(help="A fund ticker or the path of a holdings file.")],
    negative: NegativeOption = Negative.exclude,
    top: Annotated[int, typer.Option("--top", help="Show the largest N holdings in the table (0: all). CSV and JSON always have all.")] = 25,
    output_format: FormatOption = Format.table,
    output: OutputOption = None,
    offline: OfflineOption = False,
    data_dir: DataDirOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Show every holding behind a fund's P/E: weight, price, EPS, P/E and whether it counted.

    Example: smallcap-screen holdings IWM --offline --top 10
    """
    from . import render
    from .cache import Cache
    from .comparison import breakdown
    from .progress import LiveFetch
    from .store import Store

    _check_output(output)
    with Cache(cache_dir) as cache:
        result = breakdown(fund, negative=negative.value, data="offline" if offline else "auto", store=Store.open(data_dir), fetch=LiveFetch(cache))
    for note in result.notes:
        _stderr(note)
    _emit(
        output_format,
        output,
        json=lambda: render.breakdown_json(result),
        csv=lambda: render.breakdown_csv(result),
        table=lambda plain, width: render.breakdown_table(result, top=top or None, plain=plain),
    )


@app.command()
def history(
    funds: Annotated[List[str], typer.Argument(help="Fund tickers or holdings-file paths.")],
    benchmark: BenchmarkOption = "SPY",
    negative: NegativeOption = Negative.exclude,
    output_format: FormatOption = Format.table,
    output: OutputOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Recompute the comparison on every stored snapshot: P/E and discount over time.

    Snapshots are kept by every live `compare`; a weekly cron job builds the series.

    Example: smallcap-screen history IWM IJR --negative include -f csv -o history.csv
    """
    from . import render
    from .comparison import RECORD_FIELDS
    from .comparison import history as run_history
    from .store import Store

    _check_output(output)
    store = Store.open(data_dir)
    records = run_history(funds, benchmark=benchmark, negative=negative.value, store=store)
    if not records:
        _stderr(f"no snapshots holding {', '.join(funds)} in {store.snapshots_dir}: live `compare` runs keep them")
    _emit(
        output_format,
        output,
        json=lambda: render.records_json(records),
        csv=lambda: render.records_csv(records, ["snapshot", *RECORD_FIELDS]),
        table=lambda plain, width: render.history_table(records, benchmark=benchmark.upper(), plain=plain),
    )


@app.command("import")
def import_finviz(
    finviz_csv: Annotated[Path, typer.Argument(help="A finviz screener export (CSV with Ticker, Price, P/E, Forward P/E, EPS (ttm) ...).")],
    holdings_files: Annotated[List[Path], typer.Option("--holdings", help="A holdings file to price (repeatable); by default the funds of the newest snapshot.")] = [],  # noqa: B006 - typer's spelling of an empty default
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date of the export's prices, YYYY-MM-DD (default: the file's date).")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Keep a snapshot priced by your own finviz export; `compare --offline` then uses it.

    Example: smallcap-screen import finviz.csv --holdings IWM_holdings.csv --as-of 2025-08-19
    """
    import datetime as dt

    from .comparison import offline_snapshot
    from .importing import snapshot_from_finviz
    from .store import Store

    try:
        date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"{as_of!r} is not a date like 2025-08-19", param_hint="--as-of") from None
    store = Store.open(data_dir)
    snapshot = snapshot_from_finviz(finviz_csv, holdings_files=holdings_files, base=offline_snapshot(store), as_of=date)
    path = store.save(snapshot)
    funds = ", ".join(f"{f} {len(h.equities)}" for f, h in snapshot.holdings.items())
    _stderr(f"kept {path.name}: {funds} holdings priced by {len(snapshot.fundamentals.table):,} stocks of {finviz_csv.name}")


@app.command()
def funds() -> None:
    """List the funds this tool can download, with issuer, index and role."""
    from rich.console import Console
    from rich.table import Table

    from .registry import FUNDS

    table = Table(title="Known funds")
    for header in ("Ticker", "Name", "Issuer", "Index", "Role"):
        table.add_column(header)
    for fund in FUNDS.values():
        table.add_row(fund.ticker, fund.name, fund.issuer, fund.index, fund.role)
    Console().print(table)


@app.command()
def snapshots(data_dir: DataDirOption = None) -> None:
    """List the snapshots kept in the local store, oldest first."""
    from .store import Store

    store = Store.open(data_dir)
    names = store.names()
    if not names:
        _stderr(f"no snapshots in {store.snapshots_dir} yet: `compare` saves one each time it gets live data")
        return
    for name in names:
        typer.echo(name)


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOption = None) -> None:
    """Show where the cache is and what it holds."""
    from .cache import Cache

    with Cache(cache_dir) as cache:
        info = cache.info()
    typer.echo(f"location: {info['location']}")
    for kind in ("holdings", "quotes"):
        entry = info[kind]
        span = f", {entry['oldest']:%Y-%m-%d %H:%M} .. {entry['newest']:%Y-%m-%d %H:%M}" if entry["oldest"] else ""
        typer.echo(f"{kind}: {entry['entries']} entries, {entry['bytes'] / 1024:.0f} KiB{span}")


@cache_app.command("clear")
def cache_clear(
    kind: Annotated[Optional[str], typer.Argument(help="'holdings' or 'quotes'; both when left out.")] = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Delete cached downloads (snapshots in the store are kept)."""
    from .cache import KINDS, Cache

    if kind is not None and kind not in KINDS:
        raise typer.BadParameter(f"expected one of {', '.join(KINDS)}", param_hint="KIND")
    with Cache(cache_dir) as cache:
        removed = cache.clear(kind)
    _stderr(f"removed {removed} cached {kind or 'entries'} from {cache.root}")


@reference_app.command("build")
def reference_build(
    raw_dir: Annotated[Path, typer.Argument(help="Folder with the raw downloads listed in smallcap_screen/reference.py.")],
    out: Annotated[Path, typer.Option("--out", help="Snapshot folder to (re)write.")] = Path("data/reference"),
    aliases: Annotated[Path, typer.Option("--aliases", help="Ticker alias table to (re)write from the fundamentals universe.")] = Path("data/ticker_aliases.csv"),
) -> None:
    """Rebuild the bundled reference snapshot and the ticker alias table from raw files."""
    import shutil

    from .output import write_atomically
    from .reference import build_reference, read_reference_fundamentals
    from .snapshot import write_snapshot
    from .tickers import build_alias_table

    universe = read_reference_fundamentals(raw_dir).table.index
    write_atomically(aliases, build_alias_table(universe).to_csv(index=False))
    snapshot = build_reference(raw_dir)
    if out.exists():
        shutil.rmtree(out)
    write_snapshot(snapshot, out)
    counts = ", ".join(f"{f} {len(h.equities)}" for f, h in snapshot.holdings.items())
    _stderr(f"wrote {out}: {counts} holdings; fundamentals for {len(snapshot.fundamentals.table)} stocks")


def main() -> None:
    """Entry point: run the app, turning every known error into one line and an exit code."""
    from .errors import ScreenError

    try:
        app()  # standalone mode: usage errors exit 2 and Ctrl-C exits 1 with "Aborted!"
    except ScreenError as exc:
        _stderr(f"error: {exc}")
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("SMALLCAP_SCREEN_DEBUG"):
            raise
        _stderr(f"internal error: {type(exc).__name__}: {exc} (set SMALLCAP_SCREEN_DEBUG=1 for a traceback, and please report it)")
        sys.exit(1)
