"""The demo's national figures: before its order runs, the demo writes the figures of ten
earlier *demo* clusters into the benchmark store, so the demo order's deck and
/konsulent/landstal show a comparison.

Nothing here is invented: each demo cluster's answers are six of the ten answers in the
repository's two example survey exports (examples/spoergeskema-eksport*.csv), taken in turn,
and its job-centre figures are the example extract's (examples/datatraek.csv), counted for a
turn of its practices. Every row is marked ``demo``: the deck and the workbench say
"demotal", and a production store is never seeded (only ``klyngepakke demo`` calls this).
"""

from __future__ import annotations

from datetime import date, timedelta

from activities.extract_file import parse_extract
from klyngepakke.demo.order import EXAMPLES
from klyngepakke.order_file import load_order
from schemas.benchmark.figures import (
    BenchmarkKey,
    OrderFigures,
    TypeFigure,
    cluster_key,
    survey_figures,
)
from schemas.order.extract import anonymise
from schemas.order.national_figures import type_figures
from schemas.package.model import Package
from schemas.shared.region import Region
from schemas.survey.answers import aggregate, parse_survey_export
from storage.benchmark_store import BenchmarkStore

DEMO_CLUSTERS = 10
ANSWERS_EACH = 6


def demo_rows(package: Package, region: Region, today: date) -> list[OrderFigures]:
    """Ten demo clusters: five in ``region`` (the demo order's), five spread over the others,
    so both the national and the regional series have enough clusters behind them."""
    answers = [
        response
        for name in ("spoergeskema-eksport.csv", "spoergeskema-eksport-runde-2.csv")
        for response in parse_survey_export(package.survey, (EXAMPLES / name).read_bytes())
    ]
    order = load_order(EXAMPLES / "order.yaml")
    practices = sorted({m.ydernummer for m in order.members if m.ydernummer})
    extract = None
    if package.extract is not None:
        extract = parse_extract(
            (EXAMPLES / "datatraek.csv").read_bytes(), "datatraek.csv", practices, package.extract
        ).extract
    others = [r for r in Region if r != region]
    rows = []
    for number in range(DEMO_CLUSTERS):
        where = region if number < DEMO_CLUSTERS // 2 else others[number % len(others)]
        chosen = [answers[(number + i) % len(answers)] for i in range(ANSWERS_EACH)]
        types: list[TypeFigure] = []
        if extract is not None:
            # A turn of the example's practices: each demo cluster its own subset of them.
            kept = practices[number % len(practices) :] + practices[: number % len(practices)]
            subset = extract.model_copy(
                update={"rows": [r for r in extract.rows if r.ydernummer in kept[:2]]}
            )
            types = type_figures(anonymise(subset, f"demo-{number}", kept[:2]))
        rows.append(
            OrderFigures(
                key=BenchmarkKey(
                    order_id=f"demo-tidligere-{number + 1}",
                    cluster=cluster_key(f"Demoklynge {number + 1}", where),
                    round=1,
                    package_id=package.id,
                    region=where,
                    meeting_on=today - timedelta(weeks=4 + 3 * number),
                ),
                survey=survey_figures(
                    package.survey, aggregate(package.survey, chosen), ANSWERS_EACH + 2
                ),
                types=types,
                demo=True,
            )
        )
    return rows


def seed_demo_figures(store: BenchmarkStore, package: Package, region: Region, today: date) -> int:
    """Write the demo clusters' rows (replacing the last demo's); how many were written."""
    return sum(store.put(row) for row in demo_rows(package, region, today))
