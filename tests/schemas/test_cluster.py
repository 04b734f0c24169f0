"""The cluster's state as a fold of its events, and which reminders are due: pure, no
Temporal."""

from __future__ import annotations

from datetime import date, datetime

from catalog import load_cluster_year
from schemas.cluster.events import PayoutMarkedReported, PayoutRecorded, ReminderSent
from schemas.cluster.refusals import refuse_members
from schemas.cluster.state import ClusterState, apply, due_now, planned_reminders
from schemas.cluster.year import Duty
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.people import Member

RULES = load_cluster_year()


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=COPENHAGEN)


def test_of_several_reminders_due_at_once_only_the_latest_is_sent_standing_for_the_rest():
    """A cluster waiting since before Christmas (a worker down): the member list's reminders
    of 22 and 30 December are due together; the second goes and stands for the first."""
    today = date(2027, 12, 30)
    plan = planned_reminders(RULES, ClusterState(), today)
    due = [(r, others) for r, others in due_now(plan, _at(today)) if r.duty == Duty.MEMBER_LIST]
    assert [(r.key, others) for r, others in due] == [
        ("member_list-2028-1", ["member_list-2028-5"])
    ]
    reminder, others = due[0]
    state = apply(
        ClusterState(),
        ReminderSent(at=_at(today), key=reminder.key, duty=reminder.duty, stands_for=others),
    )
    assert not [r for r in planned_reminders(RULES, state, today) if r.duty == Duty.MEMBER_LIST]


def test_a_nudge_is_not_repeated_after_the_state_is_carried_into_a_new_year():
    state = apply(
        ClusterState(),
        ReminderSent(
            at=_at(date(2027, 12, 20)), key="next_meeting-2027-12-20", duty=Duty.NEXT_MEETING
        ),
    )
    carried = state.model_copy(update={"events": []})
    plan = planned_reminders(RULES, carried, date(2028, 1, 3))
    nudges = [r for r in plan if r.duty == Duty.NEXT_MEETING]
    assert [r.at.date() for r in nudges] == [date(2028, 1, 17)], "four weeks after the last"
    assert not [r for r, _ in due_now(plan, _at(date(2028, 1, 3))) if r.duty == Duty.NEXT_MEETING]


def test_a_reported_payout_is_no_longer_reminded():
    state = apply(
        ClusterState(),
        PayoutRecorded(at=_at(date(2027, 3, 1)), number=1, paid_on=date(2027, 3, 1), purpose="x"),
    )
    before = planned_reminders(RULES, state, date(2027, 3, 2))
    assert [r.key for r in before if r.duty == Duty.PAYOUT_REPORT] == [
        "payout_report-nr1-5",
        "payout_report-nr1-1",
    ]
    reported = apply(state, PayoutMarkedReported(at=_at(date(2027, 3, 3)), number=1))
    after = planned_reminders(RULES, reported, date(2027, 3, 3))
    assert not [r for r in after if r.duty == Duty.PAYOUT_REPORT]


def test_a_member_list_with_one_address_twice_is_refused_naming_the_row():
    one = Member(name="A", email="a@example.dk", ydernummer="012345")
    assert refuse_members([one, one]) == (
        "members.2.email: a@example.dk står to gange – fjern den ene række"
    )
    assert refuse_members([one]) is None
