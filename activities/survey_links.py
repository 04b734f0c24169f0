"""Signed links: a survey member's personal link and a job centre's upload link. A token
names its target (a round or an order) and a member number and is signed with a server
secret (HMAC-SHA256, 160-bit tag) under its purpose, so the web app needs no table of
tokens, and a token cannot be guessed, forged, turned into another member's or used as a
link of the other kind."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

SURVEY = "survey-link"
UPLOAD = "extract-upload"
MINUTES = "meeting-minutes"
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{1,200})\.(\d{1,4})\.([A-Za-z0-9_-]{27})$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the survey link secret must be at least 16 bytes")
        self._secret = secret

    def _tag(self, target: str, member: int, purpose: str) -> bytes:
        message = f"{purpose}|{target}|{member}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()[:20]

    def sign(self, target: str, member: int, purpose: str = SURVEY) -> str:
        return f"{_b64(target.encode())}.{member}.{_b64(self._tag(target, member, purpose))}"

    def verify(self, token: str, purpose: str = SURVEY) -> tuple[str, int] | None:
        """(target id, member) for a genuine token of ``purpose``; None for anything else,
        alike."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        try:
            target = _unb64(match.group(1)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        member = int(match.group(2))
        try:
            given = _unb64(match.group(3))
        except ValueError:
            return None
        if not hmac.compare_digest(given, self._tag(target, member, purpose)):
            return None
        return target, member

    def link(self, base_url: str, round_id: str, member: int) -> str:
        return f"{base_url.rstrip('/')}/s/{self.sign(round_id, member)}"

    def upload_link(self, base_url: str, order_id: str) -> str:
        """The job centre's link for uploading the order's data extract."""
        return f"{base_url.rstrip('/')}/u/{self.sign(order_id, 0, UPLOAD)}"

    def minutes_link(self, base_url: str, order_id: str) -> str:
        """The coordinator's link for recording the meeting's minutes."""
        return f"{base_url.rstrip('/')}/m/{self.sign(order_id, 0, MINUTES)}"
