"""Options several commands share, declared once; their choices come from ``vocabulary``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..vocabulary import FORWARDS, NEGATIVE_POLICIES, OUTPUT_FORMATS, WEIGHTINGS

Negative = Enum("Negative", [(p, p) for p in NEGATIVE_POLICIES], type=str)
Format = Enum("Format", [(f, f) for f in OUTPUT_FORMATS], type=str)
Weighting = Enum("Weighting", [(w.replace("-", "_"), w) for w in WEIGHTINGS], type=str)
ForwardHorizon = Enum("ForwardHorizon", [(f, f) for f in FORWARDS], type=str)

BenchmarkOption = Annotated[
    Optional[str],
    typer.Option("--benchmark", "-b", help="Fund to measure the discount against: a ticker or a holdings file. Default: from the config, else SPY.", show_default=False),
]
NegativeOption = Annotated[
    Optional[Negative],
    typer.Option(
        "--negative",
        "-n",
        help="Negative-earnings policy: 'exclude' drops loss-makers (iShares/FTSE Russell convention); "
        "'include' keeps them (aggregate earnings). Default: from the config, else exclude.",
        show_default=False,
    ),
]
WeightingOption = Annotated[
    Weighting,
    typer.Option(
        "--weighting",
        "-w",
        help="'price-date': shares held x price on the price date (where the issuer gives share counts); "
        "'holdings-date': the issuer's weights, of the holdings file's date.",
    ),
]
ForwardOption = Annotated[
    ForwardHorizon,
    typer.Option("--forward", help="Forward horizon: 'fy2' next fiscal year's consensus; 'fy1' the current fiscal year's (where the source has it)."),
]
MinCoverageOption = Annotated[
    Optional[float],
    typer.Option(
        "--min-coverage",
        min=0.0,
        max=1.0,
        help="Mark a P/E 'low coverage' when less than this fraction of the fund's weight has price and EPS (0-1). "
        "Default: the config's coverage_threshold, else 0.9.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Optional[Format],
    typer.Option(
        "--format",
        "-f",
        help="table for people; csv or json for programs. Default: from the --output file's extension, else table.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of standard output; '-' is standard output."),
]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use only local data: the newest stored snapshot, else the bundled reference snapshot.")
]
LiveOption = Annotated[
    bool, typer.Option("--live", help="Require live data: fail (exit 5) instead of falling back when the network is unreachable.")
]
RefreshOption = Annotated[bool, typer.Option("--refresh", help="Ignore cached downloads and quotes and fetch everything anew.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display and no summary on standard error (warnings still show).")]
DataDirOption = Annotated[
    Optional[Path],
    typer.Option("--data-dir", envvar="SMALLCAP_SCREEN_DATA_DIR", help="Where snapshots are kept (default: the user data directory)."),
]
ConfiguredFundsArgument = Annotated[
    Optional[List[str]],
    typer.Argument(metavar="[FUND]...", help="Fund tickers (default: the config's funds, else IWM IJR IJS SPY).", show_default=False),
]
DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="SMALLCAP_SCREEN_DB", help="The store's database file (default: snapshots.sqlite3 in the data directory)."),
]
CacheDirOption = Annotated[
    Optional[Path],
    typer.Option("--cache-dir", envvar="SMALLCAP_SCREEN_CACHE_DIR", help="Download cache folder (default: the user cache directory)."),
]


def data_mode(offline: bool, live: bool) -> str:
    """The API's ``data`` argument from the --offline/--live flags (a usage error when both)."""
    if offline and live:
        raise typer.BadParameter("choose one of --offline and --live")
    return "offline" if offline else "live" if live else "auto"


def parse_date(text: Optional[str], option: str):
    """A YYYY-MM-DD option value as a date (None stays None); anything else is a usage error."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2025-08-19", param_hint=option) from None
