"""Who has a new order's tasks from the start: the staff user the order names as its consultant
(known to the workbench by the e-mail they log in with), else the consultant the settings give
the order's region, else nobody until someone takes them."""

from __future__ import annotations

import uuid

from klyngepakke import bootstrap
from schemas.shared.assignment import TaskAction, TaskAssign
from schemas.shared.people import Actor
from tests import factories
from tests.workflows.harness import running, save_history

KAREN = Actor(id="konsulent-1", name="Karen Konsulent")


async def test_the_regions_rule_and_the_named_consultant_give_the_first_holder(
    env, settings, sink, executor
):
    ruled = settings.model_copy(
        update={"staff_by_region": "Nordjylland=konsulent-1:Karen Konsulent, Sjælland=x:Y"}
    )
    async with running(env, ruled, sink, executor) as h:
        order_id = await h.start(factories.make_order(await h.now()), order_id=f"r-{uuid.uuid4()}")
        status = await h.placed(order_id)
        assert status.holder is not None and status.holder.who.id == "konsulent-1"
        assert "Opgaven gik til Karen Konsulent fra start" in [e.text for e in status.events]

        # The order names a consultant who has logged in: theirs, whatever the region's rule.
        bootstrap.staff_directory(ruled).seen(
            "konsulent-2", "Anne Andersen", "konsulent@example.dk", ["konsulent"]
        )
        named = await h.start(factories.make_order(await h.now()), order_id=f"n-{uuid.uuid4()}")
        holder = (await h.placed(named)).holder
        assert holder is not None and holder.who.name == "Anne Andersen"
        # Taken over, given on and let go: the history the replay test keeps.
        await h.client.orders.assign_task(
            named, TaskAssign(actor=KAREN, action=TaskAction.CLAIM, takeover=True)
        )
        await h.client.orders.assign_task(named, TaskAssign(actor=KAREN, action=TaskAction.RELEASE))
        await save_history(h.env, named, "order_task_holder")

    async with running(env, settings, sink, executor) as h:
        # No consultant named, no rule for the region: nobody's until someone takes them.
        plain = factories.make_order(await h.now(), consultant=None)
        order_id = await h.start(plain, order_id=f"o-{uuid.uuid4()}")
        assert (await h.placed(order_id)).holder is None
