"""Text from users made safe for Office XML: XML 1.0 forbids most control characters."""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: Any) -> Any:
    """Drop characters XML cannot hold, recursively; escaping is the template engine's job."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


def grouped_answers(texts: list[str]) -> list[str]:
    """Free-text answers as the meeting reads them: the same answer once, with how many gave
    it ("Fast kontaktperson (24 svar)"), the most given first, otherwise in the order given
    (a large cluster's 71 answers filled seven slides with repeats)."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for text in texts:
        key = " ".join(text.split()).casefold().rstrip(".!")
        counts[key] = counts.get(key, 0) + 1
        spelling.setdefault(key, text.strip())
    ordered = sorted(counts, key=lambda key: -counts[key])  # stable: ties keep their order
    return [
        spelling[key] + (f" ({counts[key]} svar)" if counts[key] > 1 else "") for key in ordered
    ]
