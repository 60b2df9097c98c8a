"""The fund issuers: one module each, all speaking the protocol of :mod:`.base`.

``ishares`` (CSV), ``ssga`` (SPDR xlsx), ``vanguard`` (paginated JSON), ``wisdomtree`` (JSON found
through the fund page) and ``schwab`` (CSV linked from the product page). The fund table
(:mod:`smallcap_screen.registry`) names each fund's issuer; :func:`issuer_of` loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Downloaded, Issuer, load_issuer

if TYPE_CHECKING:
    from ...registry import Fund, Registry


def issuer_of(fund: "Fund") -> Issuer:
    """The module that downloads and parses ``fund``'s files (DataError when there is none)."""
    return load_issuer(fund.issuer)


def issuers(registry: "Registry | None" = None) -> list[Issuer]:
    """Every issuer the fund table names, in table order; an issuer without a module is skipped
    here (it fails with a clear error when one of its funds is downloaded)."""
    from ...errors import DataError
    from ...registry import registry as shipped

    found = []
    for name in dict.fromkeys(f.issuer for f in (registry or shipped()).funds.values()):
        try:
            found.append(load_issuer(name))
        except DataError:
            continue
    return found


__all__ = ["Downloaded", "Issuer", "issuer_of", "issuers", "load_issuer"]
