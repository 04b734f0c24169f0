"""Order validation: Danish messages that name the field, e-mails normalised, duplicates refused."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from schemas.order.request import OrderRequest, default_order_id
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import from_validation_error
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)


def problems(data: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        OrderRequest.model_validate(data)
    return {e.field: e.message for e in from_validation_error(refused.value).errors}


def test_emails_are_normalised_and_local_times_are_copenhagen():
    data = factories.order_data(NOW)
    data["coordinator"]["email"] = "  Mette@Example.DK "
    data["meeting"]["start"] = "2027-03-03T16:00"
    order = OrderRequest.model_validate(data)
    assert order.coordinator.email == "mette@example.dk"
    assert order.meeting.start.utcoffset().total_seconds() == 3600


def test_bad_fields_are_named_with_the_fix():
    data = factories.order_data(NOW)
    data["members"] = [{"name": "A", "email": "ikke-en-mail", "ydernummer": "12-34"}]
    data["cluster"]["region"] = "Fyn"
    found = problems(data)
    assert "gyldig e-mailadresse" in found["members[0].email"]
    assert "6 cifre" in found["members[0].ydernummer"]
    assert "Nordjylland" in found["cluster.region"]


def test_a_member_twice_is_refused_but_a_shared_practice_is_not():
    data = factories.order_data(NOW)
    data["members"] = [
        {"name": "A", "email": "a@example.dk", "ydernummer": "012345"},
        {"name": "B", "email": "b@example.dk", "ydernummer": "012345"},
        {"name": "A igen", "email": "A@example.dk", "ydernummer": "099999"},
    ]
    assert "samme e-mail som nr. 1" in problems(data)["members"]


def test_the_order_id_carries_no_personal_data():
    order = factories.make_order(NOW)
    order_id = default_order_id(order)
    assert order_id.startswith("attester-i-almen-praksis--klynge-aalborg-oest--")
    for member in order.members:
        assert member.email not in order_id and member.ydernummer not in order_id
