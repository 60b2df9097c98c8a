"""Running an API call on the data the user chose: --offline, --live or live with a fallback,
through the download cache and the store the options (or the config) name, with the progress
display, and what it has to say on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:
    from .environment import Environment
    from .options import DataOptions

T = TypeVar("T")


def on_chosen_data(
    env: "Environment",
    options: "DataOptions",
    call: Callable[..., T],
    *,
    notes: Callable[[T], list[str]],
    warnings: Callable[[T], list[str]] = lambda result: [],
) -> T:
    """``call(data=..., store=..., fetch=...)`` with the data options resolved; then on stderr
    ``warnings(result)`` (always: the data is not what was asked for) and, unless ``quiet``, the
    fetch summary and ``notes(result)``."""
    mode = options.mode
    summary: list[str] = []
    with env.open_store(options) as store:
        if mode == "offline":  # no cache, no fetch machinery to load
            result = call(data=mode, store=store)
        else:
            from ..progress import LiveFetch

            with env.open_cache(options.cache_dir, refresh=options.refresh) as cache:
                live_fetch = LiveFetch(cache, show=not options.quiet, stream=env.stderr, sec_user_agent=env.settings()["sec_user_agent"])
                env.interrupt_notes.append(live_fetch.kept)
                result = call(data=mode, store=store, fetch=live_fetch)
            summary = live_fetch.summary()
        store_notes = store.notes
    for warning in [*store_notes, *warnings(result)]:
        env.say(warning)
    if not options.quiet:
        for note in [*summary, *notes(result)]:
            env.say(note)
    return result
