"""What the commands share beyond options: the effective config, and the store and cache it names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from ..cache import Cache
    from ..config import Config
    from ..store import Store

#: ``--config`` as given to the app (None: SMALLCAP_SCREEN_CONFIG, else the default place).
config_path: Optional[Path] = None
_loaded: list["Config"] = []


def settings() -> "Config":
    """The effective config, read once per run."""
    if not _loaded:
        from ..config import load_config

        _loaded.append(load_config(config_path))
    return _loaded[0]


def open_store(db: Optional[Path], data_dir: Optional[Path]) -> "Store":
    """The store named by --db, else --data-dir, else the config's paths, else the default place."""
    from ..store import Store

    config = settings()
    if db is not None:
        return Store.open(db)
    if data_dir is not None:
        return Store.open(data_dir=data_dir)
    return Store.open(config["db"], data_dir=config["data_dir"])


def open_cache(cache_dir: Optional[Path], *, refresh: bool = False) -> "Cache":
    """The download cache at --cache-dir, else the config's, with the config's lifetimes."""
    import datetime as dt

    from ..cache import Cache

    config = settings()
    return Cache(
        cache_dir or config["cache_dir"],
        refresh=refresh,
        holdings_ttl=dt.timedelta(hours=config["holdings_hours"]),
        quotes_ttl=dt.timedelta(hours=config["quotes_hours"]),
    )


def negative_policy(given) -> str:
    """--negative when given, else the config's policy."""
    return given.value if given is not None else settings()["negative"]


def benchmark(given: Optional[str]) -> str:
    """--benchmark when given, else the config's benchmark."""
    return settings().pick("benchmark", given)


def coverage_threshold(given: Optional[float]) -> float:
    """--min-coverage when given, else the config's coverage threshold."""
    return settings().pick("coverage_threshold", given)
