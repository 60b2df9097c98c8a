"""What a backfill did, for people: one row per fund and period, the run's summary in the caption."""

from __future__ import annotations

from . import pct
from .layout import Column, Layout, fitted_table


def backfill_table(run, *, plain: bool = False, width: int = 200):
    """Each fund-period of ``run`` (an api.backfill.BackfillRun): kept (its file's date, the
    weight matched to an SEC company, the snapshot), a gap or a failure (and why)."""
    records = run.records()
    columns = [
        Column("Period", [r["period_date"] for r in records], justify="left"),
        Column("Fund", [r["fund"] for r in records], justify="left", style="bold cyan"),
        Column("Status", [r["status"] for r in records], justify="left"),
        Column("File of", [r["data_date"] or "-" for r in records], priority=2, justify="left"),
        Column("Matched", [pct(r["coverage"]) for r in records], priority=1),
        Column("Snapshot", [str(r["snapshot_id"] or "-") for r in records], priority=3),
        Column("Unmatched / why", [r["unmatched"] or r["reason"] for r in records], priority=4, justify="left", shrink=True, min_width=12, max_width=60),
    ]
    return fitted_table(columns, Layout(title="Backfill", caption=run.summary()), width=width, plain=plain)
