"""The bundled reference snapshot: built by tools/build_reference.py from the raw downloads, it prices
the whole finviz universe, so any fund file or portfolio a user brings is valued offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smallcap_screen.metrics import fund_valuation
from smallcap_screen.store.folder import bundled_snapshot, read_snapshot
from smallcap_screen.sources.holdings_file import read_holdings_file

TOOL = Path(__file__).resolve().parents[1] / "tools" / "build_reference.py"


@pytest.fixture(scope="module")
def built(whole_raw_dir, tmp_path_factory) -> Path:
    """The tool run from another folder, writing into a temporary one."""
    out = tmp_path_factory.mktemp("built")
    result = subprocess.run(
        [sys.executable, str(TOOL), str(whole_raw_dir), "--output", str(out / "reference"), "--aliases", str(out / "aliases.csv")],
        capture_output=True, text=True, cwd=out, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "VB 1327 holdings" in result.stderr
    return out / "reference"


def test_the_tool_rebuilds_what_is_shipped(built):
    rebuilt, shipped = read_snapshot(built), bundled_snapshot()

    assert rebuilt.funds == shipped.funds == ["IWM", "IVV", "SPY", "IJR", "VB"]
    assert len(rebuilt.fundamentals.table) == len(shipped.fundamentals.table)
    # the derived lists state no date: none is claimed for them
    assert json.loads((built / "manifest.json").read_text())["funds"]["VB"]["as_of"] is None


def test_the_bundled_prices_cover_every_stock_of_the_export_not_only_held_ones():
    snapshot = bundled_snapshot()
    held = {t for h in snapshot.holdings.values() for t in h.tickers}

    assert len(snapshot.fundamentals.table) == 5_907  # 10,362 rows less 4,455 ETFs
    assert len(set(snapshot.fundamentals.table.index) - held) > 2_500  # held by none of the bundled funds
    assert {"SPY", "IWM", "QQQ"}.isdisjoint(snapshot.fundamentals.table.index)  # ETFs are not stocks


def test_a_users_vb_file_is_priced_at_over_95_percent_offline(raw_dir, raw_figure):
    vb = read_holdings_file(raw_dir / "VB_holdings_derived-portfolio-xray_2025-11.js")

    valuation = fund_valuation(vb, bundled_snapshot().fundamentals, negative="exclude")

    assert vb.fund == "VB"
    # SNDK (no EPS yet after its spin-off) weighs 0.4% of VB but 5.8% of the committed excerpt.
    assert valuation.coverage > raw_figure(whole=0.95, excerpt=0.9)


def test_the_tool_says_what_is_missing_in_one_line(tmp_path):
    result = subprocess.run([sys.executable, str(TOOL), str(tmp_path), "--output", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)

    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "cannot read reference file" in result.stderr
    assert not (tmp_path / "out").exists()
