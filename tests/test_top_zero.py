"""`--top 0` means every row in `screen` and in `holdings` alike, in the table too; `--top N` keeps N."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run


def table_rows(stdout: str, tickers: set[str]) -> int:
    return sum(1 for line in stdout.splitlines() if line.split()[:1] and line.split()[0] in tickers)


@pytest.mark.parametrize("command", ["screen", "holdings"])
def test_top_0_shows_every_row_in_the_table_and_top_n_shows_n(command, tmp_path):
    store = ["--offline", "--data-dir", str(tmp_path)]
    everything = run(command, "IJR", *store, "-f", "json")
    assert everything.returncode == 0, everything.stderr
    records = json.loads(everything.stdout)
    tickers = {r["ticker"] for r in records}
    assert len(tickers) > 100  # more than either command's table shows by default

    whole = run(command, "IJR", "--top", "0", *store)
    assert whole.returncode == 0, whole.stderr
    assert table_rows(whole.stdout, tickers) == len(tickers) and "not shown" not in whole.stdout
    five = run(command, "IJR", "--top", "5", *store)
    assert five.returncode == 0 and table_rows(five.stdout, tickers) == 5
    default = run(command, "IJR", *store)
    assert table_rows(default.stdout, tickers) == {"screen": 100, "holdings": 25}[command]


def test_screen_top_0_in_json_is_every_row_like_no_top(tmp_path):
    store = ["--offline", "--data-dir", str(tmp_path), "-f", "json"]
    assert json.loads(run("screen", "IJR", "--top", "0", *store).stdout) == json.loads(run("screen", "IJR", *store).stdout)
