"""Speed and memory of smallcap-screen, against its targets. Run from the repo root:

    .venv/bin/python benchmarks/run.py            # everything (the .info loop takes minutes)
    .venv/bin/python benchmarks/run.py --info-sample 200   # time the .info loop on 200 symbols only

Measures (local timings as the fastest of several interleaved runs):
1. `smallcap-screen --help` wall time (target < 0.3 s);
2. `compare IWM IJR IJS SPY --offline` on the bundled snapshot, against `python -c "import pandas"`
   (target: within 1.5x of it) and its peak memory (target < 250 MB);
3. against the stand-in internet with 50 ms latency per request (tests/standins/internet.py): a cold
   `compare IWM IJR IJS SPY` (targets: <= 40 Yahoo requests, < 5 s), a warm re-run (target: 0
   requests), and a plain loop of `yf.Ticker(t).info` over the same symbols (target: the compare is
   at least 50x faster), all in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAW = REPO.parent / "shared" / "data" / "raw"
sys.path.insert(0, str(REPO))

PEAK_RSS = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
INFO_LOOP = """
import json, sys, yfinance as yf
for symbol in json.load(open(sys.argv[1])):
    try:
        yf.Ticker(symbol).info
    except Exception:
        pass
"""


def timed(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def fastest_times(commands: dict[str, list[str]], runs: int, env: dict | None = None) -> dict[str, float]:
    """The fastest of ``runs`` wall times per command, the commands taking turns so that a busy
    spell of the machine hits them alike (as timeit advises, the minimum: noise only adds time)."""
    for command in commands.values():
        timed(command, env)  # warm the OS file cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    return {name: min(values) for name, values in times.items()}


def peak_mb(command: list[str]) -> float:
    out = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def local(runs: int) -> dict:
    cli = [sys.executable, "-m", "smallcap_screen"]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SMALLCAP_SCREEN_DATA_DIR": home}
        compare = [*cli, "compare", "IWM", "IJR", "IJS", "SPY", "--offline"]
        fastest = fastest_times({"help": [*cli, "--help"], "pandas": [sys.executable, "-c", "import pandas"], "compare": compare}, runs, env)
        return {
            "help_s": fastest["help"],
            "import_pandas_s": fastest["pandas"],
            "compare_offline_s": fastest["compare"],
            "compare_offline_vs_pandas": fastest["compare"] / fastest["pandas"],
            "compare_offline_peak_mb": peak_mb([*compare, "--data-dir", home]),
        }


def live(info_sample: int | None) -> dict:
    from tests.standins.internet import StandInInternet

    with StandInInternet(RAW, latency=0.05) as net, tempfile.TemporaryDirectory() as home:
        env = {**{k: v for k, v in os.environ.items() if "proxy" not in k.lower()}, **net.env}
        env.update(SMALLCAP_SCREEN_CACHE_DIR=f"{home}/cache", SMALLCAP_SCREEN_DATA_DIR=f"{home}/data", XDG_CACHE_HOME=f"{home}/xdg")
        compare = [sys.executable, "-m", "smallcap_screen", "compare", "IWM", "IJR", "IJS", "SPY", "-f", "json"]

        before = net.yahoo_requests
        cold_s = timed(compare, env)
        cold_requests = net.yahoo_requests - before
        before_all = net.total_requests
        warm_s = timed(compare, env)
        warm_requests = net.total_requests - before_all

        snapshot_dirs = sorted(Path(f"{home}/data/snapshots").iterdir())
        funds = sorted(json.loads((snapshot_dirs[-1] / "manifest.json").read_text())["funds"])
        held = sorted(set(_held_symbols(snapshot_dirs[-1])))
        loop_symbols = held[:info_sample] if info_sample else held
        symbols_file = Path(home) / "symbols.json"
        symbols_file.write_text(json.dumps(loop_symbols))
        before = net.yahoo_requests
        info_s = timed([sys.executable, "-c", INFO_LOOP, str(symbols_file)], {**env, "XDG_CACHE_HOME": f"{home}/xdg-info"})
        info_requests = net.yahoo_requests - before
        info_full_s = info_s * len(held) / len(loop_symbols)
        return {
            "funds": funds,
            "unique_symbols": len(held),
            "cold_compare_s": cold_s,
            "cold_yahoo_requests": cold_requests,
            "warm_compare_s": warm_s,
            "warm_requests": warm_requests,
            "info_loop_symbols": len(loop_symbols),
            "info_loop_s": info_s,
            "info_loop_requests": info_requests,
            "info_loop_s_all_symbols": info_full_s,
            "speedup_vs_info_loop": info_full_s / cold_s,
        }


def _held_symbols(snapshot: Path) -> list[str]:
    import pandas as pd

    return pd.read_csv(snapshot / "holdings.csv", keep_default_na=False)["ticker"].tolist()


TARGETS = {
    "help_s": ("<", 0.3),
    "compare_offline_vs_pandas": ("<", 1.5),
    "compare_offline_peak_mb": ("<", 250),
    "cold_yahoo_requests": ("<=", 40),
    "cold_compare_s": ("<", 5.0),
    "warm_requests": ("<=", 0),
    "speedup_vs_info_loop": (">=", 50),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="repetitions for the local timings (the fastest counts)")
    parser.add_argument("--info-sample", type=int, default=None, help="time the .info loop on this many symbols and extrapolate")
    parser.add_argument("--skip-live", action="store_true", help="only the local measurements")
    args = parser.parse_args()
    results = local(args.runs)
    if not args.skip_live:
        results.update(live(args.info_sample))
    failed = False
    for name, value in results.items():
        target = TARGETS.get(name)
        verdict = ""
        if target:
            op, bound = target
            ok = {"<": value < bound, "<=": value <= bound, ">=": value >= bound}[op]
            failed |= not ok
            verdict = f"  target {op} {bound}: {'ok' if ok else 'MISSED'}"
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{name:28} {shown}{verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
