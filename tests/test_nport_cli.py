"""`compare` of a fund outside the fund table, end to end: holdings from N-PORT on the stand-in
EDGAR, quotes from the stand-in Yahoo, through the HTTPS proxy, as a user runs it.

The fund is Vanguard Extended Market (VXF), whose real NPORT-P excerpt of 2025-06-30 holds eight
common stocks (six matched to a symbol by name, Noble and Movado left unmapped), a CVR, a
preferred, a money-market fund, two futures and a swap. Its figures are computed here by hand
from the document's own numbers (valUSD, balance) and the quotes served.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import assert_one_line_error, by_fund
from tests.helpers import run_live as run
from tests.standins import edgar
from tests.standins.internet import StandInInternet

USER_AGENT = {"SMALLCAP_SCREEN_SEC_USER_AGENT": "Jane Doe jane@example.com"}
# symbol: (price, trailing EPS, forward EPS) as the stand-in Yahoo serves them.
QUOTES = {
    "SGRY": (22.0, -1.0, 0.5), "EXLS": (45.0, 1.5, 1.9), "GSAT": (30.0, -0.1, 0.2),
    "OKLO": (55.0, -0.5, -0.4), "OSIS": (220.0, 8.0, 10.0), "CELH": (45.0, 0.4, 1.2),
}
# The equity lines of the excerpt by issuer name, and the symbol each maps to ("" unmapped).
EQUITY = {
    "Surgery Partners Inc": "SGRY", "ExlService Holdings Inc": "EXLS", "Globalstar Inc": "GSAT", "Oklo Inc": "OKLO",
    "OSI Systems Inc": "OSIS", "Noble Corp PLC": "", "Celsius Holdings Inc": "CELH", "Movado Group Inc": "",
}


def yahoo_quote(symbol: str, price: float, eps: float, forward: float) -> dict:
    return {"symbol": symbol, "quoteType": "EQUITY", "currency": "USD", "regularMarketPrice": price,
            "epsTrailingTwelveMonths": eps, "epsForward": forward}


@pytest.fixture(scope="module")
def net(raw_dir):
    quotes = {s: yahoo_quote(s, *q) for s, q in QUOTES.items()}
    with StandInInternet(raw_dir, latency=0.02, extra_quotes=quotes) as running:
        yield running


@pytest.fixture
def env(net, tmp_path) -> dict[str, str]:
    return {**net.env, **USER_AGENT, "SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
            "SMALLCAP_SCREEN_DATA_DIR": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}


def filed_lines() -> dict[str, tuple[float, float]]:
    """valUSD and balance of each equity line of the excerpt, read straight from the XML."""
    local = lambda tag: tag.rpartition("}")[2]  # noqa: E731
    lines = {}
    for element in ET.parse(edgar.EXTENDED_MARKET).getroot().iter():
        if local(element.tag) == "invstOrSec":
            fields = {local(child.tag): (child.text or "").strip() for child in element}
            if fields["name"] in EQUITY:
                lines[fields["name"]] = (float(fields["valUSD"]), float(fields["balance"]))
    return lines


def test_compare_of_an_nport_fund_equals_a_computation_by_hand(env, net):
    lines = filed_lines()
    value = {EQUITY[name]: v for name, (v, _) in lines.items() if EQUITY[name]}
    shares = {EQUITY[name]: b for name, (_, b) in lines.items() if EQUITY[name]}
    total = sum(v for v, _ in lines.values())  # unmapped holdings stay in the fund
    profitable = [s for s, (_, eps, _) in QUOTES.items() if eps > 0]
    by_hand = {
        # Holdings-date weights = valUSD shares of the equity; P/E = sum w / sum w x E/P over E > 0.
        "coverage": sum(value.values()) / total,
        "pe_trailing": sum(value[s] for s in profitable) / sum(value[s] * QUOTES[s][1] / QUOTES[s][0] for s in profitable),
        "loss_weight": sum(value[s] for s in QUOTES if QUOTES[s][1] <= 0) / sum(value.values()),
    }
    forward = [s for s, (_, _, f) in QUOTES.items() if f > 0]
    by_hand["pe_forward"] = sum(value[s] for s in forward) / sum(value[s] * QUOTES[s][2] / QUOTES[s][0] for s in forward)
    # Price-date weights = shares held x today's price, so P/E = sum shares x P / sum shares x EPS.
    price_date_pe = sum(shares[s] * QUOTES[s][0] for s in profitable) / sum(shares[s] * QUOTES[s][1] for s in profitable)

    before = net.total_requests
    held = run("compare", "VXF", "IJS", "SPY", "--weighting", "holdings-date", "-f", "json", env=env)
    assert held.returncode == 0, held.stderr
    vxf = by_fund(held.stdout)["VXF"]
    for field, expected in by_hand.items():
        assert vxf[field] == pytest.approx(expected, rel=1e-4), field
    assert vxf["holdings_source"] == "nport" and vxf["holdings"] == 8 and vxf["as_of_holdings"] == "2025-06-30"
    assert vxf["name"] == "VANGUARD EXTENDED MARKET INDEX FUND"
    assert vxf["holdings_age_days"] > 120 and vxf["old_holdings"] is True
    assert by_fund(held.stdout)["IJS"]["holdings_source"] == "live"
    assert "VXF from SEC N-PORT (5 SEC requests)" in held.stderr

    priced = run("compare", "VXF", "IJS", "SPY", "-f", "json", env=env)
    assert by_fund(priced.stdout)["VXF"]["pe_trailing"] == pytest.approx(price_date_pe, rel=1e-4)
    assert net.total_requests > before

    warm = net.total_requests
    table = run("compare", "VXF", "IJS", "SPY", env={**env, "COLUMNS": "80"})
    assert table.returncode == 0 and net.total_requests == warm, "a warm run must not touch the network"
    caption = " ".join(table.stdout.split())
    assert "Holdings from SEC Form N-PORT" in caption and "VXF 2025-06-30" in caption and "VXF*" in table.stdout
    assert "87.5%" in table.stdout  # coverage: Noble and Movado have no symbol


@pytest.mark.parametrize(
    ("fund", "code", "words"),
    [
        ("ZZZZ", 4, ["ZZZZ is not in the SEC's list of fund tickers"]),
        ("AVUV", 3, ["AVUV: the SEC has no N-PORT report"]),
        ("VXF", 3, ["not well-formed XML", "download it again"]),
    ],
    ids=["no-fund", "no-report-yet", "damaged-xml"],
)
def test_bad_nport_input_is_one_line_with_its_exit_code_and_the_other_funds_stay_live(env, net, fund, code, words):
    path = edgar.archive(edgar.VANGUARD, edgar.EXTENDED_2025Q2)
    if fund == "VXF":
        net.sec.documents[path] = edgar.EXTENDED_MARKET.read_bytes()[:3000]
        net.sec.documents[edgar.archive(edgar.VANGUARD, edgar.FIVE_HUNDRED_2025Q2)] = edgar.EXTENDED_MARKET.read_bytes()[:3000]
    try:
        result = run("compare", fund, "IJS", "SPY", "-f", "json", env=env)
    finally:
        net.sec.documents.update({k: v for k, v in edgar.documents().items() if k.startswith("/Archives")})
    assert_one_line_error(result, code, *words)
    records = by_fund(result.stdout)
    assert records[fund]["status"] == "missing"
    assert records["IJS"]["status"] == "ok" and records["IJS"]["holdings_source"] == "live"


def test_without_a_user_agent_the_nport_fund_fails_alone_saying_how_to_set_it(env):
    without = {k: v for k, v in env.items() if k not in USER_AGENT}
    result = run("compare", "VXF", "IJS", "-f", "json", env=without)
    assert_one_line_error(result, 2, "sec_user_agent", "SMALLCAP_SCREEN_SEC_USER_AGENT")
    assert by_fund(result.stdout)["IJS"]["status"] == "ok"


def test_offline_an_nport_fund_says_it_needs_the_network(env):
    result = run("compare", "AVUV", "SPY", "--offline", env=env)
    assert_one_line_error(result, 4, "AVUV", "N-PORT", "needs the network")


@pytest.mark.parametrize(
    ("fund", "code", "words"),
    [("ZZZZ", 4, ["ZZZZ is not in the SEC's list of fund tickers"]), ("AVUV", 3, ["AVUV: the SEC has no N-PORT report"])],
    ids=["no-fund", "no-report-yet"],
)
def test_screen_and_sectors_print_the_other_funds_then_fail_with_the_nport_funds_own_error(env, fund, code, words):
    screened = run("screen", fund, "IJS", "--top", "3", "-f", "json", env=env)
    assert_one_line_error(screened, code, *words)
    rows = json.loads(screened.stdout)
    assert len(rows) == 3 and all(row["weight_IJS"] > 0 for row in rows) and f"weight_{fund}" not in rows[0]

    split = run("sectors", fund, "IJS", "-f", "json", env=env)
    assert_one_line_error(split, code, *words)
    assert {row["fund"] for row in json.loads(split.stdout)} == {"IJS"}


def test_screen_without_a_user_agent_prints_the_other_funds_then_says_how_to_set_it(env):
    without = {k: v for k, v in env.items() if k not in USER_AGENT}
    result = run("screen", "VXF", "IJS", "--top", "2", "-f", "json", env=without)
    assert_one_line_error(result, 2, "sec_user_agent", "SMALLCAP_SCREEN_SEC_USER_AGENT")
    assert len(json.loads(result.stdout)) == 2


@pytest.mark.parametrize(
    "args", [("explain", "ZZZZ"), ("explain", "IJS", "--benchmark", "ZZZZ"), ("screen", "ZZZZ"), ("sectors", "IJS", "--benchmark", "ZZZZ")],
    ids=["explain-fund", "explain-benchmark", "screen-alone", "sectors-benchmark"],
)
def test_with_nothing_to_show_but_the_failed_fund_the_command_is_just_its_error(env, args):
    result = run(*args, "-f", "json", env=env)
    assert_one_line_error(result, 4, "ZZZZ is not in the SEC's list of fund tickers")
    assert result.stdout == ""


def test_stored_nport_holdings_still_say_nport_with_their_report_date_and_age(env):
    kept = run("snapshot", "VXF", "IJS", env=env)  # kept, and partial: VXF's coverage is 87.5%
    assert kept.returncode == 7 and "kept snapshot 1" in kept.stderr, kept.stderr
    stored = run("compare", "VXF", "IJS", "SPY", "--offline", "-f", "json", env=env)
    assert stored.returncode == 0, stored.stderr
    vxf, ijs = by_fund(stored.stdout)["VXF"], by_fund(stored.stdout)["IJS"]
    assert vxf["holdings_source"] == "store" and vxf["holdings_origin"] == "nport" and ijs["holdings_origin"] == "issuer"
    assert vxf["as_of_holdings"] == "2025-06-30" and vxf["holdings_age_days"] > 120
    table = run("compare", "VXF", "IJS", "SPY", "--offline", env={**env, "COLUMNS": "80"})
    caption = " ".join(table.stdout.split())
    assert "Holdings from SEC Form N-PORT" in caption and f"VXF 2025-06-30 ({vxf['holdings_age_days']} days old)" in caption
