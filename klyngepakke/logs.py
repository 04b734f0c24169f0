"""structlog set-up: readable in development, JSON in production, personal data masked."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_YDERNUMMER = re.compile(r"(?<!\d)\d{6}(?!\d)")


def mask(text: str) -> str:
    return _YDERNUMMER.sub("******", _EMAIL.sub("***@***", text))


def mask_personal_data(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Last line of defence: no e-mail address or provider number reaches a log line."""
    return {k: mask(v) if isinstance(v, str) else v for k, v in event.items()}


def configure_logging(fmt: str = "console", level: int = logging.INFO) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            # Masked before the timestamp is added: its microseconds look like a provider number.
            mask_personal_data,
            structlog.processors.TimeStamper(fmt="iso"),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
