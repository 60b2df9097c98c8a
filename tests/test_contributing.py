"""The README's "Contributing" section as a newcomer follows it: the files it names for adding an
issuer, a screen filter or a forward horizon exist, and each of these is registered in one place."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from smallcap_screen.metrics import frame, screens
from smallcap_screen.model import FUNDAMENTAL_COLUMNS, Fundamentals, Holdings
from smallcap_screen.vocabulary import FORWARDS
from tests.helpers import REPO


def contributing() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Contributing\n", 1)[1].split("\n## ", 1)[0]


def test_every_file_the_contributing_section_names_exists():
    named = set(re.findall(r"`((?:smallcap_screen|tests|data)/[\w/<>.]+)`", contributing()))
    assert len(named) >= 12, named
    for path in named:
        if "<name>" in path:
            assert (REPO / path).parent.is_dir(), path
        else:
            assert (REPO / path).exists(), path


def test_every_issuer_module_is_named_by_the_fund_table_and_every_named_issuer_has_one():
    modules = {p.stem for p in (REPO / "smallcap_screen" / "sources" / "issuers").glob("*.py")} - {"__init__", "base"}
    with open(REPO / "data" / "funds.csv", newline="", encoding="utf-8") as file:
        named = {row["issuer"] for row in csv.DictReader(file)}
    assert modules == named


def test_every_screen_filter_is_a_criteria_field_with_one_function():
    assert [f.name for f in dataclasses.fields(screens.Criteria)] == list(screens._FILTERS)


def test_every_forward_horizon_has_its_earnings_yield_in_the_joined_frame():
    """A horizon added to FORWARDS without its column in metrics/frame.py fails here."""
    held = pd.DataFrame({"ticker": ["AAA"], "issuer_ticker": ["AAA"], "name": ["A"], "sector": ["Tech"], "weight": [1.0], "market_value": [1.0], "shares": [1.0]})
    holdings = Holdings(fund="X", equities=held, as_of=None, source="by hand")
    table = pd.DataFrame({c: [None] for c in FUNDAMENTAL_COLUMNS}, index=pd.Index(["AAA"], name="ticker"))
    table = table.assign(price=10.0, eps_trailing=1.0, eps_forward=2.0, eps_fy1=1.5, flags="")
    table = table.assign(fiscal_year_end="2024-12-31")
    fundamentals = Fundamentals(table=table, as_of=dt.date(2025, 8, 19), source="by hand")
    ahead = 134 / 365  # of the fiscal year ending 2025-12-31, on 2025-08-19
    # fy1 reads eps_fy1, fy2 the source's next-year estimate, ntm blends them by the fiscal year
    expected = {"fy1": 1.5 / 10, "fy2": 2.0 / 10, "ntm": (ahead * 1.5 + (1 - ahead) * 2.0) / 10}
    for horizon in FORWARDS:
        joined = frame.join(holdings, fundamentals, weighting="holdings-date", forward=horizon).frame
        assert f"yield_{horizon}" in joined.columns, horizon
        assert joined["yield_forward"].iloc[0] == pytest.approx(expected[horizon]), horizon
