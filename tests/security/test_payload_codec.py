"""Every payload is sealed with AES-GCM under a named key; rotation keeps old payloads readable,
and nothing the server stores can be read, altered or moved to another key."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload

from client.payload_codec import (
    ENCODING,
    EncryptionCodec,
    PayloadKeyError,
    PayloadKeys,
    encrypted_converter,
)
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from schemas.order.request import OrderRequest
from tests import factories
from workflows.sealed_calls import UNSEALED_MARK


def plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())


async def test_a_payload_is_unreadable_sealed_and_whole_again_opened():
    codec = EncryptionCodec(PayloadKeys.generate("k1"))
    (sealed,) = await codec.encode([plain("Åse Øberg, aase@example.dk, 123456")])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata["encryption-key-id"] == b"k1"
    assert b"example.dk" not in sealed.data and b"123456" not in sealed.data
    (again,) = await codec.decode([sealed])
    assert again == plain("Åse Øberg, aase@example.dk, 123456")
    # The same value twice is two different ciphertexts: nothing to compare across orders.
    (second,) = await codec.encode([plain("Åse Øberg, aase@example.dk, 123456")])
    assert second.data != sealed.data


async def test_after_a_rotation_new_payloads_use_the_new_key_and_old_ones_still_open():
    old = PayloadKeys.generate("2026")
    (written_before,) = await EncryptionCodec(old).encode([plain("før")])
    rotated = old.rotated("2027")
    codec = EncryptionCodec(rotated)
    (written_after,) = await codec.encode([plain("efter")])
    assert written_after.metadata["encryption-key-id"] == b"2027"
    assert await codec.decode([written_before, written_after]) == [plain("før"), plain("efter")]
    with pytest.raises(PayloadKeyError, match="'2027', which is not configured"):
        await EncryptionCodec(old).decode([written_after])


async def test_a_tampered_or_relabelled_payload_is_refused():
    keys = PayloadKeys(active="a", keys={"a": bytes(32), "b": bytes(32)})
    codec = EncryptionCodec(keys)
    (sealed,) = await codec.encode([plain("hemmelig")])
    flipped = Payload(
        metadata=sealed.metadata, data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    )
    relabelled = Payload(
        metadata={"encoding": ENCODING, "encryption-key-id": b"b"}, data=sealed.data
    )
    for bad in (flipped, relabelled):
        with pytest.raises(InvalidTag):
            await codec.decode([bad])


async def test_payloads_that_were_never_encrypted_pass_through_marked():
    codec = EncryptionCodec(PayloadKeys.generate())
    (passed,) = await codec.decode([plain("fra før krypteringen")])
    assert passed.data == plain("fra før krypteringen").data
    assert passed.metadata["encoding"] == b"json/plain"
    # Marked, so a signal or Update with such an argument does not count as sealed.
    assert passed.metadata[UNSEALED_MARK] == b"1"
    (sealed,) = await codec.encode([plain("ny")])
    (opened,) = await codec.decode([sealed])
    assert UNSEALED_MARK not in opened.metadata


def test_key_settings_name_what_is_wrong():
    good = base64.b64encode(bytes(32)).decode()
    keys = PayloadKeys.parse(f"new:{good}, old:{good}")
    assert keys.active == "new" and set(keys.keys) == {"new", "old"}
    for setting, message in (
        ("k1", "id:base64key"),
        (f"k1:{good[:-4]}", "must be 32"),
        ("k1:ikke base64!", "not valid base64"),
        ("", "no payload keys"),
    ):
        with pytest.raises(PayloadKeyError, match=message):
            PayloadKeys.parse(setting)
    with pytest.raises(PayloadKeyError, match="already used"):
        keys.rotated("old")


def test_the_local_key_file_is_made_once_private_and_read_back(tmp_path):
    settings = Settings(var_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    first = bootstrap.payload_keys(settings)
    path = tmp_path / "payload-keys.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert bootstrap.payload_keys(settings) == first
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(PayloadKeyError, match="not a payload key file"):
        bootstrap.payload_keys(settings)


async def test_an_order_round_trips_through_the_converter_without_its_names_in_the_bytes():
    converter = encrypted_converter(PayloadKeys.generate())
    order = factories.make_order(factories.fixed_now())
    (payload,) = await converter.encode([order])
    stored = payload.SerializeToString()
    for member in order.members:
        assert member.email.encode() not in stored
        assert member.ydernummer.encode() not in stored
        assert member.name.encode() not in stored
    (back,) = await converter.decode([payload], [OrderRequest])
    assert back == order
