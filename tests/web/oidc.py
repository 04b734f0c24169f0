"""A real OpenID provider for the staff-login tests (oidc-provider-mock, the one `make run`
starts), and the login as a person does it: the workbench sends them to the provider, they
pick their user on its form, the provider sends them back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import free_port
from tests.eventually import eventually_sync
from web.staff_auth import StaffConfig

USERS = (
    {
        "sub": "konsulent-1",
        "name": "Karen Konsulent",
        "email": "karen.konsulent@example.dk",
        "roles": ["konsulent"],
    },
    {
        "sub": "konsulent-2",
        "name": "Anne Andersen",
        "email": "anne.andersen@example.dk",
        "roles": ["konsulent"],
    },
    {"sub": "drift-1", "name": "Dorte Drift", "roles": ["drift"]},
    {"sub": "ingen-rolle", "name": "Ivan Uden Rolle"},
)
SECRET = "test-session-secret"


@dataclass(frozen=True)
class Provider:
    issuer: str

    def config(self, **changes: object) -> StaffConfig:
        values: dict[str, object] = {
            "issuer": self.issuer,
            "client_id": "klyngepakke-test",
            "client_secret": "test-secret",
            "session_secret": SECRET,
            # The test provider and the pages run on plain http://localhost.
            "secure_cookie": False,
            "plain_http_provider": True,
        }
        return StaffConfig(**(values | changes))  # type: ignore[arg-type]

    def access_token(self, sub: str) -> str:
        """An access token as the Temporal UI holds one after its own login."""
        redirect = "http://localhost:8233/auth/sso/callback"
        with httpx.Client(timeout=30) as http:
            form = http.get(
                f"{self.issuer}/oauth2/authorize",
                params={
                    "client_id": "temporal-ui",
                    "redirect_uri": redirect,
                    "response_type": "code",
                    "scope": "openid profile",
                    "state": "s",
                },
            )
            back = http.post(str(form.url), data={"sub": sub})
            code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
            token = http.post(
                f"{self.issuer}/oauth2/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect,
                    "client_id": "temporal-ui",
                    "client_secret": "ui-secret",
                },
            )
            return str(token.json()["access_token"])


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    for user in USERS:
        command += ["--user-claims", json.dumps(user)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://localhost:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200
        except httpx.HTTPError:
            return False

    try:
        eventually_sync("the OpenID provider answering", up, timeout=30)
        yield Provider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


async def log_in(web: httpx.AsyncClient, sub: str, next_path: str = "/konsulent") -> httpx.Response:
    """Through the provider's form, as a browser follows the redirects; the page landed on."""
    start = await web.get(f"/konsulent/login?next={next_path}")
    assert start.status_code == 302, start.text
    async with httpx.AsyncClient(timeout=30) as browser:
        form = await browser.get(start.headers["location"])
        assert form.status_code == 200
        back = await browser.post(str(form.url), data={"sub": sub})
    assert back.status_code == 302
    callback = urlsplit(back.headers["location"])
    landed = await web.get(f"{callback.path}?{callback.query}")
    if landed.status_code == 303:
        return await web.get(landed.headers["location"])
    return landed
