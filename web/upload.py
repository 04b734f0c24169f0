"""The job centre's upload page: a signed link from its mail, one file, and back either what
the order accepted, row by row, or the report of what to fix. No JavaScript; Danish."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from activities.extract_file import MAX_BYTES, ParsedExtract
from activities.survey_links import UPLOAD, LinkSigner
from klyngepakke.client import StepRejected
from schemas.commands import ExtractAccepted
from schemas.danish_format import date_long, datetime_long, number
from schemas.state import UploadPage
from web.pages import Pages

UPLOADED_BY = "jobcenter (upload-side)"


class UploadBackend(Protocol):
    async def upload_page(self, order_id: str) -> UploadPage | None: ...

    async def extract_submit(
        self, order_id: str, data: bytes, filename: str, uploaded_by: str
    ) -> tuple[ExtractAccepted, ParsedExtract]: ...


def _report_lines(message: str) -> tuple[str, list[str]]:
    """The refusal's heading and its '- ' lines, as the order wrote them."""
    head, *rest = message.split("\n")
    return head, [line.removeprefix("- ") for line in rest if line.strip()]


def add_upload_routes(
    app: FastAPI,
    backend: Callable[[], Awaitable[UploadBackend]],
    signer: LinkSigner,
    pages: Pages,
) -> None:
    async def _open(request: Request, token: str) -> tuple[str, UploadPage] | HTMLResponse:
        target = signer.verify(token, UPLOAD)
        if target is None:
            return pages.unknown_link(request)
        order_id, _ = target
        page = await (await backend()).upload_page(order_id)
        if page is None:
            return pages.unknown_link(request)
        if not page.open:
            return pages.message(
                request,
                410,
                "Datatrækket kan ikke længere sendes",
                "Klyngemødet er holdt, eller bestillingen er afsluttet. Kontakt KiAP, hvis I "
                "har spørgsmål til datatrækket.",
            )
        return order_id, page

    def _form(
        request: Request,
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
            due=date_long(page.due),
            meeting=datetime_long(page.meeting),
            uploads=[(u, datetime_long(u.at)) for u in page.uploads],
            heading=heading,
            problems=problems or [],
            max_mb=MAX_BYTES // (1024 * 1024),
        )

    @app.get("/u/{token}", response_class=HTMLResponse)
    async def upload_form(request: Request, token: str) -> HTMLResponse:
        opened = await _open(request, token)
        if isinstance(opened, HTMLResponse):
            return opened
        return _form(request, opened[1], 200)

    @app.post("/u/{token}", response_class=HTMLResponse)
    async def upload(request: Request, token: str) -> HTMLResponse:
        opened = await _open(request, token)
        if isinstance(opened, HTMLResponse):
            return opened
        order_id, page = opened
        form = await request.form(max_files=1, max_fields=4)
        sent = form.get("fil")
        if not isinstance(sent, UploadFile) or not sent.filename:
            return _form(
                request,
                page,
                422,
                "Vælg en fil",
                ["fil: vælg den udfyldte skabelon (XLSX) eller CSV-filen"],
            )
        data = await sent.read(MAX_BYTES + 1)
        try:
            accepted, receipt = await (await backend()).extract_submit(
                order_id, data, sent.filename, UPLOADED_BY
            )
        except StepRejected as exc:
            heading, problems = _report_lines(exc.message)
            return _form(request, page, 422, heading, problems or [heading])
        return pages.page(
            request,
            "upload_receipt.html",
            200,
            page=page,
            message=accepted.message,
            receipt=receipt,
            number=number,
        )
