"""Which practice is 'Praksis A': drawn per order with a server secret, so nobody who knows
the order id and the cluster's provider numbers can work the labels out, and stable for the
order and its follow-up meeting (which asks with the parent order's id)."""

from __future__ import annotations

import hashlib
import hmac

from schemas.order.extract import practice_labels


class PracticeLabeller:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key(self, order_id: str) -> str:
        return hmac.new(
            self._secret, f"practice-labels|{order_id}".encode(), hashlib.sha256
        ).hexdigest()

    def labels(self, order_id: str, practices: list[str]) -> dict[str, str]:
        """Provider number → 'Praksis X' for this order."""
        return practice_labels(self.key(order_id), practices)
