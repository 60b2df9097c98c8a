"""A four-fund report over five years of weekly history: time and file size, against targets.

    .venv/bin/python benchmarks/report.py              # build the store (a few minutes), then measure
    .venv/bin/python benchmarks/report.py --db X.db    # keep / reuse the store at X.db

The store is benchmarks/history.py's: 260 weekly snapshots of IWM, IJR, IJS and SPY with every
holding, kept as `snapshot` keeps them. The report is `report IWM IJR IJS SPY --offline`: its
figures from the newest snapshot, its history from all 260.

Targets (issue 18): under 5 s and under 1.5 MB.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from history import FUNDS, fastest, weekly_store  # noqa: E402  (benchmarks/history.py, beside this script)


def main() -> None:
    folder, path = weekly_store(__doc__.splitlines()[0], "report-bench-")
    out = Path(folder.name) / "report.html"
    env = {**os.environ, "SMALLCAP_SCREEN_DB": str(path)}
    seconds = fastest([sys.executable, "-m", "smallcap_screen", "report", *FUNDS, "--offline", "--quiet", "-o", str(out)], env, runs=3)
    size = out.stat().st_size / 1e6
    print(f"{'measure':<46}{'target':>10}{'measured':>12}")
    print(f"{'report of 4 funds, 260 weeks, fastest of 3':<46}{'< 5 s':>10}{seconds:>10.2f} s")
    print(f"{'its file size':<46}{'< 1.5 MB':>10}{size:>10.2f} MB")


if __name__ == "__main__":
    main()
