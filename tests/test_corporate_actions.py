"""Splits between the holdings date and the price date: found, undone, named (README, Methodology,
"Splits between the two dates").

The real case is committed: SPY's holdings of 2025-11-18 (Netflix's post-split shares) and
finviz's prices of 2025-08-19 (Netflix's pre-split $1,242.10), read from tests/fixtures/real
whatever ../shared holds, so a change that ignores the split fails everywhere.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from smallcap_screen.metrics import fund_valuation
from smallcap_screen.metrics.corporate_actions import share_basis, split_label
from smallcap_screen.metrics.frame import join
from smallcap_screen.sources.fundamentals_file import parse_finviz_csv
from smallcap_screen.sources.holdings_file import read_holdings_file
from tests.helpers import EXCERPTS


@pytest.fixture(scope="module")
def spy_on_august_prices():
    fundamentals = parse_finviz_csv((EXCERPTS / "fundamentals_finviz_2025-08-19.csv").read_bytes(), as_of=dt.date(2025, 8, 19))
    holdings = read_holdings_file(EXCERPTS / "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx", fund="SPY")
    return holdings, fundamentals


def test_netflixs_ten_for_one_split_is_undone_in_spys_price_date_weights(spy_on_august_prices):
    holdings, fundamentals = spy_on_august_prices
    frame = join(holdings, fundamentals).frame.set_index("ticker")
    assert frame.loc["NFLX", "corporate_action"] == "10:1 split"
    assert (frame["corporate_action"] != "").sum() == 1

    # By hand: every holding's shares x August price, Netflix's shares divided by ten.
    shares = holdings.equities.set_index("ticker")["shares"]
    prices = fundamentals.table["price"]
    values = {t: shares[t] * prices[t] for t in shares.index if t in prices.index and prices[t] > 0}
    values["NFLX"] /= 10
    by_hand = values["NFLX"] / sum(values.values()) * frame.loc[list(values), "weight"].sum()
    assert frame.loc["NFLX", "weight"] == pytest.approx(by_hand, rel=1e-9)
    # 51.2 million post-split shares at $1,242.10 would be ten times its issuer weight
    assert frame.loc["NFLX", "weight"] < 1.5 * frame.loc["NFLX", "weight_holdings_date"]


def test_the_split_moves_the_fund_pe_and_is_named(spy_on_august_prices):
    holdings, fundamentals = spy_on_august_prices
    value = fund_valuation(holdings, fundamentals)
    assert value.corporate_actions == "NFLX 10:1 split"
    # Ignoring it (Netflix's shares as filed) gives Netflix ten times its weight and another P/E.
    frame = join(holdings, fundamentals).frame
    w = holdings.equities["shares"].to_numpy() * frame["price"].to_numpy()
    y = frame["yield_trailing"].to_numpy()
    ok = np.isfinite(w) & (y > 0)
    ignored = w[ok].sum() / (w[ok] * y[ok]).sum()
    fixed = frame["weight"].to_numpy()
    assert value.pe_trailing == pytest.approx(fixed[ok].sum() / (fixed[ok] * y[ok]).sum(), rel=1e-9)
    assert abs(value.pe_trailing / ignored - 1) > 0.005
    assert fund_valuation(holdings, fundamentals, weighting="holdings-date").corporate_actions == ""


def basis(q: float, owned: float, price: float, *, later: bool | None = True):
    """Twenty holdings at one weight, the first valued ``q`` times its weight and owning ``owned``
    times the others' fraction of its company; the others' prices and counts all alike."""
    n = 20
    weights = np.full(n, 1 / n)
    shares = np.full(n, 100.0)
    prices = np.full(n, 50.0)
    outstanding = np.full(n, 10_000.0)
    prices[0] = price
    shares[0] = 100.0 * 50.0 * q / price
    outstanding[0] = shares[0] / (100.0 / 10_000.0) / owned
    return share_basis(weights, shares, prices, outstanding, holdings_later=later), shares[0]


def test_a_price_move_keeps_its_price_date_value():
    # Bloom Energy tripled between the dates: value ratio 1/3, its share of the company unchanged.
    result, _ = basis(1 / 3, 1.0, 46.82)
    assert result.actions[0] == "" and np.isfinite(result.shares[0])


def test_a_reverse_split_of_a_cheap_stock_is_undone():
    # GMRE: one new share for five, from $6.66; both ratios near 1/5
    result, held = basis(0.21, 0.223, 6.66)
    assert result.actions[0] == "1:5 reverse split"
    assert result.shares[0] == pytest.approx(held * 5)


def test_an_unexplained_share_count_takes_the_issuer_weight():
    # Metsera: 0.46x in value, 0.57x in ownership, at $32: no 1:2 reverse split from that price.
    result, _ = basis(0.456, 0.569, 32.39)
    assert result.actions[0] == "issuer weight" and np.isnan(result.shares[0])
    # without shares outstanding nothing tells a split from a move
    weights, shares, prices = np.full(3, 1 / 3), np.array([1000.0, 100.0, 100.0]), np.array([50.0, 50.0, 50.0])
    alone = share_basis(weights, shares, prices, np.full(3, np.nan), holdings_later=True)
    assert list(alone.actions) == ["issuer weight", "", ""]


def test_holdings_older_than_the_prices_see_a_forward_split_the_other_way():
    # Holdings filed before a 10:1 split, prices quoted after it: a tenth of the value, ownership
    result, held = basis(0.1, 0.1, 120.0, later=False)
    assert result.actions[0] == "10:1 split"
    assert result.shares[0] == pytest.approx(held * 10)


def test_on_one_date_no_split_is_assumed():
    result, _ = basis(10.0, 10.0, 1200.0, later=None)
    assert result.actions[0] == "issuer weight"


def test_split_labels_read_new_shares_per_old():
    assert split_label(10) == "10:1 split" and split_label(0.2) == "1:5 reverse split" and split_label(1.5) == "1.5:1 split"


def test_lists_that_state_no_date_claim_none_and_keep_their_missing_weight():
    from smallcap_screen.store.folder import bundled_snapshot

    snapshot = bundled_snapshot()
    for fund in ("IJR", "VB"):
        assert snapshot.holdings[fund].as_of is None
    value = fund_valuation(snapshot.holdings["VB"], snapshot.fundamentals)
    assert value.as_of_holdings is None
    assert value.set_aside_weight == pytest.approx(1 - 0.9863)  # VB's list sums to 98.63%
