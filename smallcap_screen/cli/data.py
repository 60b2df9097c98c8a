"""Running an API call on the data the user chose: --offline, --live or live with a fallback,
through the download cache and the store the options (or the config) name, with the progress
display, and what it has to say on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional, TypeVar

from . import context
from .app import interrupt_note
from .emit import stderr
from .options import data_mode

T = TypeVar("T")


def on_chosen_data(
    call: Callable[..., T],
    *,
    offline: bool,
    live: bool,
    refresh: bool,
    quiet: bool,
    data_dir: Optional[Path],
    cache_dir: Optional[Path],
    notes: Callable[[T], list[str]],
    warnings: Callable[[T], list[str]] = lambda result: [],
    db: Optional[Path] = None,
) -> T:
    """``call(data=..., store=..., fetch=...)`` with the data options resolved; then on stderr
    ``warnings(result)`` (always: the data is not what was asked for) and, unless ``quiet``, the
    fetch summary and ``notes(result)``."""
    mode = data_mode(offline, live)
    summary: list[str] = []
    with context.open_store(db, data_dir) as store:
        if mode == "offline":  # no cache, no fetch machinery to load
            result = call(data=mode, store=store)
        else:
            from ..progress import LiveFetch

            with context.open_cache(cache_dir, refresh=refresh) as cache:
                live_fetch = LiveFetch(cache, show=not quiet)
                interrupt_note.append(live_fetch.kept)
                result = call(data=mode, store=store, fetch=live_fetch)
            summary = live_fetch.summary()
        store_notes = store.notes
    for warning in [*store_notes, *warnings(result)]:
        stderr(warning)
    if not quiet:
        for note in [*summary, *notes(result)]:
            stderr(note)
    return result
