"""The whole demo on the real stack (`klyngepakke dev` + `klyngepakke demo`), then a look at
what it left behind: the server's SQLite file holds no member's name, e-mail or provider
number in plain text, the logs hold no e-mail or provider number, and the codec endpoint the
UI uses turns the stored input back into the order."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import re
import signal
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from pptx import Presentation
from temporalio.api.common.v1 import Payloads
from temporalio.client import Client

from client.namespace_setup import history_retention
from klyngepakke.config import PROJECT_ROOT, Settings
from klyngepakke.demo.people import staff_login
from klyngepakke.dev.smtp_sink import SmtpSink
from klyngepakke.order_file import load_course_file, load_order
from tests.conftest import TEST_PAYLOAD_KEYS, free_port
from tests.mail_checks import mail_problems

EXAMPLES = PROJECT_ROOT / "examples"
CLI = str(Path(sys.executable).with_name("klyngepakke"))
pytestmark = pytest.mark.slow


def personal_data() -> dict[str, set[str]]:
    order = load_order(EXAMPLES / "order.yaml")
    course = load_course_file(EXAMPLES / "kursus.yaml")
    people = [
        *order.members,
        order.coordinator,
        order.municipality.jobcenter_contact,
        *course.teachers.model_dump().values(),
        *course.participants,
    ]
    found: dict[str, set[str]] = {"names": set(), "emails": set(), "ydernumre": set()}
    for person in people:
        data = person if isinstance(person, dict) else person.model_dump()
        if data.get("name"):
            found["names"].add(data["name"])
        found["emails"].add(data["email"])
    found["ydernumre"] = {m.ydernummer for m in order.members}
    return found


async def wait_for(path: Path, process: asyncio.subprocess.Process, seconds: float) -> None:
    for _ in range(int(seconds * 10)):
        if path.exists():
            return
        if process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    raise AssertionError(f"the stack did not start: {path.parent / 'dev.log'}")


async def test_the_demo_leaves_no_personal_data_at_rest_or_in_the_logs(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    grpc, web, codec = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "KLYNGEPAKKE_VAR_DIR": str(var),
        "KLYNGEPAKKE_TEMPORAL_ADDRESS": f"127.0.0.1:{grpc}",
        "KLYNGEPAKKE_UI_PORT": str(free_port()),
        "KLYNGEPAKKE_SMTP_PORT": str(free_port()),
        "KLYNGEPAKKE_WEB_PORT": str(web),
        "KLYNGEPAKKE_PUBLIC_BASE_URL": f"http://localhost:{web}",
        "KLYNGEPAKKE_CODEC_PORT": str(codec),
        "KLYNGEPAKKE_OIDC_DEV_PORT": str(free_port()),
        "KLYNGEPAKKE_PAYLOAD_KEYS": TEST_PAYLOAD_KEYS,
        "KLYNGEPAKKE_LOG_FORMAT": "json",
    }
    log = (var / "dev.log").open("wb")
    stack = await asyncio.create_subprocess_exec(
        CLI, "dev", env=env, stdout=log, stderr=asyncio.subprocess.STDOUT
    )
    try:
        await wait_for(var / "dev.ready", stack, seconds=90)
        demo = await asyncio.create_subprocess_exec(
            CLI,
            "demo",
            "--seconds-per-day",
            "0.4",
            "--json",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(demo.communicate(), timeout=600)
        assert demo.returncode == 0, err.decode()[-2000:]
        result = json.loads(out)
        order_id = result["order"]["id"]

        # Read the stored input as the server holds it, then as the UI shows it via the codec.
        raw = await Client.connect(f"127.0.0.1:{grpc}")
        # The dev server made the namespace with a day's retention; the stack set the project's.
        assert await history_retention(raw) == timedelta(days=Settings().history_retention_days)
        history = await raw.get_workflow_handle(order_id).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes.input
        stored = started.SerializeToString()
        member = load_order(EXAMPLES / "order.yaml").members[0]
        assert member.email.encode() not in stored
        async with httpx.AsyncClient() as anonymous:
            refused = await anonymous.post(
                f"http://localhost:{codec}/decode",
                content=json_format.MessageToJson(started),
                headers={"Content-Type": "application/json", "X-Namespace": "default"},
            )
        assert refused.status_code == 401, "the codec decrypts for KiAP's staff only"
        # Logged in on the workbench (the local provider's demo user), as operations are.
        staff = await staff_login(Settings(public_base_url=f"http://localhost:{web}"), "kiap-drift")
        assert staff is not None, "the demo staff user could not log in"
        try:
            decoded = await staff.post(
                f"http://localhost:{codec}/decode",
                content=json_format.MessageToJson(started),
                headers={"Content-Type": "application/json", "X-Namespace": "default"},
            )
        finally:
            await staff.aclose()
        assert decoded.status_code == 200
        payload = json_format.Parse(decoded.text, Payloads()).payloads[0]
        assert member.email in payload.data.decode()
        assert base64.b64encode(member.email.encode()) not in stored
    finally:
        if stack.returncode is None:
            stack.send_signal(signal.SIGTERM)
            await asyncio.wait_for(stack.wait(), timeout=60)
        log.close()

    at_rest = b"".join(p.read_bytes() for p in var.glob("temporal.sqlite*"))
    logs = "".join(
        (var / name).read_text(encoding="utf-8", errors="replace")
        for name in ("dev.log", "render-worker.log", "temporal-server.log")
    )
    data = personal_data()
    assert len(data["ydernumre"]) >= 4 and len(data["emails"]) >= 15
    leaks = [
        value
        for kind in ("names", "emails", "ydernumre")
        for value in sorted(data[kind])
        if value.encode() in at_rest
    ]
    assert leaks == [], "personal data in the server's database"
    logged = [
        value for kind in ("emails", "ydernumre") for value in sorted(data[kind]) if value in logs
    ]
    assert logged == [], "personal data in the logs"
    assert '"event": "mail_sent"' in logs  # the log is there and was written as JSON
    # The demo's documents came from the render worker's process, its PDFs from one LibreOffice.
    renders = (var / "render-worker.log").read_text(encoding="utf-8")
    assert '"event": "documents_rendered"' in renders and "libreoffice_server_started" in renders
    assert '"event": "documents_rendered"' not in (var / "dev.log").read_text(encoding="utf-8")

    # Every mail as its recipient got it: text and HTML, and nobody outside KiAP is asked to
    # run a command or write a file.
    messages = SmtpSink(var / "mail").messages()
    assert len(messages) > 80
    assert mail_problems(messages) == []

    # The members answered the follow-up meeting's second round from their new invitations:
    # the deck the coordinator got shows both rounds side by side.
    decks = [
        part
        for m in messages
        if m["X-Klyngepakke-Mail"] == "follow_up_deck"
        for part in m.iter_attachments()
        if part.get_filename() == "opfoelgningsmoede.pptx"
    ]
    assert decks, "the coordinator got no follow-up deck"
    deck = Presentation(io.BytesIO(decks[0].get_content()))
    texts = [s.shapes.title.text_frame.text + " " + _text_of(s) for s in deck.slides]
    since = next(t for t in texts if t.startswith("Siden sidst"))
    answered = re.search(r"2\. runde: (\d+) af (\d+) har svaret", since)
    assert answered and int(answered.group(1)) > 0, since
    rounds = [
        [series.name for series in shape.chart.plots[0].series]
        for s in deck.slides
        for shape in s.shapes
        if shape.has_chart
    ]
    # The demo seeded ten earlier demo clusters: the country stands beside both rounds, and
    # the deck says they are demo figures.
    questions = [names for names in rounds if "1. runde" in names]
    assert questions and all(
        names == ["1. runde", "2. runde", "Alle klynger"] for names in questions
    ), rounds
    assert "Alle klynger: 10 klynger, 60 svar (demotal)" in " ".join(texts)

    # The meeting's own deck: the cluster beside the country and its region.
    first = [
        part
        for m in messages
        if m["X-Klyngepakke-Mail"] == "artifacts_delivered"
        for part in m.iter_attachments()
        if part.get_filename() == "klyngemoede.pptx"
    ]
    assert first, "the coordinator got no meeting deck"
    meeting = Presentation(io.BytesIO(first[0].get_content()))
    charts = [
        [series.name for series in shape.chart.plots[0].series]
        for s in meeting.slides
        for shape in s.shapes
        if shape.has_chart and shape.chart.plots[0].series[0].name == "Klyngen"
    ]
    assert charts and all(names[:2] == ["Klyngen", "Alle klynger"] for names in charts), charts
    said = " ".join(_text_of(s) for s in meeting.slides)
    assert "demotal, ikke rigtige klynger" in said


def _text_of(slide: Any) -> str:
    return " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
