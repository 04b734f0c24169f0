"""The facts a package prints that a person will act on – a web address, a phone number, an
e-mail, a person, a certificate code, an answer time – each with where it comes from.

A fact carries ``source`` (a seed and its section, or a public address) or ``confirmed_by``
with ``confirmed_on`` (KiAP vouches for it). A fact with neither is not printed: the package
says nothing in its place, and the catalog check, ``make run`` and the workbench's package page
list it under "Fakta der mangler en kilde" until KiAP gives one. ``review_by`` is when a
content editor looks at it again (a contact from the covid years, say).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from schemas.shared.region import Region


class Sourced(BaseModel):
    """Where a fact comes from; mixed into every fact of a package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = Field(
        default=None,
        description="Hvor oplysningen kommer fra: et frø og dets afsnit (fx 'seed 004: Hjælp "
        "til virtuelle klyngemøder') eller en offentlig adresse",
    )
    confirmed_by: str | None = Field(
        default=None, description="Hvem der har bekræftet oplysningen (fx 'KiAP')"
    )
    confirmed_on: date | None = Field(default=None, description="Hvornår den blev bekræftet")
    review_by: date | None = Field(
        default=None, description="Hvornår en redaktør ser oplysningen efter igen"
    )

    @property
    def sourced(self) -> bool:
        """Whether the fact may be printed: a source, or KiAP's word with its date."""
        return bool(self.source) or (bool(self.confirmed_by) and self.confirmed_on is not None)


class Link(Sourced):
    """A web address the package shows (a mail's list, a QR code, a slide). Without ``url``
    or without a source it is named by its title only, pointing at ``found_at`` if that is
    a printable link."""

    id: str
    title: str
    url: HttpUrl | None = None
    on_practice_sheet: bool = False
    found_at: str | None = Field(
        default=None,
        description="Id på et link med kilde, hvor materialet findes, når det ikke selv har en "
        "adresse med kilde (fx klyngepakkens hjælpemateriale på kiap.dk)",
    )

    @property
    def printable(self) -> bool:
        return self.url is not None and self.sourced


class QualityUnit(Sourced):
    """A region's quality unit (regional kvalitetsenhed) for support after the meeting; its
    contact details only where a source gives them."""

    region: Region
    name: str
    email: str | None = None
    phone: str | None = None
    url: HttpUrl | None = None

    @property
    def shown_name(self) -> str:
        """The unit's name where a source gives it, else what every region has."""
        return self.name if self.sourced else "den regionale kvalitetsenhed"

    @property
    def contacts(self) -> list[str]:
        """E-mail, phone and address, or none when the unit's name is all that is sourced."""
        return _contacts(self, self.email, self.phone, self.url)


class VirtualRoom(Sourced):
    """Who helps a cluster of the region with a virtual meeting room: the checklist and the
    invitation of a virtual meeting name them."""

    region: Region
    offered_by: str = Field(min_length=1, description="Hvem der tilbyder møderummet")
    help: str = Field(min_length=1, description="Hvad de tilbyder, og hvordan man får det")
    contact: str | None = Field(default=None, description="Hvem man spørger (titel og navn)")
    email: str | None = None
    phone: str | None = None
    url: HttpUrl | None = None

    @property
    def contacts(self) -> list[str]:
        return _contacts(self, self.email, self.phone, self.url)


class Certificate(Sourced):
    """A municipal certificate (LÆ-attest) the partner's extract may name, with the answer
    time agreed for it where a source gives one."""

    code: str = Field(min_length=1, description="Attestens kode, fx 'LÆ 265'")
    name: str = Field(min_length=1, description="Attestens navn, fx 'Rehabiliteringsattest'")
    request_form: str | None = Field(
        default=None, description="Blanketten, kommunen anmoder med, fx 'LÆ 261'"
    )
    agreed_days: int | None = Field(
        default=None, gt=0, description="Aftalt svarfrist i dage efter anmodningen; tom: ingen"
    )
    agreed: str | None = Field(
        default=None,
        description="Fristen i ord, som den står i kilden (fx 'senest 7 dage efter "
        "konsultationen og senest 14 dage efter anmodningen')",
    )
    note: str | None = Field(
        default=None, description="Det, pakken skal sige, hvor den nævner attesten"
    )
    note_source: str | None = Field(default=None, description="Hvor noten kommer fra")


def _contacts(
    fact: Sourced, email: str | None, phone: str | None, url: HttpUrl | None
) -> list[str]:
    """A contact's ways in, as printed: none for a fact without a source."""
    if not fact.sourced:
        return []
    found = [email, f"tlf. {phone}" if phone else None, str(url) if url else None]
    return [c for c in found if c]


class FactGap(BaseModel):
    """A fact the package has no source for: where it is, and what is printed instead."""

    where: str
    what: str
    instead: str


class FactReview(BaseModel):
    """A fact with a review date: what a content editor checks again, and when."""

    where: str
    what: str
    review_by: date
    source: str | None
