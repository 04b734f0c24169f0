"""A workflow's domain events and the state they fold to: what the workflow knows.

Every workflow holds one; it records an event and folds it in with the aggregate's pure
``apply``, and reads the state, never a flag beside it. Pure: no Temporal, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

S = TypeVar("S")
E = TypeVar("E")


class EventLog(Generic[S, E]):
    def __init__(self, apply: Callable[[S, E], S], initial: S) -> None:
        self._apply = apply
        self.events: list[E] = []
        self.state = initial

    def record(self, event: E) -> S:
        """Keep ``event`` and fold it in; the state after it."""
        self.events.append(event)
        self.state = self._apply(self.state, event)
        return self.state
