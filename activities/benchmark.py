"""The benchmark activities: an order's aggregates into the benchmark store, and the other
clusters' figures out of it for the order's deck (schemas/benchmark/).

Writing is idempotent – a row per order and round, replaced whole – so a retried attempt, a
later import or a new extract leaves one row with the latest figures.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

import structlog
from pydantic import BaseModel
from temporalio import activity

from schemas.benchmark.comparison import Comparison, compare
from schemas.benchmark.figures import BenchmarkKey, OrderFigures
from storage.benchmark_store import BenchmarkStore

log = structlog.get_logger(__name__)

# How far back a deck looks for the other clusters' figures: two years of meetings, each
# cluster with its latest (schemas/benchmark/comparison.py).
LOOK_BACK = timedelta(days=730)


class Sharing(StrEnum):
    SHARE = "share"  # write (or replace) the order's figures; none yet: remove its row
    WITHDRAW = "withdraw"  # the order was cancelled: its rows go
    OPT_OUT = "opt_out"  # the cluster's figures must not count: every row of it goes
    OPT_IN = "opt_in"  # they may count again: this order's figures are written


class ShareRequest(BaseModel):
    action: Sharing
    figures: OrderFigures


class CompareRequest(BaseModel):
    key: BenchmarkKey
    question_ids: list[str]
    min_clusters: int


class BenchmarkActivities:
    def __init__(self, store: BenchmarkStore) -> None:
        self.store = store

    @activity.defn(name="share_benchmark_figures")
    def share_figures(self, request: ShareRequest) -> bool:
        """Whether the order's figures are in the store afterwards."""
        figures, key = request.figures, request.figures.key
        match request.action:
            case Sharing.WITHDRAW:
                self.store.withdraw(key.order_id)
                written = False
            case Sharing.OPT_OUT:
                self.store.opt_out(key)
                written = False
            case Sharing.OPT_IN | Sharing.SHARE:
                if request.action == Sharing.OPT_IN:
                    self.store.opt_in(key)
                if figures.survey is None and not figures.types:
                    self.store.withdraw(key.order_id, key.round)
                    written = False
                else:
                    written = self.store.put(figures)
        # The order id and the package only: the cluster is an opaque key, and no figure.
        log.info(
            "benchmark_shared",
            order_id=key.order_id,
            round=key.round,
            action=request.action.value,
            written=written,
        )
        return written

    @activity.defn(name="compare_benchmark_figures")
    def compare_figures(self, request: CompareRequest) -> Comparison:
        key = request.key
        rows = self.store.others(key.package_id, 1, key.meeting_on - LOOK_BACK, key.cluster)
        return compare(key, request.question_ids, rows, request.min_clusters)
