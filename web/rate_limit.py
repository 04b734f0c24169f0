"""Request limits for the public web app: per link token (a member resubmitting in a loop)
and per client address (someone trying links). The `limits` library keeps moving windows in
memory; each web process limits on its own, which is enough to make guessing pointless."""

from __future__ import annotations

import dataclasses
import math
import time

from limits import RateLimitItem, parse_many, storage, strategies

TOKEN_PREFIXES = ("/s/", "/u/", "/m/")


# The defaults of KLYNGEPAKKE_WEB_LIMIT_PER_TOKEN and _PER_ADDRESS (klyngepakke/config.py).
PER_TOKEN = "20/minute;120/hour"
PER_ADDRESS = "300/minute"


@dataclasses.dataclass(frozen=True)
class RateLimits:
    per_token: str = PER_TOKEN
    per_address: str = PER_ADDRESS


class RequestLimiter:
    def __init__(self, limits: RateLimits) -> None:
        self._per_token = parse_many(limits.per_token)
        self._per_address = parse_many(limits.per_address)
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def retry_after(self, address: str, path: str, method: str) -> int | None:
        """Seconds to wait, or None when the request may go ahead (and is counted)."""
        checks: list[tuple[RateLimitItem, tuple[str, ...]]] = [
            (item, ("address", address)) for item in self._per_address
        ]
        token = _token(path)
        if token is not None and method == "POST":
            checks += [(item, ("token", token)) for item in self._per_token]
        for item, key in checks:
            if not self._limiter.hit(item, *key):
                reset = self._limiter.get_window_stats(item, *key).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None


def _token(path: str) -> str | None:
    for prefix in TOKEN_PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) :].split("/", 1)[0] or None
    return None
