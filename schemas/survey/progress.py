"""How far a survey round got, in counts only: what the order, its pages and the decks read."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RoundProgress(BaseModel):
    invited: int
    answered: int
    reminded: int
    closed: bool
    dispatched: bool
    undelivered: int = Field(
        default=0, description="Members whose invitation or reminder did not reach them"
    )

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None
