"""The meeting in people's calendars: the invitation reaches the members and the job centre,
a move updates the same entry, a cancellation removes it (read with Mozilla's ical.js)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from schemas.order.commands import Cancel, ConsultationDone, Reschedule
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from tests import factories
from tests.checkers import calendars
from tests.workflows.harness import running

pytestmark = pytest.mark.skipif(calendars.missing() is not None, reason=str(calendars.missing()))


def _read(messages) -> list[dict]:
    return calendars.read_with_ical_js([calendars.calendar_files(m)[0] for m in messages])


async def test_the_meeting_invitation_moves_and_is_cancelled_in_calendars(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now(), weeks=12)
        order_id = await h.start(order, order_id=f"invite-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        status = await h.status(order_id)
        due = next(s.due for s in status.steps if s.name == Step.INVITATION)
        await h.sleep_until(due)
        invited = h.mails("invitation")
        later = order.meeting.start + timedelta(weeks=2)
        await h.client.orders.reschedule(order_id, Reschedule(meeting=later))
        await h.settle()
        moved = [m for m in h.mails("rescheduled") if calendars.calendar_files(m)]
        await h.client.orders.cancel(order_id, Cancel(reason="Klyngen har aflyst mødet"))
        await h.finish(order_id)
        cancelled = [m for m in h.mails("cancelled") if calendars.calendar_files(m)]

    guests = {p.email for p in [*order.members, order.municipality.jobcenter_contact]}
    assert {m["To"].addresses[0].addr_spec for m in invited} == guests
    assert guests <= {m["To"].addresses[0].addr_spec for m in moved}
    assert guests <= {m["To"].addresses[0].addr_spec for m in cancelled}
    first, move, cancel = (_read(found)[0] for found in (invited, moved, cancelled))
    assert [first["method"], move["method"], cancel["method"]] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [first["events"][0], move["events"][0], cancel["events"][0]]
    assert len({e["uid"] for e in events}) == 1
    assert [e["sequence"] for e in events] == [0, 1, 2]
    starts = [datetime.fromisoformat(e["start_utc"].replace("Z", "+00:00")) for e in events]
    assert starts == [order.meeting.start, later, later]
    assert all(e["tzid"] == "Europe/Copenhagen" for e in events)
    assert {f"mailto:{g}" for g in guests} == set(events[0]["attendees"])
    # The entry says what the mail says: the time and the place.
    assert order.meeting.location in events[0]["description"]
