"""Holdings whose share count and price are on different share bases: splits between two dates.

Price-date weights value the shares an issuer reported on the holdings date at the prices of
another date. That is only right when no split or reverse split falls between the two: Netflix
split 10-for-1 on 2025-11-17, so SPY's 51.2 million shares of 2025-11-18 times Netflix's
pre-split price of 2025-08-19 ($1,242.10) made it 8.8% of SPY instead of 0.86%, and SPY's P/E
29.2x instead of 28.1x. In a backfill such dates disagree all the time.

Two ratios per holding tell a change of share basis from a price move, each against the fund's
median so that the fund's own drift between the dates cancels:

- ``value_ratio`` q = (s_i P_i / sum s P) / (w_i / sum w): its price-date value share over its
  issuer weight. A split of k (k new shares for one) between the dates makes q about k; so does a
  price that moved k-fold, which small caps do in three months (Bloom Energy tripled).
- ``ownership_ratio`` m = (s_i / S_i) / median(s / S), with S_i the company's shares outstanding
  on the price date: the fraction of the company the fund holds. A price move leaves it where it
  was; a split multiplies the fund's share count, not the price-date shares outstanding, by k.
  (Float adjustment spreads it: IWM holds 0.35-1.1x its median fraction, S&P 500 funds ~1x.)

A holding is looked at only when q is beyond ``OUTLIER_FACTOR`` of the fund's median (S&P 500
funds move within ~1.4x of it in three months, IWM within ~2.3x; its median absolute log move is
~0.1). Then:

- ``split``: q within ``PRICE_TOLERANCE`` and m within ``SPLIT_TOLERANCE`` of one ratio of
  SPLIT_RATIOS, and the split is one companies make (a forward split from a price of at least
  FORWARD_SPLIT_PRICE, a reverse split from below REVERSE_SPLIT_PRICE): its shares are put on the
  price date's basis (divided by the ratio).
- ``price move``: m within ``OWNERSHIP_TOLERANCE`` of 1, the share count agrees with the
  company's: the price-date value stands, nothing is changed.
- ``issuer weight``: anything else (no shares outstanding, or a share count no split explains):
  the holding takes its issuer weight, scaled by the fund's drift like a holding without a price.

On the bundled snapshot: NFLX 10:1 in SPY and IVV; NRIM 4:1 and GMRE 1:5 in IWM (both real), and
eight IWM holdings whose share counts no split explains take their issuer weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A holding's value ratio beyond this factor of the fund's median (either way) is looked at.
OUTLIER_FACTOR = 2.0
#: How far a split's value ratio may be from its ratio: the stock's own price move between the dates
#: (NFLX 10.66 for 10:1, NRIM 3.87 for 4:1, GMRE 0.21 for 1:5).
PRICE_TOLERANCE = 1.5
#: How far its ownership ratio may be: a split multiplies the share count exactly, so only float
#: changes move it (NFLX 10.0, NRIM 4.45, GMRE 0.22), where a price move with a drifting float does
#: not fit (MAZE, $13 in August, 2.3x that in November, ownership 0.50: no 1:2 reverse split).
SPLIT_TOLERANCE = 1.25
#: How far the ownership ratio of a price move may be from 1 (IWM's float-adjusted holdings spread
#: from 0.35x to 1.1x of its median fraction, so a little wider).
OWNERSHIP_TOLERANCE = 1.5
#: New shares per old one of the splits looked for (reverse splits: their inverses).
SPLIT_RATIOS = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 250)
#: Companies split expensive shares and consolidate cheap ones: a forward split is taken only from
#: a pre-split price of at least FORWARD_SPLIT_PRICE, a reverse split only from below
#: REVERSE_SPLIT_PRICE (Metsera, $32 in August and 2.2x that in November, is no 1:2 reverse split;
#: GMRE consolidated 1:5 from $6.66).
FORWARD_SPLIT_PRICE = 20.0
REVERSE_SPLIT_PRICE = 10.0
#: Slack on every tolerance above (in log terms): a ratio exactly on a bound (a made-up fund whose
#: value ratio is 2.0 to the last bit) must fall on the same side however the same weights were
#: computed, not by float noise of ~1e-16 (uniformly scaled prices flipped it).
ON_THE_BOUND = 1e-9


@dataclass(frozen=True)
class ShareBasis:
    """The shares of each holding on the price date's basis, and what was done to each.

    ``shares``: NaN where the holding takes its issuer weight. ``actions``: "" (nothing),
    "10:1 split", "1:5 reverse split" or "issuer weight", per holding.
    """

    shares: np.ndarray
    actions: np.ndarray


def share_basis(
    weights: np.ndarray,
    shares: np.ndarray,
    prices: np.ndarray,
    outstanding: np.ndarray,
    *,
    holdings_later: bool | None,
) -> ShareBasis:
    """Shares held on the price date's share basis (see module docstring).

    ``outstanding``: each company's shares outstanding as the price date's source gives them
    (NaN unknown). ``holdings_later``: whether the holdings date is after the price date (None:
    the same day or unknown, when no split is assumed between them).
    """
    w = np.asarray(weights, dtype="float64")
    s = np.asarray(shares, dtype="float64")
    p = np.asarray(prices, dtype="float64")
    out = np.asarray(outstanding, dtype="float64")
    actions = np.full(len(w), "", dtype=object)
    value = s * p
    valued = np.isfinite(value) & (value > 0) & np.isfinite(w) & (w > 0)
    if valued.sum() < 2:
        return ShareBasis(s, actions)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = (value / value[valued].sum()) / (w / w[valued].sum())
        q = q / np.median(q[valued])
        owned = s / out
        known = valued & np.isfinite(owned) & (owned > 0)
        m = owned / np.median(owned[known]) if known.any() else np.full(len(w), np.nan)
        looked_at = valued & (np.abs(np.log(q)) > np.log(OUTLIER_FACTOR) + ON_THE_BOUND)  # q is 0 where not valued
    if not looked_at.any():
        return ShareBasis(s, actions)
    basis = s.copy()
    for i in np.flatnonzero(looked_at):
        ratio = _split_ratio(q[i], m[i], p[i], holdings_later)
        if ratio is not None:
            basis[i] = s[i] / ratio
            actions[i] = split_label(ratio if holdings_later else 1 / ratio)
        elif not (np.isfinite(m[i]) and abs(np.log(m[i])) <= np.log(OWNERSHIP_TOLERANCE) + ON_THE_BOUND):
            basis[i] = np.nan
            actions[i] = "issuer weight"
    return ShareBasis(basis, actions)


def _split_ratio(q: float, m: float, price: float, holdings_later: bool | None) -> float | None:
    """The ratio (holdings-date shares per price-date share) of a split that explains both ratios
    and is one companies make, else None."""
    if holdings_later is None or not np.isfinite(m):
        return None
    candidates = np.array([*SPLIT_RATIOS, *(1 / r for r in SPLIT_RATIOS)], dtype="float64")
    fits = (np.abs(np.log(q / candidates)) <= np.log(PRICE_TOLERANCE) + ON_THE_BOUND) & (np.abs(np.log(m / candidates)) <= np.log(SPLIT_TOLERANCE) + ON_THE_BOUND)
    if not fits.any():
        return None
    ratio = float(candidates[fits][np.argmin(np.abs(np.log(m / candidates[fits])))])
    # new shares per old, and the price before the split, in the order the dates run
    new_per_old, before = (ratio, price) if holdings_later else (1 / ratio, price / ratio)
    plausible = before >= FORWARD_SPLIT_PRICE if new_per_old > 1 else before < REVERSE_SPLIT_PRICE
    return ratio if plausible else None


def split_label(new_per_old: float) -> str:
    """``10:1 split`` for ten new shares per old one, ``1:5 reverse split`` for one per five."""
    if new_per_old >= 1:
        return f"{new_per_old:g}:1 split"
    return f"1:{1 / new_per_old:g} reverse split"


def named_actions(tickers, actions) -> str:
    """``corporate_actions`` of a fund: "NFLX 10:1 split; MTSR issuer weight", in holdings order."""
    actions = np.asarray(actions, dtype=object)  # numpy, not pandas, to look at thousands of rows
    acted = actions != ""
    return "; ".join(f"{ticker} {action}" for ticker, action in zip(np.asarray(tickers, dtype=object)[acted], actions[acted]))
