"""Signed links: a member's survey link, the job centre's upload link, the coordinator's page
and minutes, an agreement owner's "done" link, a teacher's course page. A token names its
target (a round, an order, a course) and a number (member, agreement, teacher) and is signed
with a server secret (HMAC-SHA256, 160-bit tag) under its purpose, so the web app needs no
table of tokens, and a token cannot be guessed, forged, turned into another's or used as a
link of another kind. Pure (no I/O): the mail activity makes the links, the web app checks
them.

A link also names the *run* it was made for (the workflow's first run id, which stays the same
through a reset or a continue-as-new): a cluster that cancels an order and orders again under
the same id gets new links, and the cancelled order's links say so and do nothing. Links made
before runs were named carry none and are taken as the current run's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta
from typing import NamedTuple

SURVEY = "survey-link"
UPLOAD = "extract-upload"
MINUTES = "meeting-minutes"
COORDINATOR = "coordinator-page"
AGREEMENT = "agreement-done"
COURSE = "course-teacher"
CLUSTER = "cluster-page"
_TOKEN = re.compile(
    r"^([A-Za-z0-9_-]{1,200})\.(\d{1,4})(?:\.([0-9a-f]{32}))?\.([A-Za-z0-9_-]{27})$"
)


# How long the coordinator's link serves after the order has ended (completed or cancelled):
# time to fetch the documents and the summary and to close the agreements; a follow-up
# meeting still ahead keeps it open. After that the link says it has expired.
COORDINATOR_LINK_AFTER_END = timedelta(days=90)


def run_tag(run: str) -> str:
    """A run id as a link carries it: the UUID's 32 hex digits."""
    return run.replace("-", "").lower()


class SignedLink(NamedTuple):
    target: str
    number: int
    run: str | None = None

    def of_run(self, run: str | None) -> bool:
        """Whether the link belongs to the workflow run ``run`` (a link without a run, made
        before links named theirs, belongs to whichever runs now)."""
        return self.run is None or run is None or self.run == run_tag(run)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the survey link secret must be at least 16 bytes")
        self._secret = secret

    def _tag(self, target: str, member: int, purpose: str, run: str | None) -> bytes:
        message = f"{purpose}|{target}|{member}" + (f"|{run}" if run else "")
        return hmac.new(self._secret, message.encode(), hashlib.sha256).digest()[:20]

    def sign(self, target: str, member: int, purpose: str = SURVEY, run: str | None = None) -> str:
        tag = run_tag(run) if run else None
        named = f".{tag}" if tag else ""
        signature = _b64(self._tag(target, member, purpose, tag))
        return f"{_b64(target.encode())}.{member}{named}.{signature}"

    def verify(self, token: str, purpose: str = SURVEY) -> SignedLink | None:
        """(target id, member, run) for a genuine token of ``purpose``; None for anything
        else, alike."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        try:
            target = _unb64(match.group(1)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        member, run = int(match.group(2)), match.group(3)
        try:
            given = _unb64(match.group(4))
        except ValueError:
            return None
        if not hmac.compare_digest(given, self._tag(target, member, purpose, run)):
            return None
        # One spelling only: '01', an Arabic-Indic digit, other padding bits of the tag or a
        # trailing newline would verify too, and each would count as a link of its own.
        if token != self.sign(target, member, purpose, run):
            return None
        return SignedLink(target, member, run)

    def link(self, base_url: str, round_id: str, member: int, run: str | None = None) -> str:
        return f"{base_url.rstrip('/')}/s/{self.sign(round_id, member, SURVEY, run)}"

    def upload_link(self, base_url: str, order_id: str, run: str | None = None) -> str:
        """The job centre's link for uploading the order's data extract."""
        return f"{base_url.rstrip('/')}/u/{self.sign(order_id, 0, UPLOAD, run)}"

    def minutes_link(self, base_url: str, order_id: str, run: str | None = None) -> str:
        """The coordinator's link for recording the meeting's minutes."""
        return f"{base_url.rstrip('/')}/m/{self.sign(order_id, 0, MINUTES, run)}"

    def coordinator_link(self, base_url: str, order_id: str, run: str | None = None) -> str:
        """The coordinator's own page of the order, in every mail to the coordinator."""
        return f"{base_url.rstrip('/')}/k/{self.sign(order_id, 0, COORDINATOR, run)}"

    def agreement_link(
        self, base_url: str, order_id: str, number: int, run: str | None = None
    ) -> str:
        """The link in an agreement's reminder that marks it done (after a confirmation)."""
        return f"{base_url.rstrip('/')}/a/{self.sign(order_id, number, AGREEMENT, run)}"

    def cluster_link(self, base_url: str, cluster_id: str, run: str | None = None) -> str:
        """The coordinator's page of the cluster: its members, its year, its payouts."""
        return f"{base_url.rstrip('/')}/kl/{self.sign(cluster_id, 0, CLUSTER, run)}"

    def course_link(
        self, base_url: str, course_id: str, teacher: int, run: str | None = None
    ) -> str:
        """A teacher's page of the course: the checklist and the notes during the course."""
        return f"{base_url.rstrip('/')}/c/{self.sign(course_id, teacher, COURSE, run)}"


PRIVACY_PATH = "/privatliv"


def privacy_notice(public_base_url: str) -> str:
    """The privacy notice's address (GDPR art. 13), linked from every mail and every page."""
    return public_base_url.rstrip("/") + PRIVACY_PATH
