"""The sample order KiAP's package preview renders for: the demo cluster's order (examples/)
with the demo's survey answers, the job centre's example extract and the demo's minutes – put
together here, at the composition root, and sent to the render queue (client/packages.py)."""

from __future__ import annotations

from datetime import datetime

import structlog

from activities.extract_file import parse_extract
from catalog import Catalog
from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from klyngepakke.demo.order import EXAMPLES, demo_minutes, demo_order
from schemas.order.extract import anonymise
from schemas.package.model import Package
from schemas.shared.errors import DomainError, DomainErrors
from schemas.survey.answers import aggregate, parse_survey_export
from schemas.views.package_preview import PreviewRequest, PreviewSample

log = structlog.get_logger(__name__)


def preview_sample(settings: Settings, package: Package, now: datetime) -> PreviewSample:
    """The demo order, set to ``package``. A package whose survey or extract the examples do
    not fit gets no answers and no extract (the preview shows the documents without them)."""
    order = demo_order(now)
    order = order.model_copy(
        update={
            "package": package.id,
            "municipality": order.municipality if package.process.partner else None,
        }
    )
    try:
        answers = parse_survey_export(
            package.survey, (EXAMPLES / "spoergeskema-eksport.csv").read_bytes()
        )
    except (DomainError, DomainErrors):
        answers = []
    extract = None
    if package.extract is not None:
        try:
            parsed = parse_extract(
                (EXAMPLES / "datatraek.csv").read_bytes(),
                "datatraek.csv",
                order.practices,
                package.extract,
            )
            extract = anonymise(parsed.extract, "forhaandsvisning", order.practices)
        except (DomainError, DomainErrors):
            extract = None
    return PreviewSample(
        order=order,
        consultant=order.consultant or bootstrap.default_consultant(settings),
        planned_at=now,
        survey_results=aggregate(package.survey, answers),
        extract=extract,
        minutes=demo_minutes(order),
    )


def preview_requests(settings: Settings, catalog: Catalog, now: datetime) -> list[PreviewRequest]:
    return [
        PreviewRequest(
            package_id=package.id,
            package_sha256=catalog.content_sha256(package.id),
            sample=preview_sample(settings, package, now),
        )
        for package in catalog.packages.values()
    ]


async def request_previews(
    settings: Settings, client: KlyngepakkeClient, now: datetime
) -> list[str]:
    """Ask for every package's preview (rendered once per package content); the workflow
    ids."""
    return [
        await client.packages.preview(request)
        for request in preview_requests(settings, bootstrap.catalog(settings), now)
    ]
