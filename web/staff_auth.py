"""KiAP staff log in with OpenID Connect (authlib against the configured issuer: Microsoft
Entra ID at KiAP, a local provider in development). The session is a signed cookie
(HttpOnly, SameSite=Lax, Secure behind https) that expires; roles come from a claim of the ID
token or from the settings' allow-lists: ``konsulent`` completes steps on orders, ``drift``
also approves late orders, moves or cancels on anyone's behalf, renders again and repairs."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError
from cachetools import TTLCache
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, TimestampSigner
from joserfc.errors import JoseError
from pydantic import BaseModel, Field

from schemas.shared.errors import DomainError
from schemas.shared.people import Actor
from web.pages import Pages

KONSULENT, DRIFT = "konsulent", "drift"
ROLES = (KONSULENT, DRIFT)
SESSION_COOKIE = "klyngepakke_staff"
LOGIN = "/konsulent/login"


@dataclass(frozen=True)
class StaffConfig:
    issuer: str | None = None
    client_id: str = "klyngepakke"
    client_secret: str | None = None
    session_secret: str = "development only – set KLYNGEPAKKE_SESSION_SECRET"
    session_hours: float = 8
    roles_claim: str = "roles"
    konsulenter: frozenset[str] = field(default_factory=frozenset)
    drift: frozenset[str] = field(default_factory=frozenset)
    # Production: the session cookie only over HTTPS, and the provider only over HTTPS. The
    # embedded stack (klyngepakke dev) and the tests run both on plain http://localhost.
    secure_cookie: bool = True
    plain_http_provider: bool = False


class StaffUser(BaseModel):
    id: str
    name: str
    roles: list[str]
    expires: float
    email: str | None = Field(default=None, description="Where a colleague's hand-over is told")

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id, name=self.name)


class LoginNeeded(Exception):
    """No (or an expired) staff session: to the login, and back to ``next`` afterwards."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class NotAllowed(Exception):
    def __init__(self, status: int, heading: str, text: str) -> None:
        self.status, self.heading, self.text = status, heading, text


def roles_of(claims: dict[str, Any], config: StaffConfig) -> list[str]:
    """The staff roles of a logged-in person: the token's claim, else the allow-lists."""
    claimed = claims.get(config.roles_claim)
    given = set(claimed) if isinstance(claimed, list) else {str(claimed)} if claimed else set()
    sub = str(claims.get("sub", ""))
    if sub in config.drift:
        given.add(DRIFT)
    if sub in config.konsulenter:
        given.add(KONSULENT)
    return [role for role in ROLES if role in given]


def _safe_next(path: str | None) -> str:
    """Only a page of the staff area: never another site (no open redirect)."""
    if not path or not path.startswith("/konsulent") or urlsplit(path).netloc or "//" in path:
        return "/konsulent"
    return path


class TokenCheck:
    """An access token (the one the Temporal UI passes to the codec endpoint) checked at the
    provider's userinfo endpoint, which works for any OpenID provider; a good answer is kept a
    minute so the UI's bursts of calls do not each go to the provider."""

    def __init__(self, config: StaffConfig) -> None:
        self.config = config
        self._userinfo: str | None = None
        self._known: TTLCache[str, list[str]] = TTLCache(maxsize=1000, ttl=60)

    async def _endpoint(self, http: httpx.AsyncClient) -> str:
        if self._userinfo is None:
            assert self.config.issuer
            found = await http.get(
                f"{self.config.issuer.rstrip('/')}/.well-known/openid-configuration"
            )
            self._userinfo = str(found.json()["userinfo_endpoint"])
        return self._userinfo

    async def roles(self, token: str) -> list[str]:
        """The staff roles the token's holder has; [] for a token that is not staff's."""
        if not token or not self.config.issuer or len(token) > 8192:
            return []
        digest = hashlib.sha256(token.encode()).hexdigest()
        if digest in self._known:
            return self._known[digest]
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                answer = await http.get(
                    await self._endpoint(http), headers={"Authorization": f"Bearer {token}"}
                )
            claims = answer.json() if answer.status_code == 200 else {}
            found = roles_of(claims, self.config) if isinstance(claims, dict) else []
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            self._userinfo = None
            return []  # the provider unreachable or answering nonsense: no decision, none kept
        self._known[digest] = found
        return found

    async def is_staff(self, token: str) -> bool:
        return bool(await self.roles(token))


def oauth_client(config: StaffConfig) -> OAuth:
    oauth = OAuth()
    if config.issuer:
        if config.issuer.startswith("http://"):
            if not config.plain_http_provider:
                raise DomainError(
                    "oidc_issuer",
                    "login-udbyderen skal nås over https:// (KLYNGEPAKKE_OIDC_ISSUER); "
                    "plain http er kun til den lokale udviklingsstak",
                )
            # The development stack's local provider speaks plain HTTP on localhost.
            os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
        oauth.register(
            name="kiap",
            server_metadata_url=f"{config.issuer.rstrip('/')}/.well-known/openid-configuration",
            client_id=config.client_id,
            client_secret=config.client_secret,
            client_kwargs={"scope": "openid profile email"},
        )
    return oauth


def _config(request: Request) -> StaffConfig:
    config: StaffConfig = request.app.state.staff
    return config


def current_staff(request: Request) -> StaffUser:
    """The logged-in staff user; LoginNeeded or NotAllowed otherwise."""
    config = _config(request)
    if not config.issuer:
        raise NotAllowed(
            503,
            "Medarbejdersiderne er ikke sat op",
            "Der er ikke angivet nogen login-udbyder (KLYNGEPAKKE_OIDC_ISSUER).",
        )
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        # Back after the login to the page the form was on (a form's own address takes POSTs
        # only); what was typed is lost, the page says so by showing the form again.
        here = request.url.path.rsplit("/", 1)[0]
    data = request.session.get("staff")
    if data is None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is not None and not request.session and not _ours(cookie, config):
            # A cookie that does not carry our signature: forged, tampered or from before a
            # secret rotation. Nothing is trusted from it. (Ours but expired: log in again.)
            raise NotAllowed(
                401,
                "Dit login er ikke gyldigt",
                "Log ind igen. Er det sket flere gange, så kontakt KiAPs IT.",
            )
        raise LoginNeeded(here)
    user = StaffUser.model_validate(data)
    if user.expires < time.time():
        request.session.pop("staff", None)
        raise LoginNeeded(here)
    if not user.roles:
        raise NotAllowed(
            403,
            "Du har ikke adgang",
            "Dit login har hverken rollen konsulent eller drift. Kontakt KiAPs IT.",
        )
    return user


def _ours(cookie: str, config: StaffConfig) -> bool:
    """Whether the cookie carries our signature, however old (Starlette's own check also
    refuses an expired one, which is a login to renew, not a forgery)."""
    try:
        TimestampSigner(config.session_secret).unsign(cookie.encode())
    except BadSignature:
        return False
    return True


def require(role: str) -> Any:
    """A dependency: the staff user, who must have ``role`` (drift may do all a consultant
    may)."""

    def check(user: Annotated[StaffUser, Depends(current_staff)]) -> StaffUser:
        if role == KONSULENT and user.roles:
            return user
        if role not in user.roles:
            raise NotAllowed(
                403,
                "Det kræver rollen drift",
                "Det kan kun KiAPs drift gøre (at godkende sene bestillinger, flytte eller "
                "annullere for andre, lave dokumenterne igen og reparere). Bed en kollega med "
                "rollen drift om det.",
            )
        return user

    return Depends(check)


Staff = Annotated[StaffUser, require(KONSULENT)]
Operations = Annotated[StaffUser, require(DRIFT)]

router = APIRouter()


@router.get(LOGIN)
async def login(request: Request, next: str | None = None) -> Response:
    config = _config(request)
    if not config.issuer:
        raise NotAllowed(503, "Medarbejdersiderne er ikke sat op", "Der er ingen login-udbyder.")
    request.session["next"] = _safe_next(next)
    oauth: OAuth = request.app.state.oauth
    # From the public address, not the request's: behind a proxy the app sees its own host,
    # and the provider only sends people back to the registered address.
    base = request.app.state.config.public_base_url.rstrip("/")
    callback = f"{base}/konsulent/callback"
    response: Response = await oauth.kiap.authorize_redirect(request, callback)
    return response


@router.get("/konsulent/callback", name="staff_callback")
async def callback(request: Request) -> Response:
    config = _config(request)
    oauth: OAuth = request.app.state.oauth
    pages: Pages = request.app.state.pages
    try:
        token = await oauth.kiap.authorize_access_token(request)
    except (OAuthError, JoseError, ValueError, KeyError):  # refused, or a token that fails
        return pages.message(
            request,
            401,
            "Du blev ikke logget ind",
            "Login-udbyderen afviste eller afbrød login. Prøv igen.",
            back=("Log ind", LOGIN),
        )
    claims = dict(token.get("userinfo") or {})
    user = StaffUser(
        id=str(claims.get("sub", "")),
        name=str(claims.get("name") or claims.get("preferred_username") or "KiAP-medarbejder"),
        roles=roles_of(claims, config),
        expires=time.time() + config.session_hours * 3600,
        email=str(claims["email"]) if claims.get("email") else None,
    )
    # The staff a task can be given to: everyone who has logged in (storage/staff_directory.py).
    directory = request.app.state.config.staff_directory
    if directory is not None:
        # Every login, with the roles it has now: one whose role was taken away is no longer
        # offered as a colleague and gets no overview.
        directory.seen(user.id, user.name, user.email, user.roles)
    next_path = _safe_next(request.session.pop("next", None))
    request.session.clear()
    request.session["staff"] = user.model_dump()
    return RedirectResponse(next_path, status_code=303)


@router.post("/konsulent/logout", response_class=HTMLResponse)
async def logout(request: Request) -> Response:
    request.session.clear()
    pages: Pages = request.app.state.pages
    return pages.message(
        request, 200, "Du er logget ud", "Tak for nu.", back=("Log ind igen", LOGIN)
    )


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"{LOGIN}?next={quote(next_path)}", status_code=303)
