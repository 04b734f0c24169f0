"""The order of a cluster package, as the coordinator gives it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from schemas.shared.copenhagen import LocalDateTime
from schemas.shared.people import Member, Name, Person
from schemas.shared.region import Region, _region
from schemas.shared.slug import slug


class MeetingMode(StrEnum):
    PHYSICAL = "fysisk"
    VIRTUAL = "virtuelt"


class ContactBy(StrEnum):
    """Who makes the first contact with the job centre (agreed in the consultation)."""

    KIAP = "kiap"
    CLUSTER = "klynge"


class Cluster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name = Field(description="Klyngens navn")
    region: Annotated[Region, BeforeValidator(_region)] = Field(description="Region")


class Municipality(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name = Field(description="Kommunens navn")
    jobcenter_contact: Person = Field(
        description="Kontaktperson eller fællespostkasse i jobcenteret"
    )


class Meeting(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: LocalDateTime = Field(description="Mødets start (dansk tid)")
    mode: MeetingMode = Field(default=MeetingMode.PHYSICAL, description="fysisk eller virtuelt")
    location: str | None = Field(
        default=None, max_length=200, description="Lokale eller link til det virtuelle møde"
    )
    program_variant: str | None = Field(
        default=None, description="Programvariant fra pakkens katalog; standard hvis tom"
    )


class OrderRequest(BaseModel):
    """Everything the coordinator states when ordering a package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    package: str = Field(min_length=1, description="Pakkens id i kataloget")
    cluster: Cluster
    coordinator: Person
    consultant: Person | None = Field(default=None, description="KiAP-konsulent; ellers standard")
    members: list[Member] = Field(min_length=1, description="Klyngens medlemmer")
    municipality: Municipality | None = Field(
        default=None,
        description="Samarbejdspartneren (kommunens jobcenter); kun til pakker med en partner",
    )
    meeting: Meeting
    call_at: LocalDateTime = Field(description="Hvornår koordinatoren ønsker at blive ringet op")

    @field_validator("members")
    @classmethod
    def _no_duplicate_members(cls, members: list[Member]) -> list[Member]:
        seen: dict[str, int] = {}
        for index, member in enumerate(members):
            if member.email in seen:
                raise ValueError(
                    f"medlem nr. {index + 1} har samme e-mail som nr. {seen[member.email] + 1}"
                    " – fjern dubletten"
                )
            seen[member.email] = index
        return members

    @model_validator(mode="after")
    def _call_before_meeting(self) -> OrderRequest:
        if self.call_at >= self.meeting.start:
            raise ValueError(
                "call_at: opkaldet skal ligge før klyngemødet – vælg et tidligere tidspunkt"
            )
        return self

    @property
    def partner(self) -> Municipality:
        """The partner organisation, for what only a package with a partner renders or sends."""
        if self.municipality is None:
            raise ValueError("ordren har ingen samarbejdspartner (municipality)")
        return self.municipality

    @property
    def practices(self) -> list[str]:
        """The cluster's provider numbers, each once, in member order."""
        return list(dict.fromkeys(m.ydernummer for m in self.members))


def default_order_id(order: OrderRequest) -> str:
    """A business key with no personal data: package, cluster and meeting date."""
    return f"{order.package}--{slug(order.cluster.name)}--{order.meeting.start.date().isoformat()}"
