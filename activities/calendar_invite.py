"""Calendar invitations (.ics, METHOD:REQUEST) for the call, the pre-meeting and the meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText
from pydantic import BaseModel, Field


class CalendarInvite(BaseModel):
    uid: str = Field(description="Stable per order and occasion, so an update replaces it")
    summary: str
    start: datetime
    minutes: int
    location: str | None = None
    description: str = ""
    sequence: int = Field(default=0, description="Raised when the occasion moves")


def build_ics(invite: CalendarInvite, organizer_email: str, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//KiAP//klyngepakke//DA")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", invite.start)
    event.add("dtend", invite.start + timedelta(minutes=invite.minutes))
    event.add("summary", invite.summary)
    event.add("sequence", invite.sequence)
    if invite.location:
        event.add("location", vText(invite.location))
    if invite.description:
        event.add("description", invite.description)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText("KiAP")
    event["organizer"] = organizer
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
