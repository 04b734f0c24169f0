"""Who has a workflow's tasks: the rules of taking, giving and letting go, in Danish, and what
the events list says."""

from __future__ import annotations

from datetime import datetime

from schemas.shared.assignment import (
    TaskAction,
    TaskAssign,
    TaskHolder,
    assignment_event,
    assignment_text,
    refuse_assignment,
)
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.people import Actor

ANNE = Actor(id="a-1", name="Anne")
BO = Actor(id="b-2", name="Bo")
AT = datetime(2026, 12, 7, 7, 42, tzinfo=COPENHAGEN)


def cmd(actor: Actor, action: TaskAction, to: Actor | None = None, takeover: bool = False):
    return TaskAssign(actor=actor, action=action, to=to, takeover=takeover)


def test_a_free_task_is_taken_and_the_events_say_who():
    taking = cmd(ANNE, TaskAction.CLAIM)
    assert refuse_assignment(None, taking, open_tasks=True) is None
    event = assignment_event(None, taking, AT)
    assert event.holder == ANNE and assignment_text(event) == "Anne tog opgaven"


def test_a_colleagues_task_is_taken_over_only_with_the_confirmation():
    held = TaskHolder(who=ANNE, since=AT)
    refused = refuse_assignment(held, cmd(BO, TaskAction.CLAIM), open_tasks=True)
    assert refused == "Anne har opgaven (siden 7.12. kl. 07.42) – bekræft, at du overtager den."
    confirmed = cmd(BO, TaskAction.CLAIM, takeover=True)
    assert refuse_assignment(held, confirmed, open_tasks=True) is None
    assert assignment_text(assignment_event(held, confirmed, AT)) == "Bo tog opgaven fra Anne"
    # Giving it away, or letting it go, for a colleague needs it too.
    assert "bekræft" in str(refuse_assignment(held, cmd(BO, TaskAction.RELEASE), True))
    assert "bekræft" in str(refuse_assignment(held, cmd(BO, TaskAction.ASSIGN, to=BO), True))


def test_giving_and_letting_go():
    held = TaskHolder(who=ANNE, since=AT)
    giving = cmd(ANNE, TaskAction.ASSIGN, to=BO)
    assert refuse_assignment(held, giving, open_tasks=True) is None
    event = assignment_event(held, giving, AT)
    assert event.holder == BO and assignment_text(event) == "Anne gav opgaven videre til Bo"
    assert refuse_assignment(held, cmd(ANNE, TaskAction.ASSIGN), True) == (
        "Vælg den kollega, der skal have opgaven."
    )
    assert refuse_assignment(held, cmd(BO, TaskAction.ASSIGN, to=ANNE, takeover=True), True) == (
        "Anne har allerede opgaven."
    )
    letting_go = assignment_event(held, cmd(ANNE, TaskAction.RELEASE), AT)
    assert letting_go.holder is None and assignment_text(letting_go) == "Anne slap opgaven"
    assert (
        refuse_assignment(None, cmd(ANNE, TaskAction.RELEASE), True) == "Ingen har taget opgaven."
    )


def test_an_ended_workflow_has_no_task_to_take():
    refused = refuse_assignment(None, cmd(ANNE, TaskAction.CLAIM), open_tasks=False)
    assert refused is not None and "afsluttet eller annulleret" in refused
