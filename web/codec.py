"""The codec endpoint the Temporal UI calls to show encrypted payloads to operations.

Its own small app on its own port: it decrypts whatever it is given, so it is served to the
operators' network and the UI's origin only, never beside the public survey form.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

MAX_BODY = 4 * 1024 * 1024


def create_codec_app(codec: PayloadCodec, namespace: str, origins: list[str]) -> FastAPI:
    app = FastAPI(title="klyngepakke codec", openapi_url=None, docs_url=None, redoc_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials=True,
        allow_methods=["POST"],
        allow_headers=["content-type", "x-namespace", "authorization"],
    )

    async def apply(request: Request, decode: bool) -> Response:
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

    return app
