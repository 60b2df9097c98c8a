"""What every issuer module provides: the small protocol behind downloads and file parsing.

An issuer is a module of this package (named by the ``issuer`` column of the fund table) with:

- ``NAME`` (the fund table's spelling, ``"ishares"``), ``LABEL`` (``"iShares"``), ``HOME`` (the
  site's base URL) and ``FORMAT`` (what its download is: ``"CSV"``, ``"xlsx"``, ``"JSON"``);
- ``download(fund, client, base_url, as_of)`` → :class:`Downloaded`: the holdings file through the
  shared :class:`~smallcap_screen.sources.http.HttpClient` (one GET, a GET per page, or a page
  lookup and a GET), raising DataError/HtmlAnswerError/NetworkError with a one-line reason;
- ``recognises(content)`` → bool: whether a body or file is this issuer's, judged by content;
- ``parse(content, fund=None, source="")`` → :class:`~smallcap_screen.model.Holdings`; ``fund``
  overrides the fund the file names.

A test, or a user's own issuer, may live outside the package: a dotted ``issuer`` value is the
full module path.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ...errors import DataError, NetworkError

if TYPE_CHECKING:
    from ...model import Holdings
    from ...registry import Fund
    from ..http import HttpClient


class NoFileThatDay(DataError):
    """The issuer has no holdings file for the day asked (iShares answers its empty template,
    ``Fund Holdings as of,"-"``, with HTTP 200): a holiday, or a day it skipped."""


@dataclass(frozen=True)
class Downloaded:
    """A holdings file as downloaded: the body and the address it finally came from."""

    body: bytes
    url: str


class Issuer(Protocol):
    NAME: str
    LABEL: str
    HOME: str
    FORMAT: str

    def download(self, fund: "Fund", client: "HttpClient", base_url: str, as_of: dt.date | None) -> Downloaded: ...

    def recognises(self, content: bytes) -> bool: ...

    def parse(self, content: bytes, *, fund: str | None = None, source: str = "") -> "Holdings": ...


def issuer_module_name(name: str) -> str:
    return name if "." in name else f"{__package__}.{name}"


def load_issuer(name: str) -> Issuer:
    """The issuer module called ``name``; DataError (one line) when there is none."""
    module_name = issuer_module_name(name)
    try:
        return importlib.import_module(module_name)  # type: ignore[return-value]
    except ModuleNotFoundError as error:
        if error.name is None or not module_name.startswith(error.name):
            raise  # a module the issuer itself needs is missing: a real bug
        raise DataError(f"no issuer {name!r} is known (no module {module_name}); pass a holdings file instead") from None


def first_usable(client: "HttpClient", urls: list[str], *, expect: str, what: str) -> Downloaded:
    """The first of ``urls`` that answers a file, moving on after an HTML page or an HTTP error.

    An unreachable network (NetworkError) ends the attempt at once: the other addresses are on the
    same host. When every address fails, the one failure is raised as it is, several are summed up.
    """
    from ..http import HtmlAnswerError, HttpStatusError

    failures: list[Exception] = []
    for url in urls:
        try:
            fetched = client.get(url, expect=expect)
        except (HtmlAnswerError, HttpStatusError) as failure:
            failures.append(failure)
            continue
        return Downloaded(fetched.body, fetched.url)
    if len(failures) == 1:
        raise failures[0]
    summary = "; ".join(str(f) for f in failures)
    error = HtmlAnswerError if all(isinstance(f, HtmlAnswerError) for f in failures) else NetworkError
    raise error(f"no usable {what} from any address ({summary}); try later or pass a saved holdings file")


def latest_only(fund: "Fund", issuer_label: str, as_of: dt.date | None) -> None:
    """DataError when a past date is asked of an issuer that publishes only its latest holdings."""
    if as_of is not None:
        raise DataError(
            f"{issuer_label} publishes only the latest {fund.ticker} holdings; drop the date or pass a saved holdings file"
        )
