"""Survey aggregation on answers whose numbers can be checked by hand, and export parsing."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import Catalog
from schemas.shared.errors import DomainError, DomainErrors
from schemas.survey.answers import aggregate, parse_survey_export
from tests import factories

TEMPLATE = Catalog().package("attester-i-almen-praksis").survey
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_counts_and_shares_match_a_hand_count():
    results = aggregate(TEMPLATE, factories.responses(TEMPLATE))
    by_id = {q.question_id: q for q in results.questions}
    knowledge = {o.option: (o.count, round(o.share, 3)) for o in by_id["kendskab"].options}
    assert knowledge["I høj grad"] == (2, 0.667)
    assert knowledge["Ved ikke"] == (1, 0.333)
    assert by_id["kendskab"].dont_know_share == pytest.approx(1 / 3)
    # Multiple choice: shares are of those who answered the question (2 of 3 did).
    challenges = {o.option: o.count for o in by_id["udfordringer"].options}
    assert challenges["Korte svarfrister"] == 2 and by_id["udfordringer"].answered == 2
    assert by_id["fungerer_godt"].free_texts == ["Fast kontaktperson", "Hurtigt svar på telefonen"]
    assert results.respondents == 3 and not results.small_sample


def test_fewer_than_three_respondents_are_flagged():
    assert aggregate(TEMPLATE, factories.responses(TEMPLATE)[:2]).small_sample


def test_the_example_export_maps_question_texts_to_ids():
    responses = parse_survey_export(TEMPLATE, (EXAMPLES / "spoergeskema-eksport.csv").read_bytes())
    assert len(responses) == 5
    assert responses[0].answers["udfordringer"] == [
        "Korte svarfrister",
        "Attestarbejdet tager meget tid",
    ]


def test_a_bad_answer_is_reported_with_row_and_question():
    data = "kendskab;samarbejde\nI høj grad;Godt\nMeget;Godt\n".encode()
    with pytest.raises(DomainErrors) as refused:
        parse_survey_export(TEMPLATE, data)
    assert refused.value.errors[0].field == "række 3.kendskab"


def test_missing_question_columns_are_named():
    with pytest.raises(DomainError, match="kendskab"):
        parse_survey_export(TEMPLATE, b"samarbejde\nGodt\n")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_no_export_crashes_the_parser(data):
    with contextlib.suppress(DomainError, DomainErrors):
        parse_survey_export(TEMPLATE, data)
