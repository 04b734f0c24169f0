"""Serving a web app with uvicorn: the pages and the codec endpoint alike (the composition
root, klyngepakke/bootstrap.py, builds the apps)."""

from __future__ import annotations

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from web.guard import SECURITY_HEADERS


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


def serve(app: FastAPI, host: str, port: int, trusted_proxies: str = "") -> uvicorn.Server:
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
