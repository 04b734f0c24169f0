"""The codec endpoint the Temporal UI calls to show encrypted payloads to operations.

Its own small app on its own port: it decrypts for KiAP's staff only. A request must carry
either the staff session cookie (the workbench's login; the UI sends it with "include
credentials") or the access token the Temporal UI passes from its own login (verified at the
provider's userinfo endpoint). Anonymous requests get 401 and no payload.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from starlette.middleware.sessions import SessionMiddleware
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

from web.body_limit import BodyLimit
from web.staff_auth import SESSION_COOKIE, StaffConfig, TokenCheck

MAX_BODY = 4 * 1024 * 1024
CODEC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def create_codec_app(
    codec: PayloadCodec,
    namespace: str,
    origins: list[str],
    staff: StaffConfig | None = None,
    tokens: TokenCheck | None = None,
) -> FastAPI:
    """``staff`` None: no login at all (tests of the codec itself only); the real servers
    always pass the staff configuration."""
    app = FastAPI(title="klyngepakke codec", openapi_url=None, docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.update(CODEC_HEADERS)
        return response

    if staff is not None:
        app.add_middleware(
            SessionMiddleware,
            secret_key=staff.session_secret,
            session_cookie=SESSION_COOKIE,
            same_site="lax",
            https_only=staff.secure_cookie,
            # As the web app's: answering here must not stretch the staff login's life.
            max_age=int(staff.session_hours * 3600),
        )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials=True,
        allow_methods=["POST"],
        allow_headers=["content-type", "x-namespace", "authorization"],
    )

    async def roles(request: Request) -> list[str] | None:
        """The caller's staff roles; None when there is no login at all (tests only)."""
        if staff is None:
            return None
        session = request.session.get("staff")
        if isinstance(session, dict) and float(session.get("expires", 0)) > time.time():
            return [str(r) for r in session.get("roles") or []]
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer ") and tokens is not None:
            return await tokens.roles(header[7:].strip())
        return []

    async def apply(request: Request, decode: bool) -> Response:
        held = await roles(request)
        if held is not None and not held:
            return JSONResponse(
                {"error": "log in as KiAP staff (workbench) or pass the UI's access token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if held is not None and not decode and "drift" not in held:
            # Encrypting makes payloads the workers take as sealed: drift's alone.
            return JSONResponse({"error": "encoding needs the drift role"}, status_code=403)
        asked = request.headers.get("x-namespace")
        if asked is not None and asked != namespace:
            return JSONResponse({"error": f"unknown namespace: {asked}"}, status_code=403)
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            payloads = json_format.Parse(body, Payloads())
        except (json_format.ParseError, DecodeError, UnicodeDecodeError):
            return JSONResponse({"error": 'expected {"payloads": [...]}'}, status_code=400)
        try:
            changed = await (codec.decode if decode else codec.encode)(payloads.payloads)
        except Exception:
            # Never say why: a wrong key and a forged payload look the same from outside.
            return JSONResponse({"error": "payload could not be decoded"}, status_code=422)
        return Response(
            json_format.MessageToJson(Payloads(payloads=changed)),
            media_type="application/json",
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/decode")
    async def decode(request: Request) -> Response:
        return await apply(request, decode=True)

    @app.post("/encode")
    async def encode(request: Request) -> Response:
        return await apply(request, decode=False)

    # Outermost: the body is counted as it arrives, however it is framed.
    app.add_middleware(BodyLimit, limit=lambda _path: MAX_BODY)
    return app
