"""PDFs from one long-lived LibreOffice: Danish, tagged, the same bytes for the same document,
a LibreOffice that died is started again, and without uno each PDF starts its own."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest

from activities.pdf_conversion import LongLivedLibreOffice, PdfConverter, python_with_uno
from tests.renderers.test_documents import render, source

SOFFICE = shutil.which("soffice")
UNO_PYTHON = python_with_uno(SOFFICE) if SOFFICE else None
# In CI (make system-deps installs python3-uno) a missing LibreOffice or uno is a failure.
pytestmark = pytest.mark.skipif(
    not UNO_PYTHON and not os.environ.get("CI"),
    reason="needs LibreOffice and python3-uno: `make system-deps`",
)
STAMP = "2026-12-01T00:00:00"


def _readable(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    assert set(re.findall(rb"/Lang\s*\(([^)]*)\)", pdf)) == {b"da-DK"}
    assert b"/StructTreeRoot" in pdf and b"pdfuaid" in pdf


@pytest.fixture(scope="module")
def converter():
    assert SOFFICE and UNO_PYTHON
    found = PdfConverter.find()
    assert isinstance(found, LongLivedLibreOffice)
    yield found
    found.stop()


def test_one_libreoffice_converts_every_document_the_same_each_time(converter):
    handouts = render("handouts", source())
    first = converter.convert(handouts, "uddelingskopi.docx", STAMP)
    server = converter._process
    sheet = converter.convert(render("practice_sheet", source()), "praksisark.docx", STAMP)
    again = converter.convert(handouts, "uddelingskopi.docx", STAMP)
    _readable(first)
    _readable(sheet)
    # The artifact's sha256 names it: the same page gives the same bytes, from one process.
    assert again == first
    assert converter._process is server and server is not None and server.poll() is None


def _group(pid: int) -> set[int]:
    """The processes of process group ``pid`` that still run (zombies left out)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pid and fields[0] != "Z":
                found.add(int(stat.parent.name))
    return found


def test_a_libreoffice_that_died_is_started_again_and_nothing_is_left(converter):
    converter.convert(render("practice_sheet", source()), "praksisark.docx", STAMP)
    dead = converter._process
    assert dead is not None
    # unoserver and LibreOffice both, as a crash or an OOM kill would leave them.
    assert len(_group(dead.pid)) >= 2
    os.killpg(dead.pid, signal.SIGKILL)
    dead.wait()
    _readable(converter.convert(render("practice_sheet", source()), "praksisark.docx", STAMP))
    assert converter._process is not dead
    assert _group(dead.pid) == set()
    # Stopping leaves no LibreOffice behind either.
    running = converter._process
    assert running is not None
    converter.stop()
    assert _group(running.pid) == set()


def test_without_uno_each_pdf_starts_its_own_libreoffice():
    assert SOFFICE
    # This venv's Python has no uno: the server cannot start, the PDFs still come.
    converter = LongLivedLibreOffice(SOFFICE, sys.executable)
    _readable(converter.convert(render("handouts", source()), "uddelingskopi.docx", STAMP))
    assert converter._process is None


def test_the_pdfs_are_set_in_calibris_metrics_not_a_fallback(converter, tmp_path):
    """The templates ask for Calibri; with Carlito (Calibri's metrics) the PDFs keep the
    documents' line breaks. pdffonts lists what each PDF embeds."""
    import subprocess

    for kind, name in (("handouts", "uddelingskopi.docx"), ("practice_sheet", "praksisark.docx")):
        pdf = tmp_path / name.replace(".docx", ".pdf")
        pdf.write_bytes(converter.convert(render(kind, source()), name, STAMP))
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert "Carlito" in fonts, fonts
        assert "DejaVu" not in fonts, fonts


def test_a_render_worker_without_calibris_metrics_does_not_start(monkeypatch, settings):
    from klyngepakke import bootstrap

    monkeypatch.setattr(bootstrap, "calibri_substitute", lambda: "DejaVu Sans")
    with pytest.raises(SystemExit) as stopped:
        bootstrap.check_documents_font(settings.model_copy(update={"dev_stack": False}))
    assert "fonts-crosextra-carlito" in str(stopped.value)
    # The dev stack says so in its log and goes on.
    bootstrap.check_documents_font(settings.model_copy(update={"dev_stack": True}))
