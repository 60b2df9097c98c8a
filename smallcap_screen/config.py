"""Settings from a TOML file: default funds, benchmark, policy, paths, cache lifetimes, coverage.

The file is ``config.toml`` in the platform's user config folder, or the one named by
``--config`` / ``SMALLCAP_SCREEN_CONFIG``. Every key is optional::

    funds = ["IWM", "IJR", "IJS", "SPY"]   # what `snapshot` takes when no fund is named
    benchmark = "SPY"
    negative = "exclude"                   # or "include"
    coverage_threshold = 0.9               # `compare` marks low coverage, `snapshot` exits 7, below it
    sec_user_agent = "Jane Doe jane@example.com"   # who asks the SEC (its fair-access rule)

    [paths]
    data_dir = "~/smallcap"                # the store goes here unless db is given
    db = "~/smallcap/snapshots.sqlite3"
    cache_dir = "~/.cache/smallcap-screen"

    [cache]
    holdings_hours = 24
    quotes_hours = 6

A value given on the command line wins over an environment variable, which wins over the file,
which wins over the built-in default; :meth:`Config.origin` says which one a value came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import DataError
from .vocabulary import COVERAGE_THRESHOLD, NEGATIVE_POLICIES

CONFIG_VARIABLE = "SMALLCAP_SCREEN_CONFIG"
CONFIG_NAME = "config.toml"


def _funds(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("a list of fund tickers like [\"IWM\", \"SPY\"]")
    return [v.strip().upper() for v in value]


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a non-empty string")
    return value.strip()


def _policy(value: Any) -> str:
    if value not in NEGATIVE_POLICIES:
        raise ValueError(f"one of {', '.join(NEGATIVE_POLICIES)}")
    return value


def _user_agent(value: Any) -> str:
    # The SEC's fair-access rule: "Sample Company Name AdminContact@samplecompany.com".
    text = _text(value)
    words = text.split()
    if len(words) < 2 or not any("@" in word.strip("<>") for word in words):
        raise ValueError('a name and an e-mail address, like "Jane Doe jane@example.com"')
    return text


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError("a number from 0 to 1")
    return float(value)


def _hours(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("a number of hours, 0 or more")
    return float(value)


def _path(value: Any) -> Path:
    return Path(_text(value)).expanduser()


@dataclass(frozen=True)
class Key:
    """One setting: where it sits in the file, its default, how it is checked, its environment variable."""

    name: str
    section: str | None
    default: Any
    check: Callable[[Any], Any]
    env: str | None = None
    help: str = ""


KEYS: dict[str, Key] = {
    k.name: k
    for k in [
        Key("funds", None, ["IWM", "IJR", "IJS", "SPY"], _funds, help="funds `snapshot` takes when none are named"),
        Key("benchmark", None, "SPY", _text, help="fund the discount is measured against"),
        Key("negative", None, "exclude", _policy, help="negative-earnings policy"),
        Key("coverage_threshold", None, COVERAGE_THRESHOLD, _fraction, help="`compare` marks a P/E low coverage and `snapshot` is partial (exit 7) below this coverage"),
        Key("sec_user_agent", None, None, _user_agent, "SMALLCAP_SCREEN_SEC_USER_AGENT", "who asks the SEC for filings (\"Name email\"), sent as the User-Agent its fair-access rule requires"),
        Key("data_dir", "paths", None, _path, "SMALLCAP_SCREEN_DATA_DIR", "folder of the store (default: the user data folder)"),
        Key("db", "paths", None, _path, "SMALLCAP_SCREEN_DB", "the store's database file (default: snapshots.sqlite3 in data_dir)"),
        Key("cache_dir", "paths", None, _path, "SMALLCAP_SCREEN_CACHE_DIR", "download cache folder (default: the user cache folder)"),
        Key("holdings_hours", "cache", 24.0, _hours, help="how long downloaded holdings are reused"),
        Key("quotes_hours", "cache", 6.0, _hours, help="how long quotes are reused"),
    ]
}


@dataclass(frozen=True)
class Config:
    """Effective settings: ``values[key]`` and where each came from (``origins[key]``)."""

    path: Path
    found: bool
    values: dict[str, Any]
    origins: dict[str, str]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def origin(self, key: str) -> str:
        return self.origins[key]

    def pick(self, key: str, given: Any) -> Any:
        """``given`` (a command-line value) when it is not None, else the effective setting."""
        return given if given is not None else self.values[key]


def default_config_path() -> Path:
    configured = os.environ.get(CONFIG_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("smallcap-screen", appauthor=False)) / CONFIG_NAME


def load_config(path: Path | str | None = None) -> Config:
    """Read the config file (``path``, else ``SMALLCAP_SCREEN_CONFIG``, else the default place).

    A file named explicitly must exist; the default one may be absent. A malformed file or a bad
    value raises DataError naming the file and the key.
    """
    explicit = path is not None or bool(os.environ.get(CONFIG_VARIABLE))
    path = Path(path).expanduser() if path is not None else default_config_path()
    content: dict = {}
    found = path.is_file()
    if found:
        content = _read_toml(path)
    elif explicit:
        raise DataError(f"config file {path} does not exist; create it or drop --config / {CONFIG_VARIABLE}")
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    sections = {k.section for k in KEYS.values() if k.section}
    for name in content:
        if name not in KEYS and name not in sections:
            raise DataError(f"config file {path}: unknown key {name!r}; known keys are {', '.join(KEYS)}")
    for section in sections:
        table = content.get(section, {})
        if not isinstance(table, dict):
            raise DataError(f"config file {path}: [{section}] must be a table")
        for name in table:
            if name not in KEYS or KEYS[name].section != section:
                raise DataError(f"config file {path}: unknown key {name!r} in [{section}]")
    for key in KEYS.values():
        table = content.get(key.section, {}) if key.section else content
        if key.env and os.environ.get(key.env):
            try:
                values[key.name] = key.check(os.environ[key.env])
            except ValueError as exc:
                raise DataError(f"environment variable {key.env} must be {exc}") from None
            origins[key.name] = f"environment {key.env}"
        elif key.name in table:
            try:
                values[key.name] = key.check(table[key.name])
            except ValueError as exc:
                where = f"[{key.section}] " if key.section else ""
                raise DataError(f"config file {path}: {where}{key.name} must be {exc}") from None
            origins[key.name] = f"config file {path}"
        else:
            values[key.name], origins[key.name] = key.default, "default"
    return Config(path, found, values, origins)


def _read_toml(path: Path) -> dict:
    """The file's TOML, read like every input file (:mod:`.sources.input_bounds`): a regular file
    of bounded size, UTF-16/32 with a byte-order mark decoded; DataError for anything unreadable."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    from .sources.input_bounds import bounded_text, read_regular_file

    what = f"config file {path}"
    content = bounded_text(read_regular_file(path, "config file"), what)
    try:
        return tomllib.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError(f"{what} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{what} is not valid TOML ({exc}); fix it or remove it") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise DataError(f"{what} nests arrays or tables too deeply to be read; settings are never nested, fix it or remove it") from None
