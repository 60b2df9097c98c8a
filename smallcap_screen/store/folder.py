"""The snapshot folder format: the bundled reference snapshot (``smallcap_screen.data/reference``),
and the folders versions before the SQLite store kept (moved in by legacy.py).

A snapshot folder holds three CSV files and a manifest:

- ``manifest.json``: format version, creation time, label, per fund and for the fundamentals
  the as-of date, source and (fundamentals) forward horizon, and the funds' Yahoo-reported figures;
- ``holdings.csv``: ``fund`` + the model's equity columns;
- ``set_aside.csv``: ``fund`` + the model's set-aside columns;
- ``fundamentals.csv``: ``ticker`` + the model's fundamental columns.

Folders are written under a temporary name and renamed into place, so a crash or a full disk never
leaves a half-written snapshot where a reader would find it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import DataError, OutputError
from ..model import EQUITY_COLUMNS, FUNDAMENTAL_COLUMNS, SET_ASIDE_COLUMNS, Fundamentals, Holdings
from ..snapshot import Snapshot

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def write_snapshot(snapshot: Snapshot, directory: Path) -> Path:
    """Write ``snapshot`` as the folder ``directory`` (which must not exist yet), atomically."""
    directory = Path(directory)
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            _write_files(snapshot, staging)
            os.replace(staging, directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write snapshot to {directory}: {exc.strerror or exc}; free space or choose another folder") from exc
    return directory


def _write_files(snapshot: Snapshot, folder: Path) -> None:
    frames = [h.equities.assign(fund=h.fund) for h in snapshot.holdings.values()]
    holdings = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EQUITY_COLUMNS)
    holdings[["fund", *EQUITY_COLUMNS]].to_csv(folder / "holdings.csv", index=False, float_format="%.10g")
    set_aside = [h.set_aside.assign(fund=h.fund) for h in snapshot.holdings.values() if len(h.set_aside)]
    set_aside_frame = pd.concat(set_aside, ignore_index=True) if set_aside else pd.DataFrame(columns=["fund", *SET_ASIDE_COLUMNS])
    set_aside_frame[["fund", *SET_ASIDE_COLUMNS]].to_csv(folder / "set_aside.csv", index=False, float_format="%.10g")
    snapshot.fundamentals.table[FUNDAMENTAL_COLUMNS].to_csv(folder / "fundamentals.csv", float_format="%.10g")
    manifest = {
        "format": FORMAT_VERSION,
        "created": snapshot.created.isoformat(),
        "label": snapshot.label,
        "fundamentals": {
            "as_of": _date_text(snapshot.fundamentals.as_of),
            "source": snapshot.fundamentals.source,
            "forward_horizon": snapshot.fundamentals.forward_horizon,
        },
        "funds": {
            h.fund: {"as_of": _date_text(h.as_of), "source": h.source, "fund_name": h.fund_name}
            for h in snapshot.holdings.values()
        },
        "reported": snapshot.reported,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def read_snapshot(directory: Path) -> Snapshot:
    """Read a snapshot folder; a missing or damaged one raises DataError."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise DataError(f"snapshot {directory} has format {manifest.get('format')!r}, expected {FORMAT_VERSION}; rebuild it")
        holdings = pd.read_csv(directory / "holdings.csv", dtype={"ticker": str, "issuer_ticker": str}, keep_default_na=False, na_values={"weight": [""], "market_value": [""], "shares": [""]})
        set_aside = pd.read_csv(directory / "set_aside.csv", dtype=str, keep_default_na=False)
        table = pd.read_csv(directory / "fundamentals.csv", index_col="ticker", keep_default_na=False, na_values=[""], dtype={"ticker": str, "currency": str, "financial_currency": str, "fiscal_year_end": str, "flags": str})
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"snapshot at {directory} is missing or damaged ({exc}); delete it or rebuild it") from exc
    # Columns added to the model after a snapshot was written (shares, eps_fy1) read as unknown.
    holdings = holdings.reindex(columns=["fund", *EQUITY_COLUMNS])
    table = table.reindex(columns=FUNDAMENTAL_COLUMNS)
    for column in ("currency", "financial_currency", "fiscal_year_end", "flags"):
        table[column] = table[column].fillna("")
    set_aside["weight"] = pd.to_numeric(set_aside["weight"], errors="coerce")
    facts = manifest["fundamentals"]
    fundamentals = Fundamentals(table[FUNDAMENTAL_COLUMNS], _parse_date(facts["as_of"]), facts["source"], facts["forward_horizon"])
    by_fund = dict(tuple(holdings.groupby("fund", sort=False)))
    set_aside_by_fund = dict(tuple(set_aside.groupby("fund", sort=False)))
    funds = {
        fund: Holdings(
            fund=fund,
            equities=by_fund[fund][EQUITY_COLUMNS].reset_index(drop=True) if fund in by_fund else pd.DataFrame(columns=EQUITY_COLUMNS),
            as_of=_parse_date(meta["as_of"]),
            source=meta["source"],
            set_aside=set_aside_by_fund[fund][SET_ASIDE_COLUMNS].reset_index(drop=True) if fund in set_aside_by_fund else pd.DataFrame(columns=SET_ASIDE_COLUMNS),
            fund_name=meta.get("fund_name", ""),
        )
        for fund, meta in manifest["funds"].items()
    }
    created = dt.datetime.fromisoformat(manifest["created"])
    return Snapshot(funds, fundamentals, created, manifest["label"], manifest.get("reported", {}), directory)


def bundled_snapshot() -> Snapshot:
    """The reference snapshot shipped inside the package (built by ``tools/build_reference.py``)."""
    from importlib.resources import as_file, files

    with as_file(files("smallcap_screen.data") / "reference") as folder:
        return read_snapshot(folder)


def _date_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
