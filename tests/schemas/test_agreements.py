"""Agreements after the meeting, without Temporal: who is reminded, on which business days,
and the follow-up meeting's own timeline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from schemas.follow_up.meeting import follow_up_plan
from schemas.order.agreements import (
    ReminderKind,
    check_owners,
    known_owners,
    owner_in_sentence,
    owners_of,
    schedule,
)
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes, check_minutes
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import DomainError
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
ORDER = factories.make_order(NOW)


def agreement(owner: str, due: date = date(2027, 3, 1), email: str | None = None) -> Agreement:
    return Agreement(text="Noget aftalt", owner=owner, due=due, owner_email=email)


def test_owners_as_people_write_them():
    assert [p.email for p in owners_of(agreement("Jobcenteret"), ORDER)] == ["jc@example.dk"]
    assert [p.email for p in owners_of(agreement("klyngen"), ORDER)] == [ORDER.coordinator.email]
    assert len(owners_of(agreement("Alle praksisser"), ORDER)) == len(ORDER.members)
    assert [p.email for p in owners_of(agreement("jens hansen"), ORDER)] == ["jens@example.dk"]
    outsider = owners_of(agreement("Lone fra KLU", email="Lone@Example.dk"), ORDER)
    assert [(p.name, p.email) for p in outsider] == [("Lone fra KLU", "lone@example.dk")]


def test_an_owner_nobody_can_reach_is_refused_with_the_fix():
    with pytest.raises(DomainError) as refused:
        check_owners([agreement("Jobcenteret"), agreement("Hr. Ukendt")], ORDER)
    assert refused.value.field == "agreements[1].owner"
    assert "skriv den ansvarliges e-mail" in refused.value.message


def test_reminders_a_week_before_and_on_the_day_on_business_days():
    recorded = datetime(2027, 2, 1, 18, tzinfo=COPENHAGEN)
    # 2027-03-28 is Easter Sunday; the 21st a Sunday; Maundy Thursday and Good Friday close.
    wakes = schedule([agreement("Klyngen", due=date(2027, 3, 28))], recorded)
    assert [(w.at.date(), w.kind) for w in wakes] == [
        (date(2027, 3, 19), ReminderKind.WEEK_BEFORE),
        (date(2027, 3, 24), ReminderKind.DUE),
        (date(2027, 3, 30), ReminderKind.OVERDUE),
    ]
    assert all(w.at.hour == 9 for w in wakes)


def test_reminders_already_past_at_recording_are_not_sent():
    recorded = datetime(2027, 3, 10, 18, tzinfo=COPENHAGEN)
    wakes = schedule([agreement("Klyngen", due=date(2027, 3, 12))], recorded)
    assert [w.kind for w in wakes] == [ReminderKind.DUE, ReminderKind.OVERDUE]


def test_a_follow_up_meeting_needs_six_weeks_and_a_date_for_its_survey():
    start = datetime(2027, 3, 3, 16, tzinfo=COPENHAGEN)
    later = start + timedelta(hours=3)
    soon = Minutes(
        minute_taker="Åse",
        participants=3,
        follow_up=FollowUpChoices(follow_up_meeting=start + timedelta(weeks=5)),
    )
    with pytest.raises(DomainError, match="mindst 6 uger"):
        check_minutes(soon, start, later)
    dateless = Minutes(
        minute_taker="Åse", participants=3, follow_up=FollowUpChoices(repeat_survey=True)
    )
    with pytest.raises(DomainError) as refused:
        check_minutes(dateless, start, later)
    assert refused.value.field == "follow_up.follow_up_meeting"


def test_the_follow_up_timeline_opens_four_weeks_before_and_delivers_a_week_before():
    meeting = datetime(2027, 6, 10, 16, tzinfo=COPENHAGEN)
    plan = follow_up_plan(meeting, datetime(2027, 3, 4, 9, tzinfo=COPENHAGEN), True, True)
    assert plan.survey is not None
    assert plan.survey.dispatch_at.date() == date(2027, 5, 13)
    assert plan.survey.close_at.date() == date(2027, 5, 27)
    assert plan.extract_request == plan.survey.dispatch_at
    assert plan.extract_due == plan.survey.close_at
    assert plan.deck.date() == date(2027, 6, 3)
    bare = follow_up_plan(meeting, datetime(2027, 3, 4, 9, tzinfo=COPENHAGEN), False, False)
    assert bare.survey is None and bare.extract_request is None


def test_a_group_owner_reads_as_a_common_noun_inside_a_sentence():
    assert owner_in_sentence("Alle praksisser") == "alle praksisser"
    assert owner_in_sentence("Jobcenteret") == "jobcenteret"
    assert owner_in_sentence("Klyngen") == "klyngen"
    assert owner_in_sentence("Mette Ærø") == "Mette Ærø"
    assert owner_in_sentence("Aalborg Kommune") == "Aalborg Kommune"


def test_a_package_names_its_own_partner_as_an_owner():
    from schemas.package.process import PartnerTexts

    region = PartnerTexts(
        name="region", definite="regionen", organisation="region", contact="kontakt i regionen"
    )
    offered = known_owners(ORDER, region)
    assert "Regionen" in offered and "Jobcenteret" not in offered
    contact = ORDER.municipality.jobcenter_contact  # type: ignore[union-attr]
    assert owners_of(agreement("Regionen"), ORDER, region) == [contact]
    with pytest.raises(DomainError, match="ukendt ansvarlig"):
        owners_of(agreement("Jobcenteret"), ORDER, region)
