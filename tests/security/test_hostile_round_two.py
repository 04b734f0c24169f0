"""Hostile input, second round: spreadsheet bombs refused before they are read and with bounded
memory, a formula that cannot reach a document's workbook, bodies that lie about their length
refused on every app, one spelling per link, and a refused upload that leaves nothing."""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise
from schemas.shared.links import COORDINATOR, SURVEY, UPLOAD, LinkSigner
from schemas.shared.spreadsheet import FileTooLarge, neutral, xlsx_rows
from tests.renderers.test_documents import render, source
from tests.web.test_upload import FakeOrder, app_for, upload_link
from web.body_limit import BodyLimit
from web.forms import form_values

ROOT = Path(__file__).resolve().parents[2]


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Datatræk"
    sheet.append(["Ydernummer", "Attesttype (LÆ-kode)", "Modtagne attester"])
    sheet.append(["012345", "LÆ 265", 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite_sheet(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    source_zip = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source_zip.infolist():
            body = source_zip.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            target.writestr(part.filename, body)
    return out.getvalue()


def far_cell() -> bytes:
    """4 KB: no <dimension>, one cell at row 20,000,000."""
    far = b'<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite_sheet(
        _workbook(),
        lambda b: re.sub(rb"<dimension[^>]*/>", b"", b).replace(
            b"</sheetData>", far + b"</sheetData>"
        ),
    )


def whitespace() -> bytes:
    """~1 MB that inflates to ~1 GB of whitespace in the sheet's XML."""
    return _rewrite_sheet(
        _workbook(), lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b" " * 1_000_000_000)
    )


def ratio() -> bytes:
    """Under the inflated-size limit, but 500:1: no real sheet compresses like that."""
    return _rewrite_sheet(
        _workbook(), lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000)
    )


def wide_and_long() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for n in range(6000):
        sheet.append([n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("bomb", "limit"),
    [
        (far_cell, "mere end 5000 rækker"),
        (whitespace, "udpakket – højst 20 MB"),
        (ratio, "mere end 100 gange sin størrelse"),
        (wide_and_long, "mere end 5000 rækker"),
    ],
)
def test_a_spreadsheet_bomb_is_refused_naming_the_limit(bomb, limit, tmp_path):  # type: ignore[no-untyped-def]
    data = bomb()
    with pytest.raises(FileTooLarge) as refused:
        xlsx_rows(data, "fil")
    assert limit in refused.value.message
    # Memory, measured in a process of its own: the refusal costs less than 100 MB.
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    probe = (
        "import resource, sys\n"
        "from schemas.shared.spreadsheet import xlsx_rows, FileTooLarge\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    xlsx_rows(data, 'fil')\nexcept FileTooLarge:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    grown_kb = subprocess.run(
        [sys.executable, "-c", probe, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert int(grown_kb) < 100 * 1024


def test_a_bomb_on_the_upload_page_is_refused_and_nothing_is_kept(tmp_path):
    order = FakeOrder(tmp_path)
    client = app_for(order)
    sent = client.post(
        upload_link(),
        files={"fil": ("udtraek.xlsx", far_cell(), "application/octet-stream")},
    )
    assert sent.status_code == 422
    assert "mere end 5000 rækker" in sent.text
    folder = order.uploads.root / "attester--klynge-aalborg-oest--2027-03-03"
    kept = [p.name for p in folder.iterdir()] if folder.exists() else []
    assert [n for n in kept if n != "manifest.json"] == [], "the refused file stays"
    if (folder / "manifest.json").exists():
        assert json.loads((folder / "manifest.json").read_text()) == []


def test_a_formula_in_an_extract_stays_text_in_the_decks_chart_workbook():
    src = source()
    practices = src.order.practices
    hostile = '=HYPERLINK("http://evil.example","x")'
    extract = anonymise(
        JobcenterExtract(
            rows=[ExtractRow(ydernummer=practices[0], certificate_type=hostile, received=3)]
        ),
        "o-1",
        practices,
    )
    deck = zipfile.ZipFile(io.BytesIO(render("deck", source(extract=extract))))
    workbooks = [n for n in deck.namelist() if n.startswith("ppt/embeddings/")]
    assert workbooks
    found = False
    for name in workbooks:
        book = zipfile.ZipFile(io.BytesIO(deck.read(name)))
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in book.read(n) for n in sheets), f"a formula in {name}"
        if "xl/sharedStrings.xml" in book.namelist():
            found |= "HYPERLINK" in book.read("xl/sharedStrings.xml").decode()
    assert found, "the certificate type is kept, as text"
    assert neutral(hostile) == "'" + hostile and neutral("LÆ 265") == "LÆ 265"


async def _asgi(app, headers: list[tuple[bytes, bytes]], chunks: list[bytes], path="/decode"):  # type: ignore[no-untyped-def]
    """A request sent straight to the ASGI app, its body in ``chunks``; (status, bytes read)."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": headers,
        "query_string": b"",
        "http_version": "1.1",
        "scheme": "http",
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    read = 0
    answered: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if not pending:
            await asyncio.sleep(3600)
        message = pending.pop(0)
        read += len(message["body"])
        return message

    async def send(message: dict) -> None:
        answered.append(message)

    await app(scope, receive, send)
    return answered[0]["status"], read


async def _echo(scope, receive, send):  # type: ignore[no-untyped-def]
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_a_body_that_lies_about_its_length_is_cut_off_at_the_limit():
    app = BodyLimit(_echo, limit=lambda _p: 1024)
    both = [(b"content-length", b"4"), (b"transfer-encoding", b"chunked")]
    assert (await _asgi(app, both, [b"x" * 10]))[0] == 400
    # Chunked without a length: counted as it arrives, refused at the first chunk past 1 KB.
    chunked = [(b"transfer-encoding", b"chunked")]
    status, read = await _asgi(app, chunked, [b"x" * 512] * 100)
    assert status == 413 and read <= 1024 + 512
    assert (await _asgi(app, chunked, [b"x" * 512]))[0] == 200


async def test_the_codec_endpoint_counts_a_chunked_body_too():
    from client.payload_codec import EncryptionCodec, PayloadKeys
    from web.codec import MAX_BODY, create_codec_app

    app = create_codec_app(EncryptionCodec(PayloadKeys.generate()), "default", [])
    chunked = [(b"transfer-encoding", b"chunked"), (b"content-type", b"application/json")]
    status, read = await _asgi(app, chunked, [b" " * (1024 * 1024)] * 50)
    assert status == 413 and read <= MAX_BODY + 1024 * 1024


def test_a_link_has_exactly_one_spelling():
    signer = LinkSigner(b"a test secret of enough length!!")
    for purpose in (SURVEY, UPLOAD, COORDINATOR):
        token = signer.sign("round-1", 1, purpose)
        target, member, tag = token.split(".")
        spellings = [
            f"{target}.01.{tag}",
            f"{target}.0001.{tag}",
            f"{target}.\u0661.{tag}",  # ARABIC-INDIC DIGIT ONE
            f"{token}\n",
            f"{target}.{member}.{tag[:-1]}{'B' if tag[-1] != 'B' else 'C'}",  # the unused bits
        ]
        assert signer.verify(token, purpose) == ("round-1", 1, None)
        for other in spellings:
            assert signer.verify(other, purpose) is None, repr(other)


_SIGNER = LinkSigner(b"a test secret of enough length!!")
_TOKEN = _SIGNER.sign("round-1", 3, SURVEY)


@given(
    position=st.integers(min_value=0, max_value=len(_TOKEN)),
    cut=st.integers(min_value=0, max_value=3),
    insert=st.text(max_size=3),
)
@settings(max_examples=300, deadline=None)
def test_any_other_spelling_of_a_link_is_not_that_link(position, cut, insert):
    """The spellings found by hand above, and every other edit of a genuine token."""
    other = _TOKEN[:position] + insert + _TOKEN[position + cut :]
    assume(other != _TOKEN)
    assert _SIGNER.verify(other, SURVEY) is None, repr(other)


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_no_text_we_write_into_a_cell_starts_a_formula(text):
    written = neutral(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert written.removeprefix("'") == text or written == text


def test_forwarded_addresses_are_believed_only_from_a_named_proxy():
    from klyngepakke.bootstrap import web_server as server
    from klyngepakke.config import Settings

    assert server(Settings()).config.proxy_headers is False
    behind = server(Settings(trusted_proxies="10.0.0.5"))
    assert behind.config.proxy_headers is True
    assert behind.config.forwarded_allow_ips == ["10.0.0.5"]


async def test_the_pages_count_a_chunked_body_too(tmp_path):
    from web.guard import MAX_UPLOAD_BODY

    app = app_for(FakeOrder(tmp_path)).app
    chunked = [
        (b"transfer-encoding", b"chunked"),
        (b"content-type", b"multipart/form-data; boundary=x"),
    ]
    status, read = await _asgi(app, chunked, [b"x" * (1024 * 1024)] * 20, path=upload_link())
    assert status in (411, 413) and read <= MAX_UPLOAD_BODY + 1024 * 1024
    both = [(b"content-length", b"4"), (b"transfer-encoding", b"chunked")]
    assert (await _asgi(app, both, [b"x" * 10], path=upload_link()))[0] == 400


def test_control_characters_never_reach_an_order_from_a_form():
    app = FastAPI()

    @app.post("/f")
    async def echo(request: Request) -> dict[str, str]:
        values, _, _ = await form_values(request)
        return values

    sent = TestClient(app).post(
        "/f", data={"svar": "Godt\x00 sam\x0barbejde\x1b[31m\r\nNy linje\t!"}
    )
    assert sent.json() == {"svar": "Godt samarbejde[31m\r\nNy linje\t!"}


def test_https_pages_ask_for_https_only_and_a_wrong_method_says_which_is_right(tmp_path):
    from tests.web.fakes import fake_backend
    from web.app import create_app
    from web.config import WebConfig

    signer = LinkSigner(b"a test secret of enough length!!")

    def client(base: str) -> TestClient:
        config = WebConfig(signer=signer, public_base_url=base)
        return TestClient(create_app(fake_backend(), signer, config=config))

    secure = client("https://klynger.kiap.dk").get("/healthz")
    assert secure.headers["strict-transport-security"].startswith("max-age=")
    assert (
        "strict-transport-security" not in client("http://localhost:8000").get("/healthz").headers
    )
    wrong = client("http://localhost:8000").post("/healthz", data={"x": "1"})
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET"


async def test_a_request_the_server_cannot_parse_gets_the_security_headers_too():
    """uvicorn answers a malformed request itself, before any app: as guarded as a page."""
    from tests.conftest import free_port
    from web.server import serve as _serve

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        raise AssertionError("a request nobody can parse never reaches the app")

    port = free_port()
    server = _serve(app, "127.0.0.1", port)  # type: ignore[arg-type]
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        answer = (await reader.read()).decode()
        writer.close()
    finally:
        server.should_exit = True
        await serving
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 400")
    assert "x-content-type-options: nosniff" in head.lower()
    assert "content-security-policy: default-src 'none'" in head.lower()
    assert "ugyldig HTTP" in body


def test_the_dev_stacks_servers_die_with_it():
    """A SIGKILL of `klyngepakke dev` leaves no Temporal server (or provider) holding ports."""
    import os
    import signal

    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from activities.child_process import child\n"
            "started = child(['sleep', '300'], None)\n"
            "print(started.pid, flush=True)\n"
            "time.sleep(300)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)

    def gone() -> bool:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return True
        # Dead but not yet reaped by init shows as a zombie: gone all the same.
        with open(f"/proc/{child}/stat") as stat:
            return stat.read().split()[2] == "Z"

    from tests.eventually import eventually_sync

    eventually_sync("the child dying with the stack", gone, timeout=30)
