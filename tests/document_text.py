"""The text a person reads in a rendered document or a mail, for tests that look for words."""

from __future__ import annotations

import io
import subprocess
import zipfile
from email.message import EmailMessage


def document_text(data: bytes) -> str:
    """Every XML part of an Office file (slides, notes, charts, sheets, headers), or the text
    of a PDF (the printable copy beside it)."""
    if data.startswith(b"%PDF"):
        return subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(
            package.read(n).decode("utf-8", "replace")
            for n in package.namelist()
            if n.endswith(".xml")
        )


def mail_text(message: EmailMessage) -> str:
    """Subject, text and HTML bodies and any calendar entry of a message."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)
