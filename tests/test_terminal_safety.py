"""Text read from input files never acts on the user's terminal: control characters in holding
names are shown as escapes in every table, as CSV cells are neutralised for spreadsheets."""

from __future__ import annotations

import csv

import pytest

from smallcap_screen.render.layout import visible
from tests.helpers import run

CLEAR_SCREEN = "\x1b[2J\x1b[H"


@pytest.fixture
def escaping_portfolio(tmp_path):
    path = tmp_path / "mine.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([["ticker", "weight", "name"], ["AAPL", "60", f"Apple{CLEAR_SCREEN}"], ["MSFT", "30", "Micro\u202esoft\x07"], ["NVDA", "10", "Nv :rocket: Corp"], ["AMD", "5", "[bold]A[/bold]MD"]])
    return path


@pytest.mark.parametrize("command", ["holdings", "screen"])
def test_escapes_in_holding_names_are_shown_not_obeyed(escaping_portfolio, tmp_path, command):
    result = run(command, str(escaping_portfolio), "--offline", "--data-dir", str(tmp_path / "store"))

    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "Apple\\x1b[2" in result.stdout  # shown (perhaps shortened), not obeyed
    assert "Nv :rocket:" in result.stdout and "\U0001f680" not in result.stdout  # not turned into an emoji
    assert "[bold]A[/bold]MD" in result.stdout  # brackets as written, not read as markup


def test_visible_escapes_controls_and_keeps_lines_and_text():
    assert visible("a\x1b[2Jb\tc\nd\x9b") == "a\\x1b[2Jb\\tc\nd\\x9b"
    assert visible("Überweisung – 12 % ") == "Überweisung – 12 % "
