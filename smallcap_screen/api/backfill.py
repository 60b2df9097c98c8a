"""Past snapshots rebuilt from dated primary sources: the Python API behind ``smallcap-screen backfill``.

>>> from smallcap_screen.api.backfill import backfill
>>> run = backfill(["IWM", "IJR", "IVV"], since=datetime.date(2019, 1, 1), every="month",
...                store=Store.open(), user_agent="Jane Doe jane@example.com")   # doctest: +SKIP

For each period (the last business day of each day, week or month from ``since`` to ``until``)
and fund, the method (``METHOD``, README "Backfilled history") is:

- **holdings and prices**: the iShares holdings file of that day (``&asOfDate=``), whose rows
  carry that day's market values (the weights) and unadjusted closing prices, delisted names
  included, so the past fund is the one investors held (no survivorship). A day without a file
  (iShares answers its empty template) steps back up to ``MAX_STEP_BACK`` business days; past
  that the period is recorded as a gap, never filled with another day's data;
- **earnings**: each holding's trailing twelve-month GAAP EPS as filed with the SEC on or before
  that day (``metrics.trailing_eps``: diluted, else basic, else net income / diluted shares),
  the company found by ticker in the SEC's ticker file. Holdings without a CIK stay out of the
  P/E and are counted (``coverage``, the largest named);
- funds whose issuer publishes no past files take the iShares fund of the same index (SPY →
  IVV: both hold the S&P 500), said in ``BackfillRun.substitutes``.

Each period becomes one snapshot (``origin`` "backfill") with its figures, written in one
transaction with its ``backfill`` rows: an interrupted run leaves whole snapshots only, and the
next run skips every period already kept or recorded as a gap, and every date a live snapshot
already holds (a backfill never writes over one). Only ``store`` and ``cache_dir`` are written.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..errors import DataError, NetworkError, UsageError
from ..method import Provenance
from ..registry import Fund, get_fund, registry
from ..store import BackfillEntry, Store
from ..vocabulary import BACKFILL_PERIODS
from .result import Result

if TYPE_CHECKING:
    import pandas as pd

    from ..model import Holdings
    from ..sources.pacing import Pacer

#: What the store's ``backfill.method`` says of every period kept: the method of this module.
METHOD = "iShares dated file (weights from market value, unadjusted price) + SEC point-in-time TTM GAAP EPS"
#: Business days tried before the period's own day (holidays, iShares' one-day gaps) before a gap.
MAX_STEP_BACK = 3
#: Seconds between two requests to the issuer's site: what public backfill scripts use; faster
#: clients draw HTTP 503 from iShares' bot shield.
ISSUER_SPACING = 2.0
#: The issuer that publishes past days' files, and the only one a backfill reads.
DATED_ISSUER = "ishares"
#: Threads fetching and reading company facts: the SEC's 10 requests/s, not threads, set the pace;
#: a few keep requests going while others parse.
SEC_WORKERS = 4
#: Most business days of the SEC's daily indexes read to tell whether cached company facts are
#: still current (about a quarter); an older cache is fetched again (see ``_Refilings``).
MAX_INDEX_DAYS = 65
#: How many of a fund's largest unmatched holdings the ``backfill`` table names.
UNMATCHED_NAMED = 3


#: Fields of :meth:`BackfillRun.records`: those of the store's ``backfill`` table (BackfillEntry),
#: one row per fund and period done this run ("kept", "gap", or "failed": not recorded).
BACKFILL_FIELDS = [f.name for f in dataclasses.fields(BackfillEntry)]


@dataclass(frozen=True, repr=False)
class BackfillRun(Result):
    """What :func:`backfill` did.

    ``kept``: the entries written this run (one per fund and period, pointing at its snapshot);
    ``gaps``: the periods without a file; ``skipped``: fund-periods already done before;
    ``failed``: fund-periods whose download failed for another reason (not recorded: the next
    run tries them again); ``substitutes``: asked fund → the fund whose files stand in for it.
    ``provenance`` says where the data came from (``data_source``: the method) and carries what
    `backfill` prints: the stand-ins in ``notes``, each failed fund-period in ``warnings``.
    """

    kept: list[BackfillEntry]
    gaps: list[BackfillEntry]
    skipped: int
    failed: dict[tuple[str, dt.date], str]
    substitutes: dict[str, str]
    periods: int
    issuer_requests: int = 0
    sec_requests: int = 0
    sec_bytes: int = 0
    snapshots: list[int] = field(default_factory=list)

    fields = BACKFILL_FIELDS

    @property
    def complete(self) -> bool:
        return not self.failed

    @property
    def provenance(self) -> Provenance:
        notes = ["; ".join(f"{asked}: the files of {used} stand in (same index; its issuer keeps no past files)" for asked, used in self.substitutes.items())]
        warnings = [f"{fund} {day}: {why}; not kept, the next run tries again" for (fund, day), why in self.failed.items()]
        return Provenance(METHOD, notes=notes if self.substitutes else [], warnings=warnings)

    def records(self) -> list[dict]:
        """Every fund-period of this run, by period: kept, gap, or failed (the reason says why)."""
        from ..output import record_value

        failed = [BackfillEntry(fund, day, "failed", METHOD, reason=why) for (fund, day), why in self.failed.items()]
        entries = sorted([*self.kept, *self.gaps, *failed], key=lambda e: (e.period_date, e.fund))
        return [{name: record_value(getattr(entry, name)) for name in BACKFILL_FIELDS} for entry in entries]

    def _table(self, plain: bool, width: int):
        from ..render.backfill import backfill_table

        return backfill_table(self, plain=plain, width=width)

    def _summary(self) -> str:
        return self.summary().removeprefix("backfill: ")

    def summary(self) -> str:
        """One line: what was kept, skipped, missing, failed, and the requests it took."""
        parts = [f"{len(set(self.snapshots))} snapshot(s) kept ({len(self.kept)} fund-periods)"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        if self.gaps:
            parts.append(f"{len(self.gaps)} gap(s) recorded")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        parts.append(f"{self.issuer_requests} issuer and {self.sec_requests} SEC requests ({self.sec_bytes / 1e6:.1f} MB from the SEC)")
        return "backfill: " + ", ".join(parts)


@dataclass
class Progress:
    """Callbacks a front end may set: ``periods(done, total)`` as each period is finished, and
    ``note(text)`` for a wait worth telling at once (a throttled host); both optional."""

    periods: Callable[[int, int], None] | None = None
    note: Callable[[str], None] | None = None


def period_dates(since: dt.date, until: dt.date, every: str) -> list[dt.date]:
    """The last business day (Monday to Friday) of each day, ISO week or month from ``since`` to
    ``until``, kept where it falls within them; holidays are found by the issuer's empty answer."""
    if every not in BACKFILL_PERIODS:
        raise UsageError(f"every must be one of {', '.join(BACKFILL_PERIODS)}, not {every!r}")
    if until < since:
        raise UsageError(f"--until {until} is before --since {since}")
    days: list[dt.date] = []
    day = since
    while day <= until:
        if every == "day":
            last = day
            following = day + dt.timedelta(days=1)
        elif every == "week":
            last = day + dt.timedelta(days=4 - day.weekday()) if day.weekday() <= 4 else day - dt.timedelta(days=day.weekday() - 4)
            following = day + dt.timedelta(days=7 - day.weekday())
        else:
            following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            last = following - dt.timedelta(days=1)
        last = _business_day_on_or_before(last)
        if since <= last <= until and last not in days:
            days.append(last)
        day = following
    return days


def dated_fund(name: str) -> Fund:
    """The fund whose dated files stand for ``name``: itself when its issuer publishes past days,
    else the iShares fund of the same index (SPY, VOO → IVV; SPSM → IJR; VTWO → IWM)."""
    fund = get_fund(name)
    if fund.issuer == DATED_ISSUER:
        return fund
    same = [f for f in registry().funds.values() if f.issuer == DATED_ISSUER and f.index == fund.index]
    if not same:
        raise UsageError(f"{fund.ticker}: its issuer publishes only the latest holdings and no iShares fund follows {fund.index}; leave it out of the backfill")
    return same[0]


def backfill(
    funds: Sequence[str],
    *,
    store: Store,
    user_agent: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    every: str = "week",
    dates: Sequence[dt.date] | None = None,
    benchmark: str = "SPY",
    cache_dir: Path | None = None,
    issuer_spacing: float = ISSUER_SPACING,
    issuer_url: str = "https://www.ishares.com",
    sec_data_url: str = "https://data.sec.gov",
    sec_www_url: str = "https://www.sec.gov",
    sec_pacer: Pacer | None = None,
    progress: Progress | None = None,
) -> BackfillRun:
    """Rebuild the snapshots of ``funds`` (and the benchmark's) on each period date from ``since``
    to ``until`` (default today) every ``every`` ("day", "week", "month"), or on exactly ``dates``,
    and keep them in ``store``. ``user_agent`` ("Name email") is sent to the SEC, as its fair-access
    rule asks. ``cache_dir`` keeps the SEC's answers: a company's facts are fetched again only
    when the SEC's daily indexes show it filed a report since they were fetched. The URLs point
    the requests elsewhere (tests' stand-ins). ``sec_pacer`` paces and retries the SEC's requests
    (:func:`~smallcap_screen.sources.sec.client.sec_pacer`): by default the process's own
    (:func:`~smallcap_screen.sources.sec.client.process_pacer`: 9 requests/s, the SEC's retry
    policy), which every SEC client of the process shares; give another for a host with other
    rules (a mirror, a stand-in). Either one's waits are told through ``progress``. Raises UsageError for bad dates or funds, NetworkError when the SEC refuses
    (HTTP 403) or a host cannot be reached; KeyboardInterrupt passes through, what was kept stays.
    """
    if not user_agent or not user_agent.strip():
        from ..sources.sec.client import MISSING_USER_AGENT

        raise UsageError(MISSING_USER_AGENT)
    if dates is None:
        if since is None:
            raise UsageError("a backfill needs --since (the first date) or a list of dates")
        dates = period_dates(since, until or dt.date.today(), every)
    dates = sorted(set(dates))
    asked = [get_fund(f) for f in [*funds, benchmark]]
    substitutes = {f.ticker: dated_fund(f.ticker).ticker for f in asked if dated_fund(f.ticker).ticker != f.ticker}
    sources = list(dict.fromkeys(dated_fund(f.ticker) for f in asked))
    bench = dated_fund(benchmark).ticker

    done = {(e.fund, e.period_date) for e in store.backfill_entries()}
    live = store.live_dates()
    todo = [(day, fund) for day in dates for fund in sources if (fund.ticker, day) not in done and day not in live.get(fund.ticker, set())]
    skipped = len(dates) * len(sources) - len(todo)
    if not todo:
        return BackfillRun([], [], skipped, {}, substitutes, len(dates))
    job = _Backfill(store, user_agent, bench, cache_dir, issuer_spacing, issuer_url, sec_data_url, sec_www_url, sec_pacer, progress or Progress())
    return job.run(todo, skipped, substitutes, len(dates))


# -- the run ------------------------------------------------------------------------------------


@dataclass
class _Period:
    """One period's funds as they come in: files (or gaps, failures) and what they still wait for."""

    day: dt.date
    funds: list[Fund]
    files: dict[str, tuple["Holdings", "pd.Series", dict[str, int]]] = field(default_factory=dict)
    gaps: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def downloaded(self) -> bool:
        return len(self.files) + len(self.gaps) + len(self.failed) == len(self.funds)


class _Backfill:
    """One run: the issuer download thread, the SEC threads, and the periods waiting to be kept.

    The issuer's files come one at a time (its spacing is the slower pace); as each arrives the
    companies it holds that were not seen yet are sent to the SEC threads, so both hosts are
    busy at once and the run takes about as long as the slower of the two alone. A period is kept
    as soon as its files and the earnings of everything they hold are in.
    """

    def __init__(self, store, user_agent, bench, cache_dir, issuer_spacing, issuer_url, sec_data_url, sec_www_url, sec_pacer, progress: Progress) -> None:
        self.store = store
        self.user_agent = user_agent
        self.bench = bench
        self.cache_dir = cache_dir
        self.issuer_spacing = issuer_spacing
        self.issuer_url = issuer_url
        self.sec_urls = (sec_data_url, sec_www_url)
        self.sec_pacer = sec_pacer
        self.progress = progress
        self.stop = threading.Event()
        #: CIK → (dates the EPS changed, the EPS from each), None while being fetched.
        self.earnings: dict[int, "_EarningsSteps | None"] = {}
        self.kept: list[BackfillEntry] = []
        self.gaps: list[BackfillEntry] = []
        self.failed: dict[tuple[str, dt.date], str] = {}
        self.snapshots: list[int] = []
        #: (fund, day) without a file, as found by the download thread (the only one to use it).
        self.no_file: set[tuple[str, dt.date]] = set()
        #: Each fund's last file kept (its equities and prices), to see splits in the next one.
        self.last_file: dict[str, tuple["pd.DataFrame", "pd.Series"]] = {}
        #: CIK → the splits the files showed this run, and the EPS steps on their share basis.
        self.seen_splits: dict[int, list] = {}
        self.split_earnings: dict[int, "_EarningsSteps"] = {}

    def run(self, todo: list[tuple[dt.date, Fund]], skipped: int, substitutes: dict[str, str], periods: int) -> BackfillRun:
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        from ..sources.http import HttpClient
        from ..sources.pacing import Pacer, RateBudget, RetryPolicy
        from ..sources.sec.client import SecClient, process_pacer
        from ..sources.sec.identity import company_ciks

        by_day: dict[dt.date, _Period] = {}
        for day, fund in todo:
            by_day.setdefault(day, _Period(day, [])).funds.append(fund)
        self.needed_until = max(by_day)
        self.first_day = _business_days_before(min(by_day), MAX_STEP_BACK)
        sec_pacer = process_pacer() if self.sec_pacer is None else self.sec_pacer
        sec_pacer.on_wait = self._waited  # as process_pacer(on_wait) does for its newest caller
        issuer_pacer = Pacer(RetryPolicy(), default_budget=RateBudget(rate=1 / self.issuer_spacing) if self.issuer_spacing > 0 else RateBudget(), stop=self.stop, on_wait=self._waited)
        downloads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backfill-issuer")
        facts_pool = ThreadPoolExecutor(max_workers=SEC_WORKERS, thread_name_prefix="backfill-sec")
        total = len(by_day)
        finished = 0
        with HttpClient(pacer=issuer_pacer) as issuer, SecClient(
            self.user_agent, data_url=self.sec_urls[0], www_url=self.sec_urls[1], cache_dir=self.cache_dir,
            pacer=sec_pacer,
        ) as sec:
            try:
                self.ciks = company_ciks(sec)  # the first request: a refusal (403) stops the run before any other
                self.refilings = _Refilings(sec)
                self.sec = sec
                pending: dict[Any, tuple[str, Any]] = {}
                for period in by_day.values():
                    for fund in period.funds:
                        pending[downloads.submit(self._download, issuer, fund, period.day)] = ("file", (period, fund))
                waiting = list(by_day.values())  # kept in date order
                if self.progress.periods:
                    self.progress.periods(0, total)
                while pending:
                    finished_now, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                    for future in finished_now:
                        kind, what = pending.pop(future)
                        if kind == "file":
                            self._took_file(*what, future, pending, facts_pool, sec)
                        else:
                            self.earnings[what] = future.result()  # errors are turned into "no EPS" by _earnings
                    while waiting and self._ready(waiting[0]):
                        self._keep(waiting.pop(0))
                        finished += 1
                        if self.progress.periods:
                            self.progress.periods(finished, total)
            finally:
                self.stop.set()
                downloads.shutdown(wait=False, cancel_futures=True)
                facts_pool.shutdown(wait=False, cancel_futures=True)
            issuer_requests = sum(issuer.requests.values())
            sec_requests, sec_bytes = sec.requests, sec.bytes_received
        return BackfillRun(self.kept, self.gaps, skipped, self.failed, substitutes, periods, issuer_requests, sec_requests, sec_bytes, self.snapshots)

    # -- files -------------------------------------------------------------------------------

    def _download(self, client, fund: Fund, day: dt.date):
        """The fund's file of ``day``, else of one of the ``MAX_STEP_BACK`` business days before:
        (holdings, prices) or the reason there is none (a str)."""
        from ..sources.download import download_holdings_bytes
        from ..sources.issuers.base import NoFileThatDay
        from ..sources.issuers.ishares import parse_with_prices

        tried = []
        for step in range(MAX_STEP_BACK + 1):
            asked = day if step == 0 else _business_days_before(day, step)
            if (fund.ticker, asked) in self.no_file:  # found empty for an earlier period of this run
                tried.append(asked)
                continue
            body, url = download_holdings_bytes(fund, client=client, as_of=asked, base_urls={DATED_ISSUER: self.issuer_url})
            try:
                holdings, prices = parse_with_prices(body, fund=fund.ticker, source=url)
            except NoFileThatDay:
                holdings = None
            if holdings is None or holdings.as_of != asked:  # none, or another day's: never kept under this date
                self.no_file.add((fund.ticker, asked))
                tried.append(asked)
                continue
            return holdings, prices
        return f"no {fund.ticker} file on {', '.join(d.isoformat() for d in tried)}"

    def _took_file(self, period: _Period, fund: Fund, future, pending: dict, facts_pool, sec) -> None:
        try:
            result = future.result()
        except (DataError, NetworkError) as error:
            from ..sources.pacing import Stopped, Unreachable
            from ..sources.sec.client import SecRefused

            if isinstance(error, (Unreachable, Stopped, SecRefused)):
                raise
            period.failed[fund.ticker] = str(error)
            self.failed[(fund.ticker, period.day)] = str(error)
            return
        if isinstance(result, str):
            period.gaps[fund.ticker] = result
            return
        holdings, prices = result
        ciks = {t: self.ciks[t] for t in holdings.tickers if t in self.ciks}
        period.files[fund.ticker] = (holdings, prices, ciks)
        for cik in set(ciks.values()) - self.earnings.keys():
            self.earnings[cik] = None
            pending[facts_pool.submit(self._earnings, sec, cik)] = ("facts", cik)

    def _earnings(self, sec, cik: int) -> "_EarningsSteps":
        """The company's point-in-time TTM EPS at every date it could change within the run."""
        from ..sources.sec.client import SecNotFound
        from ..sources.sec.facts import company_facts, company_facts_url

        url = company_facts_url(sec, cik)
        fetched = sec.fetched_at(url)
        current = fetched is not None and not self.refilings.since(cik, fetched, self.needed_until)
        try:
            facts = company_facts(sec, cik, max_age=dt.timedelta.max if current else dt.timedelta(0))
        except SecNotFound:
            return _EarningsSteps([], [])  # no XBRL facts: the holding has no EPS
        except DataError:
            return _EarningsSteps([], [])
        return _EarningsSteps.of(facts, self.first_day, self.needed_until)

    # -- keeping -----------------------------------------------------------------------------

    def _ready(self, period: _Period) -> bool:
        return period.downloaded and all(self.earnings.get(cik) is not None for _, _, ciks in period.files.values() for cik in ciks.values())

    def _keep(self, period: _Period) -> None:
        """Record the period's gaps, and one snapshot per file date with its figures (usually one)."""
        from .compare import results_of

        if period.gaps:
            gaps = [BackfillEntry(f, period.day, "gap", METHOD, reason=why) for f, why in period.gaps.items()]
            self.store.record_gaps(gaps)
            self.gaps.extend(gaps)
        by_file_date: dict[dt.date, list[str]] = {}
        for fund, (holdings, prices, ciks) in period.files.items():
            by_file_date.setdefault(holdings.as_of, []).append(fund)
            self._see_splits(fund, holdings, prices, ciks)
        live = self.store.live_dates() if period.files else {}
        for day, funds in sorted(by_file_date.items()):
            funds = [f for f in funds if day not in live.get(f, set())]  # a live snapshot of that day stays as it is
            if not funds:
                continue
            snapshot, entries = self._snapshot(period, day, funds)
            saved = self.store.save(snapshot, origin="backfill", results=results_of(snapshot, self.bench, "backfill"), replace_same_day=False, backfill=entries)
            self.kept.extend(dataclasses.replace(e, snapshot_id=saved.snapshot_id) for e in entries)
            self.snapshots.append(saved.snapshot_id)
        period.files.clear()  # the period's frames are done with: memory stays flat over years

    def _snapshot(self, period: _Period, day: dt.date, funds: list[str]):
        import numpy as np
        import pandas as pd

        from ..model import FUNDAMENTAL_COLUMNS, Fundamentals
        from ..snapshot import Snapshot

        prices = pd.concat([period.files[f][1] for f in funds])
        prices = prices[~prices.index.duplicated()]
        ciks: dict[str, int] = {}
        for f in funds:
            ciks.update(period.files[f][2])
        steps = {cik: self.split_earnings.get(cik, self.earnings[cik]) for cik in ciks.values()}
        eps = np.array([steps[ciks[t]].on(day) if t in ciks else np.nan for t in prices.index], dtype="float64")
        table = pd.DataFrame(index=prices.index, columns=FUNDAMENTAL_COLUMNS)
        for column in FUNDAMENTAL_COLUMNS:
            table[column] = "" if column in ("currency", "financial_currency", "flags") else np.nan
        table["price"] = prices.to_numpy()
        table["eps_trailing"] = eps
        table["currency"] = table["financial_currency"] = "USD"
        fundamentals = Fundamentals(table, day, f"iShares file prices, SEC EPS filed by {day}", forward_horizon="FY2")
        holdings = {f: period.files[f][0] for f in funds}
        created = dt.datetime.now(dt.timezone.utc)
        snapshot = Snapshot(holdings, fundamentals, created, f"backfill of {day}: iShares files, SEC EPS filed by then", data_date=day)
        entries = [self._entry(period.day, f, period.files[f][0], period.files[f][2]) for f in funds]
        return snapshot, entries

    def _see_splits(self, fund: str, holdings: "Holdings", prices: "pd.Series", ciks: dict[str, int]) -> None:
        """Splits between the fund's last file and this one (``metrics.corporate_actions``: a
        Quantity that jumped by a split's ratio while the price moved inversely), for the EPS of
        companies whose filings are not on the new share basis yet: the SEC's facts show a split
        only from the first filing after it (NVIDIA's 10-for-1 of 2024-06-10 from 2024-08-28)."""
        from ..metrics.trailing_eps import EpsFacts, Split, with_seen_splits
        from ..sources.sec.facts import company_facts

        equities = holdings.equities
        before = self.last_file.get(fund)
        self.last_file[fund] = (equities[["ticker", "weight", "shares"]], prices)
        if before is None:
            return
        for ticker, ratio in _splits_between(*before, equities, prices).items():
            if ticker not in ciks:
                continue
            cik = ciks[ticker]
            seen = self.seen_splits.setdefault(cik, [])
            if any(s.ratio == ratio for s in seen):
                continue
            seen.append(Split(holdings.as_of, ratio))
            facts = company_facts(self.sec, cik, max_age=dt.timedelta.max)  # the run's own copy, from the cache
            table = with_seen_splits(EpsFacts.from_companyfacts(facts).detected_splits, seen)
            self.split_earnings[cik] = _EarningsSteps.of(facts, self.first_day, self.needed_until, splits=table)

    def _entry(self, period_day: dt.date, fund: str, holdings: "Holdings", ciks: dict[str, int]) -> BackfillEntry:
        equities = holdings.equities
        matched = equities["ticker"].isin(list(ciks))
        unmatched = equities[~matched].nlargest(UNMATCHED_NAMED, "weight")
        named = "; ".join(f"{t} {w:.2%}" for t, w in zip(unmatched["ticker"], unmatched["weight"]))
        return BackfillEntry(fund, period_day, "kept", METHOD, holdings.as_of, float(equities.loc[matched, "weight"].sum()), named)

    def _waited(self, host: str, seconds: float, reason: str) -> None:
        if self.progress.note:
            self.progress.note(f"{host} is throttling requests ({reason}): waiting {seconds:.0f} s")


@dataclass(frozen=True)
class _EarningsSteps:
    """A company's TTM EPS as a step function of the date: ``values[i]`` from ``dates[i]`` on."""

    dates: list[dt.date]
    values: list[float]

    @classmethod
    def of(cls, facts: dict, first: dt.date, last: dt.date, *, splits: Sequence | None = None) -> "_EarningsSteps":
        """Evaluated on ``first`` and on every later day up to ``last`` where what is known can
        change: a filing (a new or restated figure, a split it reveals), a split of ``splits``
        (None: those the facts reveal), or a newest quarter going stale (``STALE_AFTER`` past
        its end)."""
        from ..metrics.trailing_eps import STALE_AFTER, EpsFacts, trailing_eps_over

        read = EpsFacts.from_companyfacts(facts)
        figures = [f for basis in read.per_share.values() for f in basis] + read.net_income + read.diluted_shares
        changes = {f.filed for f in figures} | {f.end + STALE_AFTER + dt.timedelta(days=1) for f in figures} | {s.on for s in splits or ()}
        dates = [first, *sorted(d for d in changes if first < d <= last)]
        values = [float("nan") if t.eps is None else float(t.eps) for t in trailing_eps_over(read, dates, splits=splits)]
        return cls(dates, values)

    def on(self, day: dt.date) -> float:
        at = bisect.bisect_right(self.dates, day) - 1
        return self.values[at] if at >= 0 else float("nan")


class _Refilings:
    """Which companies filed a report since their cached ``companyfacts`` were fetched, from the
    SEC's daily indexes (``sources/sec/daily_index.py``), each read once per run for all companies.

    Measured on the stand-in (benchmarks/backfill.py): a weekly re-run of IWM IJR IJS IVV checks
    ~2,500 cached companies with 5-6 index requests, and fetches again only the facts of the
    companies that filed that week; asking each company's ``submissions`` would cost ~2,500
    requests, refetching every ``companyfacts`` ~2,500 requests and gigabytes. Past
    ``MAX_INDEX_DAYS`` business days the cache is refetched: after a quarter almost every company
    has filed a report, and the indexes would only add requests.
    """

    def __init__(self, sec) -> None:
        from ..metrics.trailing_eps import REPORT_FORMS

        self.sec = sec
        self.forms = REPORT_FORMS
        self.days: dict[dt.date, set[int] | None] = {}
        self.lock = threading.Lock()

    def since(self, cik: int, fetched: dt.datetime, last: dt.date) -> bool:
        """Whether ``cik`` may have filed a report between ``fetched`` and the end of ``last``:
        True when an index of those days lists it, or cannot tell (too many days, today's not out)."""
        today = dt.datetime.now(dt.timezone.utc).date()
        # The UTC day before: a filing accepted in the evening (Eastern) is dated the day before in UTC.
        first = fetched.astimezone(dt.timezone.utc).date() - dt.timedelta(days=1)
        days = _business_days(first, min(last, today))
        if len(days) > MAX_INDEX_DAYS:
            return True
        for day in days:
            filed = self._filers(day)
            if filed is None and day >= today - dt.timedelta(days=1):  # not published yet: unknown
                return True
            if filed and cik in filed:
                return True
        return False

    def _filers(self, day: dt.date) -> set[int] | None:
        from ..sources.sec.daily_index import filers

        with self.lock:  # one request per day, whichever thread asks first
            if day not in self.days:
                self.days[day] = filers(self.sec, day, self.forms)
            return self.days[day]


def _splits_between(before: "pd.DataFrame", prices: "pd.Series", after: "pd.DataFrame", later_prices: "pd.Series") -> dict[str, float]:
    """Ticker → split ratio (new shares per old) of the holdings of two files of one fund whose
    share count changed by a split's ratio while its price moved the other way: ``share_basis``
    with the earlier file's weights and prices and the later file's quantities, the earlier
    quantities standing for the shares outstanding (a split multiplies the fund's count alone);
    then the later price must be the earlier one over the ratio, within ``PRICE_TOLERANCE`` (a
    fund buying four times the shares of a stock whose price held is no split)."""
    import numpy as np

    from ..metrics.corporate_actions import PRICE_TOLERANCE, share_basis

    later = after.drop_duplicates("ticker").set_index("ticker")["shares"].rename("shares_after")
    both = before.drop_duplicates("ticker").set_index("ticker").join(later, how="inner")
    old_prices = prices[~prices.index.duplicated()].reindex(both.index).to_numpy(dtype="float64")
    basis = share_basis(both["weight"].to_numpy(), both["shares_after"].to_numpy(), old_prices, both["shares"].to_numpy(), holdings_later=True)
    split = np.array([action.endswith("split") for action in basis.actions], dtype=bool)
    ratios = both["shares_after"].to_numpy()[split] / basis.shares[split]
    moved = later_prices[~later_prices.index.duplicated()].reindex(both.index[split]).to_numpy(dtype="float64") / old_prices[split]
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.abs(np.log(moved * ratios)) <= np.log(PRICE_TOLERANCE)
    return {t: float(round(r, 6)) for t, r in zip(both.index[split][inverse], ratios[inverse])}


def _business_days(first: dt.date, last: dt.date) -> list[dt.date]:
    count = max(0, (last - first).days + 1)
    return [d for d in (first + dt.timedelta(days=i) for i in range(count)) if d.weekday() < 5]


def _business_day_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _business_days_before(day: dt.date, count: int) -> dt.date:
    for _ in range(count):
        day = _business_day_on_or_before(day - dt.timedelta(days=1))
    return day


__all__ = ["BackfillRun", "METHOD", "Progress", "backfill", "dated_fund", "period_dates"]
