"""A course's and a cluster's tasks have a holder too (KiAP owns their undelivered mail): taken,
taken over only with the confirmation, let go – each an Update with the actor, in their logs."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from klyngepakke import bootstrap
from schemas.shared.assignment import TaskAction, TaskAssign
from schemas.shared.errors import StepRejected
from schemas.shared.people import Actor
from tests.web.people import body
from tests.workflows.harness import running, save_history
from tests.workflows.test_cluster import _start
from tests.workflows.test_course import course

KAREN = Actor(id="konsulent-1", name="Karen Konsulent")
ANNE = Actor(id="konsulent-2", name="Anne Andersen")


async def test_a_courses_and_a_clusters_tasks_are_taken_and_let_go(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        client = bootstrap.klyngepakke_client(h.settings, env.client, env.get_current_time)
        course_id = await client.courses.start(course(await h.now()), course_id=f"c-{uuid.uuid4()}")
        h.started.append(course_id)
        await h.sleep(timedelta(minutes=5))
        taken = await client.courses.assign_task(
            course_id, TaskAssign(actor=KAREN, action=TaskAction.CLAIM)
        )
        assert taken.message == "Karen Konsulent tog opgaven."
        with pytest.raises(StepRejected, match="bekræft, at du overtager den"):
            await client.courses.assign_task(
                course_id, TaskAssign(actor=ANNE, action=TaskAction.CLAIM)
            )
        await client.courses.assign_task(
            course_id, TaskAssign(actor=ANNE, action=TaskAction.CLAIM, takeover=True)
        )
        status = await client.courses.status(course_id)
        assert any("Anne Andersen tog opgaven fra Karen Konsulent" in e for e in status.events)
        await save_history(h.env, course_id, "course_task_holder")

        cluster = await _start(h, await h.now())
        await client.clusters.assign_task(
            cluster.id, TaskAssign(actor=KAREN, action=TaskAction.CLAIM)
        )
        state = await cluster.state()
        assert state.holder is not None and state.holder.who == KAREN
        let_go = await client.clusters.assign_task(
            cluster.id, TaskAssign(actor=KAREN, action=TaskAction.RELEASE)
        )
        assert let_go.message == "Karen Konsulent slap opgaven."
        assert (await cluster.state()).holder is None

        # Given to a colleague: she is told at once, by a mail of KiAP's own.
        given = await client.clusters.assign_task(
            cluster.id,
            TaskAssign(actor=KAREN, action=TaskAction.ASSIGN, to=ANNE, to_email="anne@example.dk"),
        )
        assert given.message == "Karen Konsulent gav opgaven videre til Anne Andersen."
        (mail,) = h.mails("task_handover")
        assert mail["To"] == "Anne Andersen <anne@example.dk>"
        assert (
            "Karen Konsulent har givet dig opgaverne i klyngeåret for Klynge Aalborg Øst"
            in body(mail)
        )
        await save_history(h.env, cluster.id, "cluster_task_holder")
