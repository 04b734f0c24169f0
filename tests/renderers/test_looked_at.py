"""Every document opens in LibreOffice, converts to PDF and to PNG pages that are not blank."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from activities.pdf_conversion import PdfConverter
from tests.renderers.test_documents import render, source

SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
# Skipped only on a developer's machine without them; in CI a missing tool is a failure.
pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOPPM) and not os.environ.get("CI"),
    reason="needs LibreOffice and poppler: `make system-deps` (CI installs them)",
)
# The render worker's own converter (one long-lived LibreOffice where python3-uno is there).
CONVERTER = PdfConverter.find() if SOFFICE else None
FILES = {
    "deck": "klyngemoede.pptx",
    "partner_guide": "drejebog.docx",
    "handouts": "uddelingskopi.docx",
    "practice_sheet": "praksisark.docx",
}


def with_extract():
    from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise

    src = source()
    rows = [
        ExtractRow(ydernummer=y, certificate_type=t, received=n, requests=n + 2, median_days=5.5)
        for y in src.order.practices
        for t, n in (("LÆ 265", 9), ("LÆ 285", 3))
    ]
    return source(extract=anonymise(JobcenterExtract(rows=rows), "o-1", src.order.practices))


def with_comparison():
    from tests.renderers.test_deck import compared

    return compared(with_extract(), others=10)


@pytest.mark.parametrize("kind", [*sorted(FILES), "deck-with-extract", "deck-with-comparison"])
def test_document_converts_to_non_blank_pages(kind: str, tmp_path: Path):
    made = {"deck-with-extract": with_extract, "deck-with-comparison": with_comparison}
    src = made.get(kind, source)()
    kind = kind.removesuffix("-with-extract").removesuffix("-with-comparison")
    # The worker's own converter: the test sees what a coordinator would get.
    assert CONVERTER is not None
    pdf = (tmp_path / FILES[kind]).with_suffix(".pdf")
    pdf.write_bytes(CONVERTER.convert(render(kind, src), FILES[kind], "2026-12-01T00:00:00"))
    assert pdf.read_bytes().startswith(b"%PDF"), f"LibreOffice could not open {kind}"
    # In Danish, and tagged for screen readers (PDF/UA), not LibreOffice's en-US default.
    assert set(re.findall(rb"/Lang\s*\(([^)]*)\)", pdf.read_bytes())) == {b"da-DK"}, kind
    assert b"/StructTreeRoot" in pdf.read_bytes() and b"pdfuaid" in pdf.read_bytes(), kind
    subprocess.run([PDFTOPPM, "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    if kind in ("handouts", "practice_sheet"):
        assert len(pages) == 1, f"{kind} must fit on one printed page"
    for page in pages:
        grey = Image.open(page).convert("L")
        assert ImageStat.Stat(grey).extrema[0][0] < 128, f"{page.name} of {kind} is blank"
