"""The composition root's builder: from the settings' values, the stores, the catalog, the
mail, the link signer, the Temporal connection, the client, the activities and the web apps
that every process (worker, render worker, web app, codec, CLI, dev stack, demo) is made of.

Nothing below klyngepakke/ reads the settings: each layer gets the values and the objects it
needs from here (import-linter's contracts in pyproject.toml keep it so)."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog
import uvicorn
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.worker import Worker

import renderers
import worker
from activities.benchmark import BenchmarkActivities
from activities.catalog_lookup import CatalogActivities
from activities.cluster_mail import ClusterMailActivities
from activities.course_mail import CourseMailActivities
from activities.extract_check import ExtractActivities
from activities.mail import Links, MailActivities
from activities.mail_delivery import Delivery, SmtpSettings
from activities.morning_overview import MorningOverviewActivities, OthersSource, TaskSource
from activities.package_preview import PreviewActivities
from activities.pdf_conversion import CALIBRI_METRICS, PdfConverter, calibri_substitute
from activities.practice_labels import PracticeLabeller
from activities.rendering import RenderActivities
from activities.staff_mail import StaffMailActivities
from activities.survey_results import aggregate_answers
from catalog import Catalog
from client.calls import ClientConfig, Clock, wall_clock
from client.connection import TemporalConfig, connect
from client.facade import KlyngepakkeClient
from client.payload_codec import EncryptionCodec, PayloadKeys, local_keys
from klyngepakke.config import Settings
from schemas.order.listing import OrderSummary
from schemas.order.request import OrderRequest
from schemas.shared.links import LinkSigner
from schemas.shared.people import Actor, Person
from storage import stores
from storage.artifact_store import ArtifactStore
from storage.benchmark_store import BenchmarkStore
from storage.outbox import Outbox
from storage.staff_directory import StaffDirectory
from web.app import create_app
from web.codec import create_codec_app
from web.config import WebConfig
from web.rate_limit import RateLimits
from web.server import serve
from web.staff_auth import StaffConfig, TokenCheck
from workflows.render_queue import render_queue_of

log = structlog.get_logger(__name__)

# ---- values derived from the settings --------------------------------------------------


def render_task_queue(settings: Settings) -> str:
    return render_queue_of(settings.task_queue)


def _local_secret(settings: Settings, name: str) -> str:
    """A secret created once under var/ (the embedded stack); production sets its own."""
    path = settings.var_dir / name
    if not path.is_file():
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def link_secret(settings: Settings) -> bytes:
    """Signs the links in mails and draws practice labels."""
    if settings.survey_secret:
        return settings.survey_secret.encode()
    return _local_secret(settings, "survey-link.secret").encode()


def staff_session_secret(settings: Settings) -> str:
    """Signs the staff session cookie."""
    return settings.session_secret or _local_secret(settings, "staff-session.secret")


def payload_keys(settings: Settings) -> PayloadKeys:
    """The payload keys: from the environment, a key file, or one created under var/."""
    if settings.payload_keys:
        return PayloadKeys.parse(settings.payload_keys)
    if settings.payload_key_file:
        return PayloadKeys.read(settings.payload_key_file)
    return local_keys(settings.var_dir / "payload-keys.json")


def smtp(settings: Settings) -> SmtpSettings:
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        start_tls=settings.smtp_starttls,
        use_tls=settings.smtp_tls,
        sender=settings.mail_from,
    )


def links(settings: Settings) -> Links:
    return Links(
        public_base_url=settings.public_base_url,
        temporal_ui_url=settings.temporal_ui,
        namespace=settings.temporal_namespace,
    )


def default_consultant(settings: Settings) -> Person:
    return Person(name=settings.default_consultant_name, email=settings.default_consultant_email)


# ---- stores and the catalog -------------------------------------------------------------


def catalog(settings: Settings) -> Catalog:
    """The catalog, read and validated once per folder in this process. A package that fails
    its check (a missing template, a document no renderer makes, an unsourced QR code) is set
    aside – listed on the workbench, never used for a new order – and the rest serve."""
    return _catalog(settings.catalog_dir.resolve())


@lru_cache(maxsize=4)
def _catalog(folder: Path) -> Catalog:
    catalog = Catalog(folder, strict=False, renderers=frozenset(renderers.available()))
    for name, refused in catalog.refused.items():
        log.error("package_refused", package=name, field=refused.field, reason=refused.message)
    return catalog


def artifact_store(settings: Settings) -> ArtifactStore:
    return stores.artifact_store("artifacts", settings.artifact_dir, settings.database_url)


def staff_directory(settings: Settings) -> StaffDirectory:
    return stores.staff_directory(settings.var_dir, settings.database_url)


def upload_store(settings: Settings) -> ArtifactStore:
    return stores.artifact_store("uploads", settings.upload_dir, settings.database_url)


def outbox(settings: Settings) -> Outbox:
    return stores.outbox(settings.var_dir, settings.database_url)


def benchmark_store(settings: Settings) -> BenchmarkStore:
    return stores.benchmark_store(settings.var_dir, settings.database_url)


# ---- Temporal and the client ------------------------------------------------------------


def temporal(settings: Settings) -> TemporalConfig:
    return TemporalConfig(
        address=settings.temporal_address,
        namespace=settings.temporal_namespace,
        keys=payload_keys(settings),
        tls_cert=settings.temporal_tls_cert,
        tls_key=settings.temporal_tls_key,
        tls_ca=settings.temporal_tls_ca,
        tls_server_name=settings.temporal_tls_server_name,
        api_key=settings.temporal_api_key,
    )


async def temporal_client(settings: Settings, runtime: Runtime | None = None) -> Client:
    return await connect(temporal(settings), runtime)


def client_config(settings: Settings) -> ClientConfig:
    return ClientConfig(
        task_queue=settings.task_queue,
        catalog=catalog(settings),
        default_consultant=default_consultant(settings),
        assignee_for=assignee_rule(settings),
    )


def assignee_rule(settings: Settings) -> Callable[[OrderRequest], Actor | None]:
    """Who gets a new order's tasks: the staff user the order names as its consultant (by the
    e-mail they log in with), else the region's consultant in ``staff_by_region``, else
    nobody (the first to take them)."""
    by_region: dict[str, Actor] = {}
    for entry in _listed(settings.staff_by_region):
        region, _, who = entry.partition("=")
        staff_id, _, name = who.partition(":")
        if region.strip() and staff_id.strip():
            by_region[region.strip()] = Actor(id=staff_id.strip(), name=name.strip() or staff_id)

    def rule(order: OrderRequest) -> Actor | None:
        if order.consultant is not None:
            named = next(
                (
                    m
                    for m in staff_directory(settings).members()
                    if m.email and m.email.lower() == order.consultant.email.lower()
                ),
                None,
            )
            if named is not None:
                return Actor(id=named.id, name=named.name)
        return by_region.get(order.cluster.region.value)

    return rule


def klyngepakke_client(
    settings: Settings, temporal: Client, clock: Clock = wall_clock
) -> KlyngepakkeClient:
    return KlyngepakkeClient(temporal, client_config(settings), clock)


async def connected_client(settings: Settings) -> KlyngepakkeClient:
    return klyngepakke_client(settings, await temporal_client(settings))


# ---- the activities ---------------------------------------------------------------------


def activities(settings: Settings, catalog_: Catalog | None = None) -> list[Callable[..., Any]]:
    """Every activity callable, their dependencies built from the settings; worker.by_queue
    tells which queue serves which."""
    package_catalog = catalog_ or catalog(settings)
    store = artifact_store(settings)
    labeller = PracticeLabeller(link_secret(settings))
    mail_delivery = delivery(settings, store)
    signer = LinkSigner(link_secret(settings))
    mail = MailActivities(mail_delivery, package_catalog, signer, links(settings), labeller)
    extract = ExtractActivities(upload_store(settings), store, labeller, package_catalog)
    lookup = CatalogActivities(package_catalog)
    tasks, others = task_sources(settings)
    overview = MorningOverviewActivities(
        mail_delivery,
        staff_directory(settings),
        tasks,
        package_catalog,
        settings.public_base_url,
        others,
    )
    handover = StaffMailActivities(mail_delivery, package_catalog, settings.public_base_url)
    benchmark = BenchmarkActivities(benchmark_store(settings))
    return [
        mail.send_mail,
        overview.send_morning_overview,
        handover.send_handover_mail,
        CourseMailActivities(
            mail_delivery, signer, settings.public_base_url, package_catalog
        ).send_course_mail,
        extract.check_extract,
        *render_activities(settings),
        lookup.load_package,
        lookup.load_course,
        lookup.load_cluster_year,
        ClusterMailActivities(
            mail_delivery, package_catalog, signer, settings.public_base_url
        ).send_cluster_mail,
        aggregate_answers,
        benchmark.share_figures,
        benchmark.compare_figures,
    ]


def delivery(settings: Settings, store: ArtifactStore | None = None) -> Delivery:
    """Mail through the SMTP relay, each message once (the outbox)."""
    return Delivery(smtp(settings), outbox(settings), store or artifact_store(settings))


def task_sources(settings: Settings) -> tuple[TaskSource, OthersSource]:
    """The workbench's task queries for the morning overview (orders by kind of task, and the
    courses and clusters whose mail did not arrive), through a client connected on first use:
    the activities are built before the worker connects."""
    connected: KlyngepakkeClient | None = None

    async def client() -> KlyngepakkeClient:
        nonlocal connected
        if connected is None:
            connected = await connected_client(settings)
        return connected

    async def tasks(query: str) -> list[OrderSummary]:
        return await (await client()).orders.list_orders(
            conditions=[query], running=True, limit=500
        )

    async def others() -> list[OrderSummary]:
        return await (await client()).orders.others_needing_attention()

    return tasks, others


def render_activities(settings: Settings) -> list[Callable[..., Any]]:
    """The render queue's activities alone: a render worker needs no sent-ledger or link
    secret; it reads the catalog, since a render names its package by reference."""
    store, pdf = artifact_store(settings), PdfConverter.find(settings.uno_python)
    render = RenderActivities(store, pdf, catalog(settings))
    preview = PreviewActivities(store, catalog(settings), pdf, links(settings))
    return [render.render_documents, render.render_course_program, preview.render_package_preview]


# ---- the web apps -----------------------------------------------------------------------


def _listed(value: str) -> frozenset[str]:
    return frozenset(s.strip() for s in value.split(",") if s.strip())


def staff_config(settings: Settings) -> StaffConfig:
    return StaffConfig(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        session_secret=staff_session_secret(settings),
        session_hours=settings.session_hours,
        roles_claim=settings.staff_roles_claim,
        konsulenter=_listed(settings.staff_konsulenter),
        drift=_listed(settings.staff_drift),
        # Secure unless the embedded development stack says otherwise (plain http on
        # localhost), whatever the public address: a proxy may end TLS in front of the app.
        secure_cookie=not settings.dev_stack,
        plain_http_provider=settings.dev_stack,
    )


def web_config(settings: Settings) -> WebConfig:
    return WebConfig(
        signer=LinkSigner(link_secret(settings)),
        limits=RateLimits(
            per_token=settings.web_limit_per_token, per_address=settings.web_limit_per_address
        ),
        artifacts=artifact_store(settings),
        uploads=upload_store(settings),
        staff_directory=staff_directory(settings),
        benchmarks=benchmark_store(settings),
        history_retention_days=settings.history_retention_days,
        catalog=catalog(settings),
        public_base_url=settings.public_base_url,
        dev_time_scale=settings.dev_time_scale,
        staff=staff_config(settings),
        temporal_ui_url=settings.temporal_ui,
        namespace=settings.temporal_namespace,
    )


def web_app(settings: Settings) -> FastAPI:
    """The people's pages and KiAP's workbench, with a client connected on first use."""
    connected: KlyngepakkeClient | None = None

    async def backend() -> KlyngepakkeClient:
        nonlocal connected
        if connected is None:
            connected = await connected_client(settings)
        return connected

    config = web_config(settings)
    return create_app(backend, config.signer, config=config)


def codec_app(settings: Settings) -> FastAPI:
    staff = staff_config(settings)
    return create_codec_app(
        EncryptionCodec(payload_keys(settings)),
        settings.temporal_namespace,
        [o.strip() for o in settings.codec_origins.split(",") if o.strip()],
        staff,
        TokenCheck(staff),
    )


def web_server(settings: Settings) -> uvicorn.Server:
    return serve(web_app(settings), settings.web_host, settings.web_port, settings.trusted_proxies)


def codec_server(settings: Settings) -> uvicorn.Server:
    return serve(codec_app(settings), settings.web_host, settings.codec_port)


# ---- the workers ------------------------------------------------------------------------


def workflow_worker(settings: Settings, temporal: Client, executor: ThreadPoolExecutor) -> Worker:
    return worker.build_worker(temporal, settings.task_queue, activities(settings), executor)


def render_worker(settings: Settings, temporal: Client, executor: ThreadPoolExecutor) -> Worker:
    return worker.build_render_worker(
        temporal,
        render_task_queue(settings),
        render_activities(settings),
        settings.render_slots,
        executor,
    )


def check_documents_font(settings: Settings) -> None:
    """A render worker whose LibreOffice would set the PDFs in another font than Calibri's
    metrics does not start (production) or says so (the dev stack): the PDFs' titles break."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return  # no LibreOffice: the documents stay DOCX and PPTX
    found = calibri_substitute()
    if found == CALIBRI_METRICS:
        log.info("documents_font", calibri_as=found)
        return
    log.error("documents_font_missing", calibri_as=found, wanted=CALIBRI_METRICS)
    if not settings.dev_stack:
        raise SystemExit(
            f"Render-workeren mangler skrifttypen {CALIBRI_METRICS} (Calibris mål); LibreOffice "
            f"bruger {found or 'en anden'}, og PDF'erne får et andet layout. Installer "
            "Debian-pakken fonts-crosextra-carlito (make system-deps)."
        )


async def run_worker(
    settings: Settings,
    stop: asyncio.Event | None = None,
    render: bool = False,
    started: Callable[[Client], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """The workflow worker, or with ``render`` the render worker, until ``stop`` is set (or
    until SIGTERM/SIGINT when no ``stop`` is given); ``started`` runs beside it once it
    polls (the workflow worker asks for the packages' previews)."""
    if render:
        check_documents_font(settings)
    temporal = await temporal_client(settings, worker.metrics_runtime(settings.metrics_port))
    threads = settings.render_slots if render else worker.WORKFLOW_THREADS
    build = render_worker if render else workflow_worker
    with ThreadPoolExecutor(max_workers=threads) as executor:
        built = build(settings, temporal, executor)
        log.info("worker_started", task_queue=built.task_queue, slots=threads if render else None)
        beside: asyncio.Task[None] | None = (
            asyncio.create_task(started(temporal)) if started is not None else None
        )
        try:
            if stop is None:
                await worker.run_until_told_to_stop(built)
            else:
                await worker.run(built, stop)
        finally:
            if beside is not None:
                beside.cancel()
