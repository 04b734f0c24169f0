"""How the client reaches Temporal: plain on the dev server, mTLS with a client certificate
(own cluster or Temporal Cloud), TLS with an API key; half a certificate is refused."""

from __future__ import annotations

import pytest
from temporalio.service import TLSConfig

from client.connection import tls_config
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from schemas.shared.errors import DomainError
from tests.conftest import TEST_PAYLOAD_KEYS


def settings(**values) -> Settings:
    return Settings(_env_file=None, payload_keys=TEST_PAYLOAD_KEYS, **values)  # type: ignore[call-arg]


def tls(**values):
    return tls_config(bootstrap.temporal(settings(**values)))


def test_the_dev_server_is_plain_an_api_key_means_tls_and_certificates_mean_mtls(tmp_path):
    assert tls() is False
    assert tls(temporal_api_key="nøgle") is True
    (tmp_path / "c.pem").write_bytes(b"CERT")
    (tmp_path / "k.pem").write_bytes(b"KEY")
    mtls = tls(temporal_tls_cert=tmp_path / "c.pem", temporal_tls_key=tmp_path / "k.pem")
    assert isinstance(mtls, TLSConfig)
    assert (mtls.client_cert, mtls.client_private_key, mtls.server_root_ca_cert) == (
        b"CERT",
        b"KEY",
        None,
    )


def test_a_certificate_without_its_key_is_refused_by_name(tmp_path):
    (tmp_path / "c.pem").write_bytes(b"CERT")
    with pytest.raises(DomainError) as refused:
        tls(temporal_tls_cert=tmp_path / "c.pem")
    assert refused.value.field == "temporal_tls_key"


def test_the_staff_cookie_is_secure_and_the_provider_https_unless_on_the_dev_stack(tmp_path):
    from web.staff_auth import oauth_client

    production = bootstrap.staff_config(
        settings(oidc_issuer="http://login.example", var_dir=tmp_path)
    )
    assert production.secure_cookie and not production.plain_http_provider
    with pytest.raises(DomainError) as refused:
        oauth_client(production)
    assert refused.value.field == "oidc_issuer"
    local = bootstrap.staff_config(
        settings(oidc_issuer="http://localhost:9400", var_dir=tmp_path, dev_stack=True)
    )
    assert not local.secure_cookie and local.plain_http_provider
    assert oauth_client(local) is not None
