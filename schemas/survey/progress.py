"""How far a survey round got, in counts only: what the order, its pages and the decks read."""

from __future__ import annotations

from pydantic import BaseModel


class RoundProgress(BaseModel):
    invited: int
    answered: int
    reminded: int
    closed: bool
    dispatched: bool

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None
