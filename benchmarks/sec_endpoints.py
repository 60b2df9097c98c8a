"""Requests and bytes per company: one ``companyfacts`` document against one ``companyconcept``
per EPS concept, on the stand-in SEC (tests/standins/sec.py, which cuts concept answers from the
company's facts as the SEC's are), and the time a point-in-time TTM takes on each. Run from the
repo root:

    .venv/bin/python benchmarks/sec_endpoints.py                       # the committed excerpts
    .venv/bin/python benchmarks/sec_endpoints.py CIK0000320193.json ...  # whole companyfacts files

The committed excerpts are trimmed to a few years; whole documents (3-4 MB for Apple, NVIDIA,
Alphabet) give the real sizes.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smallcap_screen.metrics.trailing_eps import EpsFacts, trailing_eps_over  # noqa: E402
from smallcap_screen.sources.sec.client import SecClient  # noqa: E402
from smallcap_screen.sources.sec.facts import company_concept, company_facts  # noqa: E402
from tests.standins.sec import SecStandIn  # noqa: E402

CONCEPTS = (
    "EarningsPerShareDiluted", "EarningsPerShareBasic", "NetIncomeLoss", "WeightedAverageNumberOfDilutedSharesOutstanding",
)
AGENT = "smallcap-screen benchmark bench@example.com"


def main(paths: list[Path]) -> None:
    documents = {}
    for path in paths:
        cik = int(json.loads(path.read_text())["cik"])
        documents[f"/api/xbrl/companyfacts/CIK{cik:010d}.json"] = path
    print(f"{'company':<28} {'facts req':>9} {'facts KB':>9} {'concept req':>11} {'concept KB':>10} {'TTM x 60 dates':>15}")
    with SecStandIn(documents) as site:
        for path in paths:
            cik = int(json.loads(path.read_text())["cik"])
            with SecClient(AGENT, data_url=site.url, www_url=site.url) as whole:
                document = company_facts(whole, cik)
            with SecClient(AGENT, data_url=site.url, www_url=site.url) as concepts:
                for concept in CONCEPTS:
                    try:
                        company_concept(concepts, cik, concept)
                    except Exception:  # a concept the company never filed: a 404, still a request
                        pass
            months = [dt.date(2021, 1, 31) + dt.timedelta(days=30 * i) for i in range(60)]
            started = time.perf_counter()
            trailing_eps_over(EpsFacts.from_companyfacts(document), months)
            took = time.perf_counter() - started
            print(
                f"{document['entityName'][:28]:<28} {whole.requests:>9} {whole.bytes_received / 1024:>9.0f} "
                f"{concepts.requests:>11} {concepts.bytes_received / 1024:>10.0f} {took * 1000:>12.1f} ms"
            )


if __name__ == "__main__":
    given = [Path(p) for p in sys.argv[1:]]
    main(given or sorted((ROOT / "tests" / "fixtures" / "sec").glob("companyfacts_*.json")))
