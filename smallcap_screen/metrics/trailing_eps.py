"""Trailing twelve-month EPS as it was known on a past date, from a company's XBRL facts.

Pure: reads a ``companyfacts`` document (as ``sources/sec/facts.py`` gets it), touches no network
and no disk.

**Point in time.** On date D only facts *filed on or before D* count. A period reported several
times (the original 10-Q, the comparative column of next year's 10-Q, a 10-K/A) takes the version
that was the latest filed on or before D, so a later restatement never reaches an earlier date.
Periods are told apart by their dates, never by the facts' ``fy``/``fp``, which name the filing
that carried a fact, not the period it measures.

**The four quarters.** The last four contiguous fiscal quarters known on D, newest first, each:

- a 3-month value as filed (a 10-Q's quarter, or a 10-K's quarterly table where it has one), or
- Q4 derived: the 10-K's full year minus the 9-month year to date of the same fiscal year (same
  start date) from the third-quarter 10-Q, both of one vintage (a year restated after its nine
  months were filed is used as first filed until the nine months are restated too: see
  ``_Known.year_for``). EPS is not exactly additive when the share count moves
  within the year; the SEC facts give nothing better for Q4, so it is used as the brief of the
  method says and the quarter is marked ``derived``.

Quarters must chain (each starts the day after the previous one ends, within a few days for
52/53-week calendars), and the newest must have ended within ``STALE_AFTER`` of D.

**Basis, in order of preference** (``EPS_BASES``): ``diluted`` (EarningsPerShareDiluted, or
EarningsPerShareBasicAndDiluted, which companies without dilutive securities file instead),
``basic`` (EarningsPerShareBasic), ``net_income_per_diluted_share`` (NetIncomeLoss divided by
WeightedAverageNumberOfDilutedSharesOutstanding, quarter by quarter; for a derived Q4 the shares
are the time-weighted difference of the year's and the nine months' averages). The first basis
that gives four quarters is used, and named in the result.

**Share basis.** A per-share figure is on the share count of its filing date. The price of D is on
D's: when a split falls after a figure's filing and on or before D, the figure is divided by the
split's ratio (shares after / shares before: 10 for NVIDIA's 10-for-1 of 2024-06-10, 0.1 for a
1-for-10 reverse split). Splits come from ``splits`` when the caller gives them (dated exactly:
a figure filed on or after the split's date is already on the new basis, since per-share amounts
are restated for a split before the statements are issued). Otherwise they are detected in the
facts: a later filing that restates at least two per-share figures of the same periods by one
whole ratio (within rounding to the cent) reveals a split, dated at the first filing on the new
basis, the earliest date the facts can prove it. Between the split itself and that filing a
detected split is not yet applied, so a caller with the split dates (from the issuers' unadjusted
prices or a split history) should pass them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..vocabulary import EPS_BASES

#: Forms whose facts count: annual and quarterly reports, their amendments and transition reports.
REPORT_FORMS = frozenset({"10-K", "10-K/A", "10-Q", "10-Q/A", "10-KT", "10-KT/A", "10-QT", "10-QT/A"})
#: Period lengths in days (end - start) that make a quarter, nine months and a fiscal year;
#: wide enough for 13- and 14-week quarters and 52/53-week years.
QUARTER_DAYS = range(80, 101)
NINE_MONTH_DAYS = range(250, 291)
YEAR_DAYS = range(350, 381)
#: Most days between one quarter's end and the next one's start beyond the next day.
CHAIN_SLACK_DAYS = 5
#: A newest quarter that ended longer ago than this before D is too old to be "trailing".
STALE_AFTER = dt.timedelta(days=270)
#: Per-share concepts of each basis, preferred first (a period filed under both takes the first).
PER_SHARE_CONCEPTS = {
    "diluted": ("EarningsPerShareDiluted", "EarningsPerShareBasicAndDiluted"),
    "basic": ("EarningsPerShareBasic", "EarningsPerShareBasicAndDiluted"),
}
NET_INCOME = "NetIncomeLoss"
DILUTED_SHARES = "WeightedAverageNumberOfDilutedSharesOutstanding"
#: Split detection: a restated per-share figure must match old / ratio within this (cents rounding),
#: old figures smaller than MIN_SPLIT_EVIDENCE prove nothing, and a split needs EVIDENCE_NEEDED periods.
SPLIT_TOLERANCE = 0.006
MIN_SPLIT_EVIDENCE = 0.10
EVIDENCE_NEEDED = 2


@dataclass(frozen=True)
class Filed:
    """One version of a figure: its period, value, and the filing that carried it."""

    start: dt.date
    end: dt.date
    value: float
    filed: dt.date
    form: str
    accn: str


@dataclass(frozen=True)
class Split:
    """A stock split: on ``on`` each share became ``ratio`` shares (0.1 for a 1-for-10 reverse split)."""

    on: dt.date
    ratio: float


@dataclass(frozen=True)
class QuarterEps:
    """One fiscal quarter of a trailing sum, on D's share basis.

    ``parts``: the filed figures it comes from (one 3-month value; or for a derived Q4 the
    year, then the nine months subtracted from it; for the net-income basis the income figures,
    then the share figures); ``split_factors``: what each part was divided by (1.0: none).
    """

    start: dt.date
    end: dt.date
    eps: float
    derived: bool
    parts: tuple[Filed, ...]
    split_factors: tuple[float, ...]

    @property
    def filed(self) -> dt.date:
        """When the last figure it needs was filed."""
        return max(p.filed for p in self.parts)


@dataclass(frozen=True)
class TrailingEps:
    """Trailing twelve-month EPS known on ``on``; ``eps`` None with ``reason`` when not computable.

    ``basis``: one of ``EPS_BASES``; ``quarters``: newest first; ``latest_filed``: the newest
    filing date among them; ``splits``: the splits applied (a figure filed before one and D after
    it); ``split_source``: "given" (the caller's table) or "detected" (from the facts).
    """

    on: dt.date
    eps: float | None
    basis: str | None = None
    quarters: tuple[QuarterEps, ...] = ()
    latest_filed: dt.date | None = None
    splits: tuple[Split, ...] = ()
    split_source: str = "detected"
    reason: str | None = None


@dataclass
class EpsFacts:
    """A company's per-share, income and share-count figures, read once from ``companyfacts`` so
    that many dates can be asked cheaply (see :func:`trailing_eps_over`)."""

    per_share: dict[str, list[Filed]] = field(default_factory=dict)  # by basis
    net_income: list[Filed] = field(default_factory=list)
    diluted_shares: list[Filed] = field(default_factory=list)
    detected_splits: tuple[Split, ...] = ()

    @classmethod
    def from_companyfacts(cls, facts: Mapping) -> EpsFacts:
        gaap = (facts.get("facts") or {}).get("us-gaap") or {}
        per_share = {basis: _merged(gaap, concepts, "USD/shares") for basis, concepts in PER_SHARE_CONCEPTS.items()}
        read = cls(
            per_share=per_share,
            net_income=_merged(gaap, (NET_INCOME,), "USD"),
            diluted_shares=_merged(gaap, (DILUTED_SHARES,), "shares"),
        )
        read.detected_splits = detect_splits(per_share["diluted"], per_share["basic"])
        return read


def trailing_eps_on(facts: Mapping | EpsFacts, on: dt.date, *, splits: Iterable[Split] | None = None) -> TrailingEps:
    """Trailing twelve-month EPS of a company as known on ``on`` (see the module's docstring).

    ``facts``: the ``companyfacts`` document (or an :class:`EpsFacts` read from it). ``splits``:
    the company's splits, exactly dated; None to detect them in the facts. Never raises on odd
    facts: what cannot be computed comes back with ``eps`` None and the ``reason``.
    """
    read = facts if isinstance(facts, EpsFacts) else EpsFacts.from_companyfacts(facts)
    given = None if splits is None else tuple(sorted(splits, key=lambda s: s.on))
    table = read.detected_splits if given is None else given
    source = "detected" if given is None else "given"
    reasons = []
    for basis in EPS_BASES:
        quarters, why = _quarters(read, basis, on, table)
        if quarters is None:
            reasons.append(f"{basis}: {why}")
            continue
        applied = tuple(s for s in table if on >= s.on and any(p.filed < s.on for q in quarters for p in q.parts))
        return TrailingEps(
            on=on,
            eps=sum(q.eps for q in quarters),
            basis=basis,
            quarters=tuple(quarters),
            latest_filed=max(q.filed for q in quarters),
            splits=applied,
            split_source=source,
        )
    return TrailingEps(on=on, eps=None, split_source=source, reason="; ".join(reasons))


def trailing_eps_over(facts: Mapping | EpsFacts, dates: Iterable[dt.date], *, splits: Iterable[Split] | None = None) -> list[TrailingEps]:
    """:func:`trailing_eps_on` for each of ``dates``, reading the facts once."""
    read = facts if isinstance(facts, EpsFacts) else EpsFacts.from_companyfacts(facts)
    table = None if splits is None else tuple(splits)
    return [trailing_eps_on(read, on, splits=table) for on in dates]


#: Longest a company takes from a split to its first filing on the new basis (the date the facts
#: date a split at): a split seen in the holdings files and one of the same ratio detected in the
#: facts up to this much later are the same split.
SPLIT_TO_FILING = dt.timedelta(days=200)


def with_seen_splits(detected: Iterable[Split], seen: Iterable[Split]) -> tuple[Split, ...]:
    """The split table for ``splits=``: the splits ``detected`` in the facts, with those ``seen``
    in dated holdings files (dated on the first file on the new share basis, long before the
    first filing on it, where detection dates them). A seen split replaces the detected split of
    the same ratio dated after it (the same split: figures filed before the file's day are on the
    old basis) and is added when the facts do not show it yet; a detected split dated on or
    before it is already applied and stays as it is."""
    table = list(detected)
    for split in seen:
        same = [d for d in table if math.isclose(d.ratio, split.ratio, rel_tol=1e-6) and split.on - SPLIT_TO_FILING <= d.on <= split.on + SPLIT_TO_FILING]
        if any(d.on <= split.on for d in same):
            continue
        table = [d for d in table if d not in same] + [split]
    return tuple(sorted(table, key=lambda s: s.on))


def split_factor(filed: dt.date, on: dt.date, splits: Iterable[Split]) -> float:
    """What a per-share figure filed on ``filed`` is divided by to be on the share basis of ``on``."""
    factor = 1.0
    for split in splits:
        if filed < split.on <= on:
            factor *= split.ratio
    return factor


def detect_splits(*per_share: list[Filed]) -> tuple[Split, ...]:
    """Splits revealed by per-share figures restated by a whole ratio in a later filing.

    ``per_share``: one list of figures per concept (diluted, basic), never mixed: versions are
    compared within a concept. Each pair of consecutive versions of one period whose values
    differ by a whole ratio n (or 1/n)
    is evidence that a split of n happened after the older filing and on or before the newer one.
    Evidence of one ratio whose intervals overlap is one split, dated at the earliest newer filing;
    a split needs EVIDENCE_NEEDED periods (an accounting restatement rarely moves two periods by
    exactly a whole ratio).
    """
    evidence: dict[float, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for figures in per_share:
        for versions in _by_period(figures).values():
            for old, new in zip(versions, versions[1:]):
                ratio = _split_ratio(old.value, new.value)
                if ratio is not None and old.filed < new.filed:
                    evidence[ratio].append((old.filed, new.filed))
    found = []
    for ratio, intervals in evidence.items():
        intervals.sort(key=lambda pair: pair[1])
        cluster: list[tuple[dt.date, dt.date]] = []
        for interval in intervals + [(dt.date.max, dt.date.max)]:
            if cluster and interval[0] < cluster[0][1]:
                cluster.append(interval)
                continue
            if len(cluster) >= EVIDENCE_NEEDED:
                found.append(Split(on=cluster[0][1], ratio=ratio))
            cluster = [interval]
    return tuple(sorted(found, key=lambda s: s.on))


def _split_ratio(old: float, new: float) -> float | None:
    """n when ``new`` is ``old`` / n for a whole n ≥ 2 (a split), 1/n when ``old`` / n (reverse)."""
    if old == 0 or new == 0 or (old > 0) != (new > 0):
        return None
    if abs(old) >= MIN_SPLIT_EVIDENCE and abs(old) > 1.5 * abs(new):
        n = round(old / new)
        if n >= 2 and abs(old / n - new) <= SPLIT_TOLERANCE:
            return float(n)
    if abs(new) >= MIN_SPLIT_EVIDENCE and abs(new) > 1.5 * abs(old):
        n = round(new / old)
        if n >= 2 and abs(new / n - old) <= SPLIT_TOLERANCE:
            return 1.0 / n
    return None


# -- reading facts -------------------------------------------------------------------------------


def _merged(gaap: Mapping, concepts: tuple[str, ...], unit: str) -> list[Filed]:
    """The figures of ``concepts`` in ``unit`` from report forms; where two concepts give the same
    period in the same filing, the first concept's figure is kept."""
    seen: set[tuple] = set()
    merged: list[Filed] = []
    for concept in concepts:
        for fact in ((gaap.get(concept) or {}).get("units") or {}).get(unit) or ():
            read = _filed(fact)
            if read is None:
                continue
            key = (read.start, read.end, read.accn)
            if key not in seen:
                seen.add(key)
                merged.append(read)
    return merged


def _filed(fact: Mapping) -> Filed | None:
    try:
        if fact.get("form") not in REPORT_FORMS or fact.get("start") is None:
            return None
        value = float(fact["val"])
        return Filed(
            start=dt.date.fromisoformat(fact["start"]),
            end=dt.date.fromisoformat(fact["end"]),
            value=value,
            filed=dt.date.fromisoformat(fact["filed"]),
            form=str(fact["form"]),
            accn=str(fact.get("accn", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _by_period(figures: list[Filed]) -> dict[tuple[dt.date, dt.date], list[Filed]]:
    """Each period's versions, oldest filing first (an amendment after an original of the same day)."""
    periods: dict[tuple[dt.date, dt.date], list[Filed]] = defaultdict(list)
    for figure in figures:
        periods[(figure.start, figure.end)].append(figure)
    for versions in periods.values():
        versions.sort(key=lambda f: (f.filed, f.form.endswith("/A"), f.accn))
    return periods


class _Known:
    """The versions of one kind of figure, answering "what was known on D" for any period."""

    def __init__(self, figures: list[Filed]) -> None:
        self.periods = _by_period(figures)
        self._filed = {period: [v.filed for v in versions] for period, versions in self.periods.items()}

    def on(self, period: tuple[dt.date, dt.date], day: dt.date) -> Filed | None:
        """The latest version of ``period`` filed on or before ``day``."""
        versions = self.periods.get(period)
        if not versions:
            return None
        index = bisect.bisect_right(self._filed[period], day)
        return versions[index - 1] if index else None

    def year_for(self, period: tuple[dt.date, dt.date], nine: Filed, day: dt.date) -> Filed | None:
        """The version of the year ``period`` to subtract ``nine`` (its nine months) from on ``day``.

        The latest filed on or before ``day``, unless the year was restated (its value changed)
        after the nine months were filed: then the version before the restatement, so that Q4 is
        the difference of two figures of one vintage. Apple's 10-K/A of 2010-01-25 restated fiscal
        2009 from 6.29 to 9.08 a share; its nine months stayed 4.47 until the 10-Q of 2010-07-21
        restated them to 6.30, so Q4 is 6.29 - 4.47 until then, 9.08 - 6.30 after.
        """
        versions = self.periods.get(period) or []
        known = versions[: bisect.bisect_right(self._filed.get(period, []), day)]
        if not known:
            return None
        first_of_latest = len(known) - 1
        while first_of_latest and known[first_of_latest - 1].value == known[-1].value:
            first_of_latest -= 1
        if first_of_latest and nine.filed < known[first_of_latest].filed:
            return known[first_of_latest - 1]
        return known[-1]

    def newest_end(self, day: dt.date) -> dt.date | None:
        """The latest end of any period with a version filed on or before ``day``."""
        return max((p[1] for p, filed in self._filed.items() if filed[0] <= day), default=None)

    def periods_known(self, day: dt.date, days: range) -> list[tuple[dt.date, dt.date]]:
        """Periods of a length in ``days`` with a version filed on or before ``day``, ending recently
        enough to be one of four chained quarters whose newest is not stale."""
        oldest_end = day - STALE_AFTER - dt.timedelta(days=4 * QUARTER_DAYS.stop)
        return [p for p, filed in self._filed.items() if p[1] >= oldest_end and (p[1] - p[0]).days in days and filed[0] <= day]


# -- the four quarters ---------------------------------------------------------------------------


def _quarters(read: EpsFacts, basis: str, on: dt.date, splits: tuple[Split, ...]) -> tuple[list[QuarterEps] | None, str]:
    """The last four chained quarters on ``basis`` known on ``on``, or None and why not."""
    if basis == "net_income_per_diluted_share":
        income, shares = _Known(read.net_income), _Known(read.diluted_shares)
        if not income.periods or not shares.periods:
            return None, f"no {NET_INCOME} or {DILUTED_SHARES} facts"
        candidates = _candidates(income, on, lambda q: _income_quarter(q, income, shares, on, splits))
        known = income
    else:
        known = _Known(read.per_share[basis])
        if not known.periods:
            return None, "no " + " or ".join(PER_SHARE_CONCEPTS[basis]) + " facts"
        candidates = _candidates(known, on, lambda q: _per_share_quarter(q, known, on, splits))
    newest = max(candidates, default=None) or known.newest_end(on)
    if newest is not None and on - newest > STALE_AFTER:
        return None, f"the newest period known ended {newest}, more than {STALE_AFTER.days} days before {on}"
    if not candidates:
        return None, f"no quarter filed on or before {on}"
    chain = [candidates[newest]]
    while len(chain) < 4:
        before = [q for end, q in candidates.items() if _precedes(end, chain[-1].start)]
        if not before:
            return None, f"no quarter ending just before {chain[-1].start} was filed on or before {on}"
        chain.append(max(before, key=lambda q: q.end))
    return chain, ""


def _precedes(end: dt.date, start: dt.date) -> bool:
    return 0 <= (start - end).days - 1 <= CHAIN_SLACK_DAYS


def _candidates(known: _Known, on: dt.date, build) -> dict[dt.date, QuarterEps]:
    """Every quarter computable on ``on`` by its end date: filed 3-month figures first, then Q4s
    derived from a year and its nine months where no 3-month figure covers them."""
    quarters: dict[dt.date, QuarterEps] = {}
    for period in known.periods_known(on, QUARTER_DAYS):
        quarter = build(("quarter", period))
        if quarter is not None and (period[1] not in quarters or quarter.filed > quarters[period[1]].filed):
            quarters[period[1]] = quarter
    nine_months = {p[0]: p for p in known.periods_known(on, NINE_MONTH_DAYS)}
    for year in known.periods_known(on, YEAR_DAYS):
        first_three = nine_months.get(year[0])
        if year[1] in quarters or first_three is None:
            continue
        quarter = build(("q4", year, first_three))
        if quarter is not None:
            quarters[year[1]] = quarter
    return quarters


def _per_share_quarter(spec: tuple, known: _Known, on: dt.date, splits: tuple[Split, ...]) -> QuarterEps | None:
    if spec[0] == "quarter":
        figure = known.on(spec[1], on)
        if figure is None:
            return None
        factor = split_factor(figure.filed, on, splits)
        return QuarterEps(figure.start, figure.end, figure.value / factor, False, (figure,), (factor,))
    _, year_period, nine_period = spec
    nine = known.on(nine_period, on)
    year = None if nine is None else known.year_for(year_period, nine, on)
    if year is None or nine is None:
        return None
    factors = (split_factor(year.filed, on, splits), split_factor(nine.filed, on, splits))
    eps = year.value / factors[0] - nine.value / factors[1]
    return QuarterEps(nine.end + dt.timedelta(days=1), year.end, eps, True, (year, nine), factors)


def _income_quarter(spec: tuple, income: _Known, shares: _Known, on: dt.date, splits: tuple[Split, ...]) -> QuarterEps | None:
    if spec[0] == "quarter":
        earned, count = income.on(spec[1], on), shares.on(spec[1], on)
        if earned is None or count is None or count.value <= 0:
            return None
        factor = split_factor(count.filed, on, splits)
        return QuarterEps(earned.start, earned.end, earned.value / (count.value * factor), False, (earned, count), (1.0, factor))
    _, year_period, nine_period = spec
    nine, nine_shares = income.on(nine_period, on), shares.on(nine_period, on)
    if nine is None or nine_shares is None:
        return None
    parts = (income.year_for(year_period, nine, on), nine, shares.year_for(year_period, nine_shares, on), nine_shares)
    if any(p is None for p in parts):
        return None
    year, nine, year_shares, nine_shares = parts
    factors = (1.0, 1.0, split_factor(year_shares.filed, on, splits), split_factor(nine_shares.filed, on, splits))
    start, end = nine.end + dt.timedelta(days=1), year.end
    # The year's average count is the day-weighted mean of the nine months' and Q4's.
    days = ((year.end - year.start).days + 1, (nine.end - nine.start).days + 1, (end - start).days + 1)
    q4_shares = (year_shares.value * factors[2] * days[0] - nine_shares.value * factors[3] * days[1]) / days[2]
    if q4_shares <= 0:
        return None
    return QuarterEps(start, end, (year.value - nine.value) / q4_shares, True, parts, factors)
