"""``smallcap-screen snapshot``: fetch live data and keep it in the store, for a cron job."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ExitCode
from .app import app
from .data import method_of
from .environment import Environment
from .options import BenchmarkOption, CacheDirOption, ConfiguredFundsArgument, QuietOption, RefreshOption, StoreOptions, with_environment


@app.command()
@with_environment(StoreOptions)
def snapshot(
    env: Environment,
    funds: ConfiguredFundsArgument = None,
    benchmark: BenchmarkOption = None,
    log: Annotated[Optional[Path], typer.Option("--log", help="Append one line per run to this file (time, exit code, what was kept or why not).")] = None,
    quiet: QuietOption = False,
    refresh: RefreshOption = False,
    cache_dir: CacheDirOption = None,
    *,
    store_options: StoreOptions,
) -> None:
    """Fetch live holdings and prices, compute every fund's figures, and keep both in the store.

    Made for cron: everything is recorded in one transaction (a killed run leaves the store as it
    was), a re-run on the same data date replaces rather than duplicates, identical data is not
    stored twice, and fallback data is never recorded. It brings the store up to date first
    (schema, snapshot folders of earlier versions), saying so once. Exit 0: every fund live with full coverage;
    7: partial (a fund failed or coverage under the threshold; what was fetched is kept and the
    failure named on stderr); 5: network unreachable (nothing kept). --quiet silences progress
    and the summary, never a warning or an error.

    Examples:

      smallcap-screen snapshot

      smallcap-screen snapshot IWM IJR SPY --quiet --log ~/smallcap.log
    """
    import datetime as dt

    from ..errors import ScreenError

    started = dt.datetime.now(dt.timezone.utc)
    names = [f.upper() for f in funds] if funds else env.settings()["funds"]
    try:
        line, code = _run(env, names, benchmark, quiet, refresh, store_options, cache_dir)
    except ScreenError as exc:
        _log(env, log, started, exc.exit_code, f"nothing kept: {exc}")
        raise
    except KeyboardInterrupt:
        _log(env, log, started, ExitCode.INTERRUPTED, "interrupted: nothing kept")
        raise
    _log(env, log, started, code, line)
    if code != ExitCode.OK:
        raise typer.Exit(code)


def _run(env: Environment, names: list[str], benchmark: Optional[str], quiet: bool, refresh: bool, store_options: StoreOptions, cache_dir) -> tuple[str, ExitCode]:
    """Take the snapshot; say what happened; return the log line and the exit code."""
    from ..api.keep import take_snapshot
    from ..progress import LiveFetch

    method = method_of(env, benchmark=benchmark)
    threshold = method.coverage_threshold
    with env.open_store(store_options) as store, env.open_cache(cache_dir, refresh=refresh) as cache:
        live_fetch = LiveFetch(cache, show=not quiet, stream=env.stderr, sec_user_agent=env.settings()["sec_user_agent"] or "")
        run = take_snapshot(names, method, store=store, fetch=live_fetch)
    for note in run.migrated:  # once, after an upgrade: said even with --quiet
        env.say(note)
    if not quiet:
        for note in live_fetch.summary():
            env.say(note)
    problems = [f"{fund}: live download failed ({reason}); not kept" for fund, reason in run.failed.items()]
    problems += [f"{fund}: coverage {coverage:.1%} is under the threshold of {threshold:.0%}" for fund, coverage in run.low_coverage.items()]
    for line in [*run.provenance.warnings, *problems]:
        env.say(f"warning: {line}")
    if run.saved is None:
        return "; ".join(run.provenance.warnings), ExitCode.PARTIAL
    kept = ", ".join(r.fund for r in run.comparison.rows)
    day = run.comparison.provenance.as_of_prices
    if run.saved.status == "unchanged":
        said = f"unchanged: the data is identical to snapshot {run.saved.snapshot_id} of {day} ({kept})"
    else:
        replaced = f", replacing snapshot(s) {', '.join(map(str, run.saved.replaced))} of the same date" if run.saved.replaced else ""
        said = f"kept snapshot {run.saved.snapshot_id} of {day} ({kept}){replaced}"
    if not quiet:
        env.say(said)
    code = ExitCode.OK if run.complete else ExitCode.PARTIAL
    return "; ".join([said, *problems]), code


def _log(env: Environment, path: Optional[Path], started, code: int, text: str) -> None:
    """Append one line to --log; a log that cannot be written is a warning, not a failed run."""
    if path is None:
        return
    line = f"{started:%Y-%m-%dT%H:%M:%SZ} exit={int(code)} {' '.join(text.split())}\n"
    try:
        with open(path.expanduser(), "a", encoding="utf-8") as file:
            file.write(line)
    except OSError as exc:
        env.say(f"warning: cannot append to the log {path}: {exc.strerror}")
