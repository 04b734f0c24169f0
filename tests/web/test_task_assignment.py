"""Two consultants share the work on the workbench: both see the same call; one takes it and
the other sees who has it and since when, and may take it over only with a confirmation; given
to a colleague, the colleague gets a mail at once and finds it under "Mine"; letting it go puts
it back under "Ikke tildelt". Every step is an Update carrying the actor, in the order's events."""

from __future__ import annotations

import json
import os
import uuid
from datetime import timedelta

import pytest

from schemas.shared.copenhagen import COPENHAGEN
from tests import factories
from tests.eventually import eventually
from tests.web import checkers
from tests.web.oidc import Provider, log_in
from tests.web.people import body, web_for
from tests.workflows.harness import running


def _row(page: str, order_id: str) -> str:
    start = page.index(f"/konsulent/ordre/{order_id}")
    return page[start:].split("</tr>")[0]


@pytest.mark.slow
async def test_two_consultants_share_one_call(
    dev_env, settings, sink, executor, provider: Provider
):
    async with (
        running(dev_env, settings, sink, executor) as h,
        web_for(h, provider.config()) as karen,
        web_for(h, provider.config()) as anne,
    ):
        order_id = await h.start(
            factories.make_order(await h.now()), order_id=f"share-{uuid.uuid4()}"
        )
        await h.placed(order_id)
        await log_in(karen, "konsulent-1")
        await log_in(anne, "konsulent-2")
        checked: dict[str, str] = {}

        async def listed(web, view: str, wanted: str) -> bool:  # type: ignore[no-untyped-def]
            page = (await web.get(f"/konsulent?vis={view}")).text
            return f"/konsulent/ordre/{order_id}" in page and wanted in _row(page, order_id)

        await eventually("the call, nobody's yet", lambda: listed(karen, "ufordelt", "Ingen"))
        checked["task list, not assigned"] = (await karen.get("/konsulent?vis=ufordelt")).text

        # Karen takes it from the list and is sent back to it.
        taken = await karen.post(
            f"/konsulent/ordre/{order_id}/opgave",
            data={"action": "claim", "tilbage": "/konsulent?vis=mine"},
        )
        assert taken.status_code == 303 and taken.headers["location"] == "/konsulent?vis=mine"
        await eventually("Karen's own", lambda: listed(karen, "mine", "Dig"))
        await eventually("Anne sees Karen has it", lambda: listed(anne, "alle", "Karen Konsulent"))
        mine = (await anne.get("/konsulent?vis=mine")).text
        assert f"/konsulent/ordre/{order_id}" not in mine
        checked["task list, Anne's own"] = mine
        assert "Karen Konsulent 1" in (await anne.get("/konsulent")).text  # the workload

        page = await anne.get(f"/konsulent/ordre/{order_id}")
        assert "Karen Konsulent har opgaven" in page.text
        checked["order, taken by a colleague"] = page.text
        # Taking it over needs the confirmation; nothing changes without it.
        refused = await anne.post(f"/konsulent/ordre/{order_id}/opgave", data={"action": "claim"})
        assert refused.status_code == 422
        assert "Karen Konsulent har opgaven" in refused.text and "bekræft" in refused.text
        checked["order, take-over not confirmed"] = refused.text
        status = await h.client.orders.status(order_id)
        assert status.holder is not None and status.holder.who.id == "konsulent-1"

        # Karen gives it to Anne, who is told at once.
        given = await karen.post(
            f"/konsulent/ordre/{order_id}/opgave", data={"action": "assign", "til": "konsulent-2"}
        )
        assert given.status_code == 200
        assert "Karen Konsulent gav opgaven videre til Anne Andersen" in given.text

        async def told() -> bool:
            return bool(h.mails("task_assigned"))

        await eventually("Anne's mail", told)
        (mail,) = h.mails("task_assigned")
        assert mail["To"] == "Anne Andersen <anne.andersen@example.dk>"
        text = body(mail)
        assert "Karen Konsulent har givet dig opgaverne" in text
        assert f"/konsulent/ordre/{order_id}" in text
        await eventually("Anne's own now", lambda: listed(anne, "mine", "Dig"))

        # Anne lets it go: nobody's again. The events name who did what.
        let_go = await anne.post(f"/konsulent/ordre/{order_id}/opgave", data={"action": "release"})
        assert "Anne Andersen slap opgaven" in let_go.text
        assert "Ingen har taget opgaven endnu" in let_go.text
        for said in ("Karen Konsulent tog opgaven", "gav opgaven videre til Anne Andersen"):
            assert said in let_go.text
        checked["order, let go"] = let_go.text
        await eventually("nobody's again", lambda: listed(karen, "ufordelt", "Ingen"))

        # Karen takes it again and goes on holiday: Anne sees it as free while Karen is away.
        await karen.post(f"/konsulent/ordre/{order_id}/opgave", data={"action": "claim"})
        await eventually("Karen's again", lambda: listed(karen, "mine", "Dig"))
        today = (await h.now()).astimezone(COPENHAGEN).date()
        wrong = await karen.post("/konsulent/fravaer", data={"fra": "i morgen", "til": ""})
        assert wrong.status_code == 422
        assert "Skriv den første dag, du er væk, som åååå-mm-dd" in wrong.text
        checked["task list, absence refused"] = wrong.text
        marked = await karen.post(
            "/konsulent/fravaer",
            data={"fra": today.isoformat(), "til": (today + timedelta(days=2)).isoformat()},
        )
        assert marked.status_code == 303
        free = (await anne.get("/konsulent?vis=ufordelt")).text
        assert f"/konsulent/ordre/{order_id}" in free and "(væk til" in _row(free, order_id)
        own = (await karen.get("/konsulent")).text
        assert "Du er markeret væk" in own
        checked["task list, away"] = own
        await karen.post("/konsulent/fravaer", data={"tilbage": "ja"})
        back = (await anne.get("/konsulent?vis=ufordelt")).text
        assert f"/konsulent/ordre/{order_id}" not in back

    if checkers.missing() is None or os.environ.get("CI"):
        axe = await checkers.axe_problems(checked)
        vnu = checkers.vnu_errors(checked)
        assert not axe and not vnu, json.dumps({"axe": axe, "vnu": vnu}, ensure_ascii=False)
