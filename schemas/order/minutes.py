"""What the meeting decided: the minute-taker, the agreements and the follow-up choices."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.shared.copenhagen import LocalDateTime
from schemas.shared.errors import DomainError
from schemas.shared.people import Email, Name

# Time for a second survey round and a new extract before the follow-up meeting.
FOLLOW_UP_LEAD = timedelta(weeks=6)


def _clean_text(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("må ikke være tom")
    return cleaned


class Agreement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=1000, description="Hvad der er aftalt")
    owner: str = Field(
        min_length=1,
        max_length=200,
        description="Hvem: en praksis, klyngen, jobcenteret eller en navngiven person",
    )
    due: date = Field(description="Senest hvornår (dato)")
    owner_email: Email | None = Field(
        default=None, description="Den ansvarliges e-mail, hvis det ikke er et medlem"
    )

    _clean = field_validator("text", "owner")(_clean_text)


class FollowUpChoices(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    board_meeting: bool = Field(default=False, description="Opfølgende møde i bestyrelsen")
    klu: bool = Field(default=False, description="Emnet tages op i KLU")
    contact_person: str | None = Field(default=None, max_length=200)
    follow_up_meeting: LocalDateTime | None = Field(
        default=None, description="Opfølgende klyngemøde"
    )
    repeat_survey: bool = Field(
        default=False, description="Spørgeskemaet gentages før det opfølgende møde"
    )
    new_extract: bool = Field(
        default=False, description="Jobcenteret laver et nyt datatræk til det opfølgende møde"
    )


class Minutes(BaseModel):
    """The minutes file of ``meeting record``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minute_taker: Name = Field(description="Referent")
    participants: int = Field(ge=1, le=500, description="Antal deltagere")
    agreements: list[Agreement] = Field(default_factory=list, max_length=50)
    follow_up: FollowUpChoices = Field(default_factory=FollowUpChoices)


def check_minutes(minutes: Minutes, meeting_start: datetime, now: datetime) -> None:
    """The rules that need the order: recorded after the start, agreements due after it."""
    if now < meeting_start:
        raise DomainError(
            "meeting", "klyngemødet er ikke begyndt endnu – registrér referatet efter mødet"
        )
    for index, agreement in enumerate(minutes.agreements):
        if agreement.due <= meeting_start.date():
            raise DomainError(
                f"agreements[{index}].due",
                "fristen skal ligge efter klyngemødet – ret datoen",
            )
    choices = minutes.follow_up
    follow_up = choices.follow_up_meeting
    if follow_up is not None and follow_up - meeting_start < FOLLOW_UP_LEAD:
        raise DomainError(
            "follow_up.follow_up_meeting",
            "det opfølgende møde skal ligge mindst 6 uger efter klyngemødet, så der er tid til"
            " spørgeskema og datatræk – vælg en senere dato",
        )
    if follow_up is None and (choices.repeat_survey or choices.new_extract):
        raise DomainError(
            "follow_up.follow_up_meeting",
            "mangler – et gentaget spørgeskema eller nyt datatræk hører til et opfølgende møde;"
            " angiv dets tidspunkt",
        )
