"""Anonymised extract: labels unrelated to provider numbers, stable per order, gaps visible."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise, practice_labels

PRACTICES = ["012345", "023456", "034567", "045678"]


def test_labels_are_stable_per_order_and_differ_between_orders():
    first = practice_labels("order-1", PRACTICES)
    assert first == practice_labels("order-1", list(reversed(PRACTICES)))
    assert sorted(first.values()) == ["Praksis A", "Praksis B", "Praksis C", "Praksis D"]
    others = [practice_labels(f"order-{n}", PRACTICES) for n in range(2, 12)]
    assert any(o != first for o in others)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=999_999), min_size=6, max_size=30, unique=True))
def test_the_label_order_does_not_follow_the_provider_number_order(numbers):
    practices = [str(n).zfill(6) for n in sorted(numbers)]
    orders = {
        tuple(practice_labels(f"order-{k}", practices)[p] for p in practices) for k in range(5)
    }
    in_number_order = tuple(f"Praksis {chr(65 + i)}" for i in range(len(practices)))
    assert orders != {in_number_order}


def test_sums_per_practice_and_type_and_missing_practices_are_not_zero():
    extract = JobcenterExtract(
        rows=[
            ExtractRow(
                ydernummer="012345",
                certificate_type="LÆ 265",
                received=10,
                requests=12,
                median_days=6,
            ),
            ExtractRow(
                ydernummer="012345",
                certificate_type="LÆ 285",
                received=3,
                requests=3,
                median_days=9,
            ),
            ExtractRow(ydernummer="023456", certificate_type="LÆ 265", received=4),
            ExtractRow(ydernummer="999999", certificate_type="LÆ 265", received=50),  # not ours
        ]
    )
    result = anonymise(extract, "order-1", PRACTICES)
    labels = practice_labels("order-1", PRACTICES)
    figures = {p.label: p for p in result.practices}
    assert figures[labels["012345"]].received == 13
    assert figures[labels["012345"]].requests == 15
    assert figures[labels["023456"]].requests is None
    assert sorted(result.missing) == sorted([labels["034567"], labels["045678"]])
    assert {t.certificate_type: t.received for t in result.types} == {"LÆ 265": 14, "LÆ 285": 3}


def test_a_request_count_left_empty_makes_the_practice_total_unknown_not_smaller():
    from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise

    rows = [
        ExtractRow(ydernummer="012345", certificate_type="LÆ 265", received=12, requests=14),
        ExtractRow(ydernummer="012345", certificate_type="LÆ 285", received=3),
        ExtractRow(ydernummer="054321", certificate_type="LÆ 265", received=5, requests=6),
    ]
    figures = anonymise(JobcenterExtract(rows=rows), "o-1", ["012345", "054321"]).practices
    by_received = {f.received: f for f in figures}
    assert by_received[15].requests is None
    assert by_received[5].requests == 6
