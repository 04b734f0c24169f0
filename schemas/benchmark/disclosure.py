"""Disclosure control: what of the other clusters' figures may be shown, and to whom.

A figure is shown only when it rests on at least ``min_clusters`` clusters (clusters, not
orders: a cluster counts once, with its latest figures), and a deck compares its cluster with
the *others*, never with a total that includes itself. Two shown figures must not let anyone
subtract their way to fewer clusters: where a total (the country, a year) is shown beside parts
of it (its regions, its half-years), the clusters the shown parts leave over are either none
or at least ``min_clusters`` – otherwise the smallest shown part is withheld too (secondary
suppression, as statistics offices do it).

The rule works on sets of clusters, not on the numbers, so it is the same for counts, shares,
response rates and medians, and it can be checked as a property (tests/schemas/
test_benchmark_disclosure.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

# Why 5 and not Danmarks Statistik's 3: a cluster is small (often 5–15 doctors in 3–8
# practices) and its coordinator knows the others in the region; 3 clusters would let two of
# them, comparing notes, work out the third's answers. README.md, "Landstal".
MIN_CLUSTERS = 5

Cell = TypeVar("Cell", bound=Hashable)


def shown_cells(
    cells: Mapping[Cell, frozenset[str]],
    groups: Iterable[tuple[Cell, Sequence[Cell]]],
    min_clusters: int,
) -> set[Cell]:
    """The cells that may be shown. ``cells`` maps each figure to the clusters behind it;
    each group is a total and its parts (the parts' clusters lie within the total's)."""
    groups = list(groups)
    shown = {cell for cell, clusters in cells.items() if len(clusters) >= min_clusters}
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            if total not in shown:
                continue
            visible = [p for p in parts if p in shown]
            covered: set[str] = set()
            for part in visible:
                covered |= cells[part]
            rest = cells[total] - covered
            if 0 < len(rest) < min_clusters and visible:
                smallest = min(visible, key=lambda p: (len(cells[p]), repr(p)))
                shown.discard(smallest)
                changed = True
    return shown


def withheld_reason(have: int, min_clusters: int, national: bool) -> str:
    """The slide's and the page's words for a figure not shown."""
    if have < min_clusters:
        what = "et landstal" if national else "et regionstal"
        return f"For få klynger til at vise {what} endnu ({have} af {min_clusters})"
    return (
        "Regionstallet vises ikke: ellers kunne tallene for de få klynger uden for regionen"
        " regnes ud af landstallet"
        if not national
        else "Vises ikke: ellers kunne de få øvrige klyngers tal regnes ud"
    )


def weighted_median(values: Sequence[tuple[float, int]]) -> float | None:
    """The median of the clusters' medians, each counted by its weight (its requests): the
    value where half the requests lie at or below it."""
    ordered = sorted((v, max(w, 0)) for v, w in values)
    total = sum(w for _, w in ordered)
    if not ordered:
        return None
    if total == 0:
        return ordered[len(ordered) // 2][0]
    running = 0
    for value, weight in ordered:
        running += weight
        if running * 2 >= total:
            return round(value, 1)
    return round(ordered[-1][0], 1)
