"""Which portfolio weights a fund's figures use: the holdings date's, or the price date's.

An issuer's weights are market values on the holdings date, while prices and earnings come from
another date (the bundled snapshot: holdings of November, prices of August). Mixing them
describes neither date. ``price-date`` weights value the portfolio the issuer reported (its share
counts) at the prices the earnings yields use: ``w_i = s_i * P_i / sum(s_j * P_j)``. That needs share
counts (iShares ``Quantity``, SSGA ``Shares Held``); lists without them keep ``holdings-date``.
A split between the two dates puts share counts and prices on different bases: corporate_actions.py
finds such holdings and puts them on one basis first.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..vocabulary import WEIGHTINGS
from .corporate_actions import ShareBasis, share_basis

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


def price_date_weighting(
    weights: np.ndarray, shares: np.ndarray, prices: np.ndarray, outstanding: np.ndarray, *, holdings_later: bool | None
) -> tuple[np.ndarray | None, ShareBasis]:
    """:func:`price_date_weights` of the shares put on the price date's basis first (splits
    between the dates undone, see corporate_actions.py), and that basis."""
    basis = share_basis(weights, shares, prices, outstanding, holdings_later=holdings_later)
    return price_date_weights(weights, basis.shares, prices), basis


def check_weighting(weighting: str) -> None:
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
