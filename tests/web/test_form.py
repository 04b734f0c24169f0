"""The survey form through FastAPI's test client: every bad input gets a clear page and a
proper status code, never a 500, and an accepted answer reaches the round."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from schemas.shared.links import LinkSigner
from tests.web.fakes import ROUND, FakeRound, fake_backend
from web.app import create_app

SIGNER = LinkSigner(b"a test secret of enough length!!")
GOOD = {
    "q_kendskab": "I høj grad",
    "q_samarbejde": "Godt",
    "q_fungerer_godt": "Telefonen",
    "q_udfordringer": ["Korte svarfrister", "Andet"],
}


@pytest.fixture()
def survey() -> FakeRound:
    return FakeRound()


@pytest.fixture()
def client(survey: FakeRound) -> TestClient:
    return TestClient(
        create_app(fake_backend(surveys=survey), SIGNER), raise_server_exceptions=False
    )


def link(member: int = 0) -> str:
    return f"/s/{SIGNER.sign(ROUND, member)}"


def test_the_form_is_danish_and_labels_every_choice(client):
    page = client.get(link())
    assert page.status_code == 200
    assert '<html lang="da">' in page.text
    assert "I hvilken grad kender du de forskellige attesttyper" in page.text
    assert 'for="f-kendskab-1"' in page.text and 'id="f-kendskab-1"' in page.text
    assert "<script" not in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_an_answer_is_stored_and_can_be_changed_until_close(client, survey):
    first = client.post(link(1), data=GOOD)
    assert first.status_code == 200 and "Tak for dit svar" in first.text
    assert survey.answers[1].answers["udfordringer"] == ["Korte svarfrister", "Andet"]
    again = client.post(link(1), data={**GOOD, "q_samarbejde": "Dårligt"})
    assert again.status_code == 200
    assert survey.answers[1].answers["samarbejde"] == "Dårligt"
    shown = client.get(link(1))
    assert (
        'value="Dårligt"\nchecked' in shown.text
        or 'value="Dårligt" checked' in shown.text
        or "Du har svaret før" in shown.text
    )


def test_a_double_click_keeps_one_answer(client, survey):
    for _ in range(2):
        assert client.post(link(2), data=GOOD).status_code == 200
    assert list(survey.answers) == [2]


def test_a_missing_required_answer_is_named_and_nothing_is_lost(client, survey):
    page = client.post(link(), data={**GOOD, "q_kendskab": ""})
    assert page.status_code == 422
    assert "mangler svar på et obligatorisk spørgsmål" in page.text.lower()
    assert 'value="Godt"\nchecked' in page.text or 'value="Godt" checked' in page.text
    assert survey.answers == {}


def test_an_unknown_option_is_refused(client):
    assert client.post(link(), data={**GOOD, "q_samarbejde": "Fantastisk"}).status_code == 422


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "abc.1.def",
        SIGNER.sign(ROUND, 0)[:-2] + "AA",
        LinkSigner(b"another secret, another server!!").sign(ROUND, 0),
        SIGNER.sign("order-2--spoergeskema-1", 0),
    ],
)
def test_forged_tampered_or_unknown_links_get_the_same_page(client, token):
    page = client.get(f"/s/{token}")
    assert page.status_code == 404 and "Linket virker ikke" in page.text
    assert client.post(f"/s/{token}", data=GOOD).status_code == 404


def test_another_members_token_cannot_be_made_from_mine(client):
    mine = SIGNER.sign(ROUND, 0)
    prefix, _, tag = mine.split(".")
    assert client.get(f"/s/{prefix}.1.{tag}").status_code == 404


def test_a_closed_round_says_so(survey, client):
    survey.open = False
    assert client.get(link()).status_code == 410
    page = client.post(link(), data=GOOD)
    assert page.status_code == 410 and "lukket" in page.text


def test_over_long_text_and_bodies_are_refused(client):
    long_text = client.post(link(), data={**GOOD, "q_fungerer_godt": "x" * 2500})
    assert long_text.status_code == 422
    huge = client.post(
        link(),
        content=b"q_kendskab=" + b"x" * 40_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    chunked = client.post(
        link(),
        content=iter([b"q_kendskab=x"]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 411


def test_the_backend_failing_is_not_a_stack_trace(survey, client):
    async def broken(*_: object) -> None:
        raise RuntimeError("temporal is down at /srv/secret/path")

    survey.answer = broken  # type: ignore[method-assign]
    page = client.post(link(), data=GOOD)
    assert page.status_code == 503 and "ikke gemt" in page.text
    assert "secret" not in page.text and "Traceback" not in page.text
    assert page.headers["Retry-After"] == "30"
    # Opening the form sent nothing: the page does not say an answer was lost.
    survey.form = broken  # type: ignore[method-assign]
    opened = client.get(link())
    assert opened.status_code == 503 and "Prøv igen om et øjeblik" in opened.text
    assert "ikke gemt" not in opened.text and opened.headers["Retry-After"] == "30"


def test_the_api_description_is_not_published(client):
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert client.get(path).status_code == 404, path
