"""The web app wired to Temporal and the settings: `klyngepakke dev` serves it with uvicorn."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from activities.survey_links import LinkSigner
from klyngepakke.client import OrdersClient, connect
from klyngepakke.settings import Settings
from web.app import SurveyBackend, create_app


def build_app(settings: Settings) -> FastAPI:
    client: OrdersClient | None = None

    async def backend() -> SurveyBackend:
        nonlocal client
        if client is None:
            client = OrdersClient(await connect(settings), settings)
        return client

    return create_app(backend, LinkSigner(settings.link_secret()))


def server(settings: Settings) -> uvicorn.Server:
    config = uvicorn.Config(
        build_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,
    )
    return uvicorn.Server(config)
