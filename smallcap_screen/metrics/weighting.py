"""Which portfolio weights a fund's figures use: the holdings date's, or the price date's.

An issuer's weights are market values on the holdings date, while prices and earnings come from
another date (the bundled snapshot: holdings of November, prices of August). Mixing them
describes neither date. ``price-date`` weights value the portfolio the issuer reported (its share
counts) at the prices the earnings yields use: ``w_i = s_i * P_i / sum(s_j * P_j)``. That needs share
counts (iShares ``Quantity``, SSGA ``Shares Held``); lists without them keep ``holdings-date``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..vocabulary import WEIGHTINGS

Weighting = Literal["price-date", "holdings-date"]


def price_date_weights(weights: np.ndarray, shares: np.ndarray, prices: np.ndarray) -> np.ndarray | None:
    """Weights of the holdings valued at ``prices``: shares x price over the total; None without
    any share count and price to value.

    A holding without a share count or a price cannot be revalued: it keeps its holdings-date weight,
    scaled by how much the revalued holdings moved in aggregate, so it keeps its place in the
    coverage figure instead of vanishing from the denominator.
    """
    w = np.asarray(weights, dtype="float64")
    value = np.asarray(shares, dtype="float64") * np.asarray(prices, dtype="float64")
    valued = np.isfinite(value) & (value > 0) & np.isfinite(w) & (w > 0)
    if not valued.any():
        return None
    scale = value[valued].sum() / w[valued].sum()
    value = np.where(valued, value, np.where(np.isfinite(w) & (w > 0), w, 0.0) * scale)
    return value / value.sum()


def check_weighting(weighting: str) -> None:
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
