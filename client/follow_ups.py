"""The client's follow-up-meeting part: what the coordinator's page shows of the follow-up
meeting, a child of the order that outlives it (its id derived from the order's)."""

from __future__ import annotations

from client.calls import WorkflowCalls
from schemas.follow_up.meeting import FollowUpStatus, follow_up_id


class FollowUps:
    def __init__(self, calls: WorkflowCalls) -> None:
        self._calls = calls

    async def status_of(self, order_id: str) -> FollowUpStatus | None:
        """The order's follow-up meeting; None when it has none (or it has not started)."""
        return await self._calls.page_query(follow_up_id(order_id), "status", FollowUpStatus)
