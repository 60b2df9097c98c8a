"""Point-in-time trailing twelve-month EPS from real (trimmed) companyfacts, against sums written
out by hand from the fixture's facts (tests/fixtures/sec/README.md names each file's source).

Each expected figure lists its four quarters, newest first, as "value (form, filed)"; a derived
Q4 is "year - nine months".
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from smallcap_screen.metrics.trailing_eps import EpsFacts, Split, trailing_eps_on, trailing_eps_over

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
D = dt.date.fromisoformat


def facts(name: str, *, without: tuple[str, ...] = ()) -> dict:
    document = json.loads((FIXTURES / f"companyfacts_{name}.json").read_text())
    for concept in without:
        del document["facts"]["us-gaap"][concept]
    return document


def quarter_ends(result) -> list[str]:
    return [q.end.isoformat() for q in result.quarters]


def test_december_year_alphabet_before_its_split():
    # Q1 2022 24.62 (10-Q 2022-04-27); Q4 2021 = 112.20 (10-K 2022-02-02) - 81.53 (9M, 10-Q
    # 2021-10-27) = 30.67; Q3 2021 27.99 (10-Q 2021-10-27); Q2 2021 27.26 (10-Q 2021-07-28).
    result = trailing_eps_on(facts("goog"), D("2022-06-30"))
    assert result.eps == pytest.approx(24.62 + (112.20 - 81.53) + 27.99 + 27.26)  # 110.54
    assert result.basis == "diluted" and result.latest_filed == D("2022-04-27")
    assert quarter_ends(result) == ["2022-03-31", "2021-12-31", "2021-09-30", "2021-06-30"]
    assert [q.derived for q in result.quarters] == [False, True, False, False]
    assert result.splits == () and result.reason is None


def test_december_year_alphabet_after_its_20_for_1_split_detected_in_the_facts():
    # The 10-Q of 2022-07-27 is the first on the new basis (it restates 2021's quarters by 20):
    # Q2 2022 1.21 (filed 2022-07-27, new basis); the rest were filed before and are divided by 20:
    # Q1 2022 24.62 / 20; Q4 2021 (112.20 - 81.53) / 20; Q3 2021 27.99 / 20.
    result = trailing_eps_on(facts("goog"), D("2022-09-30"))
    assert result.eps == pytest.approx(1.21 + 24.62 / 20 + (112.20 - 81.53) / 20 + 27.99 / 20)  # 5.374
    assert result.splits == (Split(D("2022-07-27"), 20.0),) and result.split_source == "detected"
    assert [q.split_factors for q in result.quarters] == [(1.0,), (20.0,), (20.0, 20.0), (20.0,)]


def test_september_year_apple_restatement_does_not_leak_into_an_earlier_date():
    # Apple's 10-K/A of 2010-01-25 restated fiscal 2009 (6.29 -> 9.08 a share); the 10-Q of
    # 2010-07-21 restated Q3 2009 (1.35 -> 2.01) and its nine months (4.47 -> 6.30).
    # On 2010-05-01: Q2 FY10 3.33 (10-Q 2010-04-21); Q1 FY10 3.67 (10-Q 2010-01-25);
    # Q4 FY09 = 6.29 (10-K 2009-10-27) - 4.47 (10-Q 2009-07-22): the nine months were not yet
    # restated, so the year of their vintage is used; Q3 FY09 1.35 (10-Q 2009-07-22), not 2.01.
    before = trailing_eps_on(facts("aapl"), D("2010-05-01"))
    assert before.eps == pytest.approx(3.33 + 3.67 + (6.29 - 4.47) + 1.35)  # 10.17
    assert quarter_ends(before) == ["2010-03-27", "2009-12-26", "2009-09-26", "2009-06-27"]
    assert before.latest_filed == D("2010-04-21")
    # On 2010-08-01 both restatements are known: Q3 FY10 3.51 (10-Q 2010-07-21); Q2 3.33; Q1 3.67;
    # Q4 FY09 = 9.08 (10-K/A 2010-01-25) - 6.30 (10-Q 2010-07-21).
    after = trailing_eps_on(facts("aapl"), D("2010-08-01"))
    assert after.eps == pytest.approx(3.51 + 3.33 + 3.67 + (9.08 - 6.30))  # 13.29
    assert [p.form for p in after.quarters[3].parts] == ["10-K/A", "10-Q"]


def test_a_company_without_four_quarters_filed_says_why():
    # Apple tagged its first XBRL in the 10-Q of 2009-07-22; the quarter ended 2009-03-28 was
    # first filed in XBRL on 2010-04-21, so on 2009-12-31 the chain stops after two quarters.
    result = trailing_eps_on(facts("aapl"), D("2009-12-31"))
    assert result.eps is None and result.basis is None and result.quarters == ()
    assert "no quarter ending just before 2009-03-29 was filed on or before 2009-12-31" in result.reason
    # Snowflake listed in September 2020: its second fiscal quarter of 2021 never came in a 10-Q.
    assert trailing_eps_on(facts("snow"), D("2021-06-30")).eps is None
    # Nothing filed yet.
    assert "no quarter filed on or before 2008-01-01" in trailing_eps_on(facts("aapl"), D("2008-01-01")).reason


def test_loss_maker_with_a_january_year():
    # Snowflake, fiscal year ending January 31. Q1 FY23 -0.53 (10-Q 2022-06-03); Q4 FY22 = -2.26
    # (10-K 2022-03-30) - (-1.84) (9M, 10-Q 2021-12-03); Q3 FY22 -0.51 (10-Q 2021-12-03);
    # Q2 FY22 -0.64 (10-Q 2021-09-02).
    result = trailing_eps_on(facts("snow"), D("2022-06-30"))
    assert result.eps == pytest.approx(-0.53 + (-2.26 - -1.84) - 0.51 - 0.64)  # -2.10
    assert quarter_ends(result) == ["2022-04-30", "2022-01-31", "2021-10-31", "2021-07-31"]


def test_a_split_between_the_filings_and_the_date_puts_eps_on_the_price_basis():
    # NVIDIA split 10 for 1 on 2024-06-10; on 2024-07-15 every filing known predates it.
    # Q1 FY25 5.98 (10-Q 2024-05-29); Q4 FY24 = 11.93 (10-K 2024-02-21) - 7.01 (10-Q 2023-11-21);
    # Q3 FY24 3.71 (10-Q 2023-11-21); Q2 FY24 2.48 (10-Q 2023-08-28); all divided by 10.
    splits = [Split(D("2024-06-10"), 10.0)]
    given = trailing_eps_on(facts("nvda"), D("2024-07-15"), splits=splits)
    assert given.eps == pytest.approx((5.98 + (11.93 - 7.01) + 3.71 + 2.48) / 10)  # 1.709
    assert given.split_source == "given" and given.splits == tuple(splits)
    # Detected in the facts, the split is dated at the first filing on the new basis (10-Q of
    # 2024-08-28), so before that the figures stay on the old basis: the documented limit.
    detected = trailing_eps_on(facts("nvda"), D("2024-07-15"))
    assert detected.eps == pytest.approx(5.98 + (11.93 - 7.01) + 3.71 + 2.48)  # 17.09
    # After it, a mix: Q2 FY25 0.67 is on the new basis (filed 2024-08-28), the older three are not.
    mixed = trailing_eps_on(facts("nvda"), D("2024-09-30"))
    assert mixed.eps == pytest.approx(0.67 + (5.98 + (11.93 - 7.01) + 3.71) / 10)  # 2.131
    assert mixed.splits == (Split(D("2024-08-28"), 10.0),)
    # A figure filed on the split day or later is already on the new basis: nothing is divided.
    same_day = trailing_eps_on(facts("nvda"), D("2024-09-30"), splits=[Split(D("2024-08-28"), 10.0)])
    assert same_day.eps == pytest.approx(mixed.eps)


def test_apple_split_given_or_detected():
    # Apple split 4 for 1 on 2020-08-31. On 2020-09-30: Q3 FY20 2.58 (10-Q 2020-07-31);
    # Q2 2.55 (10-Q 2020-05-01); Q1 4.99 (10-Q 2020-01-29); Q4 FY19 3.03 (10-K 2019-10-31, which
    # has the quarter itself, so nothing is derived), all filed before the split.
    given = trailing_eps_on(facts("aapl"), D("2020-09-30"), splits=[Split(D("2020-08-31"), 4.0)])
    assert given.eps == pytest.approx((2.58 + 2.55 + 4.99 + 3.03) / 4)  # 3.2875
    assert not any(q.derived for q in given.quarters)
    # The 10-K of 2020-10-30 restates all four on the new basis: 0.73 + 0.65 + 0.64 + 1.25.
    later = trailing_eps_on(facts("aapl"), D("2020-11-15"))
    assert later.eps == pytest.approx(0.73 + 0.65 + 0.64 + 1.25)  # 3.27
    assert EpsFacts.from_companyfacts(facts("aapl")).detected_splits == (Split(D("2020-10-30"), 4.0),)


def test_basic_eps_when_no_diluted_is_filed():
    # Alphabet's real facts with the diluted concept taken out, standing in for a basic-only filer:
    # Q1 2022 24.90 (10-Q 2022-04-27); Q4 2021 = 113.88 (10-K) - 82.76 (9M 10-Q); Q3 2021 28.44;
    # Q2 2021 27.69.
    result = trailing_eps_on(facts("goog", without=("EarningsPerShareDiluted",)), D("2022-06-30"))
    assert result.basis == "basic"
    assert result.eps == pytest.approx(24.90 + (113.88 - 82.76) + 28.44 + 27.69)  # 112.15


def test_net_income_over_diluted_shares_when_no_eps_is_filed():
    # Apple's real facts without its EPS concepts. Each quarter: NetIncomeLoss / weighted diluted
    # shares; Q4 FY19 from the year (55,256 M$, 4,648.913 M shares, 364 days) and nine months
    # (41,570 M$, 4,691.759 M shares, 273 days): Q4 shares are the day-weighted difference.
    result = trailing_eps_on(facts("aapl", without=("EarningsPerShareDiluted", "EarningsPerShareBasic")), D("2020-09-30"))
    assert result.basis == "net_income_per_diluted_share"
    q4_shares = (4_648_913_000 * 364 - 4_691_759_000 * 273) / 91
    assert result.eps == pytest.approx(
        11_253_000_000 / 4_354_788_000  # Q3 FY20 (10-Q 2020-07-31)
        + 11_249_000_000 / 4_404_691_000  # Q2 FY20 (10-Q 2020-05-01)
        + 22_236_000_000 / 4_454_604_000  # Q1 FY20 (10-Q 2020-01-29)
        + (55_256_000_000 - 41_570_000_000) / q4_shares  # Q4 FY19
    )
    assert result.eps == pytest.approx(13.1572, abs=1e-4)
    # With neither EPS nor shares there is nothing to divide: the reason names each basis.
    bare = trailing_eps_on(
        facts("aapl", without=("EarningsPerShareDiluted", "EarningsPerShareBasic", "WeightedAverageNumberOfDilutedSharesOutstanding")),
        D("2020-09-30"),
    )
    assert bare.eps is None
    assert bare.reason.startswith("diluted: no EarningsPerShareDiluted or EarningsPerShareBasicAndDiluted facts; basic:")


def test_a_stale_company_is_not_trailing():
    # Alphabet's excerpt ends with quarters of mid-2023: two years later nothing recent is known.
    result = trailing_eps_on(facts("goog"), D("2025-06-30"))
    assert result.eps is None and "the newest period known ended 2023-06-30, more than 270 days before 2025-06-30" in result.reason


def test_many_dates_read_the_facts_once_and_agree_with_one_date_at_a_time():
    document = facts("nvda")
    untouched = copy.deepcopy(document)
    days = [D("2023-06-30"), D("2024-03-31"), D("2024-07-15"), D("2024-09-30"), D("2025-03-31")]
    assert trailing_eps_over(document, days) == [trailing_eps_on(document, day) for day in days]
    assert document == untouched  # pure: the caller's document is not changed


def test_a_split_seen_in_the_holdings_files_takes_the_place_of_the_same_split_detected_later():
    from smallcap_screen.metrics.trailing_eps import EpsFacts, with_seen_splits

    detected = EpsFacts.from_companyfacts(facts("nvda")).detected_splits
    assert Split(D("2024-08-28"), 10.0) in detected  # dated at NVIDIA's first filing on the new basis
    seen = with_seen_splits(detected, [Split(D("2024-07-15"), 10.0)])
    assert Split(D("2024-07-15"), 10.0) in seen and Split(D("2024-08-28"), 10.0) not in seen
    # The files' date divides the four quarters filed before it: 1.709, where detection gives 17.09.
    assert trailing_eps_on(facts("nvda"), D("2024-07-15"), splits=seen).eps == pytest.approx((5.98 + (11.93 - 7.01) + 3.71 + 2.48) / 10)
    # Q2 FY25 0.67 (10-Q 2024-08-28) is on the new basis already: the same as with the detected date.
    assert trailing_eps_on(facts("nvda"), D("2024-09-30"), splits=seen).eps == pytest.approx(0.67 + (5.98 + (11.93 - 7.01) + 3.71) / 10)
    # A detected split dated before the files show it is already applied: the table stays as it is.
    assert with_seen_splits(detected, [Split(D("2024-09-06"), 10.0)]) == tuple(sorted(detected, key=lambda s: s.on))
