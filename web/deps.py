"""The web app's dependencies (FastAPI ``Annotated`` style): the backend, the pages, the
configuration, and the signed link of each kind, checked once for every route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, NamedTuple

from fastapi import Depends, Request

from web.backend import Backend as BackendPort
from web.config import WebConfig
from web.pages import Pages


class UnknownLink(Exception):
    """A forged, mistyped, outdated or wrong-kind link: one 404 page for all of them."""


class Link(NamedTuple):
    target: str = ""
    number: int = 0


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
        return Link(*found)

    return verify
