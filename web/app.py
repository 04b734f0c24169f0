"""The web app: the pages people reach from their mails (the members' survey form, the job
centre's upload page, the coordinator's order page and minutes, an agreement's "done" link, a
teacher's course page) and the public order form. FastAPI + Jinja2, one router per page, no
JavaScript; it asks the rest of the system only through web/backend.py's protocols."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from schemas.shared.links import LinkSigner
from web import staff_auth
from web.backend import Backend as BackendPort
from web.body_limit import BodyLimit
from web.config import WebConfig
from web.deps import EndedRunLink, ExpiredLink, UnknownLink
from web.guard import SECURITY_HEADERS, body_limit, install_guard
from web.pages import Pages
from web.rate_limit import RateLimits
from web.routes import (
    agreement,
    cluster,
    coordinator,
    coordinator_premeeting,
    coordinator_survey,
    course,
    minutes,
    order_form,
    privacy,
    staff,
    staff_national,
    staff_packages,
    static,
    survey,
    upload,
)
from web.staff_auth import SESSION_COOKIE, LoginNeeded, NotAllowed, login_redirect, oauth_client

__all__ = ["SECURITY_HEADERS", "create_app"]
ROUTERS = (
    static,
    privacy,
    cluster,
    survey,
    upload,
    minutes,
    order_form,
    coordinator,
    coordinator_survey,
    coordinator_premeeting,
    agreement,
    course,
    staff_auth,
    staff,
    staff_packages,
    staff_national,
)


def create_app(
    backend: Callable[[], Awaitable[BackendPort]],
    signer: LinkSigner,
    limits: RateLimits | None = None,
    config: WebConfig | None = None,
) -> FastAPI:
    """``backend`` returns the client (or a test's fake); ``config`` the stores, catalog and
    public address (``signer`` and ``limits`` override its own)."""
    config = replace(config or WebConfig(signer=signer), signer=signer)
    if limits is not None:
        config = replace(config, limits=limits)
    app = FastAPI(title="klyngepakke", docs_url=None, redoc_url=None, openapi_url=None)
    pages = Pages()
    app.state.backend = backend
    app.state.pages = pages
    app.state.config = config
    app.state.staff = config.staff
    app.state.oauth = oauth_client(config.staff)
    install_guard(app, config, pages)
    # The staff session (and the login's state) in a signed cookie; the public pages keep none.
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.staff.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(config.staff.session_hours * 3600),
        same_site="lax",
        https_only=config.staff.secure_cookie,
    )
    # Outermost: a body is counted before any other part of the app reads it.
    app.add_middleware(BodyLimit, limit=body_limit)

    @app.exception_handler(LoginNeeded)
    async def to_login(request: Request, exc: LoginNeeded) -> Response:
        return login_redirect(exc.next_path)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return pages.message(
            request, exc.status, exc.heading, exc.text, back=("Log ind", "/konsulent/login")
        )

    @app.exception_handler(UnknownLink)
    async def unknown(request: Request, exc: UnknownLink) -> Response:
        return pages.unknown_link(request)

    @app.exception_handler(ExpiredLink)
    async def expired(request: Request, exc: ExpiredLink) -> Response:
        return pages.message(
            request,
            410,
            "Linket er udløbet",
            "Bestillingen er afsluttet for mere end tre måneder siden, og linket virker ikke "
            "længere. Skriv til KiAP på support@kiap.dk, hvis I har brug for dokumenterne.",
        )

    @app.exception_handler(EndedRunLink)
    async def ended(request: Request, exc: EndedRunLink) -> Response:
        return pages.message(
            request,
            410,
            "Linket hører til en tidligere bestilling",
            "Bestillingen, som linket hører til, er annulleret eller afsluttet, og klyngen har "
            "bestilt igen. Linket virker ikke længere: brug linket i den nyeste mail om "
            "bestillingen.",
        )

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        return pages.unknown_link(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return pages.unknown_link(request)
        headers = dict(exc.headers or {})
        return PlainTextResponse(
            "Forespørgslen kan ikke behandles.", status_code=exc.status_code, headers=headers
        )

    for module in ROUTERS:
        app.include_router(module.router)
    return app
