"""The order's rules for a person's step, without Temporal: out of order, twice, too late."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.order.commands import (
    AgreementDoneCommand,
    MembersChange,
    PremeetingSchedule,
    Reschedule,
)
from schemas.order.events import (
    AgreementDone,
    ArtifactsDelivered,
    ConsultationCompleted,
    DomainEvent,
    LateOrderRequested,
    MaterialSent,
    MeetingRecorded,
    OrderCancelled,
    OrderPlaced,
    PremeetingCompleted,
    PremeetingScheduled,
)
from schemas.order.refusals import (
    refuse_agreement_done,
    refuse_consultation,
    refuse_extract,
    refuse_inactive,
    refuse_meeting_record,
    refuse_members_change,
    refuse_premeeting_done,
    refuse_premeeting_schedule,
    refuse_reschedule,
    refuse_survey_import,
)
from schemas.order.request import ContactBy, MeetingMode
from schemas.order.state import OrderState, fold
from schemas.order.steps import Step
from schemas.order.timeline import plan
from schemas.package.process import Process
from schemas.shared.copenhagen import COPENHAGEN
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
ORDER = factories.make_order(NOW)
TIMELINE = plan(ORDER, NOW)
MEETING = TIMELINE.meeting
ARTIFACTS = TIMELINE.due[Step.ARTIFACTS]


def state(*events: DomainEvent) -> OrderState:
    return fold([OrderPlaced(at=NOW, timeline=TIMELINE), *events])


CONSULTED = ConsultationCompleted(at=NOW, contact_by=ContactBy.KIAP, mode=MeetingMode.PHYSICAL)
MATERIAL = MaterialSent(at=NOW)
DELIVERED = ArtifactsDelivered(at=ARTIFACTS, version=1, roles=["coordinator"])


def test_a_late_order_waiting_for_kiap_and_a_cancelled_one_take_no_step():
    waiting = fold([LateOrderRequested(at=NOW, weeks_missing=2)])
    assert "venter på KiAPs svar" in (refuse_inactive(waiting, cancelling=False) or "")
    assert refuse_inactive(waiting, cancelling=False, starting_ok=True) is None
    cancelled = state(OrderCancelled(at=NOW, reason="Aflyst"))
    assert "annulleret" in (refuse_inactive(cancelled, cancelling=False) or "")
    assert "annulleret" in (refuse_inactive(state(), cancelling=True) or "")
    assert refuse_inactive(state(), cancelling=False) is None


def test_the_consultation_is_registered_once():
    assert refuse_consultation(state()) is None
    assert "allerede registreret" in (refuse_consultation(state(CONSULTED)) or "")


def test_survey_answers_come_after_the_material_and_once():
    assert "ikke sendt ud endnu" in (refuse_survey_import(state(CONSULTED)) or "")
    assert refuse_survey_import(state(CONSULTED, MATERIAL)) is None


def test_the_extract_is_taken_after_the_material_and_until_the_meeting():
    assert "ikke fået skabelonen" in (refuse_extract(state(CONSULTED), NOW, cancelling=False) or "")
    ready = state(CONSULTED, MATERIAL)
    assert refuse_extract(ready, NOW, cancelling=False) is None
    assert "holdt" in (refuse_extract(ready, MEETING, cancelling=False) or "")
    alone = factories.make_order(NOW, package="rationel-antibiotika", municipality=None)
    no_extract = fold(
        [
            OrderPlaced(
                at=NOW,
                timeline=plan(
                    alone, NOW, process=Process(partner=False, premeeting=False, extract=False)
                ),
            )
        ]
    )
    assert "intet datatræk" in (refuse_extract(no_extract, NOW, cancelling=False) or "")


def test_the_premeeting_is_set_after_the_deck_between_now_and_the_meeting():
    before = state(CONSULTED, MATERIAL)
    at = ARTIFACTS + timedelta(days=2)
    assert "når PowerPointen er leveret" in (
        refuse_premeeting_schedule(before, PremeetingSchedule(at=at), NOW) or ""
    )
    after = state(CONSULTED, MATERIAL, DELIVERED)
    assert refuse_premeeting_schedule(after, PremeetingSchedule(at=at), ARTIFACTS) is None
    past_meeting = PremeetingSchedule(at=MEETING + timedelta(hours=1))
    assert (refuse_premeeting_schedule(after, past_meeting, ARTIFACTS) or "").startswith("at: ")


def test_the_premeeting_is_registered_once_held():
    delivered = state(CONSULTED, MATERIAL, DELIVERED)
    assert "ikke planlagt" in (refuse_premeeting_done(delivered, ARTIFACTS) or "")
    at = ARTIFACTS + timedelta(days=2)
    scheduled = state(CONSULTED, MATERIAL, DELIVERED, PremeetingScheduled(at=NOW, premeeting_at=at))
    assert "først registreres bagefter" in (refuse_premeeting_done(scheduled, ARTIFACTS) or "")
    assert refuse_premeeting_done(scheduled, at) is None
    held = state(
        CONSULTED,
        MATERIAL,
        DELIVERED,
        PremeetingScheduled(at=NOW, premeeting_at=at),
        PremeetingCompleted(at=at),
    )
    assert "allerede afsluttet" in (refuse_premeeting_done(held, at) or "")


def test_minutes_once_and_agreements_by_their_number_once():
    minutes = factories.minutes(MEETING.date())
    assert refuse_meeting_record(state()) is None
    recorded = state(MeetingRecorded(at=MEETING, minutes=minutes))
    assert "allerede registreret" in (refuse_meeting_record(recorded) or "")
    assert "ikke registreret endnu" in (
        refuse_agreement_done(state(), AgreementDoneCommand(number=1)) or ""
    )
    assert (refuse_agreement_done(recorded, AgreementDoneCommand(number=2)) or "").startswith(
        "number: referatet har 1 aftaler"
    )
    assert refuse_agreement_done(recorded, AgreementDoneCommand(number=1)) is None
    done = state(MeetingRecorded(at=MEETING, minutes=minutes), AgreementDone(at=MEETING, number=1))
    assert "allerede markeret" in (
        refuse_agreement_done(done, AgreementDoneCommand(number=1)) or ""
    )


def test_a_meeting_moves_at_least_two_weeks_out_and_not_once_held():
    soon = Reschedule(meeting=NOW + timedelta(days=13))
    assert (refuse_reschedule(state(), soon, NOW) or "").startswith("meeting: ")
    assert refuse_reschedule(state(), Reschedule(meeting=MEETING + timedelta(days=7)), NOW) is None
    assert "holdt" in (
        refuse_reschedule(state(), Reschedule(meeting=MEETING + timedelta(days=30)), MEETING) or ""
    )


def test_members_change_until_the_survey_closes_and_only_with_a_change():
    assert "Ingen ændringer" in (refuse_members_change(state(), MembersChange()) or "")
    add = MembersChange(remove=[ORDER.members[0].email])
    assert refuse_members_change(state(), add) is None
