"""The deck's comparison: the order's cluster beside all the *other* clusters of its package,
and beside the other clusters of its region, question by question and per certificate type.

Each other cluster counts once, with its latest first-meeting figures; the follow-up meeting's
figures (round 2) are the cluster's own before/now and are not pooled with first meetings.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.benchmark.disclosure import MIN_CLUSTERS, shown_cells, weighted_median, withheld_reason
from schemas.benchmark.figures import BenchmarkKey, OrderFigures
from schemas.shared.region import Region


class Series(BaseModel):
    """The other clusters' answers to one question, pooled: the share per option of everyone
    who answered it, or nothing and why."""

    label: str = Field(description="'Alle klynger' or 'Region Hovedstaden'")
    clusters: int
    shown: bool
    answered: int = 0
    shares: dict[str, float] = Field(default_factory=dict)
    withheld: str | None = None

    @property
    def caption(self) -> str:
        """'Alle klynger: 41 klynger, 612 svar', or why there is none."""
        if not self.shown:
            return f"{self.label}: {self.withheld}"
        return f"{self.label}: {self.clusters} klynger, {self.answered} svar"


class QuestionComparison(BaseModel):
    question_id: str
    national: Series
    regional: Series


class ResponseRate(BaseModel):
    clusters: int
    shown: bool
    rate: float | None = None
    withheld: str | None = None


class TypeComparison(BaseModel):
    """The national median answer time of one certificate type, weighted by requests."""

    certificate_type: str
    clusters: int
    shown: bool
    median_days: float | None = None
    withheld: str | None = None


class Comparison(BaseModel):
    region: Region
    min_clusters: int
    questions: list[QuestionComparison] = Field(default_factory=list)
    response_rate: ResponseRate | None = None
    types: list[TypeComparison] = Field(default_factory=list)
    demo: bool = Field(default=False, description="Some figures behind it are the demo's own")

    def question(self, question_id: str) -> QuestionComparison | None:
        return next((q for q in self.questions if q.question_id == question_id), None)

    def certificate_type(self, code: str) -> TypeComparison | None:
        return next((t for t in self.types if t.certificate_type == code), None)


def latest_per_cluster(rows: list[OrderFigures]) -> list[OrderFigures]:
    """Each cluster once, with its latest figures (by meeting, then order id)."""
    latest: dict[str, OrderFigures] = {}
    for row in sorted(rows, key=lambda r: (r.key.meeting_on, r.key.order_id)):
        latest[row.key.cluster] = row
    return sorted(latest.values(), key=lambda r: r.key.cluster)


def pooled(rows: list[OrderFigures], question_id: str) -> tuple[int, dict[str, int]]:
    """The clusters' answers to one question added up: how many answered, the count per
    option."""
    answered, counts = 0, dict[str, int]()
    for row in rows:
        assert row.survey is not None
        figures = next(q for q in row.survey.questions if q.question_id == question_id)
        answered += figures.answered
        for option, count in figures.counts.items():
            counts[option] = counts.get(option, 0) + count
    return answered, counts


def _series(
    label: str, rows: list[OrderFigures], question_id: str, shown: bool, withheld: str | None
) -> Series:
    if not shown:
        return Series(label=label, clusters=len(rows), shown=False, withheld=withheld)
    answered, counts = pooled(rows, question_id)
    return Series(
        label=label,
        clusters=len(rows),
        shown=True,
        answered=answered,
        shares={o: (c / answered if answered else 0.0) for o, c in counts.items()},
    )


def compare(
    own: BenchmarkKey,
    question_ids: list[str],
    rows: list[OrderFigures],
    min_clusters: int = MIN_CLUSTERS,
) -> Comparison:
    """``own`` beside the other clusters in ``rows`` (the store's first-meeting rows of the
    same package; the own cluster's are dropped here whatever the query did)."""
    others = latest_per_cluster(
        [r for r in rows if r.key.cluster != own.cluster and r.key.round == 1]
    )
    region_label = f"Region {own.region.value}"
    comparison = Comparison(
        region=own.region, min_clusters=min_clusters, demo=any(r.demo for r in others)
    )
    surveyed = [r for r in others if r.survey is not None]
    for question_id in question_ids:
        national = [
            r
            for r in surveyed
            if r.survey and any(q.question_id == question_id for q in r.survey.questions)
        ]
        regional = [r for r in national if r.key.region == own.region]
        cells = {
            "national": frozenset(r.key.cluster for r in national),
            "regional": frozenset(r.key.cluster for r in regional),
        }
        shown = shown_cells(cells, [("national", ["regional"])], min_clusters)
        comparison.questions.append(
            QuestionComparison(
                question_id=question_id,
                national=_series(
                    "Alle klynger",
                    national,
                    question_id,
                    "national" in shown,
                    withheld_reason(len(national), min_clusters, national=True),
                ),
                regional=_series(
                    region_label,
                    regional,
                    question_id,
                    "regional" in shown,
                    withheld_reason(len(regional), min_clusters, national=False),
                ),
            )
        )
    if len(surveyed) >= min_clusters:
        invited = sum(r.survey.invited for r in surveyed if r.survey)
        respondents = sum(r.survey.respondents for r in surveyed if r.survey)
        comparison.response_rate = ResponseRate(
            clusters=len(surveyed), shown=True, rate=respondents / invited if invited else None
        )
    else:
        comparison.response_rate = ResponseRate(
            clusters=len(surveyed),
            shown=False,
            withheld=withheld_reason(len(surveyed), min_clusters, national=True),
        )
    codes = sorted({t.certificate_type for r in others for t in r.types})
    for code in codes:
        timed = [
            t
            for r in others
            for t in r.types
            if t.certificate_type == code and t.median_days is not None
        ]
        if len(timed) >= min_clusters:
            median = weighted_median([(t.median_days or 0.0, t.weight) for t in timed])
            comparison.types.append(
                TypeComparison(
                    certificate_type=code, clusters=len(timed), shown=True, median_days=median
                )
            )
        else:
            comparison.types.append(
                TypeComparison(
                    certificate_type=code,
                    clusters=len(timed),
                    shown=False,
                    withheld=withheld_reason(len(timed), min_clusters, national=True),
                )
            )
    return comparison
