"""The invitations as a second calendar reader (Mozilla's ical.js) takes them: the meeting at
its Copenhagen time in winter and in summer, everyone invited listed, a move and a
cancellation replacing the same entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from activities.calendar_invite import CalendarInvite, build_ics
from schemas.shared.people import Person
from tests.checkers import calendars

pytestmark = pytest.mark.skipif(calendars.missing() is not None, reason=str(calendars.missing()))

GUESTS = [
    Person(name="Søren Ærø", email="soeren@example.dk"),
    Person(name="Jobcenter Aarhus", email="jc@example.dk"),
]
STAMP = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def meeting(start: datetime, **changes) -> CalendarInvite:
    return CalendarInvite(
        uid="meeting.o-1@klyngepakke.kiap.dk",
        summary="Klyngemøde: Attester i almen praksis",
        start=start,
        minutes=150,
        location="Lægehuset, Storegade 1",
        attendees=GUESTS,
        **changes,
    )


@pytest.mark.parametrize(
    ("start", "utc"),
    [
        # As the order's YAML gives it: a fixed offset, in winter and in summer time.
        (datetime(2027, 1, 14, 16, 0, tzinfo=timezone(timedelta(hours=1))), "2027-01-14T15:00"),
        (datetime(2027, 6, 10, 16, 0, tzinfo=timezone(timedelta(hours=2))), "2027-06-10T14:00"),
        (datetime(2026, 3, 30, 14, 0, tzinfo=UTC), "2026-03-30T14:00"),
    ],
)
def test_the_meeting_is_at_its_copenhagen_time_for_a_second_reader(start, utc):
    ics = build_ics(meeting(start), "kiap@example.dk", STAMP, "Tid: torsdag kl. 16.00")
    assert b"TZID=Europe/Copenhagen:" in ics and b"BEGIN:VTIMEZONE" in ics
    [read] = calendars.read_with_ical_js([ics])
    [event] = read["events"]
    assert read["method"] == "REQUEST"
    assert event["tzid"] == "Europe/Copenhagen" and not event["floating"]
    assert event["start_utc"].startswith(utc)
    end = datetime.fromisoformat(event["end_utc"]) - datetime.fromisoformat(event["start_utc"])
    assert end == timedelta(minutes=150)
    assert event["attendees"] == ["mailto:soeren@example.dk", "mailto:jc@example.dk"]
    assert event["organizer"] == "mailto:kiap@example.dk"
    assert event["description"] == "Tid: torsdag kl. 16.00"
    assert event["status"] == "CONFIRMED"


def test_a_move_and_a_cancellation_replace_the_same_entry():
    first = datetime(2027, 1, 14, 16, 0, tzinfo=UTC)
    files = [
        build_ics(meeting(first), "kiap@example.dk", STAMP),
        build_ics(meeting(first + timedelta(weeks=2), sequence=1), "kiap@example.dk", STAMP),
        build_ics(
            meeting(first + timedelta(weeks=2), sequence=2, cancelled=True),
            "kiap@example.dk",
            STAMP,
        ),
    ]
    read = calendars.read_with_ical_js(files)
    assert [r["method"] for r in read] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [r["events"][0] for r in read]
    assert {e["uid"] for e in events} == {"meeting.o-1@klyngepakke.kiap.dk"}
    assert [e["sequence"] for e in events] == [0, 1, 2]
    assert events[2]["status"] == "CANCELLED"
