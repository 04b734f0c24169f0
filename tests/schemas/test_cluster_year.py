"""The coordinator's year: every reminder on a business day at 09:00, before its deadline,
none twice; and rules from the catalog that say which field is wrong."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog import load_cluster_year
from schemas.cluster.year import (
    assembly_reminders,
    grant_checks,
    member_list_reminders,
    next_meeting_nudge,
    payout_deadline,
    payout_reminders,
)
from schemas.shared.business_days import is_business_day
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import CatalogError

RULES = load_cluster_year()
YEARS = st.integers(min_value=2026, max_value=2058)
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2058, 12, 31))


def _on_a_business_morning(reminders) -> None:
    for reminder in reminders:
        local = reminder.at.astimezone(COPENHAGEN)
        assert is_business_day(local.date()), reminder.key
        assert local.time() == time(9, 0), reminder.key


@given(YEARS)
def test_member_list_reminders_fall_in_december_before_new_year(year):
    reminders = member_list_reminders(RULES.member_list, year)
    _on_a_business_morning(reminders)
    assert all(r.at.date() < date(year, 1, 1) for r in reminders)
    assert [r.at for r in reminders] == sorted(r.at for r in reminders)
    assert len({r.key for r in reminders}) == len(reminders) == 3


@given(YEARS)
def test_grant_checks_come_after_the_payment_day_and_never_twice(year):
    checks = grant_checks(RULES.grant, year)
    _on_a_business_morning(checks)
    assert all(c.at.date() > date(year, 2, 1) for c in checks)
    assert len({c.key for c in checks}) == len({c.at for c in checks}) == RULES.grant.checks


@given(DAYS)
def test_a_payout_is_reminded_after_it_was_made_and_before_skats_deadline(paid_on):
    deadline = payout_deadline(RULES.payout_report, paid_on)
    assert deadline.day == 10 and deadline > paid_on
    assert (deadline.year, deadline.month) == (
        (paid_on.year + paid_on.month // 12, paid_on.month % 12 + 1)
    )
    reminders = payout_reminders(RULES.payout_report, 1, paid_on)
    _on_a_business_morning(reminders)
    assert reminders, "at least one reminder before the 10th"
    assert all(paid_on < r.at.date() < deadline for r in reminders)
    assert len({r.key for r in reminders}) == len(reminders)


def test_a_payout_on_the_last_of_the_month_still_gets_its_reminders():
    """31 March 2027: SKAT's 10 April is a Saturday; five and one business days before it
    are Monday 5 and Friday 9 April."""
    reminders = payout_reminders(RULES.payout_report, 1, date(2027, 3, 31))
    assert [r.at.date() for r in reminders] == [date(2027, 4, 5), date(2027, 4, 9)]


@given(DAYS)
def test_the_general_assembly_is_prepared_weeks_ahead(assembly_on):
    reminders = assembly_reminders(RULES.general_assembly, assembly_on)
    _on_a_business_morning(reminders)
    assert all(r.at.date() <= assembly_on - timedelta(weeks=1) for r in reminders)
    assert len({r.key for r in reminders}) == 2


@given(DAYS, st.integers(min_value=0, max_value=200))
def test_a_nudge_only_when_no_meeting_is_planned_in_the_coming_months(today, days_ahead):
    meeting = today + timedelta(days=days_ahead)
    nudge = next_meeting_nudge(RULES.next_meeting, today, meeting, None)
    assert (nudge is None) == (days_ahead <= 17 * 7)
    if nudge is not None:
        _on_a_business_morning([nudge])
        assert nudge.at.date() >= today


def test_a_nudge_is_not_repeated_within_its_interval():
    today = date(2027, 3, 1)
    soon = next_meeting_nudge(RULES.next_meeting, today, None, today - timedelta(weeks=3))
    assert soon is not None and soon.at.date() == date(2027, 3, 8), "four weeks after the last"
    now = next_meeting_nudge(RULES.next_meeting, today, None, today - timedelta(weeks=4))
    assert now is not None and now.at.date() == today


def test_a_broken_rule_names_the_file_and_the_field(tmp_path: Path):
    broken = tmp_path / "cluster-year.yaml"
    text = Path("catalog/cluster-year/cluster-year.yaml").read_text("utf-8")
    broken.write_text(text.replace("[15, 5, 1]", "[15, 15]"), "utf-8")
    with pytest.raises(CatalogError) as refused:
        load_cluster_year(broken)
    assert "cluster-year.yaml" in str(refused.value)
    assert "reminders_business_days_before" in str(refused.value)
    assert "forskellige" in str(refused.value)


def test_every_duty_has_its_rule_with_a_title_in_the_catalog():
    from schemas.cluster.year import Duty

    assert all(RULES.rule(duty).title for duty in Duty)
