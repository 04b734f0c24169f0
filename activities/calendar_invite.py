"""Calendar invitations (.ics) for the call, the pre-meeting, the meeting and the follow-up
meeting: METHOD:REQUEST, and METHOD:CANCEL when the order is cancelled.

Times are written in Europe/Copenhagen with its VTIMEZONE (a fixed offset such as "+01:00"
is no time zone: calendars read it as floating time, and a meeting in summer time moves by
an hour). The same UID with a higher SEQUENCE replaces an earlier invitation in calendars.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText
from pydantic import BaseModel, Field

from schemas.shared.people import Person

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class CalendarInvite(BaseModel):
    uid: str = Field(description="Stable per order and occasion, so an update replaces it")
    summary: str
    start: datetime
    minutes: int
    location: str | None = None
    description: str = Field(default="", description="Empty: the mail's own text is used")
    sequence: int = Field(default=0, description="Raised when the occasion moves")
    attendees: list[Person] = Field(default_factory=list, description="Who is invited")
    cancelled: bool = Field(default=False, description="METHOD:CANCEL: the occasion is off")

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"


def build_ics(
    invite: CalendarInvite, organizer_email: str, stamp: datetime, description: str = ""
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//KiAP//klyngepakke//DA")
    calendar.add("version", "2.0")
    calendar.add("method", invite.method)
    event = Event()
    start = invite.start.astimezone(COPENHAGEN)
    event.add("uid", invite.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=invite.minutes))
    event.add("summary", invite.summary)
    event.add("sequence", invite.sequence)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    if invite.location:
        event.add("location", vText(invite.location))
    text = invite.description or description
    if text:
        event.add("description", text)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText("KiAP")
    event["organizer"] = organizer
    for person in invite.attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    # The VTIMEZONE for Europe/Copenhagen, from zoneinfo: without it the TZID names nothing.
    # The years around the occasion are enough, and kept short.
    calendar.add_missing_timezones(
        first_date=date(start.year - 1, 1, 1), last_date=date(start.year + 2, 1, 1)
    )
    _one_transition_per_part(calendar)
    ics: bytes = calendar.to_ical()
    return ics


def _one_transition_per_part(calendar: Calendar) -> None:
    """icalendar lists a zone's transitions as one STANDARD/DAYLIGHT part with many RDATEs;
    Mozilla's parser (Thunderbird) reads only the first of them and skips the DTSTART, and
    so showed a summer meeting an hour off. One part per transition, each with its DTSTART
    alone, means the same to every reader."""
    for zone in calendar.walk("VTIMEZONE"):
        parts = []
        for part in zone.subcomponents:
            listed = part.pop("RDATE", None)
            parts.append(part)
            for dates in [] if listed is None else listed if isinstance(listed, list) else [listed]:
                for moment in dates.dts:
                    copy = part.copy()
                    copy.subcomponents = []
                    copy.pop("DTSTART")
                    copy.add("DTSTART", moment.dt)
                    parts.append(copy)
        zone.subcomponents = sorted(parts, key=lambda part: part.decoded("DTSTART"))
