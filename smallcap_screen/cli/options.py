"""Options several commands share, declared once; their choices come from ``vocabulary``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..vocabulary import NEGATIVE_POLICIES, OUTPUT_FORMATS

Negative = Enum("Negative", [(p, p) for p in NEGATIVE_POLICIES], type=str)
Format = Enum("Format", [(f, f) for f in OUTPUT_FORMATS], type=str)

BenchmarkOption = Annotated[
    str, typer.Option("--benchmark", "-b", help="Fund to measure the discount against: a ticker or a holdings file.")
]
NegativeOption = Annotated[
    Negative,
    typer.Option(
        "--negative",
        "-n",
        help="Negative-earnings policy: 'exclude' drops loss-makers (iShares/FTSE Russell convention); "
        "'include' keeps them (aggregate earnings).",
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
CacheDirOption = Annotated[
    Optional[Path],
    typer.Option("--cache-dir", envvar="SMALLCAP_SCREEN_CACHE_DIR", help="Download cache folder (default: the user cache directory)."),
]


def data_mode(offline: bool, live: bool) -> str:
    """The API's ``data`` argument from the --offline/--live flags (a usage error when both)."""
    if offline and live:
        raise typer.BadParameter("choose one of --offline and --live")
    return "offline" if offline else "live" if live else "auto"
