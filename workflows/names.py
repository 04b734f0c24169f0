"""The workflows' type names, which the client starts and queries them by: the client (and so
the web process) never imports a workflow class, and with it the activities it calls.

They are the names recorded in every history: never change one."""

from __future__ import annotations

ORDER = "OrderWorkflow"
SURVEY_ROUND = "SurveyRound"
FOLLOW_UP_MEETING = "FollowUpMeeting"
COURSE = "CourseWorkflow"
CLUSTER = "ClusterWorkflow"
PACKAGE_PREVIEW = "PackagePreviewWorkflow"
MORNING_OVERVIEW = "MorningOverviewWorkflow"
