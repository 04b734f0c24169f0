"""The partner's data extract and its anonymised form, the only form documents see. The
column names and the types are the package's (``extract`` in package.yaml).

Each practice gets a label (Praksis A, B, …) drawn per order in an order unrelated to its
provider number, stable for that order and its follow-up meeting so rounds can be compared.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from string import ascii_uppercase

from pydantic import BaseModel, ConfigDict, Field

from schemas.shared.people import Ydernummer


class ExtractRow(BaseModel):
    """One practice and certificate type, as the job centre delivers it."""

    model_config = ConfigDict(frozen=True)

    ydernummer: Ydernummer
    certificate_type: str = Field(min_length=1, max_length=40, description="The package's type")
    received: int = Field(ge=0, description="The count of the type in the period")
    requests: int | None = Field(default=None, ge=0, description="Anmodninger sendt til praksis")
    median_days: float | None = Field(default=None, ge=0, description="Median svartid i dage")


class JobcenterExtract(BaseModel):
    rows: list[ExtractRow]


class PracticeFigures(BaseModel):
    label: str
    received: int | None = Field(description="None: the job centre gave no figure (ikke oplyst)")
    requests: int | None
    median_days: float | None


class TypeFigures(BaseModel):
    certificate_type: str
    received: int
    requests: int | None = Field(
        default=None,
        description="The requests sent to the practices for the type, where the partner gave "
        "them for every practice (the weight of the type's median in the national figures)",
    )
    median_days: float | None = Field(
        default=None,
        description="The middle of the practices' medians for the type (None: none given, or "
        "an extract read before the deck showed answer times per type)",
    )


class AnonymisedExtract(BaseModel):
    """What the deck and handouts show: labels, never provider numbers."""

    practices: list[PracticeFigures]
    types: list[TypeFigures]

    @property
    def missing(self) -> list[str]:
        return [p.label for p in self.practices if p.received is None]


def _label(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return f"Praksis {letters}"


def practice_labels(order_key: str, practices: list[str]) -> dict[str, str]:
    """Provider number → 'Praksis X', shuffled by a keyed hash so the order says nothing."""
    shuffled = sorted(
        set(practices), key=lambda y: hashlib.sha256(f"{order_key}|{y}".encode()).hexdigest()
    )
    return {ydernummer: _label(i) for i, ydernummer in enumerate(shuffled)}


def anonymise(extract: JobcenterExtract, order_key: str, practices: list[str]) -> AnonymisedExtract:
    labels = practice_labels(order_key, practices)
    by_practice: dict[str, list[ExtractRow]] = {y: [] for y in labels}
    for row in extract.rows:
        if row.ydernummer in by_practice:
            by_practice[row.ydernummer].append(row)
    figures = []
    for ydernummer, label in sorted(labels.items(), key=lambda item: (len(item[1]), item[1])):
        rows = by_practice[ydernummer]
        # The job centre gives a median per certificate type; the middle one stands for the
        # practice, as the raw answer times never leave the job centre.
        medians = [r.median_days for r in rows if r.median_days is not None]
        # A request count left empty for one certificate type makes the practice's total
        # unknown: adding it as 0 would show more certificates received than requested.
        requests = [r.requests for r in rows if r.requests is not None]
        if len(requests) < len(rows):
            requests = []
        figures.append(
            PracticeFigures(
                label=label,
                received=sum(r.received for r in rows) if rows else None,
                requests=sum(requests) if requests else None,
                median_days=_middle(medians) if medians else None,
            )
        )
    totals: dict[str, int] = {}
    type_medians: dict[str, list[float]] = {}
    type_requests: dict[str, list[int | None]] = {}
    for row in extract.rows:
        if row.ydernummer in labels:
            totals[row.certificate_type] = totals.get(row.certificate_type, 0) + row.received
            type_requests.setdefault(row.certificate_type, []).append(row.requests)
            if row.median_days is not None:
                type_medians.setdefault(row.certificate_type, []).append(row.median_days)
    types = [
        TypeFigures(
            certificate_type=t,
            received=n,
            requests=_total(type_requests[t]),
            median_days=_middle(type_medians[t]) if t in type_medians else None,
        )
        for t, n in sorted(totals.items())
    ]
    return AnonymisedExtract(practices=figures, types=types)


def _total(values: list[int | None]) -> int | None:
    """A sum only where every part is known: a missing count is not a 0."""
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def _middle(values: list[float]) -> float:
    """The middle value (the upper of two): a median of medians, as the job centre's own
    answer times never leave it."""
    return round(sorted(values)[len(values) // 2], 1)


# The largest extract file a job centre may upload (the template with 71 practices is 12 KB).
MAX_BYTES = 2 * 1024 * 1024
# A file and its correction a few minutes later make one new version of the documents (and one
# mail), not one each: after an upload the order waits this long of the order's clock for
# another before it renders.
UPLOAD_QUIET = timedelta(minutes=10)


class SkippedRow(BaseModel):
    row: int
    reason: str


class ParsedExtract(BaseModel):
    """A valid extract, with what was left out and why; provider numbers in plain text, so
    it stays in the artifact store and is shown only to whoever uploaded it."""

    extract: JobcenterExtract
    filename: str
    rows_read: int = Field(description="Rows with figures that were accepted")
    skipped: list[SkippedRow] = Field(default_factory=list)
    missing: list[str] = Field(
        default_factory=list, description="The cluster's practices without any figure"
    )
