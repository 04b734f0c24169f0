"""KiAP's view of its packages on the workbench (``/konsulent/pakker``, behind the login): per
package the facts it prints without a source ("Fakta der mangler en kilde"), what is printed
instead, the facts a content editor must look at again by their date, and the preview – every
mail and document the package sends, rendered for the demo cluster's order on the render queue
(activities/package_preview.py); this page only reads it from the artifact store. A package
the catalog refused is listed with its reason: no new order uses it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from schemas.views.package_preview import MANIFEST_KIND, PackagePreview, preview_owner
from web.config import WebConfig
from web.deps import ConfigDep, PagesDep, UnknownLink
from web.staff_auth import Staff

router = APIRouter()
# A mail's HTML as the recipient's mail program shows it, and nothing it could run or fetch.
MAIL_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _preview(config: WebConfig, package_id: str) -> PackagePreview | None:
    """The preview of the package as this web app's catalog has it; None before it is made."""
    store = config.artifacts
    if store is None:
        return None
    owner = preview_owner(package_id, config.catalog.content_sha256(package_id))
    found = store.latest(owner, MANIFEST_KIND)
    return PackagePreview.model_validate_json(found[1]) if found is not None else None


@router.get("/konsulent/pakker", response_class=HTMLResponse)
async def packages(request: Request, user: Staff, pages: PagesDep, config: ConfigDep) -> Any:
    found = [
        (package, len(package.fact_gaps()), package.fact_reviews())
        for package in config.catalog.packages.values()
    ]
    return pages.page(
        request,
        "staff_packages.html",
        200,
        user=user,
        packages=found,
        refused=sorted(config.catalog.refused.items()),
    )


def _known(config: WebConfig, package_id: str) -> None:
    if package_id not in config.catalog.packages:
        raise UnknownLink()


@router.get("/konsulent/pakker/{package_id}", response_class=HTMLResponse)
async def package(
    request: Request, package_id: str, user: Staff, pages: PagesDep, config: ConfigDep
) -> Any:
    _known(config, package_id)
    found = config.catalog.packages[package_id]
    return pages.page(
        request,
        "staff_package.html",
        200,
        user=user,
        package=found,
        gaps=found.fact_gaps(),
        reviews=found.fact_reviews(),
        preview=_preview(config, package_id),
    )


@router.get("/konsulent/pakker/{package_id}/dokument/{variant}/{kind}", response_class=HTMLResponse)
async def document_pages(
    request: Request,
    package_id: str,
    variant: str,
    kind: str,
    user: Staff,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    """One document of the preview, every page."""
    _known(config, package_id)
    preview = _preview(config, package_id)
    item = next(
        (
            i
            for i in (preview.of(variant) if preview is not None else [])
            if i.kind == "document" and i.name == kind
        ),
        None,
    )
    shown_in = preview.variant(variant) if preview is not None else None
    if item is None or shown_in is None:
        raise UnknownLink()
    return pages.page(
        request,
        "staff_package_document.html",
        200,
        user=user,
        package=config.catalog.packages[package_id],
        item=item,
        variant=shown_in,
    )


@router.get("/konsulent/pakker/{package_id}/fil/{sha256}")
async def preview_file(package_id: str, sha256: str, user: Staff, config: ConfigDep) -> Response:
    """A file the package's preview lists (a mail's HTML, a page's PNG, a document), by its
    digest: nothing else in the store is reachable here."""
    _known(config, package_id)
    preview = _preview(config, package_id)
    ref = preview.ref(sha256) if preview is not None else None
    if ref is None or config.artifacts is None:
        raise UnknownLink()
    data = config.artifacts.read(ref)
    if ref.media_type == "text/html":
        return Response(
            data,
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": MAIL_POLICY},
        )
    if ref.media_type == "image/png":
        return Response(data, media_type="image/png")
    return Response(
        data,
        media_type=ref.media_type,
        headers={"Content-Disposition": f'attachment; filename="{ref.name}"'},
    )
