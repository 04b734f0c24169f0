"""A good link while Temporal cannot answer (restarting, no worker running) must say "try
again", not "this link does not work": the member would give up on a valid link. Only a
workflow that does not exist makes a link unknown. Through the real KlyngepakkeClient."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from temporalio.service import RPCError, RPCStatusCode

from client.calls import PAGE_QUERY_TIMEOUT
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from schemas.shared.links import MINUTES, UPLOAD, LinkSigner
from tests.web.fakes import serving
from web.app import create_app

SIGNER = LinkSigner(b"a test secret of enough length!!")


class FailingHandle:
    def __init__(self, status: RPCStatusCode) -> None:
        self.status = status
        self.timeouts: list[Any] = []

    async def query(self, *args: Any, rpc_timeout: Any = None, **kwargs: Any) -> Any:
        self.timeouts.append(rpc_timeout)
        raise RPCError("from the server", self.status, b"")


def app_with(handle: FailingHandle) -> TestClient:
    client = bootstrap.klyngepakke_client(Settings(_env_file=None), None)  # type: ignore[arg-type]
    client._calls.handle = lambda workflow_id: handle  # type: ignore[method-assign]
    return TestClient(create_app(serving(client), SIGNER), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "status", [RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.INTERNAL]
)
@pytest.mark.parametrize(
    "path",
    [
        f"/s/{SIGNER.sign('o--spoergeskema-1', 0)}",
        f"/m/{SIGNER.sign('o', 0, MINUTES)}",
        f"/u/{SIGNER.sign('o', 0, UPLOAD)}",
    ],
)
def test_a_good_link_asks_to_try_again_while_temporal_cannot_answer(path, status):
    handle = FailingHandle(status)
    page = app_with(handle).get(path)
    assert page.status_code == 503
    assert "prøv igen" in page.text.lower()
    assert handle.timeouts == [PAGE_QUERY_TIMEOUT]


def test_a_link_to_a_workflow_that_does_not_exist_is_unknown():
    page = app_with(FailingHandle(RPCStatusCode.NOT_FOUND)).get(
        f"/s/{SIGNER.sign('o--spoergeskema-1', 0)}"
    )
    assert page.status_code == 404
    assert "Linket virker ikke" in page.text
