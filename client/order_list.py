"""The orders Temporal's visibility lists, by their search attributes (no personal data):
what ``order list`` and the staff workbench show."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus

from schemas.order.listing import OrderSummary
from workflows import search_attributes


def _quoted(value: str) -> str:
    """A value for a visibility query: quotes and backslashes cannot end the string."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _summary(execution: WorkflowExecution, **fields: Any) -> OrderSummary:
    """A workflow as its search attributes describe it; ``fields`` are what only its kind of
    list reads or sets."""
    attrs = execution.typed_search_attributes
    return OrderSummary(
        id=execution.id,
        cluster=attrs.get(search_attributes.CLUSTER),
        current_step=attrs.get(search_attributes.CURRENT_STEP),
        meeting=attrs.get(search_attributes.MEETING_DATE),
        overdue=attrs.get(search_attributes.OVERDUE),
        region=attrs.get(search_attributes.REGION),
        municipality=attrs.get(search_attributes.MUNICIPALITY),
        assignees=list(attrs.get(search_attributes.ASSIGNEES) or []),
        **fields,
    )


async def list_orders(
    client: Client,
    limit: int = 200,
    where: dict[str, str] | None = None,
    conditions: list[str] | None = None,
    running: bool = False,
) -> list[OrderSummary]:
    """Orders from Temporal's visibility, filtered on search attributes: ``where`` maps a
    name to the value it must have (quoted here), ``conditions`` are written by code."""
    query = ["WorkflowType = 'OrderWorkflow'", *(conditions or [])]
    if running:
        query.append("ExecutionStatus = 'Running'")
    query += [f"{name} = {_quoted(value)}" for name, value in (where or {}).items()]
    out: list[OrderSummary] = []
    async for execution in client.list_workflows(" AND ".join(query), limit=limit):
        attrs = execution.typed_search_attributes
        status = execution.status
        out.append(
            _summary(
                execution,
                status=(status.name.lower() if status else "unknown")
                if status != WorkflowExecutionStatus.RUNNING
                else "active",
                next_due=attrs.get(search_attributes.NEXT_DUE),
                overdue_steps=list(attrs.get(search_attributes.OVERDUE_STEPS) or []),
                overdue_agreements=attrs.get(search_attributes.OVERDUE_AGREEMENTS) or 0,
                attention=bool(attrs.get(search_attributes.ATTENTION)),
            )
        )
    return out


async def others_needing_attention(client: Client, limit: int = 200) -> list[OrderSummary]:
    """Running courses and clusters that ask for attention (a mail that did not arrive): the
    workbench lists them beside the orders' tasks, by their search attributes alone."""
    query = (
        "WorkflowType IN ('CourseWorkflow', 'ClusterWorkflow') AND Attention = true"
        " AND ExecutionStatus = 'Running'"
    )
    out: list[OrderSummary] = []
    async for execution in client.list_workflows(query, limit=limit):
        out.append(
            _summary(
                execution,
                status="active",
                attention=True,
                kind="course" if execution.workflow_type == "CourseWorkflow" else "cluster",
            )
        )
    return out
