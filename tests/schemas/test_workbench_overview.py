"""The morning overview's content for a fixed set of tasks: each consultant their own tasks due
today or overdue, then those nobody has (or whose holder is away), nothing for someone with
nothing to read; operations get failures and late orders only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from schemas.order.listing import OrderSummary
from schemas.shared.copenhagen import COPENHAGEN
from schemas.views.workbench import (
    Colleague,
    Team,
    operations_overview,
    overview_for,
    task_rows,
)

NOW = datetime(2026, 12, 8, 7, 0, tzinfo=COPENHAGEN)
TODAY = NOW.date()
KAREN = Colleague(id="k", name="Karen", email="k@example.dk", roles=["konsulent"])
ANNE = Colleague(id="a", name="Anne", email="a@example.dk", roles=["konsulent"])


def order(order_id: str, due: datetime | None, holder: str | None = None) -> OrderSummary:
    return OrderSummary(
        id=order_id,
        status="active",
        cluster=f"Klynge {order_id}",
        current_step="consultation",
        meeting=None,
        overdue=None,
        next_due=due,
        assignees=[holder] if holder else [],
    )


ROWS = task_rows(
    [
        ("Sen bestilling venter på svar", [order("late", NOW + timedelta(days=3))]),
        (
            "Telefonkonsultation",
            [
                order("karens-today", NOW + timedelta(hours=5), "k"),
                order("karens-later", NOW + timedelta(days=4), "k"),
                order("annes-overdue", NOW - timedelta(days=1), "a"),
                order("nobodys", NOW + timedelta(hours=3)),
            ],
        ),
        # An order already listed under a more precise task is not listed again.
        ("Et trin er overskredet", [order("annes-overdue", NOW - timedelta(days=1), "a")]),
    ],
    NOW,
)


def ids(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.order.id for r in rows]


def test_each_consultant_gets_their_own_due_tasks_then_the_free_ones():
    team = Team(members={"k": KAREN, "a": ANNE}, today=TODAY)
    karen = overview_for(KAREN, ROWS, team)
    assert karen is not None
    assert ids(karen.mine) == ["karens-today"]  # not the one due in four days
    assert ids(karen.free) == ["nobodys", "late"]  # by due date
    anne = overview_for(ANNE, ROWS, team)
    assert anne is not None and ids(anne.mine) == ["annes-overdue"]


def test_an_absent_consultants_tasks_are_free_for_the_others_and_they_get_none():
    away = ANNE.model_copy(update={"away_from": TODAY, "away_to": date(2026, 12, 11)})
    team = Team(members={"k": KAREN, "a": away}, today=TODAY)
    karen = overview_for(KAREN, ROWS, team)
    assert karen is not None and "annes-overdue" in ids(karen.free)
    assert karen.away == ["Anne er væk til og med 11.12."]
    assert overview_for(away, ROWS, team) is None


def test_nothing_to_tell_is_no_mail():
    team = Team(members={"k": KAREN}, today=TODAY)
    only_later = task_rows(
        [("Telefonkonsultation", [order("karens-later", NOW + timedelta(days=4), "k")])], NOW
    )
    assert overview_for(KAREN, only_later, team) is None


def test_operations_get_failures_and_late_orders_only():
    found = operations_overview(ROWS, TODAY)
    assert found is not None and ids(found.mine) == ["late"]
    assert operations_overview(ROWS[1:2], TODAY) is None


def test_a_course_whose_mail_did_not_arrive_is_operations_and_free_for_the_consultants():
    from schemas.views.workbench import UNDELIVERED

    course = order("kursus-1", None).model_copy(update={"kind": "course", "attention": True})
    rows = task_rows([(UNDELIVERED, [course])], NOW)
    found = operations_overview(rows, TODAY)
    assert found is not None and ids(found.mine) == ["kursus-1"]
    karen = overview_for(KAREN, rows, Team(members={"k": KAREN}, today=TODAY))
    assert karen is not None and ids(karen.free) == ["kursus-1"] and karen.mine == []
