"""Options several commands share, declared once; their choices come from ``vocabulary``.

Bundles keep every command alike: :class:`StoreOptions` (which store) for every command that
reads or writes snapshots, :class:`DataOptions` (which data, which store and cache) and
:class:`MethodOptions` (how figures are computed) for every command that values funds.
:func:`with_environment` gives a command its bundles and the run's
:class:`~smallcap_screen.cli.environment.Environment`.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, List, Optional

import typer

from ..vocabulary import FORWARDS, NEGATIVE_POLICIES, OUTPUT_FORMATS, WEIGHTINGS
from .environment import environment_of

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
    typer.Option(
        "--forward",
        help="Forward horizon: 'fy2' next fiscal year's consensus; 'fy1' the current fiscal year's (where the source has it); "
        "'ntm' the next twelve months, FY1 and FY2 blended by each company's fiscal calendar (live: one more request per stock, cached 90 days).",
    ),
]
def _not_nan(value: Optional[float]) -> Optional[float]:
    """A range check lets NaN through (every comparison with it is false): refused here."""
    if value is not None and value != value:
        raise typer.BadParameter("nan is not a number from 0 to 1")
    return value


MinCoverageOption = Annotated[
    Optional[float],
    typer.Option(
        "--min-coverage",
        min=0.0,
        max=1.0,
        callback=_not_nan,
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


@dataclasses.dataclass(frozen=True)
class MethodOptions:
    """How every command that values funds computes its figures: the negative-earnings policy,
    the weighting and the forward horizon (the benchmark and the coverage threshold are options
    of the commands that use them)."""

    negative: NegativeOption = None
    weighting: WeightingOption = Weighting.price_date
    forward: ForwardOption = ForwardHorizon.fy2


@dataclasses.dataclass(frozen=True)
class StoreOptions:
    """Which store: --db (or SMALLCAP_SCREEN_DB), else --data-dir, else the config's paths."""

    data_dir: DataDirOption = None
    db: DbOption = None


@dataclasses.dataclass(frozen=True)
class DataOptions:
    """Which data a command values funds with (--offline, --live, else live with a fallback),
    what it says while fetching, and the store and download cache it uses."""

    offline: OfflineOption = False
    live: LiveOption = False
    refresh: RefreshOption = False
    quiet: QuietOption = False
    data_dir: DataDirOption = None
    db: DbOption = None
    cache_dir: CacheDirOption = None

    @property
    def mode(self) -> str:
        """The API's ``data`` argument (a usage error when both --offline and --live are given)."""
        if self.offline and self.live:
            raise typer.BadParameter("choose one of --offline and --live")
        return "offline" if self.offline else "live" if self.live else "auto"


def with_environment(*bundles: type) -> Callable[[Callable], Callable]:
    """Make ``command(env, ..., options: Bundle, ...)`` a Typer command: it is called with the
    run's Environment first and each of ``bundles``' options gathered into the parameter annotated
    with that bundle; Typer sees the bundles' fields as options of the command, after its own."""

    def decorate(command: Callable) -> Callable:
        own = list(inspect.signature(command).parameters.values())
        if not own or own[0].name != "env":
            raise TypeError(f"{command.__name__} must take the environment as its first parameter, env")
        hints = typing.get_type_hints(command, include_extras=True)
        gathered: dict[str, type] = {}  # parameter name -> its bundle
        for bundle in bundles:
            name = next((p.name for p in own if hints.get(p.name) is bundle), None)
            if name is None:
                raise TypeError(f"{command.__name__} must take a parameter annotated {bundle.__name__}")
            gathered[name] = bundle
        # The command's own typer.Context parameter, if it has one, carries the environment too.
        declared = next((p.name for p in own[1:] if hints.get(p.name) is typer.Context), None)
        context = declared or "ctx"
        keyword = inspect.Parameter.KEYWORD_ONLY
        parameters = [inspect.Parameter(context, keyword, annotation=typer.Context)]
        parameters += [p.replace(kind=keyword, annotation=hints[p.name]) for p in own[1:] if p.name not in (*gathered, context)]
        for bundle in gathered.values():
            bundle_hints = typing.get_type_hints(bundle, include_extras=True)
            parameters += [inspect.Parameter(f.name, keyword, default=f.default, annotation=bundle_hints[f.name]) for f in dataclasses.fields(bundle)]

        @functools.wraps(command)
        def run(**values):
            ctx = values[context] if declared else values.pop(context)
            for name, bundle in gathered.items():
                values[name] = bundle(**{f.name: values.pop(f.name) for f in dataclasses.fields(bundle)})
            return command(environment_of(ctx), **values)

        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def parse_date(text: Optional[str], option: str):
    """A YYYY-MM-DD option value as a date (None stays None); anything else is a usage error."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2025-08-19", param_hint=option) from None
