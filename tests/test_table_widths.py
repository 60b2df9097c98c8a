"""Tables at the widths people use: every figure whole, no line wider than the terminal."""

from __future__ import annotations

import pytest
from rich.console import Console

from smallcap_screen import breakdown, compare
from smallcap_screen.render import pct, pe
from smallcap_screen.render.compare import comparison_table
from smallcap_screen.render.holdings import breakdown_table

WIDTHS = [60, 80, 120, 200]


def rendered(table, width: int) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(table)
    return console.export_text()


@pytest.fixture(scope="module")
def comparison():
    return compare(["IWM", "IJR", "IJS", "SPY"], data="offline", store=None)


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_shows_every_headline_figure_whole(comparison, width):
    text = rendered(comparison_table(comparison, plain=True, width=width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    for record in comparison.records():
        if record["status"] == "ok":
            for figure in (pe(record["pe_trailing"]), pe(record["pe_forward"]), pct(record["coverage"])):
                assert f" {figure}" in text, (width, record["fund"], figure)
    assert "…" not in text.replace("…)", "")  # nothing cut but a text cell


@pytest.mark.parametrize("width", [60, 80])
def test_compare_names_the_columns_it_leaves_out_at_narrow_widths(comparison, width):
    text = " ".join(rendered(comparison_table(comparison, plain=True, width=width), width).split())
    assert "Not shown at this width:" in text and "-f csv" in text


def test_compare_leaves_nothing_out_at_200_columns(comparison):
    text = rendered(comparison_table(comparison, plain=True, width=200), 200)
    assert "Not shown" not in text and "Russell 2000" in text and "growth" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_holdings_shows_ticker_weight_and_pe_whole(width):
    result = breakdown("IWM", data="offline")
    text = rendered(breakdown_table(result, top=15, plain=True, width=width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    for row in result.table.head(15).itertuples():
        assert f" {row.ticker} " in text
        assert f"{row.weight:.2%}" in text
        if row.pe_trailing == row.pe_trailing:
            assert f"{row.pe_trailing:,.2f}x" in text
