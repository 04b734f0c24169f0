"""Every document opens in LibreOffice, converts to PDF and to PNG pages that are not blank."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from tests.renderers.test_documents import render, source

SOFFICE = shutil.which("soffice")
PDFTOPPM = shutil.which("pdftoppm")
# Skipped only on a developer's machine without them; in CI a missing tool is a failure.
pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOPPM) and not os.environ.get("CI"),
    reason="needs LibreOffice and poppler: `make system-deps` (CI installs them)",
)
FILES = {
    "deck": "klyngemoede.pptx",
    "jobcenter_guide": "drejebog.docx",
    "handouts": "uddelingskopi.docx",
    "practice_sheet": "praksisark.docx",
}


def with_extract():
    from schemas.extract import ExtractRow, JobcenterExtract, anonymise

    src = source()
    rows = [
        ExtractRow(ydernummer=y, certificate_type=t, received=n, requests=n + 2, median_days=5.5)
        for y in src.order.practices
        for t, n in (("LÆ 265", 9), ("LÆ 285", 3))
    ]
    return source(extract=anonymise(JobcenterExtract(rows=rows), "o-1", src.order.practices))


@pytest.mark.parametrize("kind", [*sorted(FILES), "deck-with-extract"])
def test_document_converts_to_non_blank_pages(kind: str, tmp_path: Path):
    src = with_extract() if kind == "deck-with-extract" else source()
    kind = kind.removesuffix("-with-extract")
    document = tmp_path / FILES[kind]
    document.write_bytes(render(kind, src))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = document.with_suffix(".pdf")
    assert pdf.is_file(), f"LibreOffice could not open {kind}"
    subprocess.run([PDFTOPPM, "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    if kind in ("handouts", "practice_sheet"):
        assert len(pages) == 1, f"{kind} must fit on one printed page"
    for page in pages:
        grey = Image.open(page).convert("L")
        assert ImageStat.Stat(grey).extrema[0][0] < 128, f"{page.name} of {kind} is blank"
