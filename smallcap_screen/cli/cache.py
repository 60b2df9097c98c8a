"""``smallcap-screen cache info|clear``: the download cache."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .app import app
from .environment import Environment
from .options import CacheDirOption, with_environment

cache_app = typer.Typer(
    help="Inspect or empty the download cache (holdings: 1 day, quotes: 6 hours, SEC answers: as each use allows).\n\n"
    "Examples: smallcap-screen cache info; smallcap-screen cache clear quotes",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
@with_environment()
def cache_info(env: Environment, cache_dir: CacheDirOption = None) -> None:
    """Show where the cache is and what it holds.

    Example: smallcap-screen cache info
    """
    from ..cache import KINDS

    with env.open_cache(cache_dir) as cache:
        info = cache.info()
    env.stdout.write(f"location: {info['location']}\n")
    for kind in KINDS:
        entry = info[kind]
        span = f", {entry['oldest']:%Y-%m-%d %H:%M} .. {entry['newest']:%Y-%m-%d %H:%M}" if entry["oldest"] else ""
        env.stdout.write(f"{kind}: {entry['entries']} entries, {entry['bytes'] / 1024:.0f} KiB{span}\n")


@cache_app.command("clear")
@with_environment()
def cache_clear(
    env: Environment,
    kind: Annotated[Optional[str], typer.Argument(help="'holdings', 'quotes' or 'sec'; all when left out.")] = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Delete cached downloads (snapshots in the store are kept).

    Example: smallcap-screen cache clear quotes
    """
    from ..cache import KINDS

    if kind is not None and kind not in KINDS:
        raise typer.BadParameter(f"expected one of {', '.join(KINDS)}", param_hint="KIND")
    with env.open_cache(cache_dir) as cache:
        removed = cache.clear(kind)
    env.say(f"removed {removed} cached {kind or 'entries'} from {cache.root}")
