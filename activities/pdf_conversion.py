"""DOCX and PPTX → tagged PDF in Danish with LibreOffice, made reproducible so an artifact's
sha256 still names it.

A render worker keeps one LibreOffice running (``unoserver``, driven over XML-RPC) and hands
it each document: about 0.25 s a page instead of 1.5 s for a cold ``soffice`` start. Where
no Python can import LibreOffice's ``uno`` (Debian's python3-uno), or the long-lived one does
not come up, each conversion starts its own ``soffice`` as before."""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import importlib.metadata
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path

import structlog

from activities.child_process import child

log = structlog.get_logger(__name__)

_CREATION = re.compile(rb"/CreationDate\(D:(\d{14})")
_ID = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")
# PDF/UA adds XMP metadata with its own creation time (uncompressed, as LibreOffice writes it).
_XMP_CREATED = re.compile(rb"<xmp:CreateDate>([^<]*)</xmp:CreateDate>")


def reproducible(pdf: bytes, source: bytes, stamp: str) -> bytes:
    """Replace LibreOffice's creation time, document id and checksum with values derived from
    the source; each replacement has the same length, so the xref offsets stay valid."""
    digest = hashlib.md5(source, usedforsecurity=False).hexdigest().upper().encode()
    date = re.sub(r"\D", "", stamp)[:14].ljust(14, "0").encode()
    pdf = _CREATION.sub(b"/CreationDate(D:" + date, pdf)
    pdf = _ID.sub(b"/ID [ <" + digest + b">\n<" + digest + b"> ]", pdf)
    d = date.decode()
    xmp = f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z".encode()

    def created(match: re.Match[bytes]) -> bytes:
        # Only a value of the same length: the xref offsets must stay valid.
        if len(match.group(1)) != len(xmp):
            return match.group(0)
        return b"<xmp:CreateDate>" + xmp + b"</xmp:CreateDate>"

    pdf = _XMP_CREATED.sub(created, pdf)
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
_ACCESSIBLE_OPTIONS = ["UseTaggedPDF=true", "PDFUACompliance=true"]
# unoserver's own start sleeps 7 s before it answers; a loaded machine takes longer.
_START_SECONDS = 90
# A conversion that takes longer than this ends the long-lived LibreOffice (a hung document);
# the next conversion starts a new one. Below the render activity's 180 s timeout.
_CONVERSION_SECONDS = 150


# The documents' templates ask for Calibri; LibreOffice on Linux needs a font with its metrics
# (Debian's fonts-crosextra-carlito), or lines and titles break elsewhere in the PDFs.
CALIBRI_METRICS = "Carlito"


def calibri_substitute() -> str | None:
    """The font fontconfig (and so LibreOffice) puts in Calibri's place, or None where
    fontconfig is missing."""
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{family[0]}", "Calibri"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return found.stdout.strip() or None


class PdfConverter:
    """One cold ``soffice`` per conversion."""

    def __init__(self, soffice: str) -> None:
        self.soffice = soffice

    @classmethod
    def find(cls, uno_python: str | None = None) -> PdfConverter | None:
        """The converter, or None where LibreOffice is not installed (documents stay DOCX):
        a long-lived LibreOffice where a Python with ``uno`` is found (or given)."""
        found = shutil.which("soffice") or shutil.which("libreoffice")
        if not found:
            return None
        python = uno_python or python_with_uno(found)
        return _long_lived(found, python) if python else cls(found)

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


@functools.cache
def python_with_uno(soffice: str) -> str | None:
    """A Python that imports LibreOffice's ``uno``: LibreOffice's own (its official builds
    bundle one) or the system's with Debian's python3-uno. Never this venv's: uno is not on
    PyPI."""
    program = Path(os.path.realpath(soffice)).parent
    for candidate in (program / "python", Path("/usr/bin/python3")):
        if not candidate.is_file():
            continue
        try:
            probe = subprocess.run(
                [str(candidate), "-c", "import uno"], capture_output=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return str(candidate)
    return None


_STARTED: list[LongLivedLibreOffice] = []


def stop_libreoffice() -> None:
    """End this process's long-lived LibreOffice, if it has one. A worker calls it on its way
    out: the CLI leaves with os._exit, which runs no atexit handler, and unoserver does not
    bring LibreOffice down reliably when only it is told to stop."""
    for converter in _STARTED:
        converter.stop()


@functools.cache
def _long_lived(soffice: str, python: str) -> LongLivedLibreOffice:
    """One per process, however many activity objects are built (a test builds one each)."""
    return LongLivedLibreOffice(soffice, python)


def _group_gone(group: int, seconds: float, reap: Callable[[], object]) -> bool:
    """Whether every process of ``group`` has exited within ``seconds`` (signal 0 probes;
    ``reap`` collects our own child, which would otherwise linger as a zombie of the group)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        reap()
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LongLivedLibreOffice(PdfConverter):
    """One LibreOffice for the life of the process, started on the first conversion, started
    again if it died; the cold conversion where it cannot start at all."""

    def __init__(self, soffice: str, python: str) -> None:
        super().__init__(soffice)
        self.python = python
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        self._port = 0
        self._unavailable = False
        # unoserver's client logs every call at INFO ("Connecting.", "Converting.").
        logging.getLogger("unoserver").setLevel(logging.WARNING)
        atexit.register(self.stop)
        _STARTED.append(self)

    def convert(self, data: bytes, filename: str, stamp: str) -> bytes:
        from unoserver.client import UnoClient

        export = _FILTERS.get(Path(filename).suffix.lower())
        # The server answers one conversion at a time: LibreOffice is single-threaded anyway.
        # The long-lived LibreOffice fails on a workbook sent as bytes (unoserver 2.x: "could
        # not load", with or without an import filter): KiAP's package preview sends its extract
        # template to a cold soffice, which reads it by its name.
        if export == _FILTERS[".xlsx"]:
            return super().convert(data, filename, stamp)
        port = self._running()
        if port is None:
            return super().convert(data, filename, stamp)
        try:
            pdf = UnoClient(port=str(port)).convert(
                indata=data,
                convert_to="pdf",
                filtername=export,
                filter_options=_ACCESSIBLE_OPTIONS if export else [],
            )
        except (OSError, xmlrpc.client.Error) as exc:
            # A document that hung or crashed it: start afresh next time, and let the
            # activity's retry convert it again.
            log.warning("libreoffice_conversion_failed", error=type(exc).__name__)
            self.stop()
            raise
        assert isinstance(pdf, bytes)
        return reproducible(pdf, data, stamp)

    def _running(self) -> int | None:
        """The server's port, started first if it is not running; None if it cannot start."""
        with self._lock:
            if self._unavailable:
                return None
            if self._process is not None and self._process.poll() is None:
                return self._port
            self._stop()
            try:
                self._start()
            except RuntimeError as exc:
                log.warning("libreoffice_server_unavailable", reason=str(exc))
                self._stop()
                self._unavailable = True
                return None
            return self._port

    def _start(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="klyngepakke-office-"))
        self._folder = folder
        (folder / "profile" / "user").mkdir(parents=True)
        (folder / "profile" / "user" / "registrymodifications.xcu").write_text(
            _DANISH_PROFILE, encoding="utf-8"
        )
        # The server runs under the Python with uno; it imports unoserver from this venv
        # (package and metadata only, not the venv's other packages).
        path = folder / "python"
        path.mkdir()
        dist = importlib.metadata.distribution("unoserver")
        for top in {file.parts[0] for file in dist.files or []} - {".."}:
            if not (path / top).exists():
                (path / top).symlink_to(Path(str(dist.locate_file(top))))
        self._port = _free_port()
        command = [
            self.python,
            "-m",
            "unoserver.server",
            "--port",
            str(self._port),
            "--uno-port",
            str(_free_port()),
            "--executable",
            self.soffice,
            "--user-installation",
            str(folder / "profile"),
            "--conversion-timeout",
            str(_CONVERSION_SECONDS),
            "--quiet",
        ]
        env = {**os.environ, "PYTHONPATH": str(path)}
        with (folder / "server.log").open("ab") as log_file:
            self._process = child(command, log_file, env, own_group=True)
        proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self._port}", allow_none=True)
        deadline = time.monotonic() + _START_SECONDS
        while True:
            try:
                proxy.info()
                log.info("libreoffice_server_started", pid=self._process.pid)
                return
            except OSError:
                pass
            if self._process.poll() is not None:
                raise RuntimeError(f"unoserver exited ({self._process.returncode})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"unoserver did not answer within {_START_SECONDS} s")
            time.sleep(0.2)

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        """End unoserver and its LibreOffice, also when one of them already died: the group
        they share, SIGTERM first (unoserver passes it on), then SIGKILL."""
        if self._process is not None:
            group = self._process.pid  # a session of its own: the group's id is its pid
            # oosplash leaves its exited soffice.bin a zombie of the group: a short SIGTERM grace.
            for sig, grace in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
                try:
                    os.killpg(group, sig)
                except ProcessLookupError:
                    break
                if _group_gone(group, grace, self._process.poll):
                    break
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
        self._process = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
