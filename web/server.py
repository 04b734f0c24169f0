"""The web app wired to Temporal and the settings: `klyngepakke dev` serves it with uvicorn."""

from __future__ import annotations

from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from klyngepakke.cluster_client import ClustersClient
from klyngepakke.payload_codec import EncryptionCodec
from klyngepakke.settings import Settings
from klyngepakke.temporal_calls import connect
from schemas.links import LinkSigner
from web.app import create_app
from web.codec import create_codec_app
from web.config import WebConfig
from web.guard import SECURITY_HEADERS
from web.rate_limit import RateLimits
from web.staff_auth import StaffConfig, TokenCheck


def build_app(settings: Settings) -> FastAPI:
    client: ClustersClient | None = None

    async def backend() -> Any:
        nonlocal client
        if client is None:
            client = ClustersClient(await connect(settings), settings)
        return client

    signer = LinkSigner(settings.link_secret())
    config = WebConfig(
        signer=signer,
        limits=RateLimits(
            per_token=settings.web_limit_per_token, per_address=settings.web_limit_per_address
        ),
        artifact_dir=settings.artifact_dir,
        upload_dir=settings.upload_dir,
        database_url=settings.database_url,
        catalog=settings.catalog(),
        public_base_url=settings.public_base_url,
        dev_time_scale=settings.dev_time_scale,
        staff=staff_config(settings),
    )
    return create_app(backend, signer, config=config)


def _subs(listed: str) -> frozenset[str]:
    return frozenset(s.strip() for s in listed.split(",") if s.strip())


def staff_config(settings: Settings) -> StaffConfig:
    return StaffConfig(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        session_secret=settings.staff_session_secret(),
        session_hours=settings.session_hours,
        roles_claim=settings.staff_roles_claim,
        konsulenter=_subs(settings.staff_konsulenter),
        drift=_subs(settings.staff_drift),
        secure_cookie=settings.public_base_url.startswith("https://"),
    )


def build_codec_app(settings: Settings) -> FastAPI:
    origins = [o.strip() for o in settings.codec_origins.split(",") if o.strip()]
    staff = staff_config(settings)
    return create_codec_app(
        EncryptionCodec(settings.payload_key_set()),
        settings.temporal_namespace,
        origins,
        staff,
        TokenCheck(staff),
    )


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1, whose own answer to a request it cannot parse (before any app sees
    it) carries the pages' security headers and says what happened in Danish."""

    def send_400_response(self, msg: str) -> None:
        body = "Forespørgslen kunne ikke læses (ugyldig HTTP).\n".encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        headers.append((b"content-length", str(len(body)).encode()))
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


def _serve(app: FastAPI, host: str, port: int, trusted_proxies: str = "") -> uvicorn.Server:
    proxies = [p.strip() for p in trusted_proxies.split(",") if p.strip()]
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        http=GuardedH11Protocol,
        # uvicorn believes X-Forwarded-For from any local peer by default; the rate limit per
        # address would then count invented addresses. Only a named proxy is believed.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
    return uvicorn.Server(config)


def server(settings: Settings) -> uvicorn.Server:
    return _serve(
        build_app(settings), settings.web_host, settings.web_port, settings.trusted_proxies
    )


def codec_server(settings: Settings) -> uvicorn.Server:
    return _serve(build_codec_app(settings), settings.web_host, settings.codec_port)
