"""`smallcap-screen report`: one self-contained HTML file holding the same figures as the CLI.

The report of the bundled snapshot is checked as a reader's browser would take it: it parses,
asks nothing of any host, shows the figures `compare -f json` and `explain -f json` print, and
shows hostile names from a holdings file as text. Where Chromium is installed, it is rendered.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from smallcap_screen.render import pe, signed_pct
from tests.helpers import run

FUNDS = ["IWM", "IJR", "SPY"]


def run_cli(args: list[str], *, home: Path):
    """``smallcap-screen ARGS`` with a store and cache of its own (``home``)."""
    return run(*args, "--data-dir", str(home / "data"), "--cache-dir", str(home / "cache"))

#: Elements HTML closes by itself; every other element opened must be closed, in order.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Structure(HTMLParser):
    """Every element opened and closed in order; what the page would fetch; its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.fetches: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "data") and value and not value.startswith("#"):
                self.fetches.append(value)
        self._style = tag == "style"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") and value and not value.startswith("#"):
                self.fetches.append(value)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.fetches += re.findall(r"url\(\s*['\"]?(?!#|data:)([^)'\"]+)", data)
            self.fetches += re.findall(r"@import\s+['\"]?([^;'\"]+)", data)
        else:
            self.text.append(data)


def parsed(text: str) -> _Structure:
    structure = _Structure()
    structure.feed(text)
    structure.close()
    return structure


@pytest.fixture(scope="module")
def bundled_report(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run_cli(["report", *FUNDS, "--offline", "--quiet", "-o", str(out)], home=out.parent)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_the_report_parses_as_html_and_fetches_nothing(bundled_report):
    structure = parsed(bundled_report)
    assert structure.errors == []
    assert structure.stack == []
    assert bundled_report.lstrip().lower().startswith("<!doctype html>")
    assert structure.fetches == [], "a report opened offline must not ask any host for anything"
    assert "script" not in structure.tags and "iframe" not in structure.tags
    assert {"svg", "table", "style"} <= structure.tags  # charts inline, tables, CSS inline


def _headline_cells(report: str) -> dict[str, list[str]]:
    """Each fund's row of the headline table, as the cell texts a reader sees."""
    section = report[report.index('id="headline"'):]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
        rows[cells[0]] = cells
    return rows


def test_the_headline_holds_the_figures_compare_prints(bundled_report, tmp_path):
    result = run_cli(["compare", *FUNDS, "--offline", "--quiet", "-f", "json"], home=tmp_path)
    records = json.loads(result.stdout)
    cells = _headline_cells(bundled_report)
    for record in records:
        row = cells[record["fund"]]
        assert pe(record["pe_trailing"]) in row
        assert pe(record["pe_forward"]) in row
        if record["fund"] != "SPY":
            assert signed_pct(record["discount_trailing"], plain=True) in row
    # and the figures are the ones the by-hand checks know: not merely self-consistent
    assert records[0]["pe_trailing"] is not None and records[0]["pe_trailing"] > 0


def test_the_method_ladder_holds_the_figures_explain_prints(bundled_report, tmp_path):
    from smallcap_screen.render.explain import figure

    for fund in ("IWM", "IJR"):
        result = run_cli(["explain", fund, "--offline", "--quiet", "-f", "json"], home=tmp_path)
        rows = json.loads(result.stdout)
        start = bundled_report.index(f"{fund}: the P/E under every published convention")
        section = html.unescape(bundled_report[start:bundled_report.index("</section>", start)])
        for row in rows:
            assert figure(row["value"], row["unit"]) in section, row["convention"]


def test_hostile_names_from_a_holdings_file_are_shown_as_text(tmp_path):
    hostile = tmp_path / "mine.csv"
    hostile.write_text(
        'ticker,weight,name\nAAPL,50,"<script>alert(1)</script>"\nMSFT,50,"<img src=http://evil.example/x.png>"\n', encoding="utf-8"
    )
    out = tmp_path / "report.html"
    result = run_cli(["report", str(hostile), "SPY", "--offline", "--quiet", "-o", str(out)], home=tmp_path)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    structure = parsed(text)
    assert "script" not in structure.tags and "img" not in structure.tags
    assert structure.fetches == []
    assert "<script>alert(1)</script>" in "".join(structure.text)  # shown, as text


def test_a_report_that_cannot_be_written_leaves_nothing(tmp_path):
    out = tmp_path / "missing-folder" / "report.html"
    result = run_cli(["report", "IWM", "SPY", "--offline", "--quiet", "-o", str(out)], home=tmp_path)
    assert result.returncode == 6
    assert not out.exists()
    assert result.stderr.count("\n") == 1


def _browser() -> str | None:
    return next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


@pytest.mark.skipif(_browser() is None, reason="needs Chromium (Debian's chromium package) to render the report")
def test_chromium_renders_the_report_with_no_error(bundled_report, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(bundled_report, encoding="utf-8")
    shot = tmp_path / "report.png"
    run = subprocess.run(
        [
            _browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
            "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists(), run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Failed to load resource" in line]
    assert console == [], console
    from PIL import Image  # matplotlib's own dependency

    image = Image.open(shot).convert("L")
    low, high = image.getextrema()
    assert high - low > 100, "the rendered page is blank"
    dark = sum(image.histogram()[:128])
    assert dark > 0.002 * image.width * image.height, "the rendered page shows almost no text"


def test_the_report_places_today_in_the_stored_history(tmp_path):
    """A year of monthly backfilled snapshots and two weekly live ones, prices moved each time:
    the change since the previous snapshot and since a year ago, the percentile and the extremes
    equal those computed here from the stored figures, and the chart tells backfilled from live."""
    import datetime as dt

    from smallcap_screen.api.compare import results_of
    from smallcap_screen.store import Store
    from tests.helpers import dated

    days = [dt.date(2024, 11, 29) + dt.timedelta(days=30 * i) for i in range(12)] + [dt.date(2025, 11, 21), dt.date(2025, 11, 28)]
    factors = [1.0 + 0.03 * ((i * 7) % 5) - 0.05 for i in range(len(days))]
    with Store.open(data_dir=tmp_path / "data") as store:
        for i, (day, factor) in enumerate(zip(days, factors)):
            snapshot = _small_caps_moved(dated(day, funds=("IWM", "SPY")), factor)
            origin = "backfill" if i < 12 else "live"
            store.save(snapshot, origin=origin, results=results_of(snapshot, "SPY", origin))
        stored = {(r["fund"], r["data_date"]): r for r in _stored_figures(store)}

    out = tmp_path / "report.html"
    result = run_cli(["report", "IWM", "SPY", "--offline", "--quiet", "-o", str(out)], home=tmp_path)
    assert result.returncode == 0, result.stderr
    text = html.unescape(out.read_text(encoding="utf-8"))

    iwm = sorted((day, r) for (fund, day), r in stored.items() if fund == "IWM")
    (now_day, now), (_, previous) = iwm[-1], iwm[-2]
    year_ago = next(r for day, r in iwm if day == "2024-11-29")  # 364 days before 2025-11-28
    discounts = [r["discount_trailing"] for _, r in iwm]
    row = re.search(r"<td class=\"l\"><b>IWM</b></td>(.*?)</tr>", text[text.index("Change and standing"):], re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
    assert cells[0] == pe(now["pe_trailing"])
    assert cells[1].startswith(f"{now['pe_trailing'] - previous['pe_trailing']:+.1f}x (from {previous['pe_trailing']:.1f}x)")
    assert cells[2].startswith(f"{now['pe_trailing'] - year_ago['pe_trailing']:+.1f}x")
    assert cells[4] == f"{round((now['discount_trailing'] - previous['discount_trailing']) * 100, 1) + 0.0:+.1f} pts"
    assert len({round(d, 6) for d in discounts}) > 5  # the discount really moved
    below = sum(d < now["discount_trailing"] for d in discounts) + 0.5 * sum(d == now["discount_trailing"] for d in discounts)
    assert cells[6] == f"{below / len(discounts):.0%}"
    low_day = next(day for day, r in iwm if r["discount_trailing"] == min(discounts))
    assert f"({low_day})" in cells[7]
    assert cells[8].startswith(f"{iwm[0][0]} .. {now_day} (14 snapshots)")
    assert "IWM (dashed: backfilled)" in text  # the chart's legend
    assert len(re.findall(r"<tr><td class=\"l\">\d+</td><td class=\"l\">20\d\d-\d\d-\d\d</td>", text)) == 14  # every snapshot, with its checksum


def _small_caps_moved(snapshot, factor: float):
    """``snapshot`` with the prices of IWM's stocks that SPY does not hold times ``factor``, so
    that IWM's P/E and its discount to SPY move from one date to the next."""
    import dataclasses

    from smallcap_screen.model import Fundamentals

    small = set(snapshot.holdings["IWM"].tickers) - set(snapshot.holdings["SPY"].tickers)
    table = snapshot.fundamentals.table.copy()
    moved = table.index.isin(list(small))
    table.loc[moved, "price"] = table.loc[moved, "price"] * factor
    f = snapshot.fundamentals
    return dataclasses.replace(snapshot, fundamentals=Fundamentals(table, f.as_of, f.source, f.forward_horizon))


def _stored_figures(store) -> list[dict]:
    """The stored figures under the default method, read straight from the store's own table."""
    import sqlite3

    with sqlite3.connect(store.path) as db:
        rows = db.execute(
            "SELECT data_date, fund, pe_trailing, discount_trailing FROM fund_history WHERE negative_policy = 'exclude' AND benchmark = 'SPY'"
        ).fetchall()
    return [{"data_date": day, "fund": fund, "pe_trailing": pe_, "discount_trailing": discount} for day, fund, pe_, discount in rows]
