"""A snapshot: the holdings of several funds plus the fundamentals of what they hold, as of a date.

What every command computes on. The store keeps snapshots (store/database.py); the bundled
reference snapshot is a folder (store/folder.py, the format versions before the store used).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .model import Fundamentals, Holdings


@dataclass(frozen=True)
class Snapshot:
    holdings: dict[str, Holdings]
    fundamentals: Fundamentals
    created: dt.datetime
    label: str
    #: Each fund's own figures as Yahoo reports them (trailing_pe, forward_pe, ...), a cross-check.
    reported: dict[str, dict] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)
    #: The id of a snapshot read from the store (``smallcap-screen snapshots``), else None.
    store_id: int | None = field(default=None, compare=False)
    #: The date the snapshot describes, by which history is ordered; None: the prices' date.
    data_date: dt.date | None = None
    #: Funds asked for whose holdings could not be had, with why (live fetches only; never stored).
    failed: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def funds(self) -> list[str]:
        return list(self.holdings)


def snapshot_of(
    holdings: dict[str, Holdings], fundamentals: Fundamentals, label: str, *, created: dt.datetime | None = None, reported: dict | None = None
) -> Snapshot:
    """A snapshot of these holdings, keeping only the fundamentals of stocks they hold (and the
    Yahoo-reported figures of these funds)."""
    held = sorted({t for h in holdings.values() for t in h.tickers} & set(fundamentals.table.index))
    trimmed = Fundamentals(fundamentals.table.loc[held], fundamentals.as_of, fundamentals.source, fundamentals.forward_horizon)
    kept = {f: r for f, r in (reported or {}).items() if f in holdings}
    return Snapshot(holdings, trimmed, created or dt.datetime.now(dt.timezone.utc), label, kept)
