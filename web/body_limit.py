"""Request bodies counted as they arrive, on every app (the pages and the codec endpoint).

A declared ``Content-Length`` is only a claim: a request that also says ``Transfer-Encoding``
is refused outright (the two framings disagree about where the body ends, the classic request
smuggling setup), and every body is counted chunk by chunk, so one past its limit is cut off
at the limit however it is framed, before it is held in memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]


class BodyTooLarge(Exception):
    pass


def _plain(status: int, text: str) -> tuple[Message, Message]:
    body = text.encode("utf-8")
    return (
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        },
        {"type": "http.response.body", "body": body},
    )


class BodyLimit:
    """``limit(path)`` gives the most bytes a request to ``path`` may send."""

    def __init__(self, app: Any, limit: Callable[[str], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        limit = self.limit(scope.get("path", ""))
        if b"transfer-encoding" in headers and b"content-length" in headers:
            for message in _plain(400, "Forespørgslen har både en længde og en anden opdeling."):
                await send(message)
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            kb = limit // 1024
            for message in _plain(413, f"For stor forespørgsel: højst {kb} KB. Intet er gemt."):
                await send(message)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message: Message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if started:
                raise
        except BaseExceptionGroup as group:
            # Starlette's http middlewares run the app in a task group, which wraps it.
            if started or group.subgroup(lambda e: isinstance(e, BodyTooLarge)) is None:
                raise
        else:
            return
        kb = limit // 1024
        for message in _plain(413, f"For stor forespørgsel: højst {kb} KB. Intet er gemt."):
            await send(message)
