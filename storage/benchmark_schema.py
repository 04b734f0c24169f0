"""The benchmark store's tables, for SQLite and PostgreSQL alike (storage/benchmark_store.py
says what they hold; storage/postgres.py makes them with the rest)."""

BENCHMARK_SCHEMA = """
CREATE TABLE IF NOT EXISTS benchmark_figures (
    order_id text NOT NULL,
    round integer NOT NULL,
    cluster text NOT NULL,
    package_id text NOT NULL,
    region text NOT NULL,
    meeting_on date NOT NULL,
    demo boolean NOT NULL,
    figures text NOT NULL,
    written_at text NOT NULL,
    PRIMARY KEY (order_id, round)
);
CREATE INDEX IF NOT EXISTS benchmark_by_package
    ON benchmark_figures (package_id, round, meeting_on);
CREATE INDEX IF NOT EXISTS benchmark_by_cluster ON benchmark_figures (cluster);
CREATE TABLE IF NOT EXISTS benchmark_opt_outs (
    cluster text PRIMARY KEY,
    order_id text NOT NULL,
    since text NOT NULL
);
"""
