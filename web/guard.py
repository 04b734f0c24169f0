"""What every request passes before a page sees it: the rate limits, the size limits, the
cross-site check on every POST, the security headers on every answer, and a Danish 503
instead of a stack trace when Temporal cannot answer.

Cross-site requests are refused with Fetch Metadata (the ``Sec-Fetch-Site`` header that
every current browser sends) and, where a browser sends no such header, the ``Origin``
header: a POST from another site gets 403 and changes nothing. The pages keep no session
cookie to steal, and KiAP's staff session cookie is SameSite=Lax (web/staff)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from schemas.order.extract import MAX_BYTES
from web.body_limit import BodyTooLarge
from web.config import WebConfig
from web.pages import Pages
from web.rate_limit import RequestLimiter

log = structlog.get_logger()

MAX_BODY = 32 * 1024
# A file (extract, member list, survey export) may be up to 2 MB; the envelope adds a little.
MAX_UPLOAD_BODY = MAX_BYTES + 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The token is in the path: never hand it to another site.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_SAME = {"same-origin", "none"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def body_limit(path: str) -> int:
    takes_files = (
        path.startswith("/u/") or path == "/bestil" or path.endswith("/spoergeskema/import")
    )
    return MAX_UPLOAD_BODY if takes_files else MAX_BODY


def cross_site(request: Request, config: WebConfig) -> bool:
    """Whether a state-changing request came from another site."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in _SAME
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not a browser, or one so old it sends neither: no ambient authority
    own = {_origin(config.public_base_url), _origin(str(request.base_url))}
    return origin.lower() not in own


def install_guard(app: FastAPI, config: WebConfig, pages: Pages) -> None:
    limiter = RequestLimiter(config.limits)
    headers = dict(SECURITY_HEADERS)
    if config.public_base_url.startswith("https://"):
        # Served over https: browsers must never try the links in plain http again.
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length")
        path = request.url.path
        address = request.client.host if request.client else "unknown"
        wait = None if path == "/healthz" else limiter.retry_after(address, path, request.method)
        response: Response
        if wait is not None:
            response = PlainTextResponse(
                f"For mange forespørgsler på kort tid. Prøv igen om {wait} sekunder.",
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        elif request.method == "POST" and cross_site(request, config):
            response = pages.message(
                request,
                403,
                "Forespørgslen er afvist",
                "Formularen blev sendt fra et andet websted end vores. Intet er ændret. Åbn "
                "siden fra linket i din mail, og send formularen derfra.",
            )
        elif request.method == "POST" and declared is None:
            # Without a declared length the body could be any size: ask for one.
            response = PlainTextResponse("Forespørgslen mangler sin længde.", status_code=411)
        elif declared is not None and (not declared.isdigit() or int(declared) > body_limit(path)):
            response = pages.message(
                request,
                413,
                "For stor forespørgsel",
                f"Højst {body_limit(path) // 1024} KB kan sendes her. Intet er gemt.",
            )
        else:
            try:
                response = await call_next(request)
            except BodyTooLarge:
                raise  # answered with 413 by BodyLimit, outside
            except Exception as exc:  # Temporal unreachable, a worker gone: no stack trace, no 500
                # The kind of failure and where, never its message (it may quote what was sent).
                frame = exc.__traceback__
                while frame is not None and frame.tb_next is not None:
                    frame = frame.tb_next
                log.error(
                    "page_failed",
                    error=type(exc).__name__,
                    # Temporal's status (UNAVAILABLE, DEADLINE_EXCEEDED, …) says which it was.
                    status=getattr(getattr(exc, "status", None), "name", None),
                    at=f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else None,
                )
                lost = "Det, du sendte, er ikke gemt. " if request.method == "POST" else ""
                response = pages.message(
                    request,
                    503,
                    "Siden kan ikke nås lige nu",
                    f"{lost}Prøv igen om et øjeblik.",
                )
                response.headers["Retry-After"] = "30"
        for name, value in headers.items():
            # A response with its own, stricter policy keeps it: a package preview's mail is
            # shown sandboxed with its inline styles (web/routes/staff_packages.py).
            if name == "Content-Security-Policy" and name in response.headers:
                continue
            response.headers[name] = value
        return response
