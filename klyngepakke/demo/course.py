"""The demo's course: examples/kursus.yaml moved five weeks ahead and run on compressed time
while two simulated teachers tick off their tasks and take notes during the course."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from client.facade import KlyngepakkeClient
from klyngepakke.config import PROJECT_ROOT, Settings
from klyngepakke.demo import people
from klyngepakke.order_file import load_course_file
from schemas.course.commands import CourseNoteCommand
from schemas.course.request import CourseRequest
from schemas.course.status import CourseStatus
from schemas.shared.business_days import on_or_after
from schemas.shared.copenhagen import COPENHAGEN

EXAMPLES = PROJECT_ROOT / "examples"
# The teachers do these on time; 'praktisk' and the staff meeting are forgotten, so the
# reminders and the closing mail show.
DONE_ON_TIME = ("form-og-lokale", "forberedelse")
NOTES = (
    CourseNoteCommand(text="Hvad skal attesten bruges til? Det spurgte mange om."),
    CourseNoteCommand(text="Forskellen på LÆ 265 og LÆ 285 fyldte i gruppearbejdet."),
    CourseNoteCommand(
        text="'Borgeren er sygemeldt med rygsmerter og skal i virksomhedspraktik. Hvilke "
        "skånehensyn og hvilken prognose for funktionsevnen ser du?'",
        good_example=True,
    ),
)


def demo_course(now: datetime) -> CourseRequest:
    request = load_course_file(EXAMPLES / "kursus.yaml")
    day = on_or_after((now.astimezone(COPENHAGEN) + timedelta(weeks=5)).date())
    return request.model_copy(update={"start": datetime.combine(day, time(13, 0), COPENHAGEN)})


async def run_course_demo(
    client: KlyngepakkeClient,
    settings: Settings,
    seconds_per_day: float,
    say: Callable[[str], object] = print,
) -> CourseStatus:
    request = demo_course(datetime.now(UTC))
    stamp = datetime.now(UTC).strftime("%H%M%S")
    course_id = await client.courses.start(
        request,
        course_id=f"kursus-{request.start.date()}-{stamp}",
        seconds_per_day=seconds_per_day,
    )
    say(f"Kursus startet: {course_id} (jobcenterpakken, {request.municipality})")
    noted = False
    page: str | None = None
    async with people.browser(60) as http:
        while True:
            await client.raise_if_died(course_id)
            status = await client.courses.status(course_id)
            if status.status != "active":
                break
            if page is None:
                # The teachers' own page, from the first mail they got.
                found = people.mail_links(settings, course_id, "course_started", "/c/")
                page = found[0] if found else None
            for task in status.tasks:
                if page and task.id in DONE_ON_TIME and task.state == "open":
                    ticked = await people.post_form(
                        http, page, data={"action": "opgave", "task": task.id}
                    )
                    say(f"Underviseren på kursets side: {people.shown(ticked, 'udført')}")
            if page and not noted and any("Grupper sendt" in e for e in status.events):
                noted = True
                for note in NOTES:
                    fields = {"action": "note", "text": note.text}
                    if note.good_example:
                        fields["good_example"] = "ja"
                    await people.post_form(http, page, data=fields)
                good = sum(note.good_example for note in NOTES)
                say(
                    f"Underviserne noterede {len(NOTES) - good} emner og {good} god anmodning "
                    "på kursets side under kurset."
                )
            await asyncio.sleep(min(0.25, seconds_per_day / 8))
    final = await client.courses.result(course_id)
    for event in final.events:
        say(f"  {event}")
    if final.program:
        say(f"Kursusprogram: {final.program} (vedhæftet underviserens første mail)")
    return final
