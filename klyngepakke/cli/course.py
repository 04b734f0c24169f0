"""The CLI's commands for the job-centre course (klyngepakke course …)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from klyngepakke.cli import output as cli_output
from klyngepakke.cli.base import IdArg, JsonOpt, answer, checked, fail, model, run
from klyngepakke.order_file import (
    load_course_file,
)
from schemas.course.commands import CourseNoteCommand, ParticipantsCommand
from schemas.course.participants import parse_participants

course_app = typer.Typer(help="Jobcenterpakken: kurset for sagsbehandlere.")
course_task_app = typer.Typer(help="Kursets tjekliste.")
course_app.add_typer(course_task_app, name="task")


@course_app.command("start")
def course_start(
    course_file: Annotated[Path, typer.Argument(help="Kurset (YAML), se examples/kursus.yaml")],
    course_id: Annotated[str | None, typer.Option("--id", help="Eget kursus-id")] = None,
    force: Annotated[bool, typer.Option("--force", help="Tillad < 4 uger til kurset")] = False,
    seconds_per_day: Annotated[
        float | None,
        typer.Option(
            "--seconds-per-day", min=0.01, help="Komprimeret tid: sekunder pr. planlagt dag"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Start et kursus fra en YAML-fil."""
    request = checked(as_json, lambda: load_course_file(course_file))
    started = run(
        as_json,
        lambda client, _: client.courses.start(
            request, course_id=course_id, force=force, seconds_per_day=seconds_per_day
        ),
    )
    if as_json:
        print(json.dumps({"id": started}))
    else:
        cli_output.console.print(f"Kurset er startet med id [bold]{started}[/].")


@course_app.command("status")
def course_status(course_id: IdArg, as_json: JsonOpt = False) -> None:
    """Vis kursets tjekliste, grupper og hændelser."""
    status = run(as_json, lambda client, _: client.courses.status(course_id))
    answer(as_json, status, lambda: cli_output.show_course(status))


@course_task_app.command("done")
def course_task_done(
    course_id: IdArg,
    task: Annotated[str, typer.Argument(help="Opgavens id, fx forberedelse")],
    as_json: JsonOpt = False,
) -> None:
    """Markér en opgave på tjeklisten som udført."""
    result = run(as_json, lambda client, _: client.courses.task_done(course_id, task))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@course_app.command("note")
def course_note(
    course_id: IdArg,
    text: Annotated[str, typer.Argument(help="Emne eller pointe fra kurset")],
    good_example: Annotated[
        bool, typer.Option("--good-example", help="En god anmodning til opfølgningsmailen")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Notér et emne, en pointe eller en god anmodning under kurset."""
    cmd = checked(as_json, lambda: model(CourseNoteCommand, text=text, good_example=good_example))
    result = run(as_json, lambda client, _: client.courses.note(course_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@course_app.command("participants")
def course_participants(
    course_id: IdArg,
    participants_file: Annotated[Path, typer.Argument(help="Deltagerne: email;navn;team")],
    as_json: JsonOpt = False,
) -> None:
    """Sæt deltagerlisten (erstatter den hidtidige)."""
    if not participants_file.is_file():
        fail(2, f"file: filen {participants_file} findes ikke", as_json, "file")
    cmd = checked(
        as_json,
        lambda: ParticipantsCommand(
            participants=parse_participants(participants_file.read_bytes(), participants_file.name)
        ),
    )
    result = run(as_json, lambda client, _: client.courses.participants(course_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))
