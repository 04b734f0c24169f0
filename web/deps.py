"""The web app's dependencies (FastAPI ``Annotated`` style): the backend, the pages, the
configuration, and the signed link of each kind, checked once for every route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from schemas.shared.links import SignedLink
from web.backend import Backend as BackendPort
from web.config import WebConfig
from web.pages import Pages


class UnknownLink(Exception):
    """A forged, mistyped, outdated or wrong-kind link: one 404 page for all of them."""


# The link a route is reached by: its target, number and run (schemas/shared/links.py).
Link = SignedLink


class EndedRunLink(Exception):
    """A genuine link made for a run that is over: the order was cancelled and ordered again
    under the same id (or the cluster or course started again). 410, and nothing acts."""


class ExpiredLink(Exception):
    """A coordinator's link of an order that ended long ago (schemas/shared/links.py)."""


def of_this_run(link: Link, run: str | None) -> None:
    """Refuse a link of an earlier run of the workflow it names (schemas/shared/links.py)."""
    if not link.of_run(run):
        raise EndedRunLink()


async def _backend(request: Request) -> BackendPort:
    factory: Callable[[], Awaitable[BackendPort]] = request.app.state.backend
    return await factory()


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def _config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


# The backend is client/facade.py's KlyngepakkeClient in production; the tests' fakes
# implement the same protocols (web/backend.py).
Backend = Annotated[BackendPort, Depends(_backend)]
PagesDep = Annotated[Pages, Depends(_pages)]
ConfigDep = Annotated[WebConfig, Depends(_config)]


def signed(purpose: str) -> Callable[[Request, str], Link]:
    """A dependency that reads ``token`` from the path and checks it for ``purpose``."""

    def verify(request: Request, token: str) -> Link:
        found = _config(request).signer.verify(token, purpose)
        if found is None:
            raise UnknownLink()
        return found

    return verify
