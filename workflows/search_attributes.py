"""The custom search attributes operations filter on. None holds personal data."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from schemas.order.agreements import AgreementState
from schemas.order.request import OrderRequest
from schemas.order.state import OrderState, open_undelivered
from schemas.order.steps import StepState
from schemas.shared.assignment import TaskHolder

PACKAGE = SearchAttributeKey.for_keyword("Package")
CLUSTER = SearchAttributeKey.for_keyword("Cluster")
REGION = SearchAttributeKey.for_keyword("Region")
MUNICIPALITY = SearchAttributeKey.for_keyword("Municipality")
CURRENT_STEP = SearchAttributeKey.for_keyword("CurrentStep")
MEETING_DATE = SearchAttributeKey.for_datetime("MeetingDate")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
# How many of the meeting's agreements are past their date without being marked done.
OVERDUE_AGREEMENTS = SearchAttributeKey.for_int("OverdueAgreements")
# The workbench's task list: when the current step falls due, which steps are overdue, and
# whether something failed that KiAP must look at (a render, a child workflow).
NEXT_DUE = SearchAttributeKey.for_datetime("NextDue")
OVERDUE_STEPS = SearchAttributeKey.for_keyword_list("OverdueSteps")
ATTENTION = SearchAttributeKey.for_bool("Attention")
# A cluster's size (the cluster workflow; orders leave it unset).
MEMBERS = SearchAttributeKey.for_int("Members")
# Who at KiAP has the workflow's tasks: the staff users' opaque provider ids, never a name
# (the workbench's "Mine opgaver" is `Assignees = '<id>'`).
ASSIGNEES = SearchAttributeKey.for_keyword_list("Assignees")

ALL = (
    PACKAGE,
    CLUSTER,
    REGION,
    MUNICIPALITY,
    CURRENT_STEP,
    MEETING_DATE,
    OVERDUE,
    OVERDUE_AGREEMENTS,
    NEXT_DUE,
    OVERDUE_STEPS,
    ATTENTION,
    MEMBERS,
    ASSIGNEES,
)


def dev_server_flags() -> list[str]:
    """``--search-attribute Name=Type`` flags for ``temporal server start-dev``."""
    kinds = {
        "KEYWORD": "Keyword",
        "DATETIME": "Datetime",
        "BOOL": "Bool",
        "INT": "Int",
        "KEYWORD_LIST": "KeywordList",
    }
    return [
        arg
        for key in ALL
        for arg in ("--search-attribute", f"{key.name}={kinds[key.indexed_value_type.name]}")
    ]


def order_attributes(
    order: OrderRequest, state: OrderState, *, workbench: bool, mail_problems: bool = False
) -> list[SearchAttributeUpdate[Any]]:
    """What operations filter an order by, from its request and the fold of its events.
    ``workbench``: the task list's attributes too (orders placed before it existed have
    none, so their histories replay); ``mail_problems``: a mail that did not reach everyone
    is a task too (orders since RUN_SCOPED_MAIL)."""
    meeting = state.timeline.meeting if state.timeline else order.meeting.start
    current = (
        state.status
        if state.status != "active"
        else "late_request"
        if state.awaiting_approval
        else state.current_step.value
    )
    updates: list[SearchAttributeUpdate[Any]] = [
        PACKAGE.value_set(order.package),
        CLUSTER.value_set(order.cluster.name),
        REGION.value_set(order.cluster.region.value),
        *([MUNICIPALITY.value_set(order.municipality.name)] if order.municipality else []),
        CURRENT_STEP.value_set(current),
        MEETING_DATE.value_set(meeting),
        OVERDUE.value_set(state.overdue),
        OVERDUE_AGREEMENTS.value_set(
            sum(1 for a in state.agreement_views() if a.state == AgreementState.OVERDUE)
        ),
    ]
    if not workbench:
        return updates
    overdue = [s.value for s, p in state.steps.items() if p.state == StepState.OVERDUE]
    due = None
    if state.timeline is not None and state.status == "active":
        due = state.timeline.due.get(state.current_step)
    # NextDue keeps its last value once nothing is due: the task list reads running orders
    # only, and an unset Datetime reads back as null on the time-skipping server.
    return [
        *updates,
        *([NEXT_DUE.value_set(due)] if due is not None else []),
        OVERDUE_STEPS.value_set(overdue),
        ATTENTION.value_set(needs_attention(state, mail_problems)),
        *assignees(state.holder, state.assigned_ever),
    ]


def assignees(holder: TaskHolder | None, assigned_ever: bool) -> list[SearchAttributeUpdate[Any]]:
    """The holder's id; nothing at all for a workflow nobody ever took (its upserts, and so the
    histories recorded before, stay as they were)."""
    if not assigned_ever:
        return []
    return [ASSIGNEES.value_set([holder.who.id] if holder is not None else [])]


def needs_attention(state: OrderState, mail_problems: bool) -> bool:
    """A failure a person at KiAP must look at: a child, a render – and, for orders started
    since mails were given up on (RUN_SCOPED_MAIL), a mail that did not reach everyone."""
    mails = mail_problems and bool(state.mail_problems or open_undelivered(state))
    return bool(state.child_failures) or state.render_failed is not None or mails
