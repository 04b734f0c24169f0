"""People on an order: coordinator, consultant, job-centre contact and cluster members."""

from __future__ import annotations

import re
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

_YDERNUMMER = re.compile(r"^\d{6}$")


def normalise_email(value: object) -> str:
    """Trim and lower-case an address; refuse one that cannot be delivered to."""
    if not isinstance(value, str):
        raise ValueError("skal være en e-mailadresse, fx navn@example.dk")
    text = value.strip()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError("er ikke en gyldig e-mailadresse – skriv den som navn@domæne.dk") from None
    return result.normalized.lower()


def normalise_ydernummer(value: object) -> str:
    """A provider number is six digits; spreadsheets drop the leading zeros, so pad ints."""
    if isinstance(value, bool):
        raise ValueError("skal være et ydernummer på 6 cifre, fx 012345")
    if isinstance(value, int):
        value = str(value).zfill(6)
    if isinstance(value, float) and value.is_integer():
        value = str(int(value)).zfill(6)
    if not isinstance(value, str):
        raise ValueError("skal være et ydernummer på 6 cifre, fx 012345")
    text = re.sub(r"\s", "", value)
    if not _YDERNUMMER.match(text):
        raise ValueError("skal være et ydernummer på præcis 6 cifre, fx 012345")
    return text


def _clean_name(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("må ikke være tom – skriv personens navn")
    if any(ord(ch) < 32 for ch in cleaned):
        raise ValueError("indeholder kontroltegn – skriv kun bogstaver")
    return cleaned


Email = Annotated[str, BeforeValidator(normalise_email)]
Ydernummer = Annotated[str, BeforeValidator(normalise_ydernummer)]
Name = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_clean_name)]


class Person(BaseModel):
    """Someone the order mails: a name and an address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name = Field(description="Fulde navn")
    email: Email = Field(description="E-mailadresse")


class Member(Person):
    """A doctor in the cluster; doctors in one partnership practice share a ydernummer."""

    ydernummer: Ydernummer = Field(description="Praksis' ydernummer (6 cifre)")


class Actor(BaseModel):
    """Who did a step, as the order's events show it: KiAP staff by their provider's stable id
    (never an e-mail: it is no search attribute and no id), a person by what they gave."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200, description="The provider's sub, or a role")
    name: str = Field(min_length=1, max_length=200)
