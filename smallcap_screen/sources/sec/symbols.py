"""N-PORT holdings → price symbols: the filed ticker where there is one, else the issuer's name
matched against the SEC's company tickers file, conservatively.

N-PORT identifies a holding by CUSIP and ISIN; a ticker is optional and most filers leave it out
(Vanguard's 500 Index Fund report of 2025-06-30 gives none for its 505 stocks). No free source
maps CUSIPs to symbols without a key: the SEC's ``company_tickers.json`` (ticker, CIK, title of
every current SEC registrant) has no CUSIP, and the OpenFIGI mapping service asks for a key
above a few requests a minute. So the name is matched, and only where that cannot go wrong:

- names are compared after normalising case, punctuation, "&"/"and", a leading or trailing "The",
  state tags (``/DE/``) and company-form suffixes (Inc, Corp, Co, Ltd, plc, N.V., S.A. ...);
- a name that several registrants share, or that one registrant has several tickers for (share
  classes: Alphabet's GOOGL and GOOG), is left unmapped: guessing the class would price the
  wrong line;
- everything unmapped stays in the fund, counts against coverage and is named (see
  :func:`~.nport.unmapped`), so a poor match rate shows as low coverage, never as a wrong P/E.

The ticker file is fetched through the SEC client, which caches it (see its ``max_age``); the
mapping is rebuilt from it in memory (about 10,000 names, a few milliseconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..parsing import is_exchange_symbol

_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp",
    "nv", "sa", "ag", "se", "the", "de", "new",
}
_STATE_TAG = re.compile(r"[/\\][a-z]{2}[/\\]?$")
_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")


def normalised_name(name: str) -> str:
    """A company name reduced to what identifies it: ``"Kraft Heinz Co. (The)"`` → ``"kraft heinz"``."""
    text = _STATE_TAG.sub("", name.strip().lower()).replace("&", " and ")
    text = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)  # N.V. → nv; Amazon.com → amazon com
    words = re.sub(r"[^a-z0-9 ]+", " ", text).split()
    while words and words[-1] in _SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


@dataclass(frozen=True)
class SymbolMap:
    """Normalised registrant name → its one common-stock ticker (names whose tickers are share
    classes of equal standing, such as GOOGL and GOOG, are left out)."""

    by_name: dict[str, str]

    @classmethod
    def from_company_tickers(cls, document: Any) -> "SymbolMap":
        """From the parsed ``company_tickers.json`` (``{"0": {"cik_str", "ticker", "title"}, ...}``)."""
        rows = document.values() if isinstance(document, dict) else ()
        tickers: dict[str, set[str]] = {}
        for row in rows:
            if isinstance(row, dict) and row.get("ticker") and row.get("title"):
                tickers.setdefault(normalised_name(str(row["title"])), set()).add(str(row["ticker"]).upper())
        return cls({name: only for name, found in tickers.items() if name and (only := _common_ticker(found))})

    def symbols(self, lines: pd.DataFrame) -> pd.Series:
        """A price symbol for each N-PORT line (``nport.LINE_FIELDS``), "" where none is safe.

        The filed ticker wins when it looks like an exchange symbol; otherwise the name, then the
        title, is looked up. Class dots become dashes as Yahoo writes them (``BRK.B`` → ``BRK-B``).
        """
        filed = lines["ticker"].fillna("").str.upper()
        filed = filed.where(is_exchange_symbol(filed), "")
        by_name = lines["name"].fillna("").map(lambda n: self.by_name.get(normalised_name(n), ""))
        by_title = lines["title"].fillna("").map(lambda n: self.by_name.get(normalised_name(n), ""))
        symbol = filed.where(filed != "", by_name.where(by_name != "", by_title))
        return symbol.str.replace(".", "-", regex=False)


def _common_ticker(tickers: set[str]) -> str:
    """The one ticker of a registrant, or of its common stock when the others are its preferred
    series (``JPM`` beside ``JPM-PC``, ``JPM-PD``); "" when that is not clear."""
    plain = [t for t in tickers if "-" not in t]
    if len(plain) == 1 and all(t == plain[0] or t.startswith(plain[0] + "-") for t in tickers):
        return plain[0]
    return ""
