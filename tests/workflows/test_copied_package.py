"""A package folder copied from attester-i-almen-praksis with other words (here: referrals
instead of certificates, 'HV' codes instead of 'LÆ') runs every stage – job centre, extract,
pre-meeting – and no mail or document it produces says a word of the old topic: every such
word lives in the folder, none in code."""

from __future__ import annotations

import io
import re
import shutil
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

from catalog import DEFAULT_DIR, Catalog
from klyngepakke import bootstrap
from schemas.order.commands import (
    ConsultationDone,
    MeetingRecord,
    PremeetingDone,
    PremeetingSchedule,
)
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from tests import factories
from tests.document_text import document_text, mail_text
from tests.workflows.harness import running

OLD = "attester-i-almen-praksis"
NEW = "henvisninger-i-almen-praksis"
OLD_TOPIC = re.compile(r"attest|LÆ[ -]?\d|LÆ-", re.IGNORECASE)
# The new topic's words, in every case the old ones are written.
WORDS = [
    (
        re.compile("attest", re.IGNORECASE),
        lambda m: "henvisning" if m[0][0] == "a" else "Henvisning",
    ),
    (re.compile("LÆ"), lambda m: "HV"),
]


def _reword(text: str) -> str:
    for pattern, replace in WORDS:
        text = pattern.sub(replace, text)
    return text


def _reword_docx(path: Path) -> None:
    """The Word template with the same words changed in its XML (each field in one run)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name.endswith(".xml"):
                data = _reword(data.decode("utf-8")).encode("utf-8")
            target.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def copy_with_other_words(root: Path) -> Path:
    folder = root / NEW
    shutil.copytree(DEFAULT_DIR / OLD, folder)
    for path in folder.rglob("*"):
        if path.suffix in (".yaml", ".j2"):
            path.write_text(_reword(path.read_text("utf-8")), "utf-8")
        elif path.suffix == ".docx":
            _reword_docx(path)
    return folder


def test_the_copy_loads_and_keeps_no_old_word(tmp_path):
    folder = copy_with_other_words(tmp_path)
    package = Catalog(tmp_path).package(NEW)
    assert package.extract is not None and package.extract.code("læ265") == "HV 265"
    for path in folder.rglob("*"):
        if path.suffix in (".yaml", ".j2"):
            assert not OLD_TOPIC.search(path.read_text("utf-8")), path


async def test_a_copied_package_with_other_words_says_none_of_the_old_topic(
    env, settings, sink, executor, tmp_path
):
    copy_with_other_words(tmp_path / "katalog")
    settings = settings.model_copy(update={"catalog_dir": tmp_path / "katalog"})
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now(), package=NEW)
        order_id = await h.start(order, order_id=f"kopi-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        # The job centre's own export still says 'LÆ 265': read as the package's 'HV 265'.
        accepted, receipt = await h.submit_extract(
            order_id, factories.extract_csv(), "udtraek.csv", "jobcenter (upload-side)"
        )
        assert accepted.version == 1
        assert {row.certificate_type for row in receipt.extract.rows} == {"HV 265", "HV 285"}
        status = await h.status(order_id)
        artifacts_due = next(s.due for s in status.steps if s.name == Step.ARTIFACTS)
        await h.sleep_until(artifacts_due)
        premeeting_at = artifacts_due + timedelta(days=2)
        await h.client.orders.premeeting_schedule(order_id, PremeetingSchedule(at=premeeting_at))
        await h.sleep_until(premeeting_at)
        await h.client.orders.premeeting_done(order_id, PremeetingDone())
        await h.sleep_until(order.meeting.start)
        await h.client.orders.meeting_record(
            order_id, MeetingRecord(minutes=factories.minutes(order.meeting.start.date()))
        )
        final = await h.finish(order_id)

    assert final.status == "completed"
    kinds = {a.kind for a in final.artifacts}
    assert {"partner_guide", "extract_template", "deck", "meeting_summary"} <= kinds
    mails = h.mails()
    assert {"partner_guide", "premeeting_scheduled", "invitation"} <= {
        m["X-Klyngepakke-Mail"] for m in mails
    }
    leaks = [
        (m["X-Klyngepakke-Mail"], found[0])
        for m in mails
        if (found := OLD_TOPIC.search(mail_text(m)))
    ]
    assert leaks == []
    store = bootstrap.artifact_store(settings)
    texts = {a.name: document_text(store.read(a)) for a in final.artifacts}
    leaked = {name: found[0] for name, text in texts.items() if (found := OLD_TOPIC.search(text))}
    assert leaked == {}
    # And the new words are there: the guide, the template's headings, the deck's chart.
    guide = next(t for n, t in texts.items() if n.startswith("drejebog") and n.endswith(".docx"))
    assert "henvisning" in guide.lower()
    deck = next(t for n, t in texts.items() if n.startswith("klyngemoede") and n.endswith("pptx"))
    assert "Henvisninger fra klyngens praksis" in deck and "HV 265" in deck
