"""The worker: registers the workflows and activities on the task queue and runs them."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.catalog_lookup import CatalogActivities
from activities.course_mail import CourseMailActivities
from activities.extract_check import ExtractActivities
from activities.log_context import LogContext
from activities.mail import MailActivities
from activities.mail_delivery import Delivery
from activities.pdf_conversion import PdfConverter
from activities.practice_labels import PracticeLabeller
from activities.rendering import RenderActivities
from activities.sent_ledger import SentLedger
from activities.survey_results import aggregate_answers
from catalog import Catalog
from klyngepakke.settings import Settings
from schemas.links import LinkSigner
from storage.artifact_store import ArtifactStore
from workflows.course import CourseWorkflow
from workflows.follow_up_meeting import FollowUpMeeting
from workflows.order import OrderWorkflow
from workflows.sandbox import workflow_runner
from workflows.survey_round import SurveyRound

log = structlog.get_logger(__name__)
GRACEFUL_SHUTDOWN = timedelta(seconds=20)
WORKFLOWS = [OrderWorkflow, SurveyRound, FollowUpMeeting, CourseWorkflow]


def build_activities(
    settings: Settings, catalog: Catalog | None = None
) -> list[Callable[..., Any]]:
    """The activity callables, their dependencies built from settings."""
    catalog = catalog or Catalog()
    store = ArtifactStore(settings.artifact_dir)
    labeller = PracticeLabeller(settings.link_secret())
    delivery = Delivery(settings.smtp, SentLedger(settings.var_dir / "sent-mail.sqlite"), store)
    signer = LinkSigner(settings.link_secret())
    mail = MailActivities(delivery, catalog, signer, settings.links, labeller)
    extract = ExtractActivities(ArtifactStore(settings.upload_dir), store, labeller)
    render = RenderActivities(store, PdfConverter.find())
    lookup = CatalogActivities(catalog)
    return [
        mail.send_mail,
        CourseMailActivities(delivery, signer, settings.public_base_url).send_course_mail,
        extract.check_extract,
        render.render_documents,
        render.render_course_program,
        lookup.load_package,
        lookup.load_course,
        aggregate_answers,
    ]


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        activities=build_activities(settings),
        activity_executor=executor,
        workflow_runner=workflow_runner(),
        interceptors=[LogContext()],
        # A deploy stops a container with SIGTERM and kills it after its grace period (30 s in
        # docker-compose.yml): running activities get this long to finish before they are
        # cancelled and retried elsewhere.
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


def metrics_runtime(port: int | None) -> Runtime | None:
    """The SDK's own metrics (task latencies, slots, sticky cache, …) for Prometheus."""
    if port is None:
        return None
    return Runtime(
        telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=f"0.0.0.0:{port}"))
    )


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    from klyngepakke.client import connect

    client = await connect(settings, metrics_runtime(settings.metrics_port))
    with ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, settings, executor)
        log.info("worker_started", task_queue=settings.task_queue)
        if stop is None:
            await worker.run()
        else:
            async with worker:
                await stop.wait()


def main() -> None:
    from klyngepakke.logs import configure_logging
    from klyngepakke.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(_until_told_to_stop(settings))


async def _until_told_to_stop(settings: Settings) -> None:
    """Run until SIGTERM (a deploy, `docker compose stop`) or SIGINT: then poll no more, let
    running activities finish and leave with exit code 0, rather than die mid-task."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(settings, stop)
    log.info("worker_stopped", task_queue=settings.task_queue)


if __name__ == "__main__":
    main()
