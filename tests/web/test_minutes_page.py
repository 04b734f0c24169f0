"""The coordinator's minutes page: a signed link opens it, the form becomes the minutes the
order validates, and a refusal keeps what was typed and names the field."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient

from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.links import LinkSigner
from tests.web.fakes import ORDER, fake_backend
from tests.web.fakes import MinutesOrder as FakeOrder
from web.app import create_app

SIGNER = LinkSigner(b"a test secret of enough length!!")


def client_for(order: FakeOrder) -> TestClient:
    return TestClient(create_app(fake_backend(orders=order), SIGNER), raise_server_exceptions=False)


def link() -> str:
    return f"/m/{SIGNER.sign(ORDER, 0, 'meeting-minutes')}"


GOOD = {
    "minute_taker": "Åse Øberg",
    "participants": "14",
    "a0_text": "Jobcenteret opretter en direkte telefonlinje",
    "a0_owner": "Jobcenteret",
    "a0_due": "2027-04-01",
    "a2_text": "Hver praksis aftaler, hvem der håndterer anmodninger",
    "a2_owner": "Alle praksisser",
    "a2_due": "2027-04-15",
    "board_meeting": "ja",
    "contact_person": "Mette Holm",
    "follow_up_meeting": "2027-05-20T16:00",
    "repeat_survey": "ja",
}


@pytest.fixture()
def after_meeting() -> FakeOrder:
    return FakeOrder(datetime(2027, 3, 3, 19, tzinfo=COPENHAGEN))


def test_the_form_offers_the_known_owners_and_eight_agreement_rows(after_meeting):
    page = client_for(after_meeting).get(link())
    assert page.status_code == 200
    assert '<datalist id="ejere">' in page.text and '<option value="Søren Ærø">' in page.text
    assert page.text.count('type="date"') == 8
    assert 'for="f-a7-owner"' in page.text and 'list="ejere"' in page.text


def test_filled_in_rows_become_the_minutes_in_order(after_meeting):
    sent = client_for(after_meeting).post(link(), data=GOOD)
    assert sent.status_code == 200, sent.text
    assert "Referatet med 2 aftaler er registreret." in sent.text
    (recorded,) = after_meeting.recorded
    minutes = recorded.minutes
    assert [(a.owner, a.due) for a in minutes.agreements] == [
        ("Jobcenteret", date(2027, 4, 1)),
        ("Alle praksisser", date(2027, 4, 15)),
    ]
    assert minutes.participants == 14 and minutes.follow_up.board_meeting
    assert minutes.follow_up.repeat_survey and not minutes.follow_up.new_extract
    # A second time the page says it is recorded.
    assert client_for(after_meeting).get(link()).status_code == 410


def test_a_bad_field_is_named_on_its_row_and_nothing_typed_is_lost(after_meeting):
    bad = {**GOOD, "a2_due": "15-04-2027", "participants": "mange"}
    sent = client_for(after_meeting).post(link(), data=bad)
    assert sent.status_code == 422
    assert 'id="f-a2-due-fejl"' in sent.text and 'id="f-participants-fejl"' in sent.text
    # Each error is tied to its input, and the summary names the field.
    assert 'aria-describedby="f-a2-due-fejl"' in sent.text
    assert "Aftale 3: Frist:" in sent.text and "Antal deltagere:" in sent.text
    assert "<title>Fejl: " in sent.text
    assert 'value="Hver praksis aftaler, hvem der håndterer anmodninger"' in sent.text
    assert after_meeting.recorded == []


def test_the_orders_refusal_is_shown_with_the_row(after_meeting):
    early_due = {**GOOD, "a0_due": "2027-03-01"}
    sent = client_for(after_meeting).post(link(), data=early_due)
    assert sent.status_code == 422
    assert 'id="f-a0-due-fejl"' in sent.text and "fristen skal ligge efter" in sent.text.lower()


def test_before_the_meeting_the_order_refuses_and_says_why():
    before = FakeOrder(datetime(2027, 3, 3, 12, tzinfo=COPENHAGEN))
    sent = client_for(before).post(link(), data=GOOD)
    assert sent.status_code == 422
    assert "ikke begyndt endnu" in sent.text
    assert before.recorded == []


def test_an_upload_or_survey_token_does_not_open_the_minutes(after_meeting):
    client = client_for(after_meeting)
    for token in (SIGNER.sign(ORDER, 0), SIGNER.sign(ORDER, 0, "extract-upload")):
        assert client.get(f"/m/{token}").status_code == 404
