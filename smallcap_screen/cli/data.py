"""Running an API call on the data the user chose: --offline, --live or live with a fallback,
through the download cache, with the progress display, and the notes said on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional, TypeVar

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
) -> T:
    """``call(data=..., store=..., fetch=...)`` with the data options resolved; then ``notes(result)``
    and the fetch summary on stderr unless ``quiet``."""
    mode = data_mode(offline, live)
    from ..store import Store

    store = Store.open(data_dir)
    summary: list[str] = []
    if mode == "offline":  # no cache, no fetch machinery to load
        result = call(data=mode, store=store)
    else:
        from ..cache import Cache
        from ..progress import LiveFetch

        with Cache(cache_dir, refresh=refresh) as cache:
            live_fetch = LiveFetch(cache, show=not quiet)
            interrupt_note.append(live_fetch.kept)
            result = call(data=mode, store=store, fetch=live_fetch)
        summary = live_fetch.summary()
    if not quiet:
        for note in [*summary, *notes(result)]:
            stderr(note)
    return result
