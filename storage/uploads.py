"""Files people upload (the job centre's extract) go to the upload store before the order is
told; the order's activity reads and checks them there. The web app and the CLI both take
uploads, so this sits below both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from schemas.order.extract import MAX_BYTES, ParsedExtract
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.spreadsheet import is_xlsx
from storage.artifact_store import ArtifactStore

UPLOAD_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


class UploadRefused(ValueError):
    """A file refused before it is stored: ``message`` is the Danish reason."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def store_extract_upload(
    uploads: ArtifactStore, order_id: str, data: bytes, filename: str
) -> ArtifactRef:
    """Keep the uploaded extract under a safe name of its own; refuse an empty or too large
    file before anything is kept."""
    if len(data) > MAX_BYTES:
        raise UploadRefused("Filen er større end 2 MB – send kun datatrækket.")
    if not data.strip():
        raise UploadRefused("Filen er tom – udfyld skabelonen og send den igen.")
    suffix = "xlsx" if is_xlsx(data, filename) else "csv"
    return uploads.put(
        order_id, "extract_upload", f"jobcenter-upload.{suffix}", UPLOAD_TYPES[suffix], data
    )


@contextmanager
def quarantined_extract(
    uploads: ArtifactStore, order_id: str, data: bytes, filename: str
) -> Iterator[ArtifactRef]:
    """The upload kept only while the order considers it: refused (or anything failing on
    the way), it is removed again, file and manifest entry, unless the same bytes had already
    been accepted before."""
    known = uploads.holds(order_id, "extract_upload", data)
    stored = store_extract_upload(uploads, order_id, data, filename)
    try:
        yield stored
    except BaseException:
        if not known:
            uploads.discard(order_id, stored)
        raise


def read_receipt(artifacts: ArtifactStore, receipt: ArtifactRef) -> ParsedExtract:
    """What the order accepted, as read (provider numbers included: for the uploader only)."""
    return ParsedExtract.model_validate_json(artifacts.read(receipt))
