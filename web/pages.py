"""The web app's Danish pages, shared by the survey form and the upload page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent


class Pages:
    def __init__(self) -> None:
        self.templates = Jinja2Templates(directory=HERE / "templates")

    def page(self, request: Request, name: str, status: int, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def message(self, request: Request, status: int, heading: str, text: str) -> HTMLResponse:
        return self.page(request, "message.html", status, heading=heading, text=text)

    def unknown_link(self, request: Request) -> HTMLResponse:
        # The same page for a forged, mistyped or outdated link: it reveals nothing.
        return self.message(
            request,
            404,
            "Linket virker ikke",
            "Linket er ikke gyldigt. Brug linket fra den seneste mail, du har fået, eller "
            "kontakt den, der sendte den.",
        )
