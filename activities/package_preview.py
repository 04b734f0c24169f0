"""KiAP's package preview, rendered on the render queue: every mail of the package as its
recipient sees it (HTML) and every document it sends as its file and PNG pages, for the sample
order in each variant (schemas/views/package_preview.py). A variant after the first keeps only
what differs from the first. The manifest and the files go into the artifact store under the
package's content; the workbench only reads them."""

from __future__ import annotations

import hashlib
import secrets
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from temporalio import activity

import renderers
from activities.heartbeat import heartbeating
from activities.mail import Links, MailComposer, MailContext, MailRequest
from activities.pdf_conversion import PdfConverter
from activities.practice_labels import PracticeLabeller
from catalog import Catalog
from schemas.follow_up.meeting import follow_up_plan
from schemas.order.agreements import AgreementState, AgreementView
from schemas.order.documents import DocumentSource
from schemas.order.events import ConsultationCompleted
from schemas.order.request import ContactBy, MeetingMode, OrderRequest
from schemas.order.steps import Step
from schemas.order.timeline import Timeline, plan
from schemas.package.model import Package
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.links import LinkSigner
from schemas.shared.people import Person
from schemas.views.package_preview import (
    MANIFEST_KIND,
    PackagePreview,
    PreviewItem,
    PreviewRequest,
    PreviewSample,
    PreviewVariant,
    preview_owner,
    preview_variants,
)
from storage.artifact_store import ArtifactStore

log = structlog.get_logger(__name__)

# Who gets each mail (the first recipient: the salutation and the coordinator's own links
# follow from it), as the workflows send them; every other mail goes to the coordinator.
MEMBER_MAILS = frozenset(
    {
        "invitation",
        "practice_label",
        "survey_invitation",
        "survey_member_reminder",
        "follow_up_invitation",
        "agreement_reminder",
    }
)
PARTNER_MAILS = frozenset({"partner_guide", "extract_reminder", "follow_up_extract_request"})
CONSULTANT_MAILS = frozenset(
    {
        "consultant_task",
        "consultation_escalation",
        "late_order_request",
        "render_failed",
        "child_failed",
    }
)
# The follow-up meeting's own mails: its order is the first one moved to the follow-up's date.
FOLLOW_UP_MAILS = frozenset(
    {"follow_up_started", "follow_up_invitation", "follow_up_deck", "follow_up_extract_request"}
)
FOLLOW_UP_DOCUMENTS = frozenset({"comparison_deck"})
# A document's pages as pictures: enough to read a slide's words on the page.
PNG_DPI = 60
# The mails with a member's personal survey link.
SURVEY_MAILS = frozenset({"survey_invitation", "survey_member_reminder"})
# What the sample says where a mail tells of something that went wrong (a preview only).
SAMPLE_PROBLEM = "Eksempel i forhåndsvisningen: her står, hvad der gik galt."
SAMPLE_REASON = "Eksempel i forhåndsvisningen: her står begrundelsen."


def documents_sent(package: Package) -> list[str]:
    """Every document an order of the package sends, in the order it is sent."""
    kinds: list[str] = []
    if package.process.partner:
        kinds.append("partner_guide")
    if package.process.extract:
        kinds.append("extract_template")
    kinds += package.meeting_documents + package.after_meeting_documents
    kinds.append("comparison_deck")  # the follow-up meeting's deck
    return list(dict.fromkeys(kinds))


def _ordered(sample: PreviewSample, variant: PreviewVariant) -> OrderRequest:
    order = sample.order
    # The demo's room is a physical meeting's place; a virtual one has its link from the
    # coordinator, which the sample does not invent.
    location = order.meeting.location if variant.mode == MeetingMode.PHYSICAL else None
    return order.model_copy(
        update={
            "meeting": order.meeting.model_copy(
                update={
                    "mode": variant.mode,
                    "program_variant": variant.program,
                    "location": location,
                }
            ),
            "cluster": order.cluster.model_copy(update={"region": variant.region}),
        }
    )


class PreviewActivities:
    def __init__(
        self,
        store: ArtifactStore,
        catalog: Catalog,
        pdf: PdfConverter | None = None,
        links: Links | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.pdf = pdf
        # Links in the preview's mails look as real ones do, signed with a key no page knows:
        # they lead to "ukendt link", never into an order.
        key = secrets.token_bytes(32)
        self.composer = MailComposer(catalog, LinkSigner(key), links, PracticeLabeller(key))

    @activity.defn(name="render_package_preview")
    def render_package_preview(self, request: PreviewRequest) -> ArtifactRef:
        with heartbeating():
            return self._render(request)

    def _render(self, request: PreviewRequest) -> ArtifactRef:
        package = self.catalog.package(request.package_id)
        digest = self.catalog.content_sha256(package.id)
        owner = preview_owner(package.id, digest)
        sample = request.sample
        variants = preview_variants(package, sample.order.cluster.region)
        seen: dict[tuple[str, str, str], str] = {}
        items: list[PreviewItem] = []
        for variant in variants:
            order = _ordered(sample, variant)
            for name in self.catalog.mail_templates(package.id).names:
                item, sha = self._mail(owner, variant, sample, order, name)
                if self._differs(seen, variant, ("mail", name), sha):
                    items.append(item)
            source = self._source(owner, package, sample, order)
            follow_up = self._source(owner, package, sample, _follow_up(order, sample))
            for kind in documents_sent(package):
                # The follow-up meeting's deck is its own order's: dated the follow-up meeting.
                shown = follow_up if kind in FOLLOW_UP_DOCUMENTS else source
                document = self._document(owner, variant, shown, kind, seen)
                if document is not None:
                    items.append(document)
        manifest = PackagePreview(
            package_id=package.id,
            package_title=package.title,
            package_sha256=digest,
            rendered_at=datetime.now(UTC),
            sample_cluster=sample.order.cluster.name,
            variants=variants,
            items=items,
        )
        ref = self.store.put(
            owner,
            MANIFEST_KIND,
            "forhaandsvisning.json",
            "application/json",
            manifest.model_dump_json(indent=1).encode("utf-8"),
        )
        log.info("package_preview_rendered", package=package.id, items=len(items))
        return ref

    @staticmethod
    def _differs(
        seen: dict[tuple[str, str, str], str],
        variant: PreviewVariant,
        key: tuple[str, str],
        sha: str,
    ) -> bool:
        """Whether ``variant`` shows the mail or document: the first variant shows all; another
        what reads otherwise than in the variant it is compared to."""
        seen[(variant.id, *key)] = sha
        if variant.compare_to is None:
            return True
        return seen.get((variant.compare_to, *key)) != sha

    def _recipient(self, order: OrderRequest, name: str) -> tuple[Person, str]:
        if name in MEMBER_MAILS:
            return order.members[0], "et medlem af klyngen"
        if name in PARTNER_MAILS and order.municipality is not None:
            return order.municipality.jobcenter_contact, "jobcenterets kontaktperson"
        if name in CONSULTANT_MAILS:
            return order.consultant or order.coordinator, "KiAP-konsulenten"
        return order.coordinator, "klyngens koordinator"

    def _mail(
        self,
        owner: str,
        variant: PreviewVariant,
        sample: PreviewSample,
        order: OrderRequest,
        name: str,
    ) -> tuple[PreviewItem, str]:
        minutes = sample.minutes
        first_meeting = order.meeting.start
        if name in FOLLOW_UP_MAILS:
            order = _follow_up(order, sample)
        follow_up_at = _follow_up(order, sample).meeting.start
        person, role = self._recipient(order, name)
        meeting = order.meeting.start
        timeline = plan(order, sample.planned_at)
        first = minutes.agreements[0] if minutes.agreements else None
        context = MailContext(
            order_id=owner,
            order=order,
            order_run=owner,
            timeline=timeline,
            consultation=ConsultationCompleted(
                at=sample.planned_at, contact_by=ContactBy.KIAP, mode=order.meeting.mode
            ),
            minutes=minutes,
            premeeting_at=_premeeting(timeline),
            survey_respondents=sample.survey_results.respondents,
            extract_received=sample.extract is not None,
            reason=SAMPLE_REASON,
            previous_meeting=meeting - timedelta(weeks=1),
            delivery=1,
            survey_close=timeline.due.get(Step.SURVEY),
            follow_up=follow_up_plan(
                follow_up_at,
                first_meeting + timedelta(days=1),
                repeat_survey=True,
                new_extract=True,
            ),
            first_meeting=first_meeting,
            agreement=AgreementView(
                number=1,
                text=first.text,
                owner=first.owner,
                due=first.due,
                state=AgreementState.OPEN,
            )
            if first is not None
            else None,
            reminder="week_before",
            problem=SAMPLE_PROBLEM,
        )
        request = MailRequest(
            mail=name,
            key=f"preview-{name}",
            recipients=[person],
            context=context,
            upload_to=owner if name in PARTNER_MAILS else None,
            upload_run=owner,
            minutes_link=True,
            survey_round=owner if name in SURVEY_MAILS else None,
            survey_round_run=owner,
            survey_members=[0],
            practice_labels=name == "practice_label",
        )
        try:
            body = self.composer.render(request, [person])
        except Exception as exc:  # a template the package ships: shown, not fatal
            problem = f"Mailen kunne ikke dannes: {exc}"
            return PreviewItem(
                variant=variant.id,
                kind="mail",
                name=name,
                title=name,
                recipient=role,
                problem=problem,
            ), hashlib.sha256(problem.encode()).hexdigest()
        html = body.html.encode("utf-8")
        sha = hashlib.sha256(html).hexdigest()
        ref = self.store.put(
            owner, f"mail:{variant.id}:{name}", f"{variant.id}-{name}.html", "text/html", html
        )
        return PreviewItem(
            variant=variant.id,
            kind="mail",
            name=name,
            title=body.subject,
            recipient=role,
            html=ref,
        ), sha

    def _source(
        self, owner: str, package: Package, sample: PreviewSample, order: OrderRequest
    ) -> DocumentSource:
        minutes = sample.minutes
        timeline = plan(order, sample.planned_at)
        return DocumentSource(
            order_id=owner,
            order=order,
            consultant=sample.consultant,
            package=package,
            templates=self.catalog.documents(package.id),
            timeline=timeline,
            consultation=ConsultationCompleted(
                at=sample.planned_at, contact_by=ContactBy.KIAP, mode=order.meeting.mode
            ),
            survey_results=sample.survey_results,
            premeeting_at=_premeeting(timeline),
            minutes=minutes,
            extract=sample.extract,
            first_round=sample.survey_results,
            first_round_invited=len(order.members),
            second_round_invited=len(order.members),
            first_extract=sample.extract,
            agreements=[
                AgreementView(
                    number=n, text=a.text, owner=a.owner, due=a.due, state=AgreementState.OPEN
                )
                for n, a in enumerate(minutes.agreements, start=1)
            ],
        )

    def _document(
        self,
        owner: str,
        variant: PreviewVariant,
        source: DocumentSource,
        kind: str,
        seen: dict[tuple[str, str, str], str],
    ) -> PreviewItem | None:
        try:
            renderer = renderers.get(kind)
            document = renderer.render(renderer.context(source))
        except Exception as exc:  # a package's document: shown with its reason
            problem = f"Dokumentet kunne ikke dannes: {exc}"
            sha = hashlib.sha256(problem.encode()).hexdigest()
            if not self._differs(seen, variant, ("document", kind), sha):
                return None
            return PreviewItem(
                variant=variant.id, kind="document", name=kind, title=kind, problem=problem
            )
        sha = hashlib.sha256(document.content).hexdigest()
        if not self._differs(seen, variant, ("document", kind), sha):
            return None
        prefix = f"{variant.id}-"
        file = self.store.put(
            owner,
            f"file:{variant.id}:{kind}",
            prefix + document.filename,
            document.media_type,
            document.content,
        )
        item = PreviewItem(
            variant=variant.id, kind="document", name=kind, title=document.filename, file=file
        )
        if self.pdf is None:
            item.problem = "LibreOffice findes ikke på render-workeren: kun filen, ingen sider."
            return item
        activity.heartbeat()
        pdf = self.pdf.convert(document.content, document.filename, "2000-01-01T00:00:00Z")
        stem = prefix + document.filename.rsplit(".", 1)[0]
        for number, png in enumerate(pdf_pages(pdf), start=1):
            item.pages.append(
                self.store.put(
                    owner,
                    f"page:{variant.id}:{kind}:{number}",
                    f"{stem}-side-{number}.png",
                    "image/png",
                    png,
                )
            )
        return item


def pdf_pages(pdf: bytes, dpi: int = PNG_DPI) -> list[bytes]:
    """A PDF's pages as PNG (poppler's pdftoppm, installed beside LibreOffice)."""
    with tempfile.TemporaryDirectory(prefix="klyngepakke-preview-") as tmp:
        folder = Path(tmp)
        (folder / "in.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(folder / "in.pdf"), str(folder / "side")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return [page.read_bytes() for page in sorted(folder.glob("side-*.png"), key=_page_number)]


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])


def _premeeting(timeline: Timeline) -> datetime:
    """The pre-meeting as a coordinator would set it: on the day it is due, after the deck."""
    return timeline.due.get(Step.PREMEETING) or timeline.meeting - timedelta(weeks=1)


def _follow_up(order: OrderRequest, sample: PreviewSample) -> OrderRequest:
    """The follow-up meeting's order: the first one moved to the date the minutes chose."""
    first = order.meeting.start
    at = sample.minutes.follow_up.follow_up_meeting or first + timedelta(weeks=8)
    if at <= first:  # already the follow-up's own order
        return order
    return order.model_copy(update={"meeting": order.meeting.model_copy(update={"start": at})})
