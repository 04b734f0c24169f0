"""Registering the custom search attributes on a running server. The dev server's
``--search-attribute`` flags only take effect on a fresh database, so an existing ``var/``
gets attributes added in a later version this way too."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from workflows import search_attributes


async def register_search_attributes(client: Client) -> list[str]:
    """Add the ones the namespace lacks; the names added."""
    try:
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        known = set(listed.custom_attributes)
    except RPCError as exc:
        # The time-skipping test server cannot list them; it takes the whole set.
        if exc.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()
    missing: dict[str, IndexedValueType.ValueType] = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
        for key in search_attributes.ALL
        if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
    return sorted(missing)
