"""The benchmark store keeps one row per order and round with aggregates only: a retried or
later write replaces it, a cancelled order's row goes, an opted-out cluster's rows go and none
is written or read while it is out; a deck's read leaves out its own cluster. Alike on SQLite
and PostgreSQL, through the activity the workflows call."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from activities.benchmark import BenchmarkActivities, CompareRequest, ShareRequest, Sharing
from catalog import Catalog
from schemas.shared.region import Region
from storage.benchmark_store import BenchmarkStore
from storage.stores import benchmark_store
from tests.benchmark_rows import cluster_row

PACKAGE = Catalog().package("attester-i-almen-praksis")
DAY = date(2027, 1, 15)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BenchmarkStore:
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    return benchmark_store(tmp_path, url)


def test_a_retried_or_later_write_leaves_one_row_with_the_latest_figures(store):
    activities = BenchmarkActivities(store)
    first = cluster_row(PACKAGE, 1, Region.SJAELLAND, DAY, respondents=4)
    for _ in range(3):  # the same attempt, retried
        assert activities.share_figures(ShareRequest(action=Sharing.SHARE, figures=first))
    later = cluster_row(PACKAGE, 1, Region.SJAELLAND, DAY, respondents=7)  # a new import
    activities.share_figures(ShareRequest(action=Sharing.SHARE, figures=later))
    (row,) = store.of_package(PACKAGE.id)
    assert row.survey is not None and row.survey.respondents == 7


def test_the_row_holds_aggregates_and_no_name(store):
    row = cluster_row(PACKAGE, 1, Region.SJAELLAND, DAY, median_days=9.5)
    store.put(row)
    text = row.model_dump_json()
    assert "Klynge 1" not in text and "@" not in text
    (kept,) = store.of_order(row.key.order_id)
    assert kept.types[0].median_days == 9.5 and kept.types[0].requests == 12


def test_a_cancelled_order_s_rows_go(store):
    activities = BenchmarkActivities(store)
    row = cluster_row(PACKAGE, 1, Region.SJAELLAND, DAY)
    store.put(row)
    activities.share_figures(ShareRequest(action=Sharing.WITHDRAW, figures=row))
    assert store.of_package(PACKAGE.id) == []


def test_an_opted_out_cluster_is_removed_and_never_written_again_until_it_opts_in(store):
    activities = BenchmarkActivities(store)
    earlier = cluster_row(PACKAGE, 1, Region.SJAELLAND, date(2026, 5, 1))
    now = cluster_row(PACKAGE, 1, Region.SJAELLAND, DAY)
    now = now.model_copy(update={"key": now.key.model_copy(update={"order_id": "ny"})})
    store.put(earlier)
    activities.share_figures(ShareRequest(action=Sharing.OPT_OUT, figures=now))
    assert store.of_package(PACKAGE.id) == []
    # A share racing the opt-out (the survey closing at the same moment) writes nothing.
    assert not activities.share_figures(ShareRequest(action=Sharing.SHARE, figures=now))
    assert store.of_package(PACKAGE.id) == []
    assert activities.share_figures(ShareRequest(action=Sharing.OPT_IN, figures=now))
    assert [r.key.order_id for r in store.of_package(PACKAGE.id)] == ["ny"]


def test_a_deck_reads_the_others_of_its_package_in_one_query(store):
    activities = BenchmarkActivities(store)
    rows = [cluster_row(PACKAGE, n, Region.SJAELLAND, DAY) for n in range(6)]
    for row in rows:
        store.put(row)
    own = rows[0].key.model_copy(update={"order_id": "denne"})
    comparison = activities.compare_figures(
        CompareRequest(key=own, question_ids=["kendskab"], min_clusters=5)
    )
    (kendskab,) = comparison.questions
    assert kendskab.national.clusters == 5 and kendskab.national.shown
    # An old meeting (beyond two years) is not compared.
    old = cluster_row(PACKAGE, 40, Region.SJAELLAND, date(2020, 1, 1))
    store.put(old)
    assert all(
        r.key.order_id != old.key.order_id
        for r in store.others(PACKAGE.id, 1, date(2025, 1, 1), own.cluster)
    )
