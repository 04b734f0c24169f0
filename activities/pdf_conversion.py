"""DOCX and PPTX → tagged PDF in Danish with LibreOffice, made reproducible so an artifact's
sha256 still names it."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

_CREATION = re.compile(rb"/CreationDate\(D:(\d{14})")
_ID = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")


def reproducible(pdf: bytes, source: bytes, stamp: str) -> bytes:
    """Replace LibreOffice's creation time, document id and checksum with values derived from
    the source; each replacement has the same length, so the xref offsets stay valid."""
    digest = hashlib.md5(source, usedforsecurity=False).hexdigest().upper().encode()
    date = re.sub(r"\D", "", stamp)[:14].ljust(14, "0").encode()
    pdf = _CREATION.sub(b"/CreationDate(D:" + date, pdf)
    pdf = _ID.sub(b"/ID [ <" + digest + b">\n<" + digest + b"> ]", pdf)
    return _CHECKSUM.sub(b"/DocChecksum /" + digest, pdf)


# A fresh profile per conversion, set to Danish: LibreOffice tags a PDF's /Lang with its own
# default locale where the document does not say (Impress never takes it from a PPTX).
_DANISH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" \
oor:op="fuse"><value>da-DK</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" \
oor:op="fuse"><value>da-DK</value></prop></item>
</oor:items>
"""
# Tagged PDF/UA (headings, reading order, alt texts) from each document kind's PDF filter.
_ACCESSIBLE = (
    '{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)
_FILTERS = {".docx": "writer_pdf_Export", ".pptx": "impress_pdf_Export", ".xlsx": "calc_pdf_Export"}


class PdfConverter:
    def __init__(self, soffice: str) -> None:
        self.soffice = soffice

    @classmethod
    def find(cls) -> PdfConverter | None:
        """The converter, or None where LibreOffice is not installed (documents stay DOCX)."""
        found = shutil.which("soffice") or shutil.which("libreoffice")
        return cls(found) if found else None

    def convert(self, data: bytes, filename: str, stamp: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="klyngepakke-pdf-") as tmp:
            folder = Path(tmp)
            source = folder / filename
            source.write_bytes(data)
            # A profile per conversion: parallel soffice processes must not share one.
            profile = folder / "profile"
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(
                _DANISH_PROFILE, encoding="utf-8"
            )
            export = _FILTERS.get(source.suffix.lower())
            subprocess.run(
                [
                    self.soffice,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--convert-to",
                    f"pdf:{export}:{_ACCESSIBLE}" if export else "pdf",
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
            return reproducible(source.with_suffix(".pdf").read_bytes(), data, stamp)
