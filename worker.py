"""The workers. ``klyngepakke worker`` runs the workflows, mail and look-ups on the workflow
queue; ``klyngepakke render-worker`` runs the renders (python-pptx, docxtpl, LibreOffice) on the
render queue beside it, with as many slots as threads: a render holds the GIL for seconds, and
in the workflow worker's process that made workflow tasks miss the SDK's 2-second deadlock
limit under a burst (README, Performance)."""

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

from activities.catalog_lookup import CatalogActivities
from activities.cluster_mail import ClusterMailActivities
from activities.course_mail import CourseMailActivities
from activities.extract_check import ExtractActivities
from activities.log_context import LogContext
from activities.mail import MailActivities
from activities.mail_delivery import Delivery
from activities.pdf_conversion import PdfConverter, stop_libreoffice
from activities.practice_labels import PracticeLabeller
from activities.rendering import RenderActivities
from activities.survey_results import aggregate_answers
from catalog import Catalog
from klyngepakke.settings import Settings
from schemas.links import LinkSigner
from workflows.cluster import ClusterWorkflow
from workflows.course import CourseWorkflow
from workflows.follow_up_meeting import FollowUpMeeting
from workflows.order import OrderWorkflow
from workflows.sandbox import workflow_runner
from workflows.survey_round import SurveyRound

log = structlog.get_logger(__name__)
GRACEFUL_SHUTDOWN = timedelta(seconds=20)
WORKFLOWS = [OrderWorkflow, SurveyRound, FollowUpMeeting, CourseWorkflow, ClusterWorkflow]
# The activities served on the render queue (workflows/render_queue.py sends them there).
RENDER_ACTIVITIES = frozenset({"render_documents", "render_course_program"})
WORKFLOW_THREADS = 8
# 999 ms: a histogram tells only "at most", and "at most 1000 ms" is not "under a second".
LATENCY_BUCKETS_MS = (25, 50, 100, 250, 500, 750, 900, 999, 1500, 2500, 5000, 10000, 30000, 100000)


def build_activities(
    settings: Settings, catalog: Catalog | None = None
) -> list[Callable[..., Any]]:
    """Every activity callable, their dependencies built from settings; `by_queue` tells
    which queue serves which."""
    catalog = catalog or settings.catalog()
    store = settings.artifact_store()
    labeller = PracticeLabeller(settings.link_secret())
    delivery = Delivery(settings.smtp, settings.outbox(), store)
    signer = LinkSigner(settings.link_secret())
    mail = MailActivities(delivery, catalog, signer, settings.links, labeller)
    extract = ExtractActivities(settings.upload_store(), store, labeller, catalog)
    lookup = CatalogActivities(catalog)
    return [
        mail.send_mail,
        CourseMailActivities(delivery, signer, settings.public_base_url, catalog).send_course_mail,
        extract.check_extract,
        *render_activities(settings),
        lookup.load_package,
        lookup.load_course,
        lookup.load_cluster_year,
        ClusterMailActivities(
            delivery, catalog, signer, settings.public_base_url
        ).send_cluster_mail,
        aggregate_answers,
    ]


def render_activities(settings: Settings) -> list[Callable[..., Any]]:
    """The render queue's activities alone: a render worker needs no sent-ledger or link
    secret; it reads the catalog, since a render names its package by reference."""
    render = RenderActivities(
        settings.artifact_store(), PdfConverter.find(settings.uno_python), settings.catalog()
    )
    return [render.render_documents, render.render_course_program]


def by_queue(
    activities: list[Callable[..., Any]],
) -> tuple[list[Callable[..., Any]], list[Callable[..., Any]]]:
    """The workflow queue's activities and the render queue's, by their registered names (a
    test's stand-in registers under the real activity's name)."""
    workflow_side: list[Callable[..., Any]] = []
    render_side: list[Callable[..., Any]] = []
    for fn in activities:
        # The SDK's own reading of @activity.defn: the name the worker registers it under.
        name = activity._Definition.must_from_callable(fn).name
        (render_side if name in RENDER_ACTIVITIES else workflow_side).append(fn)
    return workflow_side, render_side


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    """The workflow queue's worker. It registers the renders too, for one reason: a render that
    the version before the render queue scheduled on this queue and had not run when it was
    deployed still runs (every render scheduled since goes to the render queue, which this
    worker does not poll)."""
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        activities=build_activities(settings),
        activity_executor=executor,
        workflow_runner=workflow_runner(),
        interceptors=[LogContext()],
        # The SDK's fixed pollers. Autoscaling ones (PollerBehaviorAutoscaling) shortened a
        # burst's waits, but after a quiet spell they answered the pages' queries so late that
        # the demo's members missed a survey open for seconds (README, Performance); 20 fixed
        # pollers instead of 5 changed nothing (the floor's burst of 100: p99 ≤ 2.5 s both).
        # A deploy stops a container with SIGTERM and kills it after its grace period (30 s in
        # docker-compose.yml): running activities get this long to finish before they are
        # cancelled and retried elsewhere.
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


def build_render_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    """The render queue's worker. Its slots equal its threads: with the SDK's default of 100
    slots against a few threads, queued renders missed their heartbeat and ran twice."""
    return Worker(
        client,
        task_queue=settings.render_task_queue,
        activities=render_activities(settings),
        activity_executor=executor,
        max_concurrent_activities=settings.render_slots,
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


async def run_worker(
    settings: Settings, stop: asyncio.Event | None = None, render: bool = False
) -> None:
    """The workflow worker, or with ``render`` the render worker, until ``stop`` is set."""
    from klyngepakke.temporal_calls import connect

    client = await connect(settings, metrics_runtime(settings.metrics_port))
    threads = settings.render_slots if render else WORKFLOW_THREADS
    build = build_render_worker if render else build_worker
    queue = _queue(settings, render)
    try:
        with ThreadPoolExecutor(max_workers=threads) as executor:
            worker = build(client, settings, executor)
            log.info("worker_started", task_queue=queue, slots=threads if render else None)
            if stop is None:
                await worker.run()
            else:
                async with worker:
                    await stop.wait()
    finally:
        stop_libreoffice()


def main(render: bool = False) -> None:
    from klyngepakke.logs import configure_logging
    from klyngepakke.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(_until_told_to_stop(settings, render))


async def _until_told_to_stop(settings: Settings, render: bool) -> None:
    """Run until SIGTERM (a deploy, `docker compose stop`) or SIGINT: then poll no more, let
    running activities finish and leave with exit code 0, rather than die mid-task."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(settings, stop, render)
    log.info("worker_stopped", task_queue=_queue(settings, render))


def _queue(settings: Settings, render: bool) -> str:
    return settings.render_task_queue if render else settings.task_queue


if __name__ == "__main__":
    main()
