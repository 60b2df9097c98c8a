"""The store's SQL schema, as a list of migrations: ``MIGRATIONS[n]`` takes a database from
schema version ``n`` (``PRAGMA user_version``) to ``n + 1``.

A released migration is never edited: a change to the schema is a new entry at the end. Record
fields added later (new ``FundValuation`` figures) need no migration, since ``result.record`` keeps
the whole record as JSON; only the columns one queries by are columns.

The tables, for SQL, pandas, sqlite-utils and Datasette users (README, "The store"):

- ``snapshot``: one row per snapshot: ``data_date`` (what it describes: the prices' date; history
  is ordered by it), ``taken_at`` (UTC time it was recorded), ``origin`` (live, import, migrated),
  prices' date, source and forward horizon, ``content_hash`` (identical inputs are stored once) and
  ``checksum`` (verified on every read).
- ``snapshot_fund``: the funds of a snapshot, each pointing at the ``holdings`` it used, with the
  fund's own Yahoo-reported figures (JSON).
- ``holdings`` + ``holding`` + ``set_aside``: one fund's holdings file (as-of date, source) and its
  lines. A file that did not change is stored once and shared by the snapshots that used it.
  Where every weight is exactly market value / total (iShares), ``holding.weight`` is NULL and
  ``holdings.total_market_value`` set: the weights are computed on read, bit for bit.
- ``security``: ticker, issuer ticker, name and sector, stored once and referenced by ``holding``.
- ``quote`` + ``stock_facts`` + ``stock_estimates``: per snapshot and held stock the price and
  market cap; the slower facts (trailing EPS, book value, sales, dividend yield, shares,
  currencies, fiscal-year end, flags) and
  the analysts' estimates (FY1, FY2 EPS) are stored anew only when they differ from those of the
  previous snapshot (reports come quarterly, revisions to some stocks weekly).
- ``quote_eps``: per snapshot, the trailing and forward EPS of the stocks whose EPS moved again
  while the rest of their facts and estimates stayed (a finviz export's EPS is price / P/E rounded
  to two decimals, so it moves a little every week): a row of ~30 bytes instead of new
  ``stock_facts`` and ``stock_estimates`` rows of ~80. Where a quote has one, its EPS are these.
- ``result``: the computed fund-level figures per snapshot, fund, negative-earnings policy and
  benchmark: the key figures as columns, the full record (README, "Output formats") as JSON.
- Views ``fundamentals``, ``fund_holdings`` and ``fund_history`` join these back into the shapes
  the tool works with.
- ``backfill``: what `backfill` did for each fund and period: the snapshot it kept (``origin``
  "backfill"), or the gap it found (no issuer file on that day nor the few before it), with the
  file's own date, the share of the fund matched to SEC companies, the largest holdings left out,
  and the method. A re-run skips every period listed here. ``fund_history`` says each
  figure's ``origin``.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the first SQLite store (replacing one folder of CSV files per snapshot).
    """
    CREATE TABLE snapshot (
        id              INTEGER PRIMARY KEY,
        data_date       TEXT NOT NULL,
        taken_at        TEXT NOT NULL,
        origin          TEXT NOT NULL,
        label           TEXT NOT NULL,
        prices_as_of    TEXT,
        prices_source   TEXT NOT NULL,
        forward_horizon TEXT NOT NULL,
        content_hash    TEXT NOT NULL UNIQUE,
        checksum        TEXT NOT NULL
    );
    CREATE INDEX snapshot_by_data_date ON snapshot (data_date, taken_at);

    CREATE TABLE security (
        id            INTEGER PRIMARY KEY,
        ticker        TEXT NOT NULL,
        issuer_ticker TEXT NOT NULL,
        name          TEXT NOT NULL,
        sector        TEXT NOT NULL,
        UNIQUE (ticker, issuer_ticker, name, sector)
    );

    CREATE TABLE holdings (
        id           INTEGER PRIMARY KEY,
        fund         TEXT NOT NULL,
        fund_name    TEXT NOT NULL,
        as_of        TEXT,
        source       TEXT NOT NULL,
        lines        INTEGER NOT NULL,
        -- Set when every weight is market_value / total_market_value exactly (iShares files):
        -- holding.weight is then NULL, computed on read (view fund_holdings does the same).
        total_market_value REAL,
        content_hash TEXT NOT NULL UNIQUE
    );

    CREATE TABLE holding (
        holdings_id  INTEGER NOT NULL REFERENCES holdings (id) ON DELETE CASCADE,
        line         INTEGER NOT NULL,
        security_id  INTEGER NOT NULL REFERENCES security (id),
        weight       REAL,
        market_value REAL,
        shares       REAL,
        PRIMARY KEY (holdings_id, line)
    ) WITHOUT ROWID;

    CREATE TABLE set_aside (
        holdings_id   INTEGER NOT NULL REFERENCES holdings (id) ON DELETE CASCADE,
        line          INTEGER NOT NULL,
        issuer_ticker TEXT NOT NULL,
        name          TEXT NOT NULL,
        asset_class   TEXT NOT NULL,
        weight        REAL,
        reason        TEXT NOT NULL,
        PRIMARY KEY (holdings_id, line)
    ) WITHOUT ROWID;

    CREATE TABLE snapshot_fund (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        fund        TEXT NOT NULL,
        holdings_id INTEGER NOT NULL REFERENCES holdings (id),
        reported    TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (snapshot_id, fund)
    ) WITHOUT ROWID;
    CREATE INDEX snapshot_fund_by_holdings ON snapshot_fund (holdings_id);
    CREATE INDEX snapshot_fund_by_fund ON snapshot_fund (fund);

    CREATE TABLE stock_facts (
        id                 INTEGER PRIMARY KEY,
        ticker             TEXT NOT NULL,
        shares             REAL,
        eps_trailing       REAL,
        book_per_share     REAL,
        sales              REAL,
        currency           TEXT NOT NULL,
        financial_currency TEXT NOT NULL,
        flags              TEXT NOT NULL
    );

    CREATE TABLE stock_estimates (
        id          INTEGER PRIMARY KEY,
        ticker      TEXT NOT NULL,
        eps_forward REAL,
        eps_fy1     REAL
    );

    CREATE TABLE quote (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        ticker      TEXT NOT NULL,
        price       REAL,
        market_cap  REAL,
        facts_id    INTEGER NOT NULL REFERENCES stock_facts (id),
        estimates_id INTEGER NOT NULL REFERENCES stock_estimates (id),
        PRIMARY KEY (snapshot_id, ticker)
    ) WITHOUT ROWID;

    CREATE TABLE result (
        id                INTEGER PRIMARY KEY,
        snapshot_id       INTEGER NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        fund              TEXT NOT NULL,
        negative_policy   TEXT NOT NULL,
        benchmark         TEXT NOT NULL,
        pe_trailing       REAL,
        pe_forward        REAL,
        discount_trailing REAL,
        discount_forward  REAL,
        loss_weight       REAL,
        coverage          REAL,
        record            TEXT NOT NULL,
        checksum          TEXT NOT NULL,
        UNIQUE (snapshot_id, fund, negative_policy, benchmark)
    );

    CREATE VIEW fundamentals AS
        SELECT q.snapshot_id, q.ticker, q.price, f.shares, q.market_cap, f.eps_trailing, e.eps_forward,
               e.eps_fy1, f.book_per_share, f.sales, f.currency, f.financial_currency, f.flags
        FROM quote q JOIN stock_facts f ON f.id = q.facts_id JOIN stock_estimates e ON e.id = q.estimates_id;

    CREATE VIEW fund_holdings AS
        SELECT sf.snapshot_id, sf.fund, h.as_of, l.line, s.ticker, s.issuer_ticker, s.name, s.sector,
               coalesce(l.weight, l.market_value / h.total_market_value) AS weight, l.market_value, l.shares
        FROM snapshot_fund sf
        JOIN holdings h ON h.id = sf.holdings_id
        JOIN holding l ON l.holdings_id = h.id
        JOIN security s ON s.id = l.security_id;

    CREATE VIEW fund_history AS
        SELECT s.data_date, s.id AS snapshot_id, r.fund, r.negative_policy, r.benchmark, r.pe_trailing,
               r.pe_forward, r.discount_trailing, r.discount_forward, r.loss_weight, r.coverage
        FROM result r JOIN snapshot s ON s.id = r.snapshot_id;
    """,
    # 2: backfilled history (reconstructed from dated issuer files and SEC filings).
    """
    CREATE TABLE backfill (
        fund        TEXT NOT NULL,
        period_date TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('kept', 'gap')),
        data_date   TEXT,
        snapshot_id INTEGER REFERENCES snapshot (id) ON DELETE CASCADE,
        coverage    REAL,
        unmatched   TEXT NOT NULL DEFAULT '',
        method      TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (fund, period_date)
    ) WITHOUT ROWID;
    CREATE INDEX backfill_by_snapshot ON backfill (snapshot_id);

    DROP VIEW fund_history;
    CREATE VIEW fund_history AS
        SELECT s.data_date, s.id AS snapshot_id, s.origin, r.fund, r.negative_policy, r.benchmark, r.pe_trailing,
               r.pe_forward, r.discount_trailing, r.discount_forward, r.loss_weight, r.coverage
        FROM result r JOIN snapshot s ON s.id = r.snapshot_id;
    """,
    # 3: snapshot ids are never reused (AUTOINCREMENT), so that a logged "kept snapshot N" names
    # one snapshot for good, also after `snapshots rm N`. SQLite cannot add AUTOINCREMENT to a
    # table: it is rebuilt (foreign keys are off during migrations: its rows keep their ids).
    """
    DROP VIEW fund_history;
    CREATE TABLE snapshot_new (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        data_date       TEXT NOT NULL,
        taken_at        TEXT NOT NULL,
        origin          TEXT NOT NULL,
        label           TEXT NOT NULL,
        prices_as_of    TEXT,
        prices_source   TEXT NOT NULL,
        forward_horizon TEXT NOT NULL,
        content_hash    TEXT NOT NULL UNIQUE,
        checksum        TEXT NOT NULL
    );
    INSERT INTO snapshot_new SELECT id, data_date, taken_at, origin, label, prices_as_of, prices_source, forward_horizon, content_hash, checksum FROM snapshot;
    DROP TABLE snapshot;
    ALTER TABLE snapshot_new RENAME TO snapshot;
    CREATE INDEX snapshot_by_data_date ON snapshot (data_date, taken_at);
    CREATE VIEW fund_history AS
        SELECT s.data_date, s.id AS snapshot_id, s.origin, r.fund, r.negative_policy, r.benchmark, r.pe_trailing,
               r.pe_forward, r.discount_trailing, r.discount_forward, r.loss_weight, r.coverage
        FROM result r JOIN snapshot s ON s.id = r.snapshot_id;
    """,
    # 4: per stock the dividend yield and the end of its last fiscal year (next-twelve-months
    # estimates blend FY1 and FY2 by it); unknown in snapshots stored before.
    """
    ALTER TABLE stock_facts ADD COLUMN dividend_yield REAL;
    ALTER TABLE stock_facts ADD COLUMN fiscal_year_end TEXT NOT NULL DEFAULT '';
    DROP VIEW fundamentals;
    CREATE VIEW fundamentals AS
        SELECT q.snapshot_id, q.ticker, q.price, f.shares, q.market_cap, f.eps_trailing, e.eps_forward,
               e.eps_fy1, f.book_per_share, f.sales, f.dividend_yield, f.currency, f.financial_currency,
               f.fiscal_year_end, f.flags
        FROM quote q JOIN stock_facts f ON f.id = q.facts_id JOIN stock_estimates e ON e.id = q.estimates_id;
    """,
    # 5: EPS that move every week while the rest of a stock's facts stays (finviz: price / rounded
    # P/E) are kept per snapshot beside the quote, the facts and estimates rows reused: 260 weekly
    # imports of a whole-market export took 70 MB, mostly in new facts and estimates rows.
    """
    CREATE TABLE quote_eps (
        snapshot_id  INTEGER NOT NULL,
        ticker       TEXT NOT NULL,
        eps_trailing REAL,
        eps_forward  REAL,
        PRIMARY KEY (snapshot_id, ticker),
        FOREIGN KEY (snapshot_id, ticker) REFERENCES quote (snapshot_id, ticker) ON DELETE CASCADE
    ) WITHOUT ROWID;

    DROP VIEW fundamentals;
    CREATE VIEW fundamentals AS
        SELECT q.snapshot_id, q.ticker, q.price, f.shares, q.market_cap,
               CASE WHEN m.ticker IS NULL THEN f.eps_trailing ELSE m.eps_trailing END AS eps_trailing,
               CASE WHEN m.ticker IS NULL THEN e.eps_forward ELSE m.eps_forward END AS eps_forward,
               e.eps_fy1, f.book_per_share, f.sales, f.dividend_yield, f.currency, f.financial_currency,
               f.fiscal_year_end, f.flags
        FROM quote q JOIN stock_facts f ON f.id = q.facts_id JOIN stock_estimates e ON e.id = q.estimates_id
        LEFT JOIN quote_eps m ON m.snapshot_id = q.snapshot_id AND m.ticker = q.ticker;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
