"""Every document the order renders passes the Open XML SDK validator with no error: a file
Word, PowerPoint or Excel would have to repair is not one a consultant sends."""

from __future__ import annotations

from datetime import timedelta

import pytest

import renderers
from tests import factories
from tests.checkers import ooxml
from tests.renderers.test_looked_at import with_extract

pytestmark = pytest.mark.skipif(ooxml.missing() is not None, reason=str(ooxml.missing()))


@pytest.mark.parametrize("kind", sorted(renderers.available()))
def test_the_document_has_no_schema_errors(kind):
    src = with_extract()
    src = src.model_copy(
        update={
            "minutes": factories.minutes(src.order.meeting.start.date() + timedelta(days=1)),
            "first_round": src.survey_results,
            "second_round_invited": len(src.order.members),
        }
    )
    renderer = renderers.get(kind)
    document = renderer.render(renderer.context(src))
    assert ooxml.errors(document.filename, document.content) == []
