"""What an order (or its follow-up meeting) shares with the national figures, made from its
own facts: the key that names it in the benchmark store and its aggregates
(schemas/benchmark/figures.py says what they are and why)."""

from __future__ import annotations

from schemas.benchmark.figures import (
    BenchmarkKey,
    OrderFigures,
    TypeFigure,
    cluster_key,
    survey_figures,
)
from schemas.order.extract import AnonymisedExtract
from schemas.order.request import OrderRequest
from schemas.package.model import Package
from schemas.shared.copenhagen import COPENHAGEN
from schemas.survey.answers import SurveyResults


def benchmark_key(
    order_id: str, order: OrderRequest, package: Package, round_: int
) -> BenchmarkKey:
    return BenchmarkKey(
        order_id=order_id,
        cluster=cluster_key(order.cluster.name, order.cluster.region),
        round=round_,
        package_id=package.id,
        region=order.cluster.region,
        meeting_on=order.meeting.start.astimezone(COPENHAGEN).date(),
    )


def type_figures(extract: AnonymisedExtract | None) -> list[TypeFigure]:
    """The extract's figures per certificate type for the cluster as a whole."""
    return [
        TypeFigure(
            certificate_type=t.certificate_type,
            received=t.received,
            requests=t.requests,
            median_days=t.median_days,
        )
        for t in (extract.types if extract is not None else [])
    ]


def order_figures(
    key: BenchmarkKey,
    package: Package,
    results: SurveyResults | None,
    invited: int,
    extract: AnonymisedExtract | None,
) -> OrderFigures:
    """The order's aggregates: the survey's closed questions as the package asks them, and the
    extract's figures per certificate type."""
    return OrderFigures(
        key=key,
        survey=survey_figures(package.survey, results, invited),
        types=type_figures(extract),
    )
