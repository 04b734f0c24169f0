"""ASCII slugs for ids made from Danish names (no personal data goes into an id)."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """ASCII slug for ids: 'Klynge Aalborg Øst' -> 'klynge-aalborg-oest'."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(table)).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
