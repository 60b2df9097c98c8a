"""The words the API and the command line share, each defined once.

Kept free of heavy imports so that the CLI can build its options from them without loading pandas.
"""

from __future__ import annotations

#: How holdings with negative earnings enter a fund P/E (see README, "Methodology").
#: exclude: only E > 0, weights renormalised (iShares, FTSE Russell, Morningstar);
#: include: every covered holding, losses kept (S&P, FactSet, Yardeni).
NEGATIVE_POLICIES: tuple[str, ...] = ("exclude", "include")

#: Where data comes from: auto (live, falling back to local data with a note), live (an unreachable
#: network is an error), offline (newest stored snapshot, else the bundled one).
DATA_MODES: tuple[str, ...] = ("auto", "live", "offline")

#: Output formats every result command writes. ``table`` is for people; the rest for programs.
OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "json")
