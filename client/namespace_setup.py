"""The namespace's retention: how long Temporal keeps a closed workflow's history before it
deletes it. Both Temporal's dev server and the auto-setup image create a namespace with one
day (checked: `temporal operator namespace describe` on the dev server says 24h0m0s;
auto-setup.sh defaults DEFAULT_NAMESPACE_RETENTION to 1), which would take a closed order off
the workbench the day after. The stack sets it explicitly instead."""

from __future__ import annotations

from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.workflowservice.v1 import (
    DescribeNamespaceRequest,
    UpdateNamespaceRequest,
)
from temporalio.client import Client


async def history_retention(client: Client) -> timedelta:
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=client.namespace)
    )
    return described.config.workflow_execution_retention_ttl.ToTimedelta()


async def set_history_retention(client: Client, days: int) -> bool:
    """Set the namespace's retention to ``days``; whether it changed."""
    wanted = timedelta(days=days)
    if await history_retention(client) == wanted:
        return False
    ttl = Duration()
    ttl.FromTimedelta(wanted)
    await client.workflow_service.update_namespace(
        UpdateNamespaceRequest(
            namespace=client.namespace,
            config=NamespaceConfig(workflow_execution_retention_ttl=ttl),
        )
    )
    return True
