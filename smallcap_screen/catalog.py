"""The funds this tool knows, as a user sees them: ``smallcap-screen funds`` and :func:`fund_catalog`.

Each fund of the table (:mod:`smallcap_screen.registry`) with its issuer's name, the index aliases
that name it, whether its issuer has a downloader here, and whether the bundled reference snapshot
holds it (so `compare --offline` can value it without any download).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .registry import ROLES, Registry, registry

#: Field order of :meth:`CatalogEntry.record`, the columns of ``funds --format csv``.
CATALOG_FIELDS = ["fund", "name", "issuer", "index", "role", "aliases", "downloadable", "bundled"]


@dataclass(frozen=True)
class CatalogEntry:
    fund: str
    name: str
    issuer: str  # the issuer's own name ("iShares"), or the table's spelling when no module exists
    index: str
    role: str
    aliases: tuple[str, ...]
    downloadable: bool
    bundled: bool

    def record(self) -> dict:
        return {**asdict(self), "aliases": " ".join(self.aliases)}


def fund_catalog(funds: Registry | None = None) -> list[CatalogEntry]:
    """Every fund of the table, small caps first, then mid and large caps (the benchmarks)."""
    from .errors import DataError
    from .sources.issuers import load_issuer
    from .reference import bundled_funds

    funds = funds or registry()
    bundled = bundled_funds()
    labels: dict[str, str | None] = {}
    for name in dict.fromkeys(f.issuer for f in funds.funds.values()):
        try:
            labels[name] = load_issuer(name).LABEL
        except DataError:
            labels[name] = None
    return [
        CatalogEntry(
            f.ticker, f.name, labels[f.issuer] or f.issuer, f.index, f.role, f.aliases,
            downloadable=labels[f.issuer] is not None, bundled=f.ticker in bundled,
        )
        for f in sorted(funds.funds.values(), key=lambda f: ROLES.index(f.role))
    ]
