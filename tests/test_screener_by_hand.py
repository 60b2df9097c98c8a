"""screen, sectors and explain agree with an independent by-hand computation from the raw files.

The by-hand side reads the issuer files and the finviz export with csv / openpyxl / json only,
none of the package's parsers, and follows README "Methodology" step by step:

- equity lines with a ticker, on an exchange ("NO MARKET" lines are CVRs and delisted names);
- weights on the price date: shares held x finviz price, over the total; a holding finviz cannot
  price keeps its file weight scaled by how much the priced ones moved (IJR's derived list has
  no share counts: its own weights); before that, a holding whose value share over its file
  weight is beyond 2x of the fund's median is put on the price date's share basis (README,
  "Splits between the two dates"): a split where that ratio and its ownership (shares held over
  finviz's Shares Outstanding, over the median) both fit one ratio, else its file weight unless
  its ownership is within 1.5x of the median (a price move);
- trailing EPS = Price / P/E where finviz gives a P/E, else EPS (ttm); forward yield = 1 / Forward P/E;
- a holding enters only with 1 <= P/E (E/P at most 1) and a loss of at most ten times its price,
  and not when finviz's row is suspect (market cap off price x shares by 10x; P/E <= 0 given).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import statistics

import pytest

from smallcap_screen.metrics.screens import Criteria
from smallcap_screen.api.screen import explain, screen, sectors
from smallcap_screen.snapshot import snapshot_of
from smallcap_screen.sources.fundamentals_file import parse_finviz_csv
from smallcap_screen.sources.holdings_file import read_holdings_file

FINVIZ = "fundamentals_finviz_2025-08-19.csv"
MAG7 = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "GOOG", "META", "TSLA"}


def number(text) -> float | None:
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return None


def finviz_stocks(raw_dir) -> dict[str, dict]:
    """Ticker -> price, eps, yields, P/B, market cap, and whether the row is suspect."""
    stocks = {}
    with open(raw_dir / FINVIZ, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            price, pe, fpe = number(row["Price"]), number(row["P/E"]), number(row["Forward P/E"])
            if row["Ticker"] in stocks or not price or price <= 0:
                continue
            eps = price / pe if pe and pe > 0 else (number(row["EPS (ttm)"]) if pe is None else None)
            shares, cap, income = number(row["Shares Outstanding"]), number(row["Market Cap"]), number(row["Income"])
            cap_off = bool(cap and shares) and not (0.1 <= cap / (price * shares) <= 10)
            split = eps is not None and bool(income and shares) and abs(eps) > 10 * abs(income / shares) and abs(eps) > price
            y = eps / price if eps is not None else None
            book = number(row["Book/sh"])
            stocks[row["Ticker"]] = {
                "price": price,
                "outstanding": shares,
                "yield": y if y is not None and -10 <= y <= 1 and not split else None,
                "fwd_yield": 1 / fpe if fpe and fpe >= 1 else None,
                "pb": price / book if book and book > 0 else None,
                "cap": None if cap_off or cap is None else cap * 1e6,
                "suspect": cap_off or split or (pe is not None and pe <= 0) or (fpe is not None and fpe <= 0),
            }
    return stocks


def finviz_ticker(ticker: str, stocks: dict) -> str | None:
    """iShares writes share classes concatenated (MOGA), SSGA dotted (BRK.B); finviz dashed."""
    for candidate in (ticker, ticker.replace(".", "-"), f"{ticker[:-1]}-{ticker[-1]}"):
        if candidate in stocks:
            return candidate
    return None


def ishares_lines(path) -> list[dict]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    out = []
    for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
        listed = not (row.get("Exchange") or "").upper().startswith("NO MARKET")  # delisted names, CVRs
        if row.get("Asset Class") == "Equity" and row["Ticker"] not in ("-", "") and listed:
            out.append({"ticker": row["Ticker"], "sector": row["Sector"], "held": number(row["Market Value"]), "shares": number(row["Quantity"])})
    return out


def ssga_lines(path) -> list[dict]:
    import openpyxl

    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if "Ticker" in row and "Weight" in row)
    at = {name: rows[start].index(name) for name in ("Ticker", "Weight", "Shares Held")}
    out = []
    for row in rows[start + 1 :]:
        if not row or row[at["Ticker"]] in (None, ""):
            break
        if row[at["Ticker"]] not in ("-", "CASH_USD") and isinstance(row[at["Weight"]], (int, float)):
            out.append({"ticker": str(row[at["Ticker"]]), "sector": "", "held": float(row[at["Weight"]]), "shares": number(row[at["Shares Held"]])})
    return out


def derived_lines(path) -> list[dict]:
    records = json.loads(re.search(r"=\s*(\[.*\])", path.read_text(encoding="utf-8"), re.S).group(1))
    return [
        {"ticker": r["ticker"], "sector": r["sector"], "held": r["weight"], "shares": None}
        for r in records
        if r["sector"] != "Cash and/or Derivatives" and r["ticker"] != "-"
    ]


FILES = {
    "IWM": ("IWM_holdings_2025-11-05.csv", ishares_lines),
    "IVV": ("IVV_holdings_2025-11-18.csv", ishares_lines),
    "SPY": ("SPY_holdings-daily-us-en-spy_2025-11-18.xlsx", ssga_lines),
    "IJR": ("IJR_holdings_derived-portfolio-xray_2025-11.js", derived_lines),
}


def by_hand_fund(raw_dir, fund: str, stocks: dict, *, sectors_from: dict | None = None) -> list[dict]:
    """One dict per holding: ticker (finviz's where it has one), sector, weight on the price date."""
    file_name, read = FILES[fund]
    merged: dict[str, dict] = {}
    for line in read(raw_dir / file_name):  # lines of one ticker add up
        ticker = finviz_ticker(line["ticker"], stocks) or line["ticker"]
        kept = merged.setdefault(ticker, {**line, "ticker": ticker, "held": 0.0, "shares": 0.0 if line["shares"] is not None else None})
        kept["held"] += line["held"]
        if line["shares"] is not None:
            kept["shares"] += line["shares"]
    holdings = list(merged.values())
    values = {}
    for h in holdings:
        stock = stocks.get(h["ticker"])
        if h["shares"] and stock:
            values[h["ticker"]] = h["shares"] * stock["price"]
    for ticker, basis in share_basis_by_hand(holdings, values, stocks).items():
        if basis is None:
            del values[ticker]
        else:
            values[ticker] /= basis
    scale = sum(values.values()) / sum(h["held"] for h in holdings if h["ticker"] in values) if values else 1.0
    total = sum(values.get(h["ticker"], h["held"] * scale) for h in holdings)
    for h in holdings:
        h["weight"] = values.get(h["ticker"], h["held"] * scale) / total
        h["stock"] = stocks.get(h["ticker"])
        sector = (h["sector"] or (sectors_from or {}).get(h["ticker"], "")).strip()
        h["sector"] = {"Communication": "Communication Services", "-": "", "": "Unknown"}.get(sector, sector)
    return holdings


SPLITS = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 250]


def share_basis_by_hand(holdings: list[dict], values: dict[str, float], stocks: dict) -> dict[str, float | None]:
    """Ticker -> split ratio (holdings-date shares per price-date share) of the holdings the
    README's rule puts on the price date's basis, None for those taking their file weight."""
    import math

    held = {h["ticker"]: h["held"] for h in holdings if h["ticker"] in values}
    if len(values) < 2:
        return {}
    total_value, total_held = sum(values.values()), sum(held.values())
    ratio = {t: (v / total_value) / (held[t] / total_held) for t, v in values.items()}
    median_ratio = statistics.median(ratio.values())
    owned = {t: h["shares"] / stocks[t]["outstanding"] for h in holdings for t in [h["ticker"]] if t in values and stocks[t]["outstanding"]}
    median_owned = statistics.median(owned.values())
    out: dict[str, float | None] = {}
    for t, r in ratio.items():
        q = r / median_ratio
        if 1 / 2 <= q <= 2:
            continue
        m = owned[t] / median_owned if t in owned else None
        price = stocks[t]["price"]  # the holdings (November) are later than the prices (August)
        fits = [k for k in SPLITS + [1 / k for k in SPLITS] if m and abs(math.log(q / k)) <= math.log(1.5) and abs(math.log(m / k)) <= math.log(1.25)]
        fits = [k for k in fits if (price >= 20 if k > 1 else price < 10)]
        if fits:
            out[t] = min(fits, key=lambda k: abs(math.log(m / k)))
        elif not (m and abs(math.log(m)) <= math.log(1.5)):
            out[t] = None
    return out


def usable(holdings: list[dict], key: str = "yield") -> list[tuple[float, float]]:
    """(weight, earnings yield) of the holdings that enter: priced, plausible, not suspect."""
    return [(h["weight"], h["stock"][key]) for h in holdings if h["stock"] and not h["stock"]["suspect"] and h["stock"][key] is not None]


def harmonic(pairs) -> float:
    positive = [(w, y) for w, y in pairs if y > 0]
    return sum(w for w, _ in positive) / sum(w * y for w, y in positive)


@pytest.fixture(scope="module")
def stocks(raw_dir):
    return finviz_stocks(raw_dir)


@pytest.fixture(scope="module")
def snapshot(raw_dir):
    """The raw files through the package's parsers (the full files give the bundled snapshot's
    figures; the committed excerpts, where the full files are absent, a smaller snapshot)."""
    fundamentals = parse_finviz_csv((raw_dir / FINVIZ).read_bytes(), as_of=dt.date(2025, 8, 19))
    holdings = {fund: read_holdings_file(raw_dir / name, fund=fund) for fund, (name, _) in FILES.items()}
    return snapshot_of(holdings, fundamentals, "raw files")


# --- screen ------------------------------------------------------------------------------------


def test_cheapest_profitable_ijr_names_under_12x_match_the_raw_files(raw_dir, stocks, snapshot):
    result = screen(["IJR"], Criteria(earnings="profitable", max_pe=12), top=20, snapshot=snapshot)

    holdings = by_hand_fund(raw_dir, "IJR", stocks)
    kept = [h for h in holdings if h["stock"] and h["stock"]["yield"] is not None and 1 / 12 <= h["stock"]["yield"]]
    kept.sort(key=lambda h: (-h["weight"], h["ticker"]))
    expected = kept[:20]

    assert result.matched == len(kept)
    assert list(result.table["ticker"]) == [h["ticker"] for h in expected]
    assert list(result.table["weight_IJR"]) == pytest.approx([h["weight"] for h in expected], rel=1e-9)
    assert list(result.table["pe_trailing"]) == pytest.approx([1 / h["stock"]["yield"] for h in expected], rel=1e-9)
    assert (result.table["pe_trailing"] <= 12).all()


def test_iwm_sorted_by_pe_matches_the_raw_files(raw_dir, stocks, snapshot):
    result = screen(["IWM"], sort="pe", snapshot=snapshot)

    holdings = by_hand_fund(raw_dir, "IWM", stocks)
    with_pe = [h for h in holdings if h["stock"] and h["stock"]["yield"] is not None and h["stock"]["yield"] > 0]
    with_pe.sort(key=lambda h: (float(f"{1 / h['stock']['yield']:.9g}"), h["ticker"]))  # equal P/Es by ticker

    assert len(result.table) == len(holdings)
    assert result.table["pe_trailing"].notna().sum() == len(with_pe)
    top = result.table.head(len(with_pe))
    assert list(top["ticker"]) == [h["ticker"] for h in with_pe]
    assert list(top["pe_trailing"]) == pytest.approx([1 / h["stock"]["yield"] for h in with_pe], rel=1e-9)
    assert list(top["weight_IWM"]) == pytest.approx([h["weight"] for h in with_pe], rel=1e-9)


# --- sectors -----------------------------------------------------------------------------------


def by_hand_sectors(holdings: list[dict]) -> tuple[dict[str, float], dict[str, float]]:
    """W_s (share of the weight entering the ex-negative P/E) and y_s per sector."""
    entering: dict[str, float] = {}
    earnings: dict[str, float] = {}
    for h in holdings:
        s = h["stock"]
        if s and not s["suspect"] and s["yield"] is not None and s["yield"] > 0:
            entering[h["sector"]] = entering.get(h["sector"], 0.0) + h["weight"]
            earnings[h["sector"]] = earnings.get(h["sector"], 0.0) + h["weight"] * s["yield"]
    total = sum(entering.values())
    return {k: v / total for k, v in entering.items()}, {k: earnings[k] / entering[k] for k in entering}


@pytest.mark.parametrize("fund", ["IWM", "IJR"])
def test_sector_decomposition_matches_the_raw_files_and_sums_to_the_gap(raw_dir, stocks, snapshot, fund):
    view = sectors(["IWM", "IJR"], benchmark="SPY", snapshot=snapshot)
    gap = view.gaps[fund]

    ivv_sectors = {h["ticker"]: h["sector"] for h in by_hand_fund(raw_dir, "IVV", stocks)}
    wf, yf = by_hand_sectors(by_hand_fund(raw_dir, fund, stocks))
    wb, yb = by_hand_sectors(by_hand_fund(raw_dir, "SPY", stocks, sectors_from=ivv_sectors))
    fund_yield = sum(wf[s] * yf[s] for s in wf)
    bench_yield = sum(wb[s] * yb[s] for s in wb)
    mix = within = interaction = 0.0
    for s in set(wf) | set(wb):
        b = yb.get(s, bench_yield)
        f = yf.get(s, b)
        w_f, w_b = wf.get(s, 0.0), wb.get(s, 0.0)
        mix += (w_f - w_b) * (b - bench_yield)
        within += w_b * (f - b)
        interaction += (w_f - w_b) * (f - b)

    assert gap.fund_yield == pytest.approx(fund_yield, rel=1e-9)
    assert gap.benchmark_yield == pytest.approx(bench_yield, rel=1e-9)
    assert gap.mix == pytest.approx(mix, rel=1e-6)
    assert gap.within == pytest.approx(within, rel=1e-6)
    assert gap.interaction == pytest.approx(interaction, rel=1e-6)
    assert abs(gap.mix + gap.within + gap.interaction - gap.total) < 1e-9
    assert abs(sum(gap.in_pe(e) for e in (gap.mix, gap.within, gap.interaction)) - (gap.pe_fund - gap.pe_benchmark)) < 1e-9
    assert abs(sum(gap.in_discount(e) for e in (gap.mix, gap.within, gap.interaction)) - (1 - gap.pe_fund / gap.pe_benchmark)) < 1e-9


# --- explain -----------------------------------------------------------------------------------


def by_hand_conventions(holdings: list[dict]) -> dict[str, float]:
    pairs = usable(holdings)
    positive = [(w, y) for w, y in pairs if y > 0]
    pes = sorted((1 / y, w) for w, y in positive)
    half, running = sum(w for _, w in pes) / 2, 0.0
    for pe, w in pes:
        running += w
        if running >= half:
            weighted_median = pe
            break
    earnings = sum(w * y for w, y in pairs)
    by_weight = sorted(holdings, key=lambda h: -h["weight"])
    top10 = {h["ticker"] for h in by_weight[:10]}
    return {
        "harmonic_ex_negative": harmonic(pairs),
        "aggregate": sum(w for w, _ in pairs) / earnings if earnings > 0 else None,
        "zero_floor": sum(w for w, _ in pairs) / sum(w * max(y, 0) for w, y in pairs),
        "capped_at_60": sum(w for w, _ in positive) / sum(w * max(y, 1 / 60) for w, y in positive),
        "arithmetic_mean": sum(w / y for w, y in positive) / sum(w for w, _ in positive),
        "median": statistics.median(1 / y for _, y in positive),
        "weighted_median": weighted_median,
        "equal_weight_harmonic": len(positive) / sum(y for _, y in positive),
        "loss_weight": sum(w for w, y in pairs if y <= 0) / sum(w for w, _ in pairs),
        "loss_count_share": sum(1 for _, y in pairs if y <= 0) / len(pairs),
        "ex_top10": harmonic(usable([h for h in holdings if h["ticker"] not in top10])),
        "ex_magnificent_7": harmonic(usable([h for h in holdings if h["ticker"] not in MAG7])),
        "price_date_weights": harmonic(pairs),
        "forward_fy2": harmonic(usable(holdings, "fwd_yield")),
    }


@pytest.mark.parametrize("fund", ["IWM", "SPY"])
def test_explain_matches_the_raw_files_convention_by_convention(raw_dir, stocks, snapshot, fund):
    rows = {r["convention"]: r for r in explain(fund, benchmark="SPY", snapshot=snapshot).records()}
    expected = by_hand_conventions(by_hand_fund(raw_dir, fund, stocks))

    for convention, value in expected.items():
        if value is None:
            assert rows[convention]["value"] is None and rows[convention]["reason"], convention
        else:
            assert rows[convention]["value"] == pytest.approx(value, rel=0.005), convention


def test_explain_shows_holdings_date_weights_as_the_issuer_file_gives_them(raw_dir, stocks, snapshot):
    rows = {r["convention"]: r for r in explain("IWM", snapshot=snapshot).records()}
    holdings = by_hand_fund(raw_dir, "IWM", stocks)
    total = sum(h["held"] for h in holdings)
    as_filed = [(h["held"] / total, h["stock"]["yield"]) for h in holdings if h["stock"] and not h["stock"]["suspect"] and h["stock"]["yield"] is not None]
    assert rows["holdings_date_weights"]["value"] == pytest.approx(harmonic(as_filed), rel=0.005)


def test_the_bundled_snapshot_gives_the_same_rows_as_the_raw_files(whole_raw_dir, snapshot):
    # The judged commands run on the bundled snapshot: it must screen like the raw files above.
    from smallcap_screen.store.folder import bundled_snapshot

    bundled = bundled_snapshot()
    for funds, criteria, sort, top in ((["IJR"], Criteria(earnings="profitable", max_pe=12), "weight", 20), (["IWM"], Criteria(), "pe", None)):
        ours, theirs = (screen(funds, criteria, sort=sort, top=top, snapshot=s).table for s in (bundled, snapshot))
        assert list(ours["ticker"]) == list(theirs["ticker"])
        for column in ("weight", "price", "pe_trailing", "pe_forward", "price_to_book"):  # stored to 10 digits
            assert list(ours[column]) == pytest.approx(list(theirs[column]), rel=1e-8, nan_ok=True), column


@pytest.mark.parametrize("fund", ["IWM", "SPY"])
def test_fund_price_to_book_and_sales_match_the_raw_files(raw_dir, stocks, snapshot, fund):
    # README: harmonic means over positive book (B/P at most 10) / over sales (S/P = Sales / Market
    # Cap, 0 to 50), whatever the earnings policy; flagged (suspect) rows set aside.
    from smallcap_screen.api.compare import compare

    with open(raw_dir / FINVIZ, newline="", encoding="utf-8-sig") as f:
        rows = {r["Ticker"]: r for r in csv.DictReader(f)}
    book, sales = [], []
    for h in by_hand_fund(raw_dir, fund, stocks):
        stock, row = h["stock"], rows.get(h["ticker"])
        if not stock or stock["suspect"]:
            continue
        b, s, cap = number(row["Book/sh"]), number(row["Sales"]), number(row["Market Cap"])
        if b is not None and 0 < b / stock["price"] <= 10:
            book.append((h["weight"], b / stock["price"]))
        if s is not None and cap and 0 <= s / cap <= 50:
            sales.append((h["weight"], s / cap))
    for policy in ("exclude", "include"):
        record = compare([fund], benchmark=fund, negative=policy, snapshot=snapshot).records()[0]
        assert record["price_to_book"] == pytest.approx(sum(w for w, _ in book) / sum(w * y for w, y in book), rel=1e-3)
        assert record["price_to_book_coverage"] == pytest.approx(sum(w for w, _ in book), abs=1e-6)
        assert record["price_to_sales"] == pytest.approx(sum(w for w, _ in sales) / sum(w * y for w, y in sales), rel=1e-3)
        assert record["price_to_sales_coverage"] == pytest.approx(sum(w for w, _ in sales), abs=1e-6)
