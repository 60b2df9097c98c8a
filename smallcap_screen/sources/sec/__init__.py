"""SEC EDGAR: fund identity, N-PORT holdings and the ticker map."""
