"""The job centre's upload page: a signed link from its mail, one file, and back either what
the order accepted, row by row, or the report of what to fix. No JavaScript; Danish."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from schemas.order.extract import MAX_BYTES
from schemas.order.status import UploadPage
from schemas.shared.errors import StepRejected
from schemas.shared.links import UPLOAD
from storage.uploads import UploadRefused, quarantined_extract, read_receipt
from web.backend import Backend as BackendPort
from web.deps import Backend, ConfigDep, Link, PagesDep, UnknownLink, of_this_run, signed
from web.pages import Pages

router = APIRouter()
UploadLink = Annotated[Link, Depends(signed(UPLOAD))]
UPLOADED_BY = "jobcenter (upload-side)"


def _report_lines(message: str) -> tuple[str, list[str]]:
    """The refusal's heading and its '- ' lines, as the order wrote them."""
    head, *rest = message.split("\n")
    return head, [line.removeprefix("- ") for line in rest if line.strip()]


async def _open(request: Request, link: Link, backend: BackendPort, pages: Pages) -> Any:
    page: UploadPage | None = await backend.orders.upload_page(link.target)
    if page is not None:
        of_this_run(link, page.run)
    if page is None:
        raise UnknownLink()
    if not page.open:
        return pages.message(
            request,
            410,
            "Datatrækket kan ikke længere sendes",
            "Klyngemødet er holdt, eller bestillingen er afsluttet. Kontakt KiAP, hvis I har "
            "spørgsmål til datatrækket.",
        )
    return page


def _form(
    request: Request,
    pages: Pages,
    page: UploadPage,
    status: int,
    heading: str = "",
    problems: list[str] | None = None,
) -> HTMLResponse:
    return pages.page(
        request,
        "upload.html",
        status,
        page=page,
        heading=heading,
        problems=problems or [],
        max_mb=MAX_BYTES // (1024 * 1024),
    )


@router.get("/u/{token}", response_class=HTMLResponse)
async def upload_form(request: Request, link: UploadLink, backend: Backend, pages: PagesDep) -> Any:
    opened = await _open(request, link, backend, pages)
    if isinstance(opened, HTMLResponse):
        return opened
    return _form(request, pages, opened, 200)


@router.post("/u/{token}", response_class=HTMLResponse)
async def upload(
    request: Request, link: UploadLink, backend: Backend, pages: PagesDep, config: ConfigDep
) -> Any:
    opened = await _open(request, link, backend, pages)
    if isinstance(opened, HTMLResponse):
        return opened
    page = opened
    form = await request.form(max_files=1, max_fields=4)
    sent = form.get("fil")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _form(
            request,
            pages,
            page,
            422,
            "Vælg en fil",
            ["Fil: vælg den udfyldte skabelon (XLSX) eller jeres CSV-fil"],
        )
    uploads, artifacts = config.uploads, config.artifacts
    assert uploads is not None and artifacts is not None, "the web app needs its stores"
    data = await sent.read(MAX_BYTES + 1)
    try:
        with quarantined_extract(uploads, link.target, data, sent.filename) as stored:
            accepted = await backend.orders.extract_submit(link.target, stored, UPLOADED_BY)
    except UploadRefused as exc:
        return _form(request, pages, page, 422, exc.message, [exc.message])
    except StepRejected as exc:
        heading, problems = _report_lines(exc.message)
        return _form(request, pages, page, 422, heading, problems or [heading])
    return pages.page(
        request,
        "upload_receipt.html",
        200,
        page=page,
        message=accepted.message,
        receipt=read_receipt(artifacts, accepted.receipt),
    )
