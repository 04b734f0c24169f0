"""The national and regional figures KiAP reads on the workbench and exports for its annual
report: per package, per fixed period (a calendar year and its half-years – never a period a
user picks, so two outputs cannot be subtracted to reveal one cluster), per closed question
the share per option for the country and for each region, with the answers and the clusters
behind it; the response rate; the median answer time per certificate type.

Each cluster counts once per period, with its latest first-meeting figures in that period.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from schemas.benchmark.comparison import latest_per_cluster, pooled
from schemas.benchmark.disclosure import MIN_CLUSTERS, shown_cells, weighted_median, withheld_reason
from schemas.benchmark.figures import OrderFigures
from schemas.package.model import QuestionType, SurveyTemplate
from schemas.shared.region import Region

NATIONAL = "Hele landet"
AREAS = [NATIONAL, *(f"Region {r.value}" for r in Region)]


class Period(BaseModel):
    key: str = Field(description="'2026', '2026-H1', '2026-H2'")
    label: str
    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def periods_of(days: list[date]) -> list[Period]:
    """The fixed periods with figures: each year, then its half-years, newest first."""
    out: list[Period] = []
    for year in sorted({d.year for d in days}, reverse=True):
        out.append(
            Period(key=str(year), label=str(year), start=date(year, 1, 1), end=date(year, 12, 31))
        )
        halves = [
            Period(
                key=f"{year}-H1",
                label=f"1. halvår {year}",
                start=date(year, 1, 1),
                end=date(year, 6, 30),
            ),
            Period(
                key=f"{year}-H2",
                label=f"2. halvår {year}",
                start=date(year, 7, 1),
                end=date(year, 12, 31),
            ),
        ]
        out.extend(h for h in halves if any(h.holds(d) for d in days))
    return out


class Figure(BaseModel):
    """One area's figure for one question (or the response rate, or a median): shown, or not
    and why."""

    clusters: int
    shown: bool
    answered: int = 0
    shares: dict[str, float] = Field(default_factory=dict)
    value: float | None = Field(default=None, description="A rate or a median")
    withheld: str | None = None


class QuestionRow(BaseModel):
    question_id: str
    text: str
    options: list[str]
    areas: dict[str, Figure]


class TypeRow(BaseModel):
    certificate_type: str
    areas: dict[str, Figure]


class PeriodFigures(BaseModel):
    period: Period
    clusters: int
    response_rate: dict[str, Figure]
    questions: list[QuestionRow]
    types: list[TypeRow]


class NationalFigures(BaseModel):
    package_id: str
    min_clusters: int
    periods: list[PeriodFigures]
    demo: bool = False


def _area(row: OrderFigures) -> str:
    return f"Region {row.key.region.value}"


def _in(rows: list[OrderFigures], area: str) -> list[OrderFigures]:
    return rows if area == NATIONAL else [r for r in rows if _area(r) == area]


def national_figures(
    package_id: str,
    template: SurveyTemplate,
    rows: list[OrderFigures],
    min_clusters: int = MIN_CLUSTERS,
) -> NationalFigures:
    first = [r for r in rows if r.key.round == 1 and r.key.package_id == package_id]
    periods = periods_of([r.key.meeting_on for r in first])
    by_period = {
        p.key: latest_per_cluster([r for r in first if p.holds(r.key.meeting_on)]) for p in periods
    }
    closed = [q for q in template.questions if q.type != QuestionType.FREE_TEXT]
    codes = sorted({t.certificate_type for r in first for t in r.types})
    measures = ["_rate", *(f"q:{q.id}" for q in closed), *(f"t:{c}" for c in codes)]

    def behind(period: str, area: str, measure: str) -> list[OrderFigures]:
        members = _in(by_period[period], area)
        if measure == "_rate":
            return [r for r in members if r.survey is not None]
        if measure.startswith("q:"):
            qid = measure[2:]
            return [
                r
                for r in members
                if r.survey and any(q.question_id == qid for q in r.survey.questions)
            ]
        code = measure[2:]
        return [
            r
            for r in members
            if any(t.certificate_type == code and t.median_days is not None for t in r.types)
        ]

    cells = {
        (p.key, a, m): frozenset(r.key.cluster for r in behind(p.key, a, m))
        for p in periods
        for a in AREAS
        for m in measures
    }
    groups: list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]] = []
    for p in periods:
        for m in measures:
            groups.append(((p.key, NATIONAL, m), [(p.key, a, m) for a in AREAS[1:]]))
        if "-" not in p.key:
            halves = [h.key for h in periods if h.key.startswith(f"{p.key}-")]
            for a in AREAS:
                for m in measures:
                    groups.append(((p.key, a, m), [(h, a, m) for h in halves]))
    shown = shown_cells(cells, groups, min_clusters)

    def figure(period: str, area: str, measure: str) -> Figure:
        members = behind(period, area, measure)
        count = len(members)
        if (period, area, measure) not in shown:
            return Figure(
                clusters=count,
                shown=False,
                withheld=withheld_reason(count, min_clusters, national=area == NATIONAL),
            )
        if measure == "_rate":
            invited = sum(r.survey.invited for r in members if r.survey)
            answered = sum(r.survey.respondents for r in members if r.survey)
            return Figure(
                clusters=count,
                shown=True,
                answered=answered,
                value=answered / invited if invited else None,
            )
        if measure.startswith("q:"):
            answered, counts = pooled(members, measure[2:])
            return Figure(
                clusters=count,
                shown=True,
                answered=answered,
                shares={o: (n / answered if answered else 0.0) for o, n in counts.items()},
            )
        code = measure[2:]
        timed = [
            t
            for r in members
            for t in r.types
            if t.certificate_type == code and t.median_days is not None
        ]
        return Figure(
            clusters=count,
            shown=True,
            answered=sum(t.weight for t in timed),
            value=weighted_median([(t.median_days or 0.0, t.weight) for t in timed]),
        )

    out = []
    for p in periods:
        out.append(
            PeriodFigures(
                period=p,
                clusters=len(by_period[p.key]),
                response_rate={a: figure(p.key, a, "_rate") for a in AREAS},
                questions=[
                    QuestionRow(
                        question_id=q.id,
                        text=q.text,
                        options=q.choices,
                        areas={a: figure(p.key, a, f"q:{q.id}") for a in AREAS},
                    )
                    for q in closed
                ],
                types=[
                    TypeRow(
                        certificate_type=c, areas={a: figure(p.key, a, f"t:{c}") for a in AREAS}
                    )
                    for c in codes
                ],
            )
        )
    return NationalFigures(
        package_id=package_id,
        min_clusters=min_clusters,
        periods=out,
        demo=any(r.demo for r in first),
    )


def export_rows(figures: NationalFigures) -> list[dict[str, object]]:
    """One line per period, area, question and option (and per rate and median), as the CSV
    and the XLSX carry them: a withheld figure is an empty cell with its reason."""
    lines: list[dict[str, object]] = []

    def line(
        period: PeriodFigures, area: str, what: str, option: str, fig: Figure, value: float | None
    ) -> None:
        lines.append(
            {
                "Periode": period.period.label,
                "Område": area,
                "Spørgsmål / mål": what,
                "Svarmulighed": option,
                "Andel / værdi": round(value, 4) if fig.shown and value is not None else None,
                "Svar / vægt": fig.answered if fig.shown else None,
                "Klynger": fig.clusters if fig.shown else None,
                "Bemærkning": fig.withheld or ("Demotal" if figures.demo else ""),
            }
        )

    for period in figures.periods:
        for area in AREAS:
            rate = period.response_rate[area]
            line(period, area, "Svarprocent", "", rate, rate.value)
            for q in period.questions:
                fig = q.areas[area]
                for option in q.options:
                    line(period, area, q.text, option, fig, fig.shares.get(option, 0.0))
            for t in period.types:
                fig = t.areas[area]
                line(
                    period, area, f"Svartid {t.certificate_type} (median, dage)", "", fig, fig.value
                )
    return lines
