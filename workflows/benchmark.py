"""An order's (or a follow-up meeting's) part in the national figures: its aggregates written
when its survey closes and whenever its documents are rendered (a new extract, a late
import), removed when it is cancelled or its coordinator opts out, and the other clusters'
figures read for its deck (activities/benchmark.py does the I/O, schemas/benchmark/ the rules).

New code in running orders: an order started before it never shares or reads (``BENCHMARK``).
A store that cannot be reached never holds an order up: the write is tried again at the next
render, and a deck rendered without the comparison says nothing of the country.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.benchmark import (
        BenchmarkActivities,
        CompareRequest,
        ShareRequest,
        Sharing,
    )
    from schemas.benchmark.comparison import Comparison
    from schemas.benchmark.figures import BenchmarkKey, OrderFigures
    from schemas.package.model import Package
    from workflows import activity_options

BENCHMARK = "benchmark-figures"


async def share(figures: OrderFigures, action: Sharing = Sharing.SHARE) -> None:
    try:
        await workflow.execute_activity_method(
            BenchmarkActivities.share_figures,
            ShareRequest(action=action, figures=figures),
            summary="Landstal: klyngens tal gemmes"
            if action != Sharing.WITHDRAW
            else "Landstal: tallene fjernes",
            start_to_close_timeout=activity_options.BENCHMARK_TIMEOUT,
            retry_policy=activity_options.BENCHMARK_SHARE_RETRY,
        )
    except ActivityError:
        workflow.logger.warning("benchmark_share_failed", extra={"action": action.value})


async def compare(key: BenchmarkKey, package: Package) -> Comparison | None:
    """The other clusters' figures beside this order's, or None when the store is out of
    reach (the deck then shows the cluster alone)."""
    try:
        comparison: Comparison = await workflow.execute_activity_method(
            BenchmarkActivities.compare_figures,
            CompareRequest(
                key=key,
                question_ids=[q.id for q in package.survey.questions],
                min_clusters=package.benchmark_min_clusters,
            ),
            summary="Landstal: de andre klyngers tal",
            start_to_close_timeout=activity_options.BENCHMARK_TIMEOUT,
            retry_policy=activity_options.BENCHMARK_COMPARE_RETRY,
        )
    except ActivityError:
        workflow.logger.warning("benchmark_compare_failed")
        return None
    return comparison
