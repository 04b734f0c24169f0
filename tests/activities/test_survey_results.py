"""The pandas aggregation gives the same, hand-checkable numbers as the pure fold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.survey_results import aggregate_with_pandas
from catalog import Catalog
from schemas.survey.answers import SurveyResponse, aggregate
from tests import factories

TEMPLATE = Catalog().package("attester-i-almen-praksis").survey


def test_hand_counted_answers():
    results = aggregate_with_pandas(TEMPLATE, factories.responses(TEMPLATE))
    knowledge = {o.option: o.count for o in results.questions[0].options}
    assert knowledge == {
        "I meget høj grad": 0,
        "I høj grad": 2,
        "I nogen grad": 0,
        "I ringe grad": 0,
        "Slet ikke": 0,
        "Ved ikke": 1,
    }
    assert results.questions[0].dont_know_share == pytest.approx(1 / 3)
    assert results.questions[3].answered == 2


def test_no_answers_at_all():
    results = aggregate_with_pandas(TEMPLATE, [])
    assert results.respondents == 0 and results.small_sample
    assert all(o.share == 0 for o in results.questions[0].options)


answers = st.fixed_dictionaries(
    {
        "kendskab": st.sampled_from(TEMPLATE.questions[0].choices),
        "samarbejde": st.one_of(st.none(), st.sampled_from(TEMPLATE.questions[1].choices)),
        "fungerer_godt": st.one_of(st.none(), st.text(max_size=30)),
        "udfordringer": st.lists(st.sampled_from(TEMPLATE.questions[3].choices), unique=True),
    }
)


@settings(max_examples=100, deadline=None)
@given(st.lists(answers, max_size=12))
def test_pandas_and_the_pure_fold_agree(rows):
    responses = [SurveyResponse(answers=r) for r in rows]
    assert aggregate_with_pandas(TEMPLATE, responses) == aggregate(TEMPLATE, responses)
