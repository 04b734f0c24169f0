"""The workers: the workflows and their activities registered on the task queues – the
workflow queue (workflows, mail, look-ups) and the render queue beside it (documents and
PDFs, workflows/render_queue.py). The composition root (klyngepakke/bootstrap.py) builds the
activities and the client from the settings; `klyngepakke worker` and `klyngepakke
render-worker` run these."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import structlog
from temporalio import activity
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.log_context import LogContext
from activities.pdf_conversion import stop_libreoffice
from workflows.cluster import ClusterWorkflow
from workflows.course import CourseWorkflow
from workflows.follow_up_meeting import FollowUpMeeting
from workflows.morning_overview import MorningOverviewWorkflow
from workflows.order import OrderWorkflow
from workflows.package_preview import PackagePreviewWorkflow
from workflows.sandbox import workflow_runner
from workflows.survey_round import SurveyRound

log = structlog.get_logger(__name__)
GRACEFUL_SHUTDOWN = timedelta(seconds=20)
WORKFLOWS = [
    OrderWorkflow,
    SurveyRound,
    FollowUpMeeting,
    CourseWorkflow,
    ClusterWorkflow,
    PackagePreviewWorkflow,
    MorningOverviewWorkflow,
]
# The activities served on the render queue (workflows/render_queue.py sends them there).
RENDER_ACTIVITIES = frozenset(
    {"render_documents", "render_course_program", "render_package_preview"}
)
WORKFLOW_THREADS = 8
# 999 ms: a histogram tells only "at most", and "at most 1000 ms" is not "under a second".
LATENCY_BUCKETS_MS = (25, 50, 100, 250, 500, 750, 900, 999, 1500, 2500, 5000, 10000, 30000, 100000)

Activities = list[Callable[..., Any]]


def by_queue(activities: Activities) -> tuple[Activities, Activities]:
    """The workflow queue's activities and the render queue's, by their registered names (a
    test's stand-in registers under the real activity's name)."""
    workflow_side: Activities = []
    render_side: Activities = []
    for fn in activities:
        # The SDK's own reading of @activity.defn: the name the worker registers it under.
        name = activity._Definition.must_from_callable(fn).name
        (render_side if name in RENDER_ACTIVITIES else workflow_side).append(fn)
    return workflow_side, render_side


def build_worker(
    client: Client, task_queue: str, activities: Activities, executor: ThreadPoolExecutor
) -> Worker:
    """The workflow queue's worker. It registers the renders too, for one reason: a render that
    the version before the render queue scheduled on this queue and had not run when it was
    deployed still runs (every render scheduled since goes to the render queue, which this
    worker does not poll)."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities,
        activity_executor=executor,
        workflow_runner=workflow_runner(),
        interceptors=[LogContext()],
        # The SDK's fixed pollers. Autoscaling ones (PollerBehaviorAutoscaling) shortened a
        # burst's waits, but after a quiet spell they answered the pages' queries so late that
        # the demo's members missed a survey open for seconds (docs/performance.md); 20 fixed
        # pollers instead of 5 changed nothing (the floor's burst of 100: p99 ≤ 2.5 s both).
        # A deploy stops a container with SIGTERM and kills it after its grace period (30 s in
        # docker-compose.yml): running activities get this long to finish before they are
        # cancelled and retried elsewhere.
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


def build_render_worker(
    client: Client,
    render_queue: str,
    activities: Activities,
    slots: int,
    executor: ThreadPoolExecutor,
) -> Worker:
    """The render queue's worker. Its slots equal its threads: with the SDK's default of 100
    slots against a few threads, queued renders missed their heartbeat and ran twice."""
    return Worker(
        client,
        task_queue=render_queue,
        activities=activities,
        activity_executor=executor,
        max_concurrent_activities=slots,
        interceptors=[LogContext()],
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


def metrics_runtime(port: int | None) -> Runtime | None:
    """The SDK's own metrics (task latencies, slots, sticky cache, …) for Prometheus."""
    if port is None:
        return None
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=f"0.0.0.0:{port}",
                # The SDK's buckets jump from 500 ms to 1 s to 5 s: too coarse to tell a
                # workflow task's wait against a goal of one second.
                histogram_bucket_overrides={
                    "temporal_workflow_task_schedule_to_start_latency": LATENCY_BUCKETS_MS
                },
            )
        )
    )


async def run(worker: Worker, stop: asyncio.Event | None = None) -> None:
    """Run ``worker`` until ``stop`` is set (or for ever); LibreOffice stops with it."""
    try:
        if stop is None:
            await worker.run()
        else:
            async with worker:
                await stop.wait()
    finally:
        stop_libreoffice()


async def run_until_told_to_stop(worker: Worker) -> None:
    """Run until SIGTERM (a deploy, `docker compose stop`) or SIGINT: then poll no more, let
    running activities finish and leave with exit code 0, rather than die mid-task."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run(worker, stop)
    log.info("worker_stopped", task_queue=worker.task_queue)
