"""The codec endpoint as the Temporal UI calls it: JSON payloads in, readable payloads out,
only for the UI's origin and our namespace, and no hint why a forged payload fails."""

from __future__ import annotations

import base64
import json

from fastapi.testclient import TestClient

from client.payload_codec import EncryptionCodec, PayloadKeys
from web.codec import create_codec_app

UI = "http://localhost:8233"
KEYS = PayloadKeys.generate("k1")


def client() -> TestClient:
    return TestClient(create_codec_app(EncryptionCodec(KEYS), "default", [UI]))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def as_ui_sends(text: str) -> dict:
    return {
        "payloads": [
            {"metadata": {"encoding": b64(b"json/plain")}, "data": b64(json.dumps(text).encode())}
        ]
    }


HEADERS = {"Origin": UI, "X-Namespace": "default", "Content-Type": "application/json"}


def test_what_the_ui_encodes_it_can_decode_and_read():
    web = client()
    encoded = web.post("/encode", json=as_ui_sends("Åse Øberg"), headers=HEADERS)
    assert encoded.status_code == 200
    sealed = encoded.json()["payloads"][0]
    assert base64.b64decode(sealed["metadata"]["encoding"]) == b"binary/encrypted"
    assert "Øberg".encode() not in base64.b64decode(sealed["data"])
    decoded = web.post("/decode", json={"payloads": [sealed]}, headers=HEADERS)
    assert decoded.status_code == 200
    (payload,) = decoded.json()["payloads"]
    assert json.loads(base64.b64decode(payload["data"])) == "Åse Øberg"
    assert decoded.headers["access-control-allow-origin"] == UI


def test_only_the_ui_origin_may_call_it_from_a_browser():
    web = client()
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace",
    }
    allowed = web.options("/decode", headers={"Origin": UI, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == UI
    foreign = web.options("/decode", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in foreign.headers


def test_another_namespace_garbage_and_forged_payloads_are_refused_without_detail():
    web = client()
    other = web.post("/decode", json=as_ui_sends("x"), headers={**HEADERS, "X-Namespace": "prod"})
    assert other.status_code == 403
    assert web.post("/decode", content=b"not json", headers=HEADERS).status_code == 400
    forged = {
        "payloads": [
            {
                "metadata": {
                    "encoding": b64(b"binary/encrypted"),
                    "encryption-key-id": b64(b"k1"),
                },
                "data": b64(bytes(40)),
            }
        ]
    }
    refused = web.post("/decode", json=forged, headers=HEADERS)
    assert refused.status_code == 422
    assert refused.json() == {"error": "payload could not be decoded"}
    assert web.get("/docs").status_code == 404
