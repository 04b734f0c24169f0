"""The disclosure rule: a figure of the other clusters is shown only when at least five
clusters stand behind it, a cluster is never compared with a total that includes itself, and
no two shown figures let anyone subtract their way to fewer than five clusters."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import Catalog
from schemas.benchmark.comparison import compare
from schemas.benchmark.disclosure import MIN_CLUSTERS, shown_cells, weighted_median
from schemas.benchmark.figures import BenchmarkKey, cluster_key, comparable_questions
from schemas.benchmark.national import AREAS, NATIONAL, national_figures
from schemas.package.model import Package
from schemas.shared.region import Region
from schemas.survey.answers import aggregate
from tests.benchmark_rows import cluster_answers, cluster_row

PACKAGE: Package = Catalog().package("attester-i-almen-praksis")
QUESTIONS = [q.id for q in PACKAGE.survey.questions]
OWN_REGION = Region.HOVEDSTADEN
OWN = BenchmarkKey(
    order_id="denne",
    cluster=cluster_key("Klynge Denne", OWN_REGION),
    round=1,
    package_id=PACKAGE.id,
    region=OWN_REGION,
    meeting_on=date(2027, 3, 1),
)
DAY = date(2027, 1, 15)


def test_the_package_default_is_the_rule_s():
    assert PACKAGE.benchmark_min_clusters == MIN_CLUSTERS == 5


def test_the_fourth_cluster_sees_too_few_for_a_national_figure():
    others = [cluster_row(PACKAGE, n, OWN_REGION, DAY) for n in range(3)]
    comparison = compare(OWN, QUESTIONS, others)
    kendskab = comparison.question("kendskab")
    assert kendskab is not None and not kendskab.national.shown
    assert kendskab.national.caption == (
        "Alle klynger: For få klynger til at vise et landstal endnu (3 af 5)"
    )
    assert kendskab.national.shares == {}
    assert comparison.response_rate is not None and not comparison.response_rate.shown


def test_six_before_five_in_the_region_show_the_country_and_hold_back_the_region():
    """The country (6 others) minus the region (5) would be one cluster's answers: the
    region's series is withheld although 5 clusters stand behind it."""
    others = [cluster_row(PACKAGE, n, OWN_REGION, DAY) for n in range(5)]
    others.append(cluster_row(PACKAGE, 5, Region.NORDJYLLAND, DAY))
    kendskab = compare(OWN, QUESTIONS, others).question("kendskab")
    assert kendskab is not None
    assert kendskab.national.shown and kendskab.national.clusters == 6
    assert kendskab.national.caption == "Alle klynger: 6 klynger, 36 svar"
    assert not kendskab.regional.shown
    assert "uden for regionen" in (kendskab.regional.withheld or "")


def test_ten_before_show_the_country_and_the_region_with_their_counts():
    others = [cluster_row(PACKAGE, n, OWN_REGION, DAY) for n in range(5)]
    others += [cluster_row(PACKAGE, n, Region.SYDDANMARK, DAY) for n in range(5, 10)]
    kendskab = compare(OWN, QUESTIONS, others).question("kendskab")
    assert kendskab is not None
    assert kendskab.national.caption == "Alle klynger: 10 klynger, 60 svar"
    assert kendskab.regional.caption == "Region Hovedstaden: 5 klynger, 30 svar"
    # The pooled share is every other cluster's answers for the option over all their answers.
    pooled = sum(r.survey.questions[0].counts["I høj grad"] for r in others if r.survey) / 60
    assert kendskab.national.shares["I høj grad"] == pooled


def test_the_own_cluster_is_never_in_its_comparison():
    """Its own earlier order and this one's row are left out, whatever the store returned."""
    others = [cluster_row(PACKAGE, n, OWN_REGION, DAY) for n in range(4)]
    mine = cluster_row(PACKAGE, 99, OWN_REGION, DAY)
    mine = mine.model_copy(update={"key": mine.key.model_copy(update={"cluster": OWN.cluster})})
    kendskab = compare(OWN, QUESTIONS, [*others, mine]).question("kendskab")
    assert kendskab is not None and kendskab.national.clusters == 4
    assert not kendskab.national.shown


def test_a_cluster_counts_once_with_its_latest_figures():
    others = [cluster_row(PACKAGE, n, Region.SJAELLAND, DAY) for n in range(4)]
    again = cluster_row(PACKAGE, 0, Region.SJAELLAND, date(2027, 2, 1))
    again = again.model_copy(update={"key": again.key.model_copy(update={"order_id": "igen"})})
    kendskab = compare(OWN, QUESTIONS, [*others, again]).question("kendskab")
    assert kendskab is not None and kendskab.national.clusters == 4


def test_an_edited_question_stays_the_cluster_s_own():
    results = aggregate(PACKAGE.survey, cluster_answers(PACKAGE, 1))
    edited = results.model_copy(
        update={
            "questions": [
                q.model_copy(update={"text": "Vores egen formulering"})
                if q.question_id == "kendskab"
                else q
                for q in results.questions
            ]
        }
    )
    shared = {q.question_id for q in comparable_questions(PACKAGE.survey, edited)}
    assert "kendskab" not in shared and "samarbejde" in shared
    # Free text is never shared.
    assert "fungerer_godt" not in shared


def test_the_national_median_is_weighted_by_requests():
    # 3 clusters at 10 days with 1 request each, one at 30 days with 10 requests.
    assert weighted_median([(10, 1), (10, 1), (10, 1), (30, 10)]) == 30
    assert weighted_median([(10, 5), (20, 1), (30, 1)]) == 10
    assert weighted_median([]) is None


# ---- the property: no output reveals one cluster ------------------------------------------

rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 14),  # cluster
        st.sampled_from(list(Region)),
        st.sampled_from([date(2026, 3, 1), date(2026, 9, 1), date(2027, 2, 1)]),
        st.integers(1, 8),  # respondents
    ),
    max_size=40,
)


def _rows(spec):
    rows, regions = [], {}
    for number, (cluster, region, day, respondents) in enumerate(spec):
        region = regions.setdefault(cluster, region)  # a cluster stays in its region
        row = cluster_row(
            PACKAGE, cluster, region, day, respondents=respondents, median_days=5.0 + cluster
        )
        rows.append(
            row.model_copy(update={"key": row.key.model_copy(update={"order_id": f"o{number}"})})
        )
    return rows


@settings(max_examples=60, deadline=None)
@given(rows_strategy)
def test_no_deck_figure_rests_on_fewer_than_five_other_clusters(spec):
    rows = _rows(spec)
    comparison = compare(OWN, QUESTIONS, rows)
    others = {r.key.cluster for r in rows if r.key.cluster != OWN.cluster}
    regional = {r.key.cluster for r in rows if r.key.region == OWN_REGION}
    for q in comparison.questions:
        for series in (q.national, q.regional):
            if series.shown:
                assert series.clusters >= MIN_CLUSTERS
            else:
                assert series.shares == {} and series.answered == 0
        if q.national.shown and q.regional.shown:
            rest = q.national.clusters - q.regional.clusters
            assert rest == 0 or rest >= MIN_CLUSTERS
        assert q.national.clusters <= len(others)
        assert q.regional.clusters <= len(regional)
    for t in comparison.types:
        assert not t.shown or t.clusters >= MIN_CLUSTERS


@settings(max_examples=40, deadline=None)
@given(rows_strategy)
def test_no_two_national_table_figures_subtract_to_fewer_than_five_clusters(spec):
    rows = _rows(spec)
    figures = national_figures(PACKAGE.id, PACKAGE.survey, rows)
    by_key = {p.period.key: p for p in figures.periods}
    for period in figures.periods:
        members = {r.key.cluster for r in rows if period.period.holds(r.key.meeting_on)}
        for q in period.questions:
            for area in AREAS:
                fig = q.areas[area]
                assert not fig.shown or fig.clusters >= MIN_CLUSTERS
            whole = q.areas[NATIONAL]
            if whole.shown:
                # The regions not shown together hold none or at least five clusters.
                hidden = sum(q.areas[a].clusters for a in AREAS[1:] if not q.areas[a].shown)
                assert hidden == 0 or hidden >= MIN_CLUSTERS
            assert whole.clusters <= len(members)
        if "-" in period.period.key:
            continue
        halves = [
            by_key[k] for k in (f"{period.period.key}-H1", f"{period.period.key}-H2") if k in by_key
        ]
        for q_index, q in enumerate(period.questions):
            for area in AREAS:
                year = q.areas[area]
                if not year.shown:
                    continue
                year_clusters = {
                    r.key.cluster
                    for r in rows
                    if period.period.holds(r.key.meeting_on)
                    and (area == NATIONAL or f"Region {r.key.region.value}" == area)
                }
                covered = set()
                for half in halves:
                    if half.questions[q_index].areas[area].shown:
                        covered |= {
                            r.key.cluster
                            for r in rows
                            if half.period.holds(r.key.meeting_on)
                            and (area == NATIONAL or f"Region {r.key.region.value}" == area)
                        }
                rest = len(year_clusters - covered)
                assert rest == 0 or rest >= MIN_CLUSTERS


@given(
    st.dictionaries(st.integers(0, 5), st.frozensets(st.integers(0, 20), max_size=12), min_size=1),
)
def test_shown_cells_never_leave_a_small_remainder(cells_spec):
    cells = {k: frozenset(str(c) for c in v) for k, v in cells_spec.items()}
    total = frozenset().union(*cells.values())
    cells["total"] = total
    parts = [k for k in cells if k != "total"]
    shown = shown_cells(cells, [("total", parts)], 5)
    for cell in shown:
        assert len(cells[cell]) >= 5
    if "total" in shown:
        covered = frozenset().union(*(cells[p] for p in parts if p in shown))
        rest = len(total - covered)
        assert rest == 0 or rest >= 5
