"""Pluggable renderers: a typed context in, document bytes out, no I/O of their own."""

from renderers.registry import RenderedDocument, Renderer, available, get, register

__all__ = ["RenderedDocument", "Renderer", "available", "get", "register"]
