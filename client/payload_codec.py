"""AES-GCM encryption of every Temporal payload, with rotatable keys.

Workflow inputs hold doctors' names, e-mail addresses and provider numbers for months; the
server (and its database) only ever sees ciphertext. The key id travels in each payload's
metadata, so a rotated-out key still decrypts the histories it wrote. Payloads that were never
encrypted (histories recorded before, the UI's own plain JSON) pass through unchanged.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from workflows.sealed_calls import UNSEALED_MARK

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class PayloadKeyError(ValueError):
    """A key file or key setting that cannot be used; the message says how to fix it."""


@dataclasses.dataclass(frozen=True)
class PayloadKeys:
    """Every key that may still decrypt, and the one that encrypts."""

    active: str
    keys: Mapping[str, bytes]

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise PayloadKeyError(f"the active payload key '{self.active}' is not among the keys")
        for key_id, key in self.keys.items():
            if len(key) != 32:
                raise PayloadKeyError(
                    f"payload key '{key_id}' is {len(key)} bytes; it must be 32 (AES-256), "
                    "base64-encoded"
                )
            if not key_id or ":" in key_id or "," in key_id:
                raise PayloadKeyError(f"payload key id '{key_id}' must be non-empty, no ':' or ','")

    @classmethod
    def parse(cls, setting: str) -> PayloadKeys:
        """``id:base64key,id:base64key``, the first one active (KLYNGEPAKKE_PAYLOAD_KEYS)."""
        keys: dict[str, bytes] = {}
        for part in filter(None, (p.strip() for p in setting.split(","))):
            key_id, sep, encoded = part.partition(":")
            if not sep:
                raise PayloadKeyError("payload keys are written id:base64key,id:base64key")
            keys[key_id.strip()] = _decode_key(key_id, encoded.strip())
        if not keys:
            raise PayloadKeyError("no payload keys given")
        return cls(active=next(iter(keys)), keys=keys)

    @classmethod
    def read(cls, path: Path) -> PayloadKeys:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            keys = {k: _decode_key(k, v) for k, v in data["keys"].items()}
            return cls(active=data["active"], keys=keys)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PayloadKeyError(
                f"{path}: not a payload key file ({{'active': id, 'keys': {{id: base64}}}}): {exc}"
            ) from None

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "active": self.active,
            "keys": {k: base64.b64encode(v).decode() for k, v in self.keys.items()},
        }
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        temporary.chmod(0o600)
        temporary.replace(path)

    def rotated(self, key_id: str) -> PayloadKeys:
        """A new active key; the old ones stay, to decrypt what they wrote."""
        if key_id in self.keys:
            raise PayloadKeyError(f"payload key id '{key_id}' is already used")
        return PayloadKeys(active=key_id, keys={key_id: AESGCM.generate_key(256), **self.keys})

    @classmethod
    def generate(cls, key_id: str = "k1") -> PayloadKeys:
        return cls(active=key_id, keys={key_id: AESGCM.generate_key(256)})


def _decode_key(key_id: str, encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise PayloadKeyError(f"payload key '{key_id}' is not valid base64") from None


def local_keys(path: Path) -> PayloadKeys:
    """The development stack's key file, created on first start."""
    if not path.is_file():
        PayloadKeys.generate(f"dev-{secrets.token_hex(4)}").write(path)
    return PayloadKeys.read(path)


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: PayloadKeys) -> None:
        self._keys = keys
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key_id = self._keys.active
        cipher = self._ciphers[key_id]
        encoded = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            # The key id is authenticated data: a payload cannot be relabelled to another key.
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), key_id.encode())
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: key_id.encode()},
                    data=nonce + sealed,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decode(payload) for payload in payloads]

    def _decode(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            # Passed through, and marked: a signal or Update must not count it as sealed.
            marked = Payload()
            marked.CopyFrom(payload)
            marked.metadata[UNSEALED_MARK] = b"1"
            return marked
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(
                f"payload encrypted with key '{key_id}', which is not configured: add it to "
                "KLYNGEPAKKE_PAYLOAD_KEYS or the key file (old keys must stay after a rotation)"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        plain = Payload()
        plain.ParseFromString(cipher.decrypt(nonce, sealed, key_id.encode()))
        return plain


def encrypted_converter(keys: PayloadKeys) -> DataConverter:
    """pydantic payloads, failure messages moved into the (encrypted) payloads, then AES-GCM."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
