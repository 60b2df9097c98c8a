"""Live fetches as the command line shows them: a Rich progress display on stderr and a summary.

The display appears only when stderr is a terminal and ``--quiet`` was not given; notices that
explain a wait (Yahoo throttling) are shown as they happen unless ``--quiet``.
"""

from __future__ import annotations

from typing import TextIO

from .cache import Cache
from .live import FetchReport, Progress, fetch_snapshot


class LiveFetch:
    """A ``fetch`` for ``api.compare.compare`` that shows progress and remembers what it did."""

    def __init__(self, cache: Cache | None, *, show: bool = True, stream: TextIO | None = None, sec_user_agent: str | None = None) -> None:
        self.cache = cache
        #: Who the SEC is told is asking (config ``sec_user_agent``), for funds whose holdings come from N-PORT.
        self.sec_user_agent = sec_user_agent
        self.show = show
        #: Where the display and notices go (None: standard error).
        self.stream = stream
        #: What the last fetch did, also after it failed or was interrupted.
        self.report: FetchReport | None = None
        self._succeeded = False
        self.fiscal_year_ends = False

    def __call__(self, funds, files, *, fiscal_year_ends: bool = False):
        self.report = FetchReport()
        self._succeeded = False
        self.fiscal_year_ends = fiscal_year_ends
        snapshot = self._fetch(funds, files, self.report)
        self._succeeded = True
        return snapshot

    def _fetch(self, funds, files, report: FetchReport):
        from rich.console import Console

        console = Console(stderr=self.stream is None, file=self.stream)
        note = (lambda text: console.print(text, markup=False, highlight=False)) if self.show else None
        if not (self.show and console.is_terminal):
            return fetch_snapshot(funds, files, cache=self.cache, sec_user_agent=self.sec_user_agent, report=report, progress=Progress(note=note), fiscal_year_ends=self.fiscal_year_ends)

        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bars, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Bars(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True) as bars:
            holdings_task = bars.add_task("holdings", total=len(funds))
            quotes_task = bars.add_task("quotes", total=None, visible=False)

            def on_holdings(done: int, total: int) -> None:
                bars.update(holdings_task, completed=done, total=total)

            def on_quotes(done: int, total: int | None) -> None:
                # No total until every fund's holdings are in: a total that grew as funds
                # arrived would move the bar backwards.
                bars.update(quotes_task, visible=True, total=total, completed=done)

            return fetch_snapshot(funds, files, cache=self.cache, sec_user_agent=self.sec_user_agent, report=report, progress=Progress(on_holdings, on_quotes, note), fiscal_year_ends=self.fiscal_year_ends)

    def summary(self) -> list[str]:
        """One line on the holdings, one on the quotes, then any notes; nothing after an offline run."""
        report = self.report
        if report is None or not self._succeeded:
            return []
        holdings = [f"{label} {', '.join(funds)}" for label, funds in (("downloaded", report.downloaded), ("from cache", report.cached)) if funds]
        if report.nport:
            holdings.append(f"{', '.join(report.nport)} from SEC N-PORT ({report.sec_requests} SEC requests)")
        holdings += [f"failed {fund} ({reason})" for fund, reason in report.failed.items()]
        lines = [f"holdings: {'; '.join(holdings) or 'none'}"]
        quotes = f"quotes: {report.quotes_fetched:,} fetched in {report.yahoo_requests} Yahoo requests, {report.quotes_cached:,} from cache"
        if report.fiscal_year_requests:
            quotes += f" ({report.fiscal_year_requests:,} of the requests for fiscal-year ends)"
        if report.quotes_missing:
            shown = ", ".join(report.quotes_missing[:8]) + (" ..." if len(report.quotes_missing) > 8 else "")
            quotes += f", {len(report.quotes_missing)} without a quote ({shown})"
        return [*lines, quotes, *report.notes]

    def kept(self) -> str:
        """What a live fetch stopped by Ctrl-C left for the next run (the CLI's "interrupted:" line)."""
        kept = self.report.quotes_kept if self.report else 0
        if self.cache is None or not kept:
            return "nothing fetched was kept"
        return f"{kept:,} quotes kept in the cache for the next run"
