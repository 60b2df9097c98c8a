"""Speed and memory of smallcap-screen, against its targets. Run from the repo root:

    .venv/bin/python benchmarks/run.py                 # everything (about 5 minutes)
    .venv/bin/python benchmarks/run.py --skip-live     # only the local measurements

Local timings are the fastest of several interleaved runs (noise only adds time).

1. `smallcap-screen --help` wall time (target < 0.2 s);
2. `compare IWM IJR IJS SPY --offline` on the bundled snapshot, against `python -c "import pandas"`
   (target: within 1.4x of it) and its peak memory (target < 250 MB); `screen IJR --profitable
   --max-pe 12 --top 20` and `screen IWM --sort pe` (target < 1.5 s each), `sectors IWM IJR` and
   `explain IWM` on the bundled snapshot;
3. against the stand-in internet (tests/standins/internet.py: issuer sites, Yahoo and an HTTPS
   proxy on 127.0.0.1, every answer delayed by the latency given), all in one run:
   - cold `compare IWM IJR IJS SPY` at 50 ms and at 200 ms latency (targets < 3.0 s and < 3.5 s,
     <= 30 Yahoo requests; fastest of 3 runs, each with empty cache and store), a warm re-run
     (target 0 requests);
   - a 10,000-symbol portfolio: the CLI `compare portfolio.csv`, this package's quotes alone
     (``fetch_quotes``) and yahooquery's ``Ticker(symbols).quotes`` on the same symbols
     (target: the CLI within 1.5x of yahooquery's quotes-only time, both as whole processes);
     and ``fetch_quotes`` at 250 to 1,500 symbols per request (the batch-size evidence);
   - a strict Yahoo (2 requests/s, a 10 s ban of 429s without Retry-After after one more):
     target live data, full coverage, no fallback;
   - an issuer answering a web page twice: target every fund's holdings live;
   - no network (the proxy's port closed): target the fallback table within 1.5x the time of
     `compare --offline`;
   - faults ending in live data or a clear fallback within 60 s: Yahoo capping requests at 100
     symbols, a full cache disk, every Yahoo host (then iShares) answering in 31 s;
   - baselines on the cold compare's symbols: a plain `yf.Ticker(t).info` loop and `yf.download`,
     each timed on a sample (``--info-sample``, ``--download-sample``) and extrapolated to all
     symbols (they take minutes), and yahooquery's quotes.
yahooquery is a benchmark-only install (`pip install yahooquery`), not a dependency; without it
its lines are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAW = REPO.parent / "shared" / "data" / "raw"
sys.path.insert(0, str(REPO))

FUNDS = ["IWM", "IJR", "IJS", "SPY"]
CLI = [sys.executable, "-m", "smallcap_screen"]
PEAK_RSS = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
# Each snippet reads its symbols from argv[1] and prints the seconds its own call took.
INFO_LOOP = """
import json, sys, time, yfinance as yf
symbols = json.load(open(sys.argv[1])); started = time.perf_counter()
for symbol in symbols:
    try:
        yf.Ticker(symbol).info
    except Exception:
        pass
print(time.perf_counter() - started)
"""
YF_DOWNLOAD = """
import json, sys, time, yfinance as yf
symbols = json.load(open(sys.argv[1])); started = time.perf_counter()
yf.download(symbols, period="5d", progress=False, threads=True)
print(time.perf_counter() - started)
"""
YAHOOQUERY = """
import json, sys, time
from yahooquery import Ticker
symbols = json.load(open(sys.argv[1])); started = time.perf_counter()
quotes = Ticker(symbols).quotes
print(time.perf_counter() - started, len(quotes))
"""
OWN_QUOTES = """
import json, sys, time
from smallcap_screen.sources.yahoo import fetch_quotes
symbols = json.load(open(sys.argv[1])); sizes = [int(s) for s in sys.argv[2:]] or [None]
for size in sizes:
    started = time.perf_counter()
    result = fetch_quotes(symbols, **({"batch_size": size} if size else {}))
    print(size, time.perf_counter() - started, result.requests, len(result.fundamentals.table))
"""


def timed(command: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - start, done


def fastest_times(commands: dict[str, list[str]], runs: int, env: dict | None = None) -> dict[str, float]:
    """The fastest of ``runs`` wall times per command, the commands taking turns so that a busy
    spell of the machine hits them alike (as timeit advises, the minimum: noise only adds time)."""
    for command in commands.values():
        timed(command, env)  # warm the OS file cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, env)[0])
    return {name: min(values) for name, values in times.items()}


def peak_mb(command: list[str]) -> float:
    out = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def local(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SMALLCAP_SCREEN_DATA_DIR": home}
        compare = [*CLI, "compare", *FUNDS, "--offline"]
        commands = {
            "help": [*CLI, "--help"],
            "pandas": [sys.executable, "-c", "import pandas"],
            "compare": compare,
            # the screener's judged commands (target < 1.5 s each, tables as a user sees them)
            "screen_ijr": [*CLI, "screen", "IJR", "--profitable", "--max-pe", "12", "--top", "20", "--offline"],
            "screen_iwm_by_pe": [*CLI, "screen", "IWM", "--sort", "pe", "--offline"],
            "sectors": [*CLI, "sectors", "IWM", "IJR", "--offline"],
            "explain": [*CLI, "explain", "IWM", "--offline"],
        }
        fastest = fastest_times(commands, runs, env)
        return {
            "screen_ijr_s": fastest["screen_ijr"],
            "screen_iwm_by_pe_s": fastest["screen_iwm_by_pe"],
            "sectors_s": fastest["sectors"],
            "explain_s": fastest["explain"],
            "help_s": fastest["help"],
            "import_pandas_s": fastest["pandas"],
            "compare_offline_s": fastest["compare"],
            "compare_offline_vs_pandas": fastest["compare"] / fastest["pandas"],
            "compare_offline_peak_mb": peak_mb([*compare, "--data-dir", home]),
        }


@contextmanager
def internet(**faults):
    """The stand-in internet and a fresh home (cache, store, yfinance cache) for one case."""
    from tests.standins.internet import StandInInternet

    with StandInInternet(RAW, **faults) as net, tempfile.TemporaryDirectory() as home:
        net.home = Path(home)
        net.environment = environment(net.env, home)
        yield net


def environment(proxy_env: dict, home: str, tag: str = "") -> dict:
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k not in ("CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
    return {
        **base,
        **proxy_env,
        "SMALLCAP_SCREEN_CACHE_DIR": f"{home}/cache{tag}",
        "SMALLCAP_SCREEN_DATA_DIR": f"{home}/data{tag}",
        "XDG_CACHE_HOME": f"{home}/xdg{tag}",
    }


def records(done: subprocess.CompletedProcess) -> list[dict]:
    try:
        return json.loads(done.stdout)
    except ValueError:
        return []


def live_everywhere(done: subprocess.CompletedProcess) -> bool:
    found = records(done)
    return bool(found) and all(r["status"] == "ok" and str(r["data_source"]).startswith("live data") for r in found)


COVERAGE: dict[str, float] = {}  # per fund, from the unthrottled cold compare: what "full coverage" is


def cold_compare(latency: float, runs: int) -> tuple[float, int, int]:
    """Fastest cold compare of ``runs`` (each with an empty cache and store): seconds, Yahoo and all requests."""
    best = (float("inf"), 0, 0)
    with internet(latency=latency) as net:
        for run in range(runs):
            env = environment(net.env, str(net.home), f"-{run}")
            yahoo, total = net.yahoo_requests, net.total_requests
            seconds, done = timed([*CLI, "compare", *FUNDS, "-f", "json"], env)
            if not live_everywhere(done):
                raise SystemExit(f"cold compare at {latency} s latency was not live: {done.stderr}")
            best = min(best, (seconds, net.yahoo_requests - yahoo, net.total_requests - total))
            COVERAGE.update({r["fund"]: r["coverage"] for r in records(done)})
    return best


def live(info_sample: int, download_sample: int, runs: int) -> dict:
    results: dict = {}
    has_yahooquery = subprocess.run([sys.executable, "-c", "import yahooquery"], capture_output=True).returncode == 0

    # Cold and warm compare at 50 ms, with the baselines on the same symbols.
    results["cold_compare_50ms_s"], results["cold_yahoo_requests_50ms"], results["cold_all_requests_50ms"] = cold_compare(0.05, runs)
    with internet(latency=0.05) as net:
        env = net.environment
        timed([*CLI, "compare", *FUNDS, "-q"], env)
        before = net.total_requests
        results["warm_compare_s"], _ = timed([*CLI, "compare", *FUNDS, "-q"], env)
        results["warm_requests"] = net.total_requests - before
        held = sorted(_held_symbols(Path(env["SMALLCAP_SCREEN_DATA_DIR"])))
        results["unique_symbols"] = len(held)
        symbols_file = net.home / "symbols.json"
        symbols_file.write_text(json.dumps(held))
        results.update(_baselines(net, held, info_sample, download_sample, has_yahooquery))
    results["cold_compare_200ms_s"], results["cold_yahoo_requests_200ms"], _ = cold_compare(0.2, runs)

    results.update(_portfolio(runs, has_yahooquery))

    with internet(latency=0.05, rate_limit=2, ban=10) as net:
        seconds, done = timed([*CLI, "compare", *FUNDS, "-f", "json"], net.environment)
        results["strict_yahoo_s"] = seconds
        results["strict_yahoo_live"] = live_everywhere(done)
        coverage = {r["fund"]: r["coverage"] for r in records(done)}
        results["strict_yahoo_full_coverage"] = bool(coverage) and all(abs(coverage[f] - COVERAGE[f]) < 1e-9 for f in FUNDS)
        results["strict_yahoo_429s"] = net.yahoo.throttled

    from tests.standins.issuers import HTML_PAGE

    with internet(latency=0.05) as net:
        net.issuers.inject("ajax", HTML_PAGE, HTML_PAGE)
        seconds, done = timed([*CLI, "compare", *FUNDS, "-f", "json"], net.environment)
        results["html_twice_s"] = seconds
        results["html_twice_all_live"] = live_everywhere(done)

    results.update(_no_network(runs))

    with internet(latency=0.05, max_quote_symbols=100) as net:
        seconds, done = timed([*CLI, "compare", *FUNDS, "-f", "json"], net.environment)
        results["cap_100_symbols_s"], results["cap_100_symbols_live"] = seconds, live_everywhere(done)

    from tests.standins.disk import full_disk_available, on_full_disk

    if full_disk_available():
        with internet(latency=0.05) as net:
            cache = Path(net.environment["SMALLCAP_SCREEN_CACHE_DIR"])
            seconds, done = timed(on_full_disk(cache, [*CLI, "compare", *FUNDS, "-f", "json"]), net.environment)
            results["full_cache_disk_s"] = seconds
            results["full_cache_disk_live"] = live_everywhere(done) and "ran without the cache" in done.stderr

    from tests.standins.internet import YAHOO_HOSTS

    for name, hosts in (("slow_yahoo_31s", YAHOO_HOSTS), ("slow_ishares_31s", ("www.ishares.com",))):
        with internet(latency=0.05, slow_hosts={host: 31.0 for host in hosts}) as net:
            seconds, done = timed([*CLI, "compare", *FUNDS, "-f", "json"], net.environment)
            found = records(done)
            results[f"{name}_s"] = seconds
            results[f"{name}_outcome"] = _outcome(found, done.stderr)
    return results


def _outcome(found: list[dict], stderr: str) -> str:
    if not found:
        return "no output"
    if "no live data" in stderr:
        return "clear fallback: " + next(line for line in stderr.splitlines() if "no live data" in line)[:90]
    live_funds = [r["fund"] for r in found if r["holdings_source"] == "live"]
    fallen_back = [f"{r['fund']} ({r['holdings_source'] if r['status'] == 'ok' else 'none'})" for r in found if r["holdings_source"] != "live"]
    failed = [line for line in stderr.splitlines() if "failed" in line]
    return f"live for {', '.join(live_funds) or 'no fund'}" + (f"; fell back: {', '.join(fallen_back)}" if fallen_back else "") + (f"; {failed[0][:90]}" if failed else "")


def _baselines(net, held: list[str], info_sample: int, download_sample: int, has_yahooquery: bool) -> dict:
    results = {}
    for name, code, sample in (("info_loop", INFO_LOOP, info_sample), ("yf_download", YF_DOWNLOAD, download_sample)):
        chosen = held[:sample]
        path = net.home / f"{name}.json"
        path.write_text(json.dumps(chosen))
        before = net.yahoo_requests
        env = {**net.environment, "XDG_CACHE_HOME": str(net.home / f"xdg-{name}")}
        _, done = timed([sys.executable, "-c", code, str(path)], env)
        seconds = float(done.stdout.split()[0])
        results[f"{name}_sample_symbols"] = len(chosen)
        results[f"{name}_sample_s"] = seconds
        results[f"{name}_sample_requests"] = net.yahoo_requests - before
        results[f"{name}_all_symbols_s_extrapolated"] = seconds * len(held) / len(chosen)
    if has_yahooquery:
        path = net.home / "all.json"
        path.write_text(json.dumps(held))
        before = net.yahoo_requests
        wall, done = timed([sys.executable, "-c", YAHOOQUERY, str(path)], net.environment)
        results["yahooquery_quotes_call_s"] = float(done.stdout.split()[0])
        results["yahooquery_quotes_process_s"] = wall
        results["yahooquery_requests"] = net.yahoo_requests - before
    return results


def _portfolio(runs: int, has_yahooquery: bool) -> dict:
    """10,000 symbols: the CLI on a portfolio file, our quotes alone, yahooquery's quotes alone."""
    from smallcap_screen.reference import read_reference_fundamentals

    symbols = list(read_reference_fundamentals(RAW).table.index[:10_000])
    results: dict = {"portfolio_symbols": len(symbols)}
    with internet(latency=0.05) as net:
        portfolio = net.home / "portfolio.csv"
        portfolio.write_text("ticker,weight\n" + "".join(f"{s},{100 / len(symbols)}\n" for s in symbols))
        symbols_file = net.home / "portfolio.json"
        symbols_file.write_text(json.dumps(symbols))
        cli, own, theirs = [], [], []
        for run in range(runs):
            env = environment(net.env, str(net.home), f"-p{run}")
            before = net.yahoo_requests
            seconds, done = timed([*CLI, "compare", str(portfolio), "-f", "json"], env)
            if not records(done):
                raise SystemExit(f"portfolio compare failed: {done.stderr}")
            cli.append((seconds, net.yahoo_requests - before))
            own.append(timed([sys.executable, "-c", OWN_QUOTES, str(symbols_file)], env))
            if has_yahooquery:
                theirs.append(timed([sys.executable, "-c", YAHOOQUERY, str(symbols_file)], env))
        results["portfolio_compare_s"], results["portfolio_yahoo_requests"] = min(cli)
        results["own_quotes_process_s"] = min(wall for wall, _ in own)
        results["own_quotes_call_s"] = min(float(done.stdout.split()[1]) for _, done in own)
        if has_yahooquery:
            results["yahooquery_10k_process_s"] = min(wall for wall, _ in theirs)
            results["yahooquery_10k_call_s"] = min(float(done.stdout.split()[0]) for _, done in theirs)
            results["portfolio_compare_vs_yahooquery"] = results["portfolio_compare_s"] / results["yahooquery_10k_process_s"]
            results["own_quotes_vs_yahooquery_call"] = results["own_quotes_call_s"] / results["yahooquery_10k_call_s"]
        sizes = ["250", "500", "1000", "1500"]
        _, done = timed([sys.executable, "-c", OWN_QUOTES, str(symbols_file), *sizes], environment(net.env, str(net.home), "-sizes"))
        for line in done.stdout.splitlines():
            size, seconds, requests, _ = line.split()
            results[f"batch_{size}_10k_call_s"] = float(seconds)
            results[f"batch_{size}_10k_requests"] = int(requests)
    return results


def _no_network(runs: int) -> dict:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = {name: f"http://127.0.0.1:{port}" for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")}
    with tempfile.TemporaryDirectory() as home:
        env = environment(dead, home)
        fastest = fastest_times({"no_network": [*CLI, "compare", *FUNDS], "offline": [*CLI, "compare", *FUNDS, "--offline"]}, runs, env)
        _, done = timed([*CLI, "compare", *FUNDS], env)
    return {
        "no_network_compare_s": fastest["no_network"],
        "offline_compare_s": fastest["offline"],
        "no_network_vs_offline": fastest["no_network"] / fastest["offline"],
        "no_network_says_fallback": "no live data" in done.stderr and done.returncode == 0,
    }


def _held_symbols(data_dir: Path) -> list[str]:
    from smallcap_screen.store import Store

    snapshot = Store.open(data_dir=data_dir).latest()
    return sorted({t for h in snapshot.holdings.values() for t in h.tickers})


TARGETS = {
    "screen_ijr_s": ("<", 1.5),
    "screen_iwm_by_pe_s": ("<", 1.5),
    "help_s": ("<", 0.2),
    "compare_offline_vs_pandas": ("<", 1.4),
    "compare_offline_peak_mb": ("<", 250),
    "cold_compare_50ms_s": ("<", 3.0),
    "cold_compare_200ms_s": ("<", 3.5),
    "cold_yahoo_requests_50ms": ("<=", 30),
    "cold_yahoo_requests_200ms": ("<=", 30),
    "warm_requests": ("<=", 0),
    "portfolio_compare_vs_yahooquery": ("<", 1.5),
    "strict_yahoo_live": ("==", True),
    "strict_yahoo_full_coverage": ("==", True),
    "html_twice_all_live": ("==", True),
    "no_network_vs_offline": ("<", 1.5),
    "no_network_says_fallback": ("==", True),
    "cap_100_symbols_live": ("==", True),
    "cap_100_symbols_s": ("<", 60),
    "full_cache_disk_live": ("==", True),
    "full_cache_disk_s": ("<", 60),
    "slow_yahoo_31s_s": ("<", 60),
    "slow_ishares_31s_s": ("<", 60),
}


def compiled() -> None:
    """Measure the package as pip installs it, with its bytecode compiled: an editable checkout
    under PYTHONDONTWRITEBYTECODE (as on the development machine) recompiles every module on
    every run otherwise."""
    import compileall

    compileall.compile_dir(REPO / "smallcap_screen", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repetitions for the local timings (the fastest counts)")
    parser.add_argument("--live-runs", type=int, default=3, help="repetitions of the cold live runs (the fastest counts)")
    parser.add_argument("--info-sample", type=int, default=150, help="symbols the .info loop is timed on (then extrapolated)")
    parser.add_argument("--download-sample", type=int, default=300, help="symbols yf.download is timed on (then extrapolated)")
    parser.add_argument("--skip-live", action="store_true", help="only the local measurements")
    args = parser.parse_args()
    compiled()
    results = local(args.runs)
    if not args.skip_live:
        results.update(live(args.info_sample, args.download_sample, args.live_runs))
    failed = False
    for name, value in results.items():
        target = TARGETS.get(name)
        verdict = ""
        if target:
            op, bound = target
            ok = {"<": lambda: value < bound, "<=": lambda: value <= bound, ">=": lambda: value >= bound, "==": lambda: value == bound}[op]()
            failed |= not ok
            verdict = f"  target {op} {bound}: {'ok' if ok else 'MISSED'}"
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{name:40} {shown}{verdict}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
