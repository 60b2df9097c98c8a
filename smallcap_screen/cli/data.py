"""Running an API call with the method and on the data the user chose: --offline, --live or live
with a fallback, through the download cache and the store the options (or the config) name, with
the progress display, and what the result's provenance has to say on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Optional, TypeVar

if TYPE_CHECKING:
    from ..method import Method
    from .environment import Environment
    from .options import DataOptions, MethodOptions

T = TypeVar("T")


def method_of(env: "Environment", options: Optional["MethodOptions"] = None, benchmark: Optional[str] = None, min_coverage: Optional[float] = None) -> "Method":
    """The Method of a command's options (None: not given, or not options of that command), the
    config filling the benchmark, negative-earnings policy and coverage threshold not given."""
    from ..method import Method
    from .options import MethodOptions

    options = options or MethodOptions()
    return Method(
        negative=env.negative_policy(options.negative), weighting=options.weighting.value, forward=options.forward.value,
        benchmark=env.benchmark(benchmark), coverage_threshold=env.coverage_threshold(min_coverage),
    )


def fund_error(env: "Environment", missing: Iterable[str]) -> Optional[Exception]:
    """The error of the first of the ``missing`` funds (no figures) that is outside the fund table
    and whose N-PORT holdings the live fetch could not get (no such fund: exit 4; no usable report:
    3; no sec_user_agent: 2), for the command to raise once the other funds' figures are out."""
    from ..registry import registry

    return next((env.fund_errors[f] for f in missing if f in env.fund_errors and not registry().knows(f)), None)


def left_out_error(env: "Environment", missing: dict[str, str]) -> Optional[Exception]:
    """The error for the funds a result left out (fund -> why) because the live fetch could not get
    their holdings: the first one's own (as :func:`fund_error`), else a DataError naming them all;
    None when none was left out. For the command to raise once the other funds' output is out."""
    if not missing:
        return None
    from ..errors import DataError

    return fund_error(env, missing) or DataError("; ".join(f"{fund}: {why}" for fund, why in missing.items()))


def on_chosen_data(
    env: "Environment",
    options: "DataOptions",
    call: Callable[..., T],
) -> T:
    """``call(data=..., store=..., fetch=...)`` with the data options resolved; then on stderr
    what the result's provenance says: damaged snapshots passed over and warnings (always: the
    data is not what was asked for) and, unless ``quiet``, the fetch summary and the notes."""
    import warnings

    from ..errors import MissingHoldingsError
    from ..method import FallbackWarning

    mode = options.mode
    summary: list[str] = []
    with env.open_store(options) as store, warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)  # said below from the provenance, in the CLI's own words
        if mode == "offline":  # no cache, no fetch machinery to load
            result = call(data=mode, store=store)
        else:
            from ..progress import LiveFetch

            with env.open_cache(options.cache_dir, refresh=options.refresh) as cache:
                live_fetch = LiveFetch(cache, show=not options.quiet, stream=env.stderr, sec_user_agent=env.settings()["sec_user_agent"] or "")
                env.interrupt_notes.append(live_fetch.kept)
                try:
                    try:
                        result = call(data=mode, store=store, fetch=live_fetch)
                    finally:
                        env.fund_errors = dict(live_fetch.report.errors) if live_fetch.report else {}
                except MissingHoldingsError as error:  # nothing to show without them: a fund's own error says why
                    raise fund_error(env, error.funds) or error from None
            summary = live_fetch.summary()
        store_notes = store.notes
    provenance = result.provenance
    for warning in [*store_notes, *provenance.damaged, *provenance.warnings]:
        env.say(warning)
    if not options.quiet:
        for note in [*summary, *provenance.notes]:
            env.say(note)
    return result
