"""What a package says about its own process and the words its documents use.

The order's stages every package has (order, consultation, material, survey, documents,
invitation, meeting, follow-up) are the engine's; ``Process`` names the ones a package may
leave out: a partner organisation the cluster meets (the job centre for the certificates
package), a pre-meeting with it, and a data extract it delivers. ``PackageTexts`` holds every
word of the package's topic that a document or a calendar entry shows, so that code holds
none: a package on antibiotics writes its own, and a package without a partner gives no
partner words at all."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.package.facts import Certificate


class Process(BaseModel):
    """The optional stages. The defaults are the process every order had before packages
    described theirs (a partner, a pre-meeting, an extract): orders recorded then replay."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner: bool = Field(
        default=True,
        description="Klyngen mødes med en samarbejdspartner (fx jobcenteret), der får drejebog, "
        "invitation og opsummering",
    )
    premeeting: bool = Field(default=True, description="Formøde med samarbejdspartneren")
    extract: bool = Field(
        default=True, description="Samarbejdspartneren leverer et datatræk via upload-siden"
    )

    @model_validator(mode="after")
    def _partner_first(self) -> Process:
        for stage in ("premeeting", "extract"):
            if getattr(self, stage) and not self.partner:
                raise ValueError(f"{stage}: kræver en samarbejdspartner – sæt partner: true")
        return self


class PartnerTexts(BaseModel):
    """How documents, pages and mails name the partner organisation (lower case, as inside
    a sentence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Ubestemt form, fx 'jobcenter'")
    definite: str = Field(min_length=1, description="Bestemt form, fx 'jobcenteret'")
    organisation: str = Field(
        min_length=1, description="Hvad bestilleren skriver navnet på, fx 'kommune'"
    )
    contact: str = Field(
        min_length=1, description="Kontaktpersonens felt i bestillingen, fx 'kontakt i jobcenteret'"
    )

    @property
    def the(self) -> str:
        """'Jobcenteret', at the start of a sentence or as an owner of agreements."""
        return self.definite[:1].upper() + self.definite[1:]

    @property
    def of(self) -> str:
        """The genitive: 'jobcenterets'."""
        return self.definite + "s"


class ExtractTexts(BaseModel):
    """The words the deck and the follow-up deck use for the partner's extract."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_practice_title: str = Field(min_length=1, description="Diagram: tal pr. praksis")
    count_series: str = Field(min_length=1, description="Serien med modtagne/optalte tal")
    requests_series: str = Field(min_length=1, description="Serien med anmodninger")
    count_axis: str = Field(min_length=1)
    by_type_title: str = Field(min_length=1)
    by_type_note: str = Field(min_length=1, description="Talenote under fordelingen på type")
    days_axis: str = Field(min_length=1, description="Aksen for svartid i dage")
    compared_title: str = Field(min_length=1, description="Opfølgningsmødet: før og nu")
    missing_hint: str = Field(
        min_length=1, description="Når datatrækket mangler: hvad mødelederen kan gøre i stedet"
    )


ExtractField = Literal["ydernummer", "certificate_type", "received", "requests", "median_days"]


class ExtractColumn(BaseModel):
    """One column of the partner's extract: its heading in the template, its help text and
    the words a partner's own export may use for it (compared with æ, ø, å spelled out and
    everything but letters and digits removed, so 'Modtagne attester' is 'modtagneattester')."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=60, description="Overskriften i skabelonen")
    help: str = Field(min_length=1, description="Forklaringen på skabelonens vejledningsark")
    contains: list[str] = Field(
        default_factory=list, description="Ord, en overskrift kan indeholde (fx 'modtag')"
    )
    equals: list[str] = Field(
        default_factory=list, description="Hele overskrifter, der også betyder kolonnen"
    )
    starts: list[str] = Field(
        default_factory=list, description="Begyndelser, en overskrift kan have (fx 'lae')"
    )


class ExtractSpec(BaseModel):
    """The partner's data extract: per practice and type a count, the requests sent and the
    median days to answer. The package names the columns, the types and the words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[ExtractField, ExtractColumn] = Field(
        description="Alle fem kolonner, i den rækkefølge overskrifter genkendes"
    )
    what: str = Field(
        min_length=1,
        description="Skabelonens 'Hvad': hvad partneren bedes udfylde (efter partnerens navn)",
    )
    type_example: str = Field(min_length=1, description="Et eksempel på en type, fx 'LÆ 265'")
    codes: list[str] = Field(
        default_factory=list, description="De typer, datatrækket må nævne; tom: alle"
    )
    code_pattern: str | None = Field(
        default=None,
        description="Regulært udtryk med én gruppe, der genkender en type skrevet på andre "
        "måder (uden forskel på store og små bogstaver)",
    )
    code_format: str = Field(
        default="{}", description="Sådan skrives den genkendte gruppe, fx 'LÆ {}'"
    )
    certificates: list[Certificate] = Field(
        default_factory=list,
        description="Attesterne med navn, anmodningsblanket og aftalt svarfrist, hver med "
        "kilde; de med kilde er datatrækkets typer (i stedet for codes)",
    )
    deck: ExtractTexts

    @model_validator(mode="after")
    def _complete(self) -> ExtractSpec:
        missing = [k for k in get_args(ExtractField) if k not in self.columns]
        if missing:
            raise ValueError(f"extract.columns mangler {', '.join(missing)}")
        if self.code_pattern is not None:
            try:
                groups = re.compile(self.code_pattern).groups
            except re.error as exc:
                raise ValueError(f"extract.code_pattern er ugyldig: {exc}") from None
            if groups != 1:
                raise ValueError("extract.code_pattern skal have præcis én gruppe ( … )")
        if self.code_format.count("{}") != 1:
            raise ValueError("extract.code_format skal have præcis ét {}")
        if self.certificates and self.codes:
            raise ValueError(
                "extract: codes og certificates kan ikke stå begge – typerne er certificates'"
            )
        return self

    @property
    def types(self) -> list[str]:
        """The types the extract may name: the sourced certificates, or ``codes`` in packages
        recorded before certificates carried their sources; empty: any."""
        if self.certificates:
            return [c.code for c in self.certificates if c.sourced]
        return list(self.codes)

    def certificate(self, code: str) -> Certificate | None:
        return next((c for c in self.certificates if c.code == code and c.sourced), None)

    def label(self, field: ExtractField) -> str:
        return self.columns[field].label

    def code(self, text: str) -> str:
        """A type as the package writes it: 'læ265' -> 'LÆ 265'; others as written."""
        text = text.strip()
        if self.code_pattern is None:
            return text
        match = re.match(self.code_pattern, text, re.IGNORECASE)
        return self.code_format.format(match.group(1)) if match else text


class PackageTexts(BaseModel):
    """Every word of the package's topic a document or a calendar entry shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meeting_about: str = Field(
        min_length=1, description="Mødets emne efter 'klyngemøde om', fx 'attester'"
    )
    survey_missing_hint: str = Field(
        min_length=1, description="PowerPointen, når svarene mangler: hvad man spørger om i stedet"
    )
    handouts_title: str = Field(min_length=1)
    handouts_no_survey: str = Field(min_length=1)
    practice_sheet_title: str = Field(min_length=1)
    follow_up_deck_title: str = Field(min_length=1)
    partner: PartnerTexts | None = None

    def check(self, process: Process) -> None:
        """Words for exactly the partner the process has; raises ValueError naming the field."""
        given = self.partner is not None
        if process.partner and not given:
            raise ValueError("texts.partner: mangler – processen har en partner")
        if given and not process.partner:
            raise ValueError("texts.partner: processen har ingen partner – fjern teksterne")


def extract_columns(spec: ExtractSpec | None) -> list[str]:
    """The extract's headings in the template's order (none for a package without one)."""
    if spec is None:
        return []
    return [spec.label(key) for key in get_args(ExtractField)]


def partner_definite(partner: PartnerTexts | None) -> str:
    """The partner inside a sentence; a generic word where the package's words are unknown
    (an order recorded before packages named their partner)."""
    return partner.definite if partner is not None else "samarbejdspartneren"
