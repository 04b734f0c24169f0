"""The client the CLI, the web app and the demo hold: one part per resource, composed (not
inherited) over the calls they share. Nothing else in the project talks to Temporal."""

from __future__ import annotations

from datetime import datetime

from temporalio.client import Client

from client.calls import ClientConfig, Clock, WorkflowCalls, wall_clock
from client.clusters import Clusters
from client.courses import Courses
from client.follow_ups import FollowUps
from client.orders import Orders
from client.packages import Packages
from client.schedules import Schedules
from client.survey_rounds import SurveyRounds


class KlyngepakkeClient:
    def __init__(self, client: Client, config: ClientConfig, clock: Clock = wall_clock) -> None:
        self.temporal = client
        self.config = config
        self._calls = WorkflowCalls(client, clock)
        self.surveys = SurveyRounds(self._calls)
        self.follow_ups = FollowUps(self._calls)
        self.orders = Orders(self._calls, config, self.surveys, self.follow_ups)
        self.courses = Courses(self._calls, config)
        self.clusters = Clusters(self._calls, config)
        self.packages = Packages(self._calls, config)
        self.schedules = Schedules(self._calls, config)

    async def clock(self) -> datetime:
        """Now, as the workflows' clock has it (the time-skipping server's in tests)."""
        return await self._calls.clock()

    async def raise_if_died(self, workflow_id: str) -> None:
        """WorkflowDied, with the decoded failure, for any workflow that ended badly."""
        await self._calls.raise_if_died(workflow_id)
