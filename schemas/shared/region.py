"""Denmark's five regions, read from what people type ('Region Midtjylland', 'midtjylland')."""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    NORDJYLLAND = "Nordjylland"
    MIDTJYLLAND = "Midtjylland"
    SYDDANMARK = "Syddanmark"
    SJAELLAND = "Sjælland"
    HOVEDSTADEN = "Hovedstaden"


def _region(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().removeprefix("Region ").removeprefix("region ").strip()
        for region in Region:
            if text.casefold() in (region.value.casefold(), region.name.casefold()):
                return region
        names = ", ".join(r.value for r in Region)
        raise ValueError(f"'{text}' er ikke en region – brug en af: {names}")
    return value
