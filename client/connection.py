"""The project's connection to Temporal, from values the composition root reads: the address,
the namespace, TLS or an API key, and the payload keys every payload is encrypted with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client
from temporalio.common import HeaderCodecBehavior
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from client.payload_codec import PayloadKeys, encrypted_converter
from client.sealed_calls import SealedCalls
from schemas.shared.errors import DomainError, TemporalUnreachable


@dataclass(frozen=True)
class TemporalConfig:
    """Where Temporal is and how to reach it (klyngepakke/bootstrap.py fills it in)."""

    address: str
    namespace: str
    keys: PayloadKeys
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_ca: Path | None = None
    tls_server_name: str | None = None
    api_key: str | None = None


async def connect(config: TemporalConfig, runtime: Runtime | None = None) -> Client:
    """A client of the project's Temporal; TemporalUnreachable when there is none to reach
    (the SDK says so only as a RuntimeError of the connect call)."""
    try:
        return await Client.connect(
            config.address,
            namespace=config.namespace,
            data_converter=encrypted_converter(config.keys),
            tls=tls_config(config),
            api_key=config.api_key,
            runtime=runtime,
            # Signals and Updates carry an encrypted seal; workers built on this client refuse
            # those without one (client/sealed_calls.py).
            interceptors=[SealedCalls()],
            header_codec_behavior=HeaderCodecBehavior.CODEC,
        )
    except RuntimeError:
        raise TemporalUnreachable(config.address) from None


def tls_config(config: TemporalConfig) -> TLSConfig | bool:
    """mTLS with a client certificate, plain TLS with an API key, else none (the dev server)."""
    if config.tls_cert or config.tls_key:
        if not (config.tls_cert and config.tls_key):
            raise DomainError(
                "temporal_tls_key" if config.tls_cert else "temporal_tls_cert",
                "mTLS kræver både certifikat og nøgle (KLYNGEPAKKE_TEMPORAL_TLS_CERT og _KEY)",
            )
        return TLSConfig(
            client_cert=config.tls_cert.read_bytes(),
            client_private_key=config.tls_key.read_bytes(),
            server_root_ca_cert=config.tls_ca.read_bytes() if config.tls_ca else None,
            domain=config.tls_server_name,
        )
    return config.api_key is not None
