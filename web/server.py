"""The web app wired to Temporal and the settings: `klyngepakke dev` serves it with uvicorn."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from activities.survey_links import LinkSigner
from klyngepakke.client import OrdersClient, connect
from klyngepakke.payload_codec import EncryptionCodec
from klyngepakke.settings import Settings
from web.app import SurveyBackend, create_app
from web.codec import create_codec_app
from web.rate_limit import RateLimits


def build_app(settings: Settings) -> FastAPI:
    client: OrdersClient | None = None

    async def backend() -> SurveyBackend:
        nonlocal client
        if client is None:
            client = OrdersClient(await connect(settings), settings)
        return client

    limits = RateLimits(
        per_token=settings.web_limit_per_token, per_address=settings.web_limit_per_address
    )
    return create_app(backend, LinkSigner(settings.link_secret()), limits)


def build_codec_app(settings: Settings) -> FastAPI:
    origins = [o.strip() for o in settings.codec_origins.split(",") if o.strip()]
    return create_codec_app(
        EncryptionCodec(settings.payload_key_set()), settings.temporal_namespace, origins
    )


def _serve(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    return uvicorn.Server(config)


def server(settings: Settings) -> uvicorn.Server:
    return _serve(build_app(settings), settings.web_host, settings.web_port)


def codec_server(settings: Settings) -> uvicorn.Server:
    return _serve(build_codec_app(settings), settings.web_host, settings.codec_port)
