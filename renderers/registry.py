"""The renderer registry. Built-ins register on import; others via the entry point group
``klyngepakke.renderers`` (each entry point names a Renderer instance)."""

from __future__ import annotations

import threading
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from schemas.order.documents import DocumentSource
from schemas.package.model import current_name

ENTRY_POINT_GROUP = "klyngepakke.renderers"
_BUILT_INS = (
    "renderers.partner_guide",
    "renderers.deck",
    "renderers.handouts",
    "renderers.practice_sheet",
    "renderers.extract_template",
    "renderers.meeting_summary",
    "renderers.comparison_deck",
)


class RenderedDocument(BaseModel):
    filename: str
    media_type: str
    content: bytes


class Renderer(Protocol):
    """A document kind. ``context`` picks what it needs from the order; ``render`` is pure."""

    kind: ClassVar[str]

    def context(self, source: DocumentSource) -> BaseModel: ...

    def render(self, context: Any) -> RenderedDocument: ...


_registry: dict[str, Renderer] = {}
_loaded = False
_loading = threading.Lock()


def register(renderer: Renderer) -> Renderer:
    _registry[renderer.kind] = renderer
    return renderer


def _load() -> None:
    # Activities render in a thread pool: the first renders after a worker start race here, and
    # one must not see the registry half filled (the chaos run caught exactly that).
    global _loaded
    with _loading:
        if _loaded:
            return
        for module in _BUILT_INS:
            import_module(module)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            register(entry.load())
        _loaded = True


def get(kind: str) -> Renderer:
    """The renderer of ``kind`` (a render a running order scheduled under an old name too)."""
    _load()
    try:
        return _registry[current_name(kind)]
    except KeyError:
        raise KeyError(f"no renderer registered for '{kind}'; known: {sorted(_registry)}") from None


def available() -> list[str]:
    _load()
    return sorted(_registry)
