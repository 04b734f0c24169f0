"""The stylesheet and the health check."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, PlainTextResponse

router = APIRouter()
HERE = Path(__file__).resolve().parent.parent


@router.get("/static/form.css")
async def stylesheet() -> FileResponse:
    return FileResponse(HERE / "form.css", media_type="text/css")


@router.get("/healthz")
async def health() -> PlainTextResponse:
    return PlainTextResponse("ok")
