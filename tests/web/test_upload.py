"""The job centre's upload page through FastAPI's test client: a signed link opens it, a good
file shows what was read, a broken file shows the report, and nothing else gets through."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from activities.extract_check import problem_lines
from activities.extract_file import parse_extract
from catalog import Catalog
from schemas.artifacts import ArtifactRef
from schemas.commands import ExtractAccepted
from schemas.errors import DomainError, DomainErrors, StepRejected
from schemas.links import LinkSigner
from schemas.order import COPENHAGEN
from schemas.order_status import UploadPage
from storage.artifact_store import FolderArtifactStore
from tests import factories
from web.app import create_app
from web.config import WebConfig

SIGNER = LinkSigner(b"a test secret of enough length!!")
ORDER = "attester--klynge-aalborg-oest--2027-03-03"
PRACTICES = ["012345", "067890", "054321"]
SPEC = Catalog().package("attester-i-almen-praksis").extract
assert SPEC is not None


class FakeOrder:
    """Reads the stored upload with the real parser and keeps the receipt, as the worker's
    activity would."""

    def __init__(self, stores: Path, open_: bool = True) -> None:
        self.open = open_
        self.uploads = FolderArtifactStore(stores / "uploads")
        self.artifacts = FolderArtifactStore(stores / "artifacts")
        self.received: list[tuple[str, str]] = []

    async def upload_page(self, order_id: str) -> UploadPage | None:
        if order_id != ORDER:
            return None
        return UploadPage(
            cluster="Klynge Aalborg Øst",
            municipality="Aalborg Kommune",
            due=datetime(2027, 2, 10, 8, tzinfo=COPENHAGEN),
            meeting=datetime(2027, 3, 3, 16, tzinfo=COPENHAGEN),
            open=self.open,
            uploads=[],
        )

    async def extract_submit(
        self, order_id: str, upload: ArtifactRef, uploaded_by: str
    ) -> ExtractAccepted:
        try:
            parsed = parse_extract(self.uploads.read(upload), upload.name, PRACTICES, SPEC)
        except (DomainError, DomainErrors) as exc:
            raise StepRejected(
                "Datatrækket blev ikke modtaget – ret disse fejl og send hele filen igen:\n"
                + "\n".join(f"- {line}" for line in problem_lines(exc))
            ) from None
        self.received.append((upload.name, uploaded_by))
        receipt = self.artifacts.put(
            order_id,
            "extract",
            "datatraek.json",
            "application/json",
            parsed.model_dump_json().encode(),
        )
        return ExtractAccepted(
            message=f"Datatrækket (version 1) er modtaget: {parsed.rows_read} rækker.",
            version=1,
            receipt=receipt,
        )


def app_for(order: FakeOrder) -> TestClient:
    async def backend() -> FakeOrder:
        return order

    config = WebConfig(
        signer=SIGNER,
        upload_dir=order.uploads.root,
        artifact_dir=order.artifacts.root,
    )
    return TestClient(create_app(backend, SIGNER, config=config), raise_server_exceptions=False)


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
