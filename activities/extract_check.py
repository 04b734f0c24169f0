"""The extract activity: an uploaded file in, a checked and anonymised extract out.

The upload and the parsed extract (with provider numbers) stay in the stores; what goes back
to the workflow, and so into history, is the anonymised figures, counts and the Danish
report of problems by row and column.
"""

from __future__ import annotations

import structlog
from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.extract_file import parse_extract
from activities.practice_labels import PracticeLabeller
from catalog import Catalog
from schemas.order.extract import AnonymisedExtract, ParsedExtract, anonymise
from schemas.package.process import ExtractSpec
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.errors import DomainError, DomainErrors
from storage.artifact_store import ArtifactStore

log = structlog.get_logger(__name__)
MAX_PROBLEMS = 60
RECEIPT = "application/json"


class ExtractCheckRequest(BaseModel):
    order_id: str = Field(description="Whose practice labels; a follow-up passes its order's")
    upload: ArtifactRef = Field(description="The file as uploaded, in the upload store")
    practices: list[str] = Field(description="The cluster's provider numbers")
    package: str | None = Field(
        default=None, description="The order's package, whose extract section says the columns"
    )
    # Requests scheduled before packages described their extract named the types here.
    certificate_types: list[str] = Field(default_factory=list)


class ExtractCheckResult(BaseModel):
    problems: list[str] = Field(
        default_factory=list, description="Danish, one per row and column; empty: accepted"
    )
    receipt: ArtifactRef | None = Field(
        default=None, description="The accepted extract as read, for the uploader to see"
    )
    anonymised: AnonymisedExtract | None = None
    rows: int = 0
    skipped: int = 0
    missing: int = 0


def problem_lines(exc: DomainError | DomainErrors) -> list[str]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    lines = [f"{e.field}: {e.message}" for e in errors[:MAX_PROBLEMS]]
    if len(errors) > MAX_PROBLEMS:
        lines.append(f"… og {len(errors) - MAX_PROBLEMS} fejl mere af samme slags")
    return lines


def accepted_message(version: int, result: ExtractCheckResult) -> str:
    missing = (
        f" {result.missing} af klyngens praksisser er ikke med og vises som 'ikke oplyst'."
        if result.missing
        else ""
    )
    return f"Datatrækket (version {version}) er modtaget: {result.rows} rækker." + missing


def read_receipt(store: ArtifactStore, ref: ArtifactRef) -> ParsedExtract:
    return ParsedExtract.model_validate_json(store.read(ref))


class ExtractActivities:
    def __init__(
        self,
        uploads: ArtifactStore,
        store: ArtifactStore,
        labeller: PracticeLabeller,
        catalog: Catalog,
    ) -> None:
        self.uploads = uploads
        self.store = store
        self.labeller = labeller
        self.catalog = catalog

    def _spec(self, request: ExtractCheckRequest) -> ExtractSpec:
        """The package's extract; a request from before packages named themselves is read
        with the one package that has an extract (the only one there was then)."""
        if request.package is not None:
            spec = self.catalog.package(request.package).extract
        else:
            spec = next((p.extract for p in self.catalog.packages.values() if p.extract), None)
        if spec is None:
            raise ApplicationError(
                f"Pakken '{request.package}' har intet datatræk", non_retryable=True
            )
        return spec

    @activity.defn(name="check_extract")
    def check_extract(self, request: ExtractCheckRequest) -> ExtractCheckResult:
        data = self.uploads.read(request.upload)
        try:
            parsed = parse_extract(
                data, request.upload.name, request.practices, self._spec(request)
            )
        except (DomainError, DomainErrors) as exc:
            lines = problem_lines(exc)
            log.info("extract_rejected", problems=len(lines))
            return ExtractCheckResult(problems=lines)
        receipt = self.store.put(
            request.order_id,
            "extract",
            "datatraek.json",
            RECEIPT,
            parsed.model_dump_json(indent=2).encode("utf-8"),
        )
        anonymised = anonymise(
            parsed.extract, self.labeller.key(request.order_id), request.practices
        )
        log.info("extract_accepted", rows=parsed.rows_read, missing=len(parsed.missing))
        return ExtractCheckResult(
            receipt=receipt,
            anonymised=anonymised,
            rows=parsed.rows_read,
            skipped=len(parsed.skipped),
            missing=len(parsed.missing),
        )
