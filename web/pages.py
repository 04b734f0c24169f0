"""The web app's Danish pages: one Jinja2 environment with Danish dates and numbers, and the
messages every page shares (an unknown link, a passed stage)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from schemas.order.event_labels import event_label
from schemas.shared.danish_format import (
    clock,
    date_long,
    date_short,
    datetime_long,
    number,
    percent,
)

HERE = Path(__file__).resolve().parent
# What a date, time or date-time input may show back: anything else it cannot hold (and the
# error beside it says what was wrong with what was sent).
_FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$"),
}


def fits(value: object, kind: str) -> str:
    text = "" if value is None else str(value)
    pattern = _FORMATS.get(kind)
    return text if pattern is None or pattern.match(text) else ""


class Pages:
    def __init__(self) -> None:
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.filters.update(
            dato=date_long,
            dato_kort=date_short,
            dato_tid=datetime_long,
            klokken=clock,
            tal=number,
            procent=percent,
            fits=fits,
            haendelse=event_label,
        )

    def page(self, request: Request, name: str, status: int, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def message(
        self,
        request: Request,
        status: int,
        heading: str,
        text: str,
        back: tuple[str, str] | None = None,
    ) -> HTMLResponse:
        """A page with one message; ``back`` is (label, address) of where to go instead."""
        return self.page(request, "message.html", status, heading=heading, text=text, back=back)

    def unknown_link(self, request: Request) -> HTMLResponse:
        # The same page for a forged, mistyped or outdated link: it reveals nothing.
        return self.message(
            request,
            404,
            "Linket virker ikke",
            "Linket er ikke gyldigt. Brug linket fra den seneste mail, du har fået, eller "
            "kontakt den, der sendte den.",
        )
