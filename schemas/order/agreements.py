"""The meeting's agreements after the meeting: who is reminded, when, and what became of them.

An owner is written as people write it in minutes ("Jobcenteret", "Klyngen", "Alle
praksisser", a member's name) or given with an e-mail; each resolves to the people who get the
reminders. Reminders go a week before the date and on the date (on the business day before,
when the date is not one); an agreement not marked done is overdue from the next business day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from schemas.order.minutes import Agreement
from schemas.order.request import OrderRequest
from schemas.package.process import PartnerTexts
from schemas.shared.business_days import add_business_days, at_workday_start, on_or_before
from schemas.shared.errors import DomainError
from schemas.shared.people import Person

CLUSTER = ("klyngen", "klynge", "klyngekoordinatoren", "koordinatoren", "bestyrelsen")
# The partner as orders recorded before packages named theirs wrote it (the job centre was the
# only partner then); a package's own words (texts.partner) replace these.
LEGACY_PARTNER_WORDS = ("jobcenteret", "jobcenter", "kommunen")
LEGACY_PARTNER = "Jobcenteret"
PRACTICES = ("alle praksisser", "alle praksis", "hver praksis", "praksisserne", "alle læger")


class ReminderKind(StrEnum):
    WEEK_BEFORE = "week_before"
    DUE = "due"
    OVERDUE = "overdue"


class AgreementState(StrEnum):
    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"


class AgreementView(BaseModel):
    """An agreement as status and documents show it: numbered from 1, as people say it."""

    number: int
    text: str
    owner: str
    due: date
    state: AgreementState
    done_at: datetime | None = None


class Wake(BaseModel):
    at: datetime
    number: int
    kind: ReminderKind


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _partner_keys(partner: PartnerTexts | None) -> tuple[str, ...]:
    if partner is None:
        return LEGACY_PARTNER_WORDS
    return (_key(partner.definite), _key(partner.name), _key(partner.organisation + "en"))


def owners_of(
    agreement: Agreement, order: OrderRequest, partner: PartnerTexts | None = None
) -> list[Person]:
    """Who gets the agreement's reminders (``partner``: how the package names its partner).
    Raises DomainError (field ``owner``) when the owner cannot be reached."""
    if agreement.owner_email is not None:
        member = next((m for m in order.members if m.email == agreement.owner_email), None)
        return [member or Person(name=agreement.owner, email=agreement.owner_email)]
    key = _key(agreement.owner)
    if key in CLUSTER:
        return [order.coordinator]
    municipality = order.municipality
    if municipality is not None and (
        key in _partner_keys(partner)
        or key
        in (
            _key(municipality.jobcenter_contact.name),
            _key(municipality.name),
            _key(f"jobcenter {municipality.name.removesuffix(' Kommune')}"),
        )
    ):
        return [municipality.jobcenter_contact]
    if key in PRACTICES:
        return list(order.members)
    named = [m for m in order.members if _key(m.name) == key]
    if key == _key(order.coordinator.name):
        return [order.coordinator]
    if named:
        return [named[0]]
    raise DomainError(
        "owner",
        f"ukendt ansvarlig – vælg en af: {', '.join(known_owners(order, partner)[:8])} …,"
        " eller skriv"
        " den ansvarliges e-mail",
    )


def owner_in_sentence(owner: str, partner: PartnerTexts | None = None) -> str:
    """An owner as it reads inside a Danish sentence: "med alle praksisser som ansvarlig"
    (a group is a common noun, the package's partner too), a person's or municipality's name
    as written."""
    if _key(owner) in CLUSTER + _partner_keys(partner) + PRACTICES:
        return owner[:1].lower() + owner[1:]
    return owner


def known_owners(order: OrderRequest, partner: PartnerTexts | None = None) -> list[str]:
    """The owners an agreement can have, as the minutes page offers them."""
    organisation = order.municipality
    group = partner.the if partner is not None else LEGACY_PARTNER
    names = ["Klyngen", *([group] if organisation else []), "Alle praksisser"]
    names.append(order.coordinator.name)
    if organisation is not None:
        names += [organisation.jobcenter_contact.name, organisation.name]
    names += [m.name for m in order.members]
    return list(dict.fromkeys(names))


def reminder_envelopes(
    agreement: Agreement, order: OrderRequest, partner: PartnerTexts | None = None
) -> list[list[Person]]:
    """Who gets one reminder message together: for "Alle praksisser" one message per
    practice with its doctors on it, otherwise one per owner."""
    owners = owners_of(agreement, order, partner)
    if agreement.owner_email is None and _key(agreement.owner) in PRACTICES:
        practices: dict[str, list[Person]] = {}
        for member in order.members:
            practices.setdefault(member.ydernummer, []).append(member)
        return list(practices.values())
    return [[owner] for owner in owners]


def check_owners(
    agreements: list[Agreement], order: OrderRequest, partner: PartnerTexts | None = None
) -> None:
    for index, agreement in enumerate(agreements):
        try:
            owners_of(agreement, order, partner)
        except DomainError as exc:
            raise DomainError(f"agreements[{index}].{exc.field}", exc.message) from None


def reminder_day(due: date, days_before: int) -> date:
    return on_or_before(due - timedelta(days=days_before))


def schedule(agreements: list[Agreement], recorded_at: datetime) -> list[Wake]:
    """Every reminder and overdue moment still ahead, in time order."""
    wakes: list[Wake] = []
    for number, agreement in enumerate(agreements, start=1):
        moments = (
            (at_workday_start(reminder_day(agreement.due, 7)), ReminderKind.WEEK_BEFORE),
            (at_workday_start(reminder_day(agreement.due, 0)), ReminderKind.DUE),
            (at_workday_start(add_business_days(agreement.due, 1)), ReminderKind.OVERDUE),
        )
        wakes += [
            Wake(at=at, number=number, kind=kind)
            for at, kind in moments
            if at > recorded_at or kind == ReminderKind.OVERDUE
        ]
    return sorted(wakes, key=lambda w: (w.at, w.number, list(ReminderKind).index(w.kind)))
