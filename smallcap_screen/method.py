"""How figures are computed (:class:`Method`) and where they came from (:class:`Provenance`).

Every API call takes one ``Method``; every result carries the ``Method`` it was computed with and
one ``Provenance``. Both are plain frozen values, free of pandas, so that the command line builds
a ``Method`` from its options before it loads anything heavy.

>>> from smallcap_screen import Method, compare
>>> result = compare(["IWM", "SPY"], Method(negative="include", forward="fy1"), data="offline")  # doctest: +SKIP
>>> result.provenance.warnings      # the data is not what was asked for: never merged into notes  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from .errors import UsageError
from .vocabulary import COVERAGE_THRESHOLD, FORWARDS, NEGATIVE_POLICIES, WEIGHTINGS


@dataclass(frozen=True)
class Method:
    """The choices behind a figure, each documented in README "Methodology"; the defaults are
    those of the command line without a config.

    - ``negative``: how loss-makers enter a fund P/E, one of vocabulary.NEGATIVE_POLICIES
      ("exclude": only E > 0, weights renormalised; "include": every covered holding);
    - ``weighting``: one of vocabulary.WEIGHTINGS ("price-date": shares held x price on the price
      date where the issuer gives share counts; "holdings-date": the issuer's weights);
    - ``forward``: the forward horizon, one of vocabulary.FORWARDS ("fy2" next fiscal year's
      consensus, "fy1" the current one's);
    - ``coverage_threshold``: below this share of a fund's weight with price and EPS, its P/E is
      marked low coverage (0-1);
    - ``benchmark``: the fund discounts are measured against (a registry ticker or a holdings file).
    """

    negative: str = "exclude"
    weighting: str = "price-date"
    forward: str = "fy2"
    coverage_threshold: float = COVERAGE_THRESHOLD
    benchmark: str = "SPY"

    def __post_init__(self) -> None:
        for name, allowed in (("negative", NEGATIVE_POLICIES), ("weighting", WEIGHTINGS), ("forward", FORWARDS)):
            if getattr(self, name) not in allowed:
                raise UsageError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        if not 0 <= self.coverage_threshold <= 1:
            raise UsageError(f"coverage_threshold must be between 0 and 1, not {self.coverage_threshold!r}")
        if not isinstance(self.benchmark, str) or not self.benchmark:
            raise UsageError(f"benchmark must name a fund, not {self.benchmark!r}")

    def but(self, **changes) -> "Method":
        """This method with some fields changed (checked like a new one); the API's keyword
        shorthand: ``compare(funds, negative="include")`` is ``compare(funds, Method().but(negative="include"))``."""
        return dataclasses.replace(self, **changes) if changes else self

    def valuation_options(self) -> dict:
        """The keywords of metrics.fund_valuation."""
        return dict(negative=self.negative, weighting=self.weighting, forward=self.forward, coverage_threshold=self.coverage_threshold)


class FallbackWarning(UserWarning):
    """A Python API call used other data than asked for (stored or bundled instead of live), or
    passed over a damaged snapshot: the same lines the command line prints even with --quiet."""


@dataclass(frozen=True)
class Provenance:
    """Where a result's figures came from, and what the user must hear about it.

    ``notes`` are for information (shown unless --quiet); ``warnings`` say the data is not what
    was asked for (a fallback from live data: shown even with --quiet, and raised as
    :class:`FallbackWarning` by the Python API); ``damaged`` names stored snapshots left out
    because they failed their checksum. The three are never merged.
    """

    data_source: str = ""
    as_of_prices: dt.date | None = None
    #: fund -> the date of its holdings.
    as_of_holdings: dict[str, dt.date | None] = field(default_factory=dict)
    #: fund -> the weighting its figures use (price-date falls back to holdings-date for a fund
    #: whose issuer gives no share counts).
    weighting: dict[str, str] = field(default_factory=dict)
    #: The forward horizon as the data names it ("FY2", "FY1").
    forward_horizon: str = ""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)

    def but(self, **changes) -> "Provenance":
        """This provenance with some fields changed."""
        return dataclasses.replace(self, **changes)

    def record_fields(self, method: Method) -> dict:
        """The fields every record of a result repeats, so that any row read alone says how it was made."""
        return {
            "negative_policy": method.negative,
            "forward_horizon": self.forward_horizon,
            "as_of_prices": self.as_of_prices.isoformat() if self.as_of_prices else None,
            "data_source": self.data_source,
        }

    def warn(self) -> None:
        """Raise each warning and each damaged snapshot as a :class:`FallbackWarning`, for a
        notebook (the command line prints them itself)."""
        import warnings

        for message in [*self.damaged, *self.warnings]:
            warnings.warn(message, FallbackWarning, stacklevel=3)


__all__ = ["FallbackWarning", "Method", "Provenance"]
