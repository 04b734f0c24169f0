"""A course's or a cluster's task (a mail that did not arrive) on the task list: taken, given
to a colleague from the list, taken over only as the button says; a colleague not on the list
is refused naming the fix. The pages pass axe-core and the Nu checker."""

from __future__ import annotations

import json
import os

import httpx

from catalog import Catalog
from schemas.order.commands import StepAccepted
from schemas.order.listing import OrderSummary
from schemas.shared.assignment import TaskAction, TaskAssign
from schemas.shared.links import LinkSigner
from storage.staff_directory import SqliteStaffDirectory
from tests.web import checkers
from tests.web.fakes import UnusedCourses, UnusedOrders, fake_backend
from tests.web.oidc import Provider, log_in
from tests.web.people import BASE, SAME_ORIGIN
from web.app import create_app
from web.config import WebConfig

COURSE = OrderSummary(
    id="course-1",
    status="active",
    cluster=None,
    municipality="Aalborg Kommune",
    current_step="intro",
    meeting=None,
    overdue=False,
    attention=True,
    kind="course",
)


class Listing(UnusedOrders):
    def __init__(self) -> None:
        self.holder: list[str] = []

    async def list_orders(self, limit=200, where=None, conditions=None, running=False):  # type: ignore[no-untyped-def, override]
        return []

    async def others_needing_attention(self) -> list[OrderSummary]:
        return [COURSE.model_copy(update={"assignees": list(self.holder)})]


class Courses(UnusedCourses):
    def __init__(self, listing: Listing) -> None:
        self.listing = listing
        self.asked: list[TaskAssign] = []

    async def assign_task(self, workflow_id: str, cmd: TaskAssign) -> StepAccepted:
        assert workflow_id == "course-1"
        self.asked.append(cmd)
        held = cmd.actor if cmd.action == TaskAction.CLAIM else cmd.to
        self.listing.holder = [held.id] if held is not None else []
        return StepAccepted(message="ok")


async def test_a_courses_task_is_taken_and_given_on_from_the_list(provider: Provider, tmp_path):
    directory = SqliteStaffDirectory(tmp_path / "staff.sqlite")
    listing = Listing()
    courses = Courses(listing)
    signer = LinkSigner(b"x" * 32)
    config = WebConfig(
        signer=signer, catalog=Catalog(), staff=provider.config(), staff_directory=directory
    )
    app = create_app(fake_backend(orders=listing, courses=courses), signer, config=config)
    checked: dict[str, str] = {}
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
        ) as anne,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
        ) as karen,
    ):
        await log_in(anne, "konsulent-2")
        page = (await log_in(karen, "konsulent-1")).text
        assert "Kursus: Aalborg Kommune" in page and "ingen har opgaven" in page
        checked["task list, a course nobody has"] = page

        taken = await karen.post(
            "/konsulent/forloeb/kursus/course-1/opgave", data={"action": "claim"}
        )
        assert taken.status_code == 303
        assert courses.asked[-1].actor.id == "konsulent-1"
        page = (await anne.get("/konsulent")).text
        assert (
            "Karen Konsulent har opgaven" in page and "Overtag opgaven fra Karen Konsulent" in page
        )
        checked["task list, a colleague's course"] = page

        given = await karen.post(
            "/konsulent/forloeb/kursus/course-1/opgave",
            data={"action": "assign", "til": "konsulent-2"},
        )
        assert given.status_code == 303
        cmd = courses.asked[-1]
        assert cmd.to is not None and cmd.to.name == "Anne Andersen"
        assert cmd.to_email == "anne.andersen@example.dk"  # she is told at once

        unknown = await karen.post(
            "/konsulent/forloeb/kursus/course-1/opgave", data={"action": "assign", "til": "nogen"}
        )
        assert unknown.status_code == 422 and "Vælg en kollega på listen" in unknown.text
        checked["task list, no such colleague"] = unknown.text
        assert (await karen.post("/konsulent/forloeb/andet/x/opgave", data={})).status_code == 404

    if checkers.missing() is None or os.environ.get("CI"):
        axe = await checkers.axe_problems(checked)
        vnu = checkers.vnu_errors(checked)
        assert not axe and not vnu, json.dumps({"axe": axe, "vnu": vnu}, ensure_ascii=False)
