"""A cluster package as data: program variants, survey template, links, quality units, mails."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.package.facts import (
    FactGap,
    FactReview,
    Link,
    QualityUnit,
    Sourced,
    VirtualRoom,
)
from schemas.package.process import ExtractSpec, PackageTexts, Process
from schemas.shared.errors import DomainError
from schemas.shared.region import Region

# What the meeting deck shows for a program item, in the item's place in the program.
SlideKind = Literal[
    "welcome", "video", "survey", "extract", "talk", "topics", "group_work", "agreements"
]


class ProgramItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    minutes: int = Field(gt=0, le=180)
    details: list[str] = Field(default_factory=list)
    responsible: str = Field(default="Mødeleder", description="Hvem der står for punktet")
    slides: list[SlideKind] = Field(
        default_factory=list,
        description="Hvad PowerPointen viser under punktet, i rækkefølge (tom: punktets titel "
        "og detaljer)",
    )
    questions: list[int] = Field(
        default_factory=list, description="Spørgeskemaets spørgsmål (nr. 1, 2, …) under punktet"
    )
    video: str | None = Field(default=None, description="Id på videoens link under links")
    notes: str = Field(default="", description="Talenoter til mødelederen under punktet")


class ProgramBlock(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    items: list[ProgramItem] = Field(default_factory=list)
    break_minutes: int = Field(default=0, ge=0, description="A break has minutes and no items")
    reflection: list[str] = Field(default_factory=list, description="Refleksionsspørgsmål")

    @property
    def minutes(self) -> int:
        return self.break_minutes + sum(item.minutes for item in self.items)

    @model_validator(mode="after")
    def _items_or_break(self) -> ProgramBlock:
        if bool(self.items) == bool(self.break_minutes):
            raise ValueError(f"blok '{self.title}' skal have enten punkter eller pauseminutter")
        return self


class ProgramVariant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    title: str
    minutes: int = Field(gt=0, description="The promised length; the blocks must add up to it")
    blocks: list[ProgramBlock] = Field(min_length=1)

    @model_validator(mode="after")
    def _adds_up(self) -> ProgramVariant:
        total = sum(block.minutes for block in self.blocks)
        if total != self.minutes:
            raise ValueError(
                f"programmet '{self.id}' varer {total} min., men er lovet til {self.minutes} min."
            )
        return self


class QuestionType(StrEnum):
    RATING = "rating"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"


DONT_KNOW = "Ved ikke"

# What a package's mails and documents were called before the engine named its partner's
# guide for every package: a catalog folder KiAP keeps, or a running order's mail or render
# scheduled before the change, may still use the old name.
RENAMED = {"jobcenter_guide": "partner_guide"}


def current_name(name: str) -> str:
    """A mail's or document's name as the engine calls it now."""
    return RENAMED.get(name, name)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]{1,40}$", description="Kort id: små bogstaver, tal og _")
    text: str = Field(min_length=1, max_length=500)
    type: QuestionType
    options: list[str] = Field(default_factory=list)
    dont_know: bool = Field(default=False, description="Tilføj svarmuligheden 'Ved ikke'")
    required: bool = True

    @model_validator(mode="after")
    def _options_fit_type(self) -> Question:
        if self.type == QuestionType.FREE_TEXT:
            if self.options:
                raise DomainError(
                    "options", f"spørgsmål '{self.id}': fritekst har ingen svarmuligheder"
                )
            return self
        if len(self.options) < 2:
            raise DomainError("options", f"spørgsmål '{self.id}': angiv mindst to svarmuligheder")
        if any(not o.strip() for o in self.options):
            raise DomainError(
                "options", f"spørgsmål '{self.id}': en svarmulighed er tom – udfyld eller fjern den"
            )
        if len(set(self.options)) != len(self.options):
            raise DomainError("options", f"spørgsmål '{self.id}': to svarmuligheder er ens")
        return self

    @property
    def choices(self) -> list[str]:
        """The options a respondent sees, 'Ved ikke' last where offered."""
        return [*self.options, DONT_KNOW] if self.dont_know else list(self.options)


class SurveyTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SurveyTemplate:
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(
                f"spørgsmålenes id skal være unikke; dubletter: {', '.join(duplicates)}"
            )
        return self


class ShownLink(BaseModel):
    """An address as a mail or the practice sheet prints it, with the material found there."""

    title: str
    url: str
    covers: list[str] = Field(default_factory=list)


class Package(BaseModel):
    """Everything specific to one cluster package; the next package is a new folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    purpose: str
    default_program: str
    programs: list[ProgramVariant] = Field(min_length=1)
    survey: SurveyTemplate
    links: list[Link]
    quality_units: list[QualityUnit]
    virtual_rooms: list[VirtualRoom] = Field(
        default_factory=list,
        description="Hjælp til virtuelle møderum pr. region (tjeklisten og invitationen til et "
        "virtuelt møde)",
    )
    practical_checklist: dict[str, list[str]] = Field(
        description="Tjekliste før mødet pr. mødeform (fysisk/virtuelt)"
    )
    after_meeting_options: list[str] = Field(default_factory=list)
    meeting_documents: list[str] = Field(
        min_length=1, description="Renderer kinds delivered before the meeting"
    )
    # The default is what every order sent before packages named these.
    after_meeting_documents: list[str] = Field(
        default_factory=lambda: ["meeting_summary", "practice_sheet"],
        description="Renderer kinds sent with the summary the business day after the meeting",
    )
    # Packages recorded in histories before ``extract`` held it; package.yaml no longer has it.
    certificate_types: list[str] = Field(default_factory=list)
    process: Process = Field(
        default_factory=Process, description="Hvilke af de valgfri trin pakken har"
    )
    # None only in packages recorded in histories before packages carried their words; the
    # catalog refuses a package.yaml without them.
    texts: PackageTexts | None = None
    extract: ExtractSpec | None = Field(
        default=None, description="Partnerens datatræk: kolonner, typer og ord"
    )
    # schemas/benchmark/disclosure.py's MIN_CLUSTERS, and why 5 (README.md, "Landstal").
    benchmark_min_clusters: int = Field(
        default=5,
        ge=3,
        description="Landstal: et tal vises kun, når mindst så mange andre klynger står bag",
    )

    @model_validator(mode="after")
    def _complete(self) -> Package:
        ids = [p.id for p in self.programs]
        if self.default_program not in ids:
            raise ValueError(f"default_program '{self.default_program}' findes ikke blandt {ids}")
        missing = [r.value for r in Region if r not in {u.region for u in self.quality_units}]
        if missing:
            raise ValueError(f"quality_units mangler regionerne: {', '.join(missing)}")
        links = {link.id for link in self.links}
        for link in self.links:
            if link.found_at is not None and link.found_at not in links:
                raise ValueError(
                    f"links.{link.id}: found_at '{link.found_at}' findes ikke under links"
                )
        for program in self.programs:
            for block in program.blocks:
                for item in block.items:
                    if item.video is not None and item.video not in links:
                        raise ValueError(
                            f"programs.{program.id}: punktet '{item.title}' har video "
                            f"'{item.video}', som ikke findes under links ({', '.join(links)})"
                        )
                    asked = len(self.survey.questions)
                    for number in item.questions:
                        if not 1 <= number <= asked:
                            raise ValueError(
                                f"programs.{program.id}: punktet '{item.title}' viser "
                                f"spørgsmål {number}; spørgeskemaet har 1–{asked}"
                            )
        for mode in ("fysisk", "virtuelt"):
            if not self.practical_checklist.get(mode):
                raise ValueError(f"practical_checklist mangler punkter for '{mode}'")
        if self.texts is not None:  # a package as package.yaml gives it (not an old record)
            self.texts.check(self.process)
            if self.process.extract != (self.extract is not None):
                raise ValueError(
                    "extract: mangler – processen har et datatræk"
                    if self.process.extract
                    else "extract: processen har intet datatræk – fjern afsnittet"
                )
        shown = {
            kind
            for program in self.programs
            for block in program.blocks
            for item in block.items
            for kind in item.slides
        }
        for kind, stage in (("extract", "extract"), ("topics", "premeeting")):
            if kind in shown and not getattr(self.process, stage):
                raise ValueError(
                    f"programs: slides '{kind}' viser {stage}, som pakken ikke har"
                    f" – sæt process.{stage}: true eller fjern '{kind}'"
                )
        return self

    @property
    def words(self) -> PackageTexts:
        """The package's texts; every package the catalog loads has them."""
        if self.texts is None:
            raise ValueError(f"pakken '{self.id}' har ingen texts i package.yaml")
        return self.texts

    def program(self, variant: str | None) -> ProgramVariant:
        wanted = variant or self.default_program
        for program in self.programs:
            if program.id == wanted:
                return program
        raise KeyError(wanted)

    def link(self, link_id: str) -> Link:
        for link in self.links:
            if link.id == link_id:
                return link
        raise KeyError(link_id)

    def quality_unit(self, region: Region) -> QualityUnit:
        return next(u for u in self.quality_units if u.region == region)

    def virtual_room(self, region: Region) -> VirtualRoom | None:
        """Who helps the region's clusters with a virtual meeting room, where sourced."""
        found = next((r for r in self.virtual_rooms if r.region == region), None)
        return found if found is not None and found.sourced else None

    def printing_problems(self) -> list[tuple[str, str]]:
        """What stops the catalog from using the package for new orders, beyond its schema:
        a link the practice sheet would print as a QR code with no address a source gives.
        (Checked when the catalog loads, not on packages recorded in older histories.)"""
        problems = []
        for link in self.links:
            if link.on_practice_sheet and self.shown_link(link.id) is None:
                problems.append(
                    (
                        f"links.{link.id}",
                        "står på praksisarket som QR-kode, men har ingen adresse med kilde – "
                        "giv den url og source: (eller confirmed_by: og confirmed_on:), "
                        "eller fjern on_practice_sheet",
                    )
                )
        return problems

    def shown_link(self, link_id: str) -> Link | None:
        """The link to print for ``link_id``: itself where its address is sourced, else the
        sourced page it is found at, else None (its title is printed alone, or – a link the
        package, as recorded for an older order, does not have – nothing)."""
        try:
            link = self.link(link_id)
        except KeyError:
            return None
        if link.printable:
            return link
        if link.found_at is not None and self.link(link.found_at).printable:
            return self.link(link.found_at)
        return None

    def shown_links(self, practice_sheet: bool) -> list[ShownLink]:
        """The package's links for a mail (``practice_sheet`` False) or the practice sheet, as
        printed: one line per address, naming the material found there; a link without an
        address with a source and without a page it is found at is left out."""
        out: dict[str, ShownLink] = {}
        for link in self.links:
            if link.on_practice_sheet != practice_sheet:
                continue
            shown = self.shown_link(link.id)
            if shown is None or shown.url is None:
                continue
            line = out.setdefault(str(shown.url), ShownLink(title=shown.title, url=str(shown.url)))
            if shown.id != link.id:
                line.covers.append(link.title)
        return list(out.values())

    def fact_gaps(self) -> list[FactGap]:
        """Every fact a person would act on that has no source, and what is printed instead:
        the catalog check, ``make run`` and the workbench list them."""
        gaps: list[FactGap] = []
        for link in self.links:
            if link.printable:
                continue
            shown = self.shown_link(link.id)
            gaps.append(
                FactGap(
                    where=f"links.{link.id}",
                    what=link.title + (f" ({link.url})" if link.url else " (ingen adresse)"),
                    instead=f"titlen alene, med henvisning til '{shown.title}'"
                    if shown is not None
                    else "titlen alene, uden adresse og QR-kode",
                )
            )
        for unit in self.quality_units:
            if not unit.sourced:
                gaps.append(
                    FactGap(
                        where=f"quality_units.{unit.region.value}",
                        what=unit.name,
                        instead="'den regionale kvalitetsenhed' uden navn og kontakt",
                    )
                )
        covered = {room.region for room in self.virtual_rooms if room.sourced}
        for region in Region:
            if region not in covered:
                gaps.append(
                    FactGap(
                        where=f"virtual_rooms.{region.value}",
                        what=f"hjælp til virtuelle møderum i Region {region.value}",
                        instead="tjeklisten nævner ingen kontakt",
                    )
                )
        if self.extract is not None:
            for cert in self.extract.certificates:
                if not cert.sourced:
                    gaps.append(
                        FactGap(
                            where=f"extract.certificates.{cert.code}",
                            what=f"{cert.code} {cert.name}",
                            instead="koden afvises i datatrækket",
                        )
                    )
                elif cert.agreed_days is None and cert.agreed is None:
                    gaps.append(
                        FactGap(
                            where=f"extract.certificates.{cert.code}",
                            what=f"svarfristen for {cert.code}",
                            instead="PowerPointen viser svartiden uden aftalt frist",
                        )
                    )
        return gaps

    def fact_reviews(self) -> list[FactReview]:
        """The facts with a date a content editor looks at them again, soonest first."""
        facts: list[tuple[str, str, object]] = [
            *((f"links.{x.id}", x.title, x) for x in self.links),
            *((f"quality_units.{x.region.value}", x.name, x) for x in self.quality_units),
            *((f"virtual_rooms.{x.region.value}", x.offered_by, x) for x in self.virtual_rooms),
        ]
        if self.extract is not None:
            facts += [
                (f"extract.certificates.{x.code}", f"{x.code} {x.name}", x)
                for x in self.extract.certificates
            ]
        found = [
            FactReview(where=where, what=what, review_by=fact.review_by, source=fact.source)
            for where, what, fact in facts
            if isinstance(fact, Sourced) and fact.review_by is not None
        ]
        return sorted(found, key=lambda r: r.review_by)
