"""Personal survey links: a token names the round and the member and is signed with a
server secret (HMAC-SHA256, 160-bit tag), so the form needs no table of tokens and a token
cannot be guessed, forged or turned into another member's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

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

    def _tag(self, round_id: str, member: int) -> bytes:
        message = f"survey-link|{round_id}|{member}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()[:20]

    def sign(self, round_id: str, member: int) -> str:
        return f"{_b64(round_id.encode())}.{member}.{_b64(self._tag(round_id, member))}"

    def verify(self, token: str) -> tuple[str, int] | None:
        """(round id, member) for a genuine token; None for anything else, alike."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        try:
            round_id = _unb64(match.group(1)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        member = int(match.group(2))
        try:
            given = _unb64(match.group(3))
        except ValueError:
            return None
        if not hmac.compare_digest(given, self._tag(round_id, member)):
            return None
        return round_id, member

    def link(self, base_url: str, round_id: str, member: int) -> str:
        return f"{base_url.rstrip('/')}/s/{self.sign(round_id, member)}"
