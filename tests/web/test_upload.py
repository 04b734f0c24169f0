"""The job centre's upload page through FastAPI's test client: a signed link opens it, a good
file shows what was read, a broken file shows the report, and nothing else gets through."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from schemas.shared.links import LinkSigner
from tests import factories
from tests.web.fakes import ORDER, fake_backend
from tests.web.fakes import UploadOrder as FakeOrder
from web.app import create_app
from web.config import WebConfig

SIGNER = LinkSigner(b"a test secret of enough length!!")


def app_for(order: FakeOrder) -> TestClient:
    config = WebConfig(signer=SIGNER, uploads=order.uploads, artifacts=order.artifacts)
    return TestClient(
        create_app(fake_backend(orders=order), SIGNER, config=config), raise_server_exceptions=False
    )


@pytest.fixture()
def order(tmp_path: Path) -> FakeOrder:
    return FakeOrder(tmp_path)


@pytest.fixture()
def client(order: FakeOrder) -> TestClient:
    return app_for(order)


def upload_link(order_id: str = ORDER) -> str:
    return f"/u/{SIGNER.sign(order_id, 0, 'extract-upload')}"


def test_the_signed_link_opens_the_danish_upload_page(client):
    page = client.get(upload_link())
    assert page.status_code == 200
    assert "Klynge Aalborg Øst" in page.text and "10. februar 2027" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert page.headers["X-Frame-Options"] == "DENY"


def test_other_links_reveal_nothing(client):
    forged = client.get(f"/u/{SIGNER.sign(ORDER, 0)[:-2]}xx")
    survey_token = client.get(f"/u/{SIGNER.sign(ORDER, 0)}")  # a survey link's signature
    unknown = client.get(upload_link("an-order-that-does-not-exist"))
    assert forged.status_code == survey_token.status_code == unknown.status_code == 404
    assert forged.text == survey_token.text == unknown.text


def test_a_good_file_shows_what_was_read(client, order):
    sent = client.post(
        upload_link(), files={"fil": ("udtraek.csv", factories.extract_csv(), "text/csv")}
    )
    assert sent.status_code == 200, sent.text
    assert "Datatrækket (version 1) er modtaget: 3 rækker." in sent.text
    assert "<td>012345</td><td>LÆ 265</td><td>14</td><td>16</td><td>9,5</td>" in sent.text
    assert "054321" in sent.text and "ikke oplyst" in sent.text
    assert order.received == [("jobcenter-upload.csv", "jobcenter (upload-side)")]


def test_a_broken_file_gets_a_report_by_row_and_nothing_is_kept(client, order):
    broken = factories.extract_csv(
        [("012345", "LÆ 265", "-1", "", ""), ("012345", "LÆ 265", "3", "", "")]
    )
    sent = client.post(upload_link(), files={"fil": ("udtraek.csv", broken, "text/csv")})
    assert sent.status_code == 422
    assert "række 2, Modtagne attester: må ikke være negativ" in sent.text
    assert "række 3, Attesttype (LÆ-kode): samme ydernummer og type som række 2" in sent.text
    assert "Intet fra filen er gemt" in sent.text
    assert order.received == []


def test_no_file_and_too_large_files_are_refused(client):
    none = client.post(upload_link(), data={"x": "1"}, files={"andet": ("", b"", "text/csv")})
    assert none.status_code == 422 and "vælg den udfyldte skabelon" in none.text
    huge = client.post(
        upload_link(), files={"fil": ("stor.csv", b"x" * (2 * 1024 * 1024 + 100_000), "text/csv")}
    )
    assert huge.status_code == 413


def test_a_closed_order_says_so(tmp_path):
    assert app_for(FakeOrder(tmp_path, open_=False)).get(upload_link()).status_code == 410
