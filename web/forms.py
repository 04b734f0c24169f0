"""Reading a posted form: bounded, every value as text, and the Danish field messages of a
refusal placed on the fields a person typed them in."""

from __future__ import annotations

import re

from fastapi import Request
from starlette.datastructures import UploadFile

from schemas.shared.errors import DomainError, DomainErrors

MAX_VALUE = 4000
# Control characters no one types (NUL, VT, ESC, …): invalid in HTML and XML documents, and a
# way to smuggle text past a reader. Tab, line feed and carriage return stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


async def form_values(
    request: Request, max_fields: int = 80, max_files: int = 0
) -> tuple[dict[str, str], dict[str, list[str]], dict[str, UploadFile]]:
    """(the first value of each field, every value of each field, the files)."""
    raw = await request.form(max_fields=max_fields, max_files=max_files)
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    files: dict[str, UploadFile] = {}
    for key, value in raw.multi_items():
        if isinstance(value, UploadFile):
            files[key] = value
            continue
        text = _CONTROL.sub("", str(value))[:MAX_VALUE]
        values.setdefault(key, text)
        lists.setdefault(key, []).append(text)
    return values, lists, files


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_messages(
    exc: DomainError | DomainErrors, to_field: dict[str, str], fallback: str
) -> dict[str, str]:
    """Each problem on its form field: ``to_field`` maps a model's dotted path (or its first
    part) to the form's field; what maps nowhere goes to ``fallback``. The message names the
    field in Danish already; the first one per field is kept."""
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    messages: dict[str, str] = {}
    for error in errors:
        key = to_field.get(error.field)
        if key is None:
            head = error.field.split("[", 1)[0].split(".", 1)[0]
            key = to_field.get(head, fallback)
        messages.setdefault(key, capital(error.message))
    return messages
