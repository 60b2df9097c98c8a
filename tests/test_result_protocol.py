"""One result protocol: every API result has ``records()``, ``fields``, ``to_frame()``, the
command line's own table as ``__rich__`` (a notebook and a terminal show the same thing), that
table as escaped HTML (``_repr_html_``), and a one-line repr."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console

import smallcap_screen as api
from smallcap_screen.api.keep import import_export, take_snapshot
from smallcap_screen.api.screen import Criteria
from smallcap_screen.store.folder import bundled_snapshot
from smallcap_screen.store import Store
from tests.helpers import dated, run
from tests.test_import import prices_csv

#: The width both the terminal and the rich console draw at in these tests.
WIDTH = 100
HOSTILE = "<script>alert(1)</script>"


def rich_text(result, width: int = WIDTH) -> str:
    """What ``rich.print(result)`` shows on a console of ``width`` columns without colour."""
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(result)
    return console.export_text()


def cli_table(*args: str) -> str:
    done = run(*args, env={"COLUMNS": str(WIDTH)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_json(*args: str) -> list[dict]:
    done = run(*args, "-f", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_protocol(result) -> None:
    """records() are dicts keyed by exactly ``fields``, to_frame() has them as columns and as many
    rows, the repr is one line naming the class."""
    records = result.records()
    assert isinstance(records, list) and records
    assert all(list(record) == list(result.fields) for record in records)
    frame = result.to_frame()
    assert list(frame.columns) == list(result.fields) and len(frame) == len(records)
    assert repr(result).startswith(f"<{type(result).__name__} ") and "\n" not in repr(result)
    assert "<pre" in result._repr_html_()


@pytest.fixture
def hostile_file(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(f'ticker,weight,name\nAAPL,50,"{HOSTILE}"\nMSFT,50,"<img src=x>"\n', encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path):
    with Store.open(str(tmp_path / "store.sqlite3")) as opened:
        yield opened


def test_a_comparison_draws_the_compare_commands_table_with_its_figures():
    result = api.compare(["IWM", "IJR", "SPY"], data="offline")
    assert_protocol(result)
    shown = rich_text(result)
    assert shown == cli_table("compare", "IWM", "IJR", "SPY", "--offline")
    for record in cli_json("compare", "IWM", "IJR", "SPY", "--offline"):
        assert f"{record['pe_trailing']:.1f}x" in shown and f"{record['pe_forward']:.1f}x" in shown
    assert repr(result) == "<Comparison IWM IJR SPY vs SPY: 3 rows, prices 2025-08-19 (bundled reference snapshot)>"


def test_a_breakdown_draws_the_holdings_commands_table(hostile_file):
    result = api.breakdown("IWM", data="offline")
    assert_protocol(result)
    assert rich_text(result) == cli_table("holdings", "IWM", "--offline")
    assert [r["ticker"] for r in result.records()] == [r["ticker"] for r in cli_json("holdings", "IWM", "--offline")]
    html = api.breakdown(str(hostile_file), data="offline")._repr_html_()
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_screen_draws_the_screen_commands_table(hostile_file):
    result = api.screen(["IJR"], Criteria(max_pe=12), data="offline")
    assert_protocol(result)
    assert rich_text(result) == cli_table("screen", "IJR", "--max-pe", "12", "--offline")
    assert len(result.records()) == len(cli_json("screen", "IJR", "--max-pe", "12", "--offline"))
    html = api.screen([str(hostile_file)], data="offline")._repr_html_()
    assert "<script" not in html and "&lt;script&gt;" in html


def test_sectors_and_explain_draw_their_commands_tables():
    view = api.sectors(["IWM"], data="offline")
    assert_protocol(view)
    assert rich_text(view) == cli_table("sectors", "IWM", "--offline")
    explanation = api.explain("IWM", data="offline")
    assert_protocol(explanation)
    assert rich_text(explanation) == cli_table("explain", "IWM", "--offline")
    assert [r["value"] for r in explanation.records()] == [r["value"] for r in cli_json("explain", "IWM", "--offline")]


def test_a_comparison_of_a_hostile_file_name_is_escaped_in_html(tmp_path, hostile_file):
    named = tmp_path / "<b>x.csv"
    named.write_bytes(hostile_file.read_bytes())
    html = api.compare([str(named), "SPY"], data="offline")._repr_html_()
    assert "<B>X" not in html and "&lt;B&gt;X" in html


def test_history_and_stored_holdings_from_a_store(store):
    path = str(store.path)
    for day in (3, 10):
        take_snapshot(["IWM"], store=store, fetch=lambda funds, files, data=dated(day, funds=("IWM", "SPY")): data)
    trail = api.history(["IWM", "SPY"], store=store)
    assert_protocol(trail)
    assert rich_text(trail) == cli_table("history", "IWM", "SPY", "--db", path)
    written = cli_json("history", "IWM", "SPY", "--db", path)  # figures rounded as written
    assert [list(r) for r in written] == [list(r) for r in trail.records()]
    assert [r["pe_trailing"] for r in trail.records()] == pytest.approx([r["pe_trailing"] for r in written], rel=1e-4)
    holdings = api.holdings_history(["IWM"], store=store)
    assert_protocol(holdings)
    assert len(holdings.records()) == len(json.loads(run("export", "IWM", "--what", "holdings", "-f", "json", "--db", path).stdout))
    assert "Stored holdings" in rich_text(holdings)


def test_a_snapshot_run_shows_the_figures_it_kept(store):
    kept = take_snapshot(["IWM"], store=store, fetch=lambda funds, files: dated(3, funds=("IWM", "SPY")))
    assert_protocol(kept)
    assert kept.provenance.as_of_prices == dt.date(2025, 11, 3) and kept.provenance.warnings == []
    shown = rich_text(kept)
    stored = cli_json("compare", "IWM", "SPY", "--offline", "--db", str(store.path))
    assert [r["pe_trailing"] for r in kept.records()] == pytest.approx([r["pe_trailing"] for r in stored], rel=1e-3)
    for record in stored:
        assert f"{record['pe_trailing']:.1f}x" in shown
    assert repr(kept).startswith(f"<SnapshotRun snapshot {kept.saved.snapshot_id} added: IWM SPY, prices 2025-11-03")


def test_an_import_says_per_fund_what_the_cli_says(tmp_path, store):
    reference = bundled_snapshot()
    export = prices_csv(tmp_path / "iwm.csv", reference, tickers=reference.holdings["IWM"].tickers)
    result = import_export(export, store=store, as_of=dt.date(2025, 11, 21))
    assert_protocol(result)
    by_fund = {r["fund"]: r for r in result.records()}
    assert by_fund["IWM"]["kept"] and by_fund["IWM"]["snapshot"] == result.saved.snapshot_id and not by_fund["SPY"]["kept"]
    assert result.provenance.as_of_prices == dt.date(2025, 11, 21) and result.provenance.data_source == "import of iwm.csv"
    assert any("left out" in note and "SPY" in note for note in result.provenance.notes)
    # the CLI prints the same notes and coverage (a second import of the same file is "unchanged")
    again = run("import", str(export), "--as-of", "2025-11-21", "--db", str(store.path))
    assert again.returncode == 0 and result.provenance.notes[0] in again.stderr
    assert f"IWM {by_fund['IWM']['holdings']} ({by_fund['IWM']['priced']:.0%} priced)" in again.stderr
    shown = rich_text(result)
    assert f"{by_fund['IWM']['priced']:.1%}" in shown and "no: left out" in shown


def test_a_backfill_run_lists_each_fund_period_and_says_what_the_cli_says():
    from smallcap_screen.api.backfill import METHOD, BackfillRun
    from smallcap_screen.store import BackfillEntry

    day, later = dt.date(2025, 11, 5), dt.date(2025, 11, 12)
    kept = BackfillEntry("IVV", day, "kept", METHOD, day, 0.97, "BRK.B 1.60%", snapshot_id=4)
    gap = BackfillEntry("IVV", later, "gap", METHOD, reason="no file on 2025-11-12 nor the 3 business days before")
    result = BackfillRun([kept], [gap], 0, {("IWM", later): "HTTP 500"}, {"SPY": "IVV"}, 2, 3, 40, 2_000_000, [4])
    assert_protocol(result)
    assert [(r["period_date"], r["fund"], r["status"], r["snapshot_id"]) for r in result.records()] == [
        ("2025-11-05", "IVV", "kept", 4), ("2025-11-12", "IVV", "gap", None), ("2025-11-12", "IWM", "failed", None),
    ]
    assert result.provenance.data_source == METHOD
    assert result.provenance.notes == ["SPY: the files of IVV stand in (same index; its issuer keeps no past files)"]
    assert result.provenance.warnings == ["IWM 2025-11-12: HTTP 500; not kept, the next run tries again"]
    shown = " ".join(rich_text(result, width=200).split())
    assert " ".join(result.summary().split()) in shown and "BRK.B 1.60%" in shown and "97.0%" in shown
