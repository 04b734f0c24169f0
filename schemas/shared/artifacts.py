"""A small reference to a stored document: what history carries instead of the bytes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ArtifactRef(BaseModel):
    name: str = Field(description="File name, with its version: deck-v2.pptx")
    kind: str = Field(description="Renderer that made it")
    sha256: str
    size: int
    version: int = 1
    media_type: str
    path: str | None = Field(
        default=None,
        description="Older references only: where one machine's store kept the file. A "
        "reference is its content address now (``address``), read from whichever store holds it",
    )
    source_sha256: str | None = Field(
        default=None,
        description="A converted document (PDF): the digest of what it was made from. "
        "LibreOffice's bytes vary from run to run (the order of its font objects), so the same "
        "source names the same artifact",
    )

    @property
    def address(self) -> str:
        """The content address: the same on every machine that reads the store."""
        return f"sha256:{self.sha256}"
