"""KiAP's package page on the workbench: every fact the package prints without a source is
listed with what is printed instead, and the facts to look at again by their date; an unknown
package is the page that says the link is unknown; no login, no page."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx

from catalog import Catalog
from schemas.shared.links import LinkSigner
from schemas.shared.region import Region
from schemas.views.package_preview import (
    MANIFEST_KIND,
    PackagePreview,
    PreviewItem,
    preview_owner,
    preview_variants,
)
from storage.artifact_store import FolderArtifactStore
from tests.web import checkers
from tests.web.fakes import fake_backend
from tests.web.oidc import Provider, log_in
from tests.web.people import BASE, SAME_ORIGIN
from web.app import create_app
from web.config import WebConfig


def _web(provider: Provider) -> httpx.AsyncClient:
    signer = LinkSigner(b"x" * 32)
    config = WebConfig(signer=signer, catalog=Catalog(), staff=provider.config())
    app = create_app(fake_backend(), signer, config=config)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
    )


async def test_the_package_page_lists_the_facts_without_a_source(provider: Provider):
    async with _web(provider) as web:
        assert (await web.get("/konsulent/pakker")).status_code == 303  # the login first
        listed = await log_in(web, "konsulent-1", "/konsulent/pakker")
        assert listed.status_code == 200
        assert 'href="/konsulent/pakker/attester-i-almen-praksis"' in listed.text
        page = await web.get("/konsulent/pakker/attester-i-almen-praksis")
        assert page.status_code == 200
        text = page.text
        assert "Fakta der mangler en kilde" in text
        # The videos have no address of their own: named, and where they are found instead.
        assert "links.attestrejsen" in text and "Klyngepakkernes hjælpemateriale" in text
        assert "quality_units.Midtjylland" in text
        # Sourced facts are not listed as missing; the covid-era contacts have a review date.
        assert "links.laeger_attester" not in text
        assert "virtual_rooms.Nordjylland" in text and "15. januar 2027" in text
        unknown = await web.get("/konsulent/pakker/findes-ikke")
        assert unknown.status_code == 404


def _stored_preview(store: FolderArtifactStore, catalog: Catalog) -> PackagePreview:
    """A preview as the render queue keeps it: a mail's HTML, a document with one page."""
    package = catalog.package("attester-i-almen-praksis")
    owner = preview_owner(package.id, catalog.content_sha256(package.id))
    variants = preview_variants(package, Region.NORDJYLLAND)
    html = store.put(
        owner,
        "mail:x:invitation",
        "invitation.html",
        "text/html",
        b'<html><body><p style="color:#1f4e79">K\xc3\xa6re Anne</p></body></html>',
    )
    page = store.put(owner, "page:x:deck:1", "deck-side-1.png", "image/png", b"\x89PNG\r\n\x1a\nx")
    deck = store.put(owner, "file:x:deck", "moede.pptx", "application/octet-stream", b"pptx")
    preview = PackagePreview(
        package_id=package.id,
        package_title=package.title,
        package_sha256=catalog.content_sha256(package.id),
        rendered_at=datetime(2026, 12, 7, 7, 0, tzinfo=UTC),
        sample_cluster="Klynge Aalborg Øst",
        variants=variants,
        items=[
            PreviewItem(
                variant=variants[0].id,
                kind="mail",
                name="invitation",
                title="Invitation til klyngemødet",
                recipient="et medlem af klyngen",
                html=html,
            ),
            PreviewItem(
                variant=variants[0].id,
                kind="document",
                name="deck",
                title="moede.pptx",
                file=deck,
                pages=[page],
            ),
        ],
    )
    store.put(
        owner,
        MANIFEST_KIND,
        "forhaandsvisning.json",
        "application/json",
        preview.model_dump_json().encode(),
    )
    return preview


async def test_the_package_page_shows_the_preview_the_render_queue_kept(
    provider: Provider, tmp_path
):
    catalog = Catalog()
    store = FolderArtifactStore(tmp_path / "artifacts")
    signer = LinkSigner(b"x" * 32)
    config = WebConfig(signer=signer, catalog=catalog, staff=provider.config(), artifacts=store)
    app = create_app(fake_backend(), signer, config=config)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
    ) as web:
        await log_in(web, "konsulent-1", "/konsulent/pakker")
        url = "/konsulent/pakker/attester-i-almen-praksis"
        before = await web.get(url)
        assert "Forhåndsvisningen af denne udgave af pakken er ikke lavet endnu" in before.text
        checked = {"package, no preview": before.text}

        preview = _stored_preview(store, catalog)
        page = (await web.get(url)).text
        assert "Invitation til klyngemødet" in page and "et medlem af klyngen" in page
        checked["package, preview"] = page
        mail_ref, page_ref = preview.items[0].html, preview.items[1].pages[0]
        mail = await web.get(f"{url}/fil/{mail_ref.sha256}")
        # The mail as its reader sees it (its own styles), sandboxed: nothing in it runs.
        assert mail.status_code == 200 and "Kære Anne" in mail.text
        assert mail.headers["content-security-policy"].startswith("sandbox;")
        assert "style-src 'unsafe-inline'" in mail.headers["content-security-policy"]
        pages = await web.get(f"{url}/dokument/{preview.variants[0].id}/deck")
        assert (
            f'src="{url}/fil/{page_ref.sha256}"' in pages.text
            and "Side 1 af moede.pptx" in pages.text
        )
        checked["package, document pages"] = pages.text
        picture = await web.get(f"{url}/fil/{page_ref.sha256}")
        assert picture.headers["content-type"] == "image/png"
        assert picture.headers["content-security-policy"].startswith("default-src 'none'")
        # Only what the preview lists: another digest in the store is an unknown link.
        other = store.put("o-1", "deck", "deck.pptx", "application/octet-stream", b"ordre")
        assert (await web.get(f"{url}/fil/{other.sha256}")).status_code == 404
        assert (await web.get(f"{url}/dokument/ingen/deck")).status_code == 404
    await _checked(checked)


async def _checked(pages: dict[str, str]) -> None:
    if checkers.missing() is None or os.environ.get("CI"):
        axe = await checkers.axe_problems(pages)
        vnu = checkers.vnu_errors(pages)
        assert not axe and not vnu, json.dumps({"axe": axe, "vnu": vnu}, ensure_ascii=False)


async def test_a_package_the_catalog_refused_is_shown_with_its_reason(provider: Provider, tmp_path):
    shipped = Path(__file__).resolve().parents[2] / "catalog" / "attester-i-almen-praksis"
    folder = tmp_path / "katalog"
    shutil.copytree(shipped, folder / "attester-i-almen-praksis")
    broken = folder / "attester-kopi"
    shutil.copytree(shipped, broken)
    (broken / "mails" / "invitation.j2").unlink()
    text = (broken / "package.yaml").read_text("utf-8")
    (broken / "package.yaml").write_text(
        text.replace("id: attester-i-almen-praksis", "id: attester-kopi", 1), "utf-8"
    )
    catalog = Catalog(folder, strict=False)
    signer = LinkSigner(b"x" * 32)
    config = WebConfig(signer=signer, catalog=catalog, staff=provider.config())
    app = create_app(fake_backend(), signer, config=config)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
    ) as web:
        listed = await log_in(web, "konsulent-1", "/konsulent/pakker")
        assert "Pakker der ikke kan bestilles" in listed.text
        assert "attester-kopi" in listed.text and "mailskabelonen mangler" in listed.text
        assert 'href="/konsulent/pakker/attester-kopi"' not in listed.text
        # Never offered for a new order.
        checked = {"packages, one refused": listed.text}
        form = await web.get("/bestil")
        assert 'value="attester-i-almen-praksis"' in form.text
        assert "attester-kopi" not in form.text
    await _checked(checked)
