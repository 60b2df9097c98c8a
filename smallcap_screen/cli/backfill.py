"""``smallcap-screen backfill``: past snapshots from dated issuer files and SEC filings."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from ..errors import ExitCode
from ..vocabulary import BACKFILL_PERIODS
from .app import app
from .environment import Environment
from .options import BenchmarkOption, CacheDirOption, ConfiguredFundsArgument, QuietOption, StoreOptions, parse_date, with_environment

Every = Enum("Every", [(p, p) for p in BACKFILL_PERIODS], type=str)


@app.command()
@with_environment(StoreOptions)
def backfill(
    env: Environment,
    funds: ConfiguredFundsArgument = None,
    since: Annotated[str, typer.Option("--since", help="First date to rebuild, YYYY-MM-DD.", show_default=False)] = ...,
    until: Annotated[Optional[str], typer.Option("--until", help="Last date to rebuild, YYYY-MM-DD (default: today).")] = None,
    every: Annotated[Every, typer.Option("--every", help="One snapshot per day, week or month, on its last business day.")] = Every.week,
    benchmark: BenchmarkOption = None,
    quiet: QuietOption = False,
    cache_dir: CacheDirOption = None,
    *,
    store_options: StoreOptions,
) -> None:
    """Rebuild past snapshots from primary dated sources, so that `history` has years behind today.

    For the last business day of each period from --since to --until: each fund's iShares holdings
    file of that day (its own weights and unadjusted prices; a day without a file steps back up to
    3 business days, then is recorded as a gap) and each holding's trailing twelve-month GAAP EPS
    as filed with the SEC by that day. Each date becomes one snapshot (origin "backfill") with its
    figures. Funds whose issuer keeps no past files take the iShares fund of the same index: SPY
    (and VOO) → IVV, the S&P 500 for the discount. A re-run fetches only what is missing; a live
    snapshot of the same date is never written over; Ctrl-C or a kill leaves whole snapshots only.

    The SEC asks every client to say who it is: set sec_user_agent = "Name email" in the config
    file or SMALLCAP_SCREEN_SEC_USER_AGENT (without it nothing is sent; exit 2). Exit 0: done (gaps
    are recorded, not errors); 7: some downloads failed (named; the next run tries them again);
    5: a host unreachable or the SEC refusing.

    Examples:

      smallcap-screen backfill IWM IJR IJS IVV --since 2019-01-01 --every month

      smallcap-screen backfill --since 2016-01-01            # the config's funds, weekly

      SMALLCAP_SCREEN_SEC_USER_AGENT="Jane Doe jane@example.com" smallcap-screen backfill IWM --since 2024-01-01 --until 2024-12-31
    """
    from ..sources.sec.client import sec_user_agent

    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    user_agent = sec_user_agent(env.settings())  # before anything is opened or asked
    names = [f.upper() for f in funds] if funds else env.settings()["funds"]
    run = _run(env, names, first, last, every.value, env.benchmark(benchmark), quiet, store_options, cache_dir, user_agent)
    for note in [] if quiet else run.provenance.notes:
        env.say(note)
    for warning in run.provenance.warnings:
        env.say(f"warning: {warning}")
    if not quiet:
        env.say(run.summary())
    if not run.complete:
        raise typer.Exit(ExitCode.PARTIAL)


def _run(env: Environment, names, first, last, every, benchmark, quiet, store_options, cache_dir, user_agent):
    from ..api.backfill import Progress, backfill as run_backfill
    from ..cache import default_cache_dir

    cache = cache_dir or env.settings()["cache_dir"] or default_cache_dir()
    note = None if quiet else env.say
    with env.open_store(store_options) as store:
        for line in store.notes:
            env.say(line)
        options = dict(store=store, user_agent=user_agent, since=first, until=last, every=every, benchmark=benchmark, cache_dir=cache)
        if quiet or not env.stderr_isatty:
            return run_backfill(names, progress=Progress(note=note), **options)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bars, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        with Bars(TextColumn("dates"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=Console(file=env.stderr), transient=True) as bars:
            task = bars.add_task("dates", total=None)
            return run_backfill(names, progress=Progress(lambda done, total: bars.update(task, completed=done, total=total), note), **options)
