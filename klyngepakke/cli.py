"""The `klyngepakke` command line (Typer + Rich). Messages for people are Danish; every command
takes --json for scripts. Exit 0 on success, 2 on invalid input, 1 when the stack is down."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from klyngepakke import cli_output
from klyngepakke.cli_base import (
    IdArg,
    JsonOpt,
    answer,
    checked,
    err,
    fail,
    model,
    moment,
    run,
)
from klyngepakke.cli_cluster import cluster_app
from klyngepakke.client import OrdersClient
from klyngepakke.cluster_client import ClustersClient
from klyngepakke.course_client import CoursesClient
from klyngepakke.logs import configure_logging
from klyngepakke.order_file import (
    load_course_file,
    load_minutes,
    load_order,
    load_questions,
    read_yaml,
)
from klyngepakke.settings import Settings, get_settings
from schemas.commands import (
    AgreementDoneCommand,
    Cancel,
    ConsultationDone,
    LateDecision,
    MeetingRecord,
    PremeetingDone,
    PremeetingSchedule,
    Reschedule,
    RetryRender,
    SurveyImport,
)
from schemas.course import CourseNoteCommand, ParticipantsCommand
from schemas.errors import StepRejected
from schemas.order import ContactBy, MeetingMode
from schemas.participant_list import parse_participants
from storage.uploads import UploadRefused, quarantined_extract, read_receipt

app = typer.Typer(
    help="KiAP's klyngepakker som Temporal-workflows.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
order_app = typer.Typer(help="Bestillinger: start, status, liste, flyt, annullér.")
consultation_app = typer.Typer(help="Konsulentens telefonkonsultation.")
survey_app = typer.Typer(help="Spørgeskemaet.")
premeeting_app = typer.Typer(help="Formødet med jobcenteret.")
meeting_app = typer.Typer(help="Klyngemødet.")
extract_app = typer.Typer(help="Jobcenterets datatræk.")
agreement_app = typer.Typer(help="Aftalerne fra klyngemødet.")
course_app = typer.Typer(help="Jobcenterpakken: kurset for sagsbehandlere.")
course_task_app = typer.Typer(help="Kursets tjekliste.")
course_app.add_typer(course_task_app, name="task")
keys_app = typer.Typer(help="Nøglerne der krypterer al data i Temporal.")
for sub, name in (
    (keys_app, "keys"),
    (order_app, "order"),
    (consultation_app, "consultation"),
    (survey_app, "survey"),
    (premeeting_app, "premeeting"),
    (meeting_app, "meeting"),
    (extract_app, "extract"),
    (agreement_app, "agreement"),
    (course_app, "course"),
    (cluster_app, "cluster"),
):
    app.add_typer(sub, name=name)


@order_app.command("start")
def order_start(
    order_file: Annotated[Path, typer.Argument(help="Bestillingen (YAML)")],
    order_id: Annotated[str | None, typer.Option("--id", help="Eget ordre-id")] = None,
    allow_late: Annotated[bool, typer.Option("--allow-late", help="Tillad < 8 uger")] = False,
    seconds_per_day: Annotated[
        float | None,
        typer.Option(
            "--seconds-per-day", min=0.01, help="Komprimeret tid: sekunder pr. planlagt dag"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Start en bestilling fra en YAML-fil."""

    order = checked(as_json, lambda: load_order(order_file))
    started = run(
        as_json,
        lambda orders, _: orders.start(
            order, order_id=order_id, allow_late=allow_late, seconds_per_day=seconds_per_day
        ),
    )
    if as_json:
        print(json.dumps({"id": started}))
    else:
        cli_output.console.print(f"Bestillingen er startet med id [bold]{started}[/].")


@order_app.command("status")
def order_status(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Vis en bestillings trin, frister og hændelser."""
    status = run(as_json, lambda orders, _: orders.status(order_id))
    answer(as_json, status, lambda: cli_output.show_status(status))


@order_app.command("list")
def order_list(as_json: JsonOpt = False) -> None:
    """List bestillinger med klynge, trin og mødedato."""
    found = run(as_json, lambda orders, _: orders.list_orders())
    if as_json:
        print(json.dumps([o.model_dump(mode="json") for o in found], indent=2, ensure_ascii=False))
    else:
        cli_output.show_list(found)


@order_app.command("reschedule")
def order_reschedule(
    order_id: IdArg,
    meeting: Annotated[str, typer.Option("--meeting", help="Ny mødestart, fx 2027-03-10T16:00")],
    allow_late: Annotated[bool, typer.Option("--allow-late")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Flyt klyngemødet; fristerne planlægges igen."""
    cmd = checked(
        as_json,
        lambda: model(Reschedule, meeting=moment(meeting, "meeting"), allow_late=allow_late),
    )
    result = run(as_json, lambda orders, _: orders.reschedule(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("cancel")
def order_cancel(
    order_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Begrundelse")],
    as_json: JsonOpt = False,
) -> None:
    """Annullér bestillingen; alle, der har fået mails, får besked."""
    cmd = checked(as_json, lambda: model(Cancel, reason=reason))
    result = run(as_json, lambda orders, _: orders.cancel(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("decide-late")
def order_decide_late(
    order_id: IdArg,
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Godkend eller afvis den sene bestilling")
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Begrundelse til koordinatoren (ved afslag)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Svar på en sen bestilling fra bestillingsformularen (under 8 uger før mødet)."""
    cmd = checked(as_json, lambda: model(LateDecision, approve=approve, reason=reason))
    result = run(as_json, lambda orders, _: orders.decide_late(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("retry-render")
def order_retry_render(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Lav dokumenterne igen, når de ikke kunne laves (konsulenten har fået en mail om det)."""
    result = run(as_json, lambda orders, _: orders.retry_render(order_id, RetryRender(by="drift")))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("repair")
def order_repair(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Genstart en bestilling, der er gået i stå på en historik, som ikke kan genafspilles
    efter et workernedbrud (Temporal reset; signaler og svar genanvendes)."""
    repaired = run(as_json, lambda orders, _: orders.repair(order_id))
    if as_json:
        print(json.dumps([dataclasses.asdict(r) for r in repaired], indent=2))
    elif not repaired:
        cli_output.console.print(
            f"Intet at reparere: {order_id} og dens underforløb kører normalt."
        )
    for r in repaired:
        cli_output.console.print(
            f"{r.workflow_id}: nulstillet til hændelse {r.reset_to}; ny kørsel {r.run_id}."
        )


@consultation_app.command("done")
def consultation_done(
    order_id: IdArg,
    contact_by: Annotated[ContactBy, typer.Option("--contact-by", help="kiap eller klynge")],
    mode: Annotated[
        MeetingMode | None, typer.Option("--mode", help="fysisk eller virtuelt")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Noter fra samtalen")] = None,
    practice_labels: Annotated[
        bool,
        typer.Option(
            "--practice-labels",
            help="Hver praksis får sit bogstav i datatrækket at vide på mail",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Registrér telefonkonsultationen."""
    cmd = checked(
        as_json,
        lambda: model(
            ConsultationDone,
            contact_by=contact_by,
            mode=mode,
            notes=notes,
            practice_labels_by_mail=practice_labels,
        ),
    )
    result = run(as_json, lambda orders, _: orders.consultation_done(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@survey_app.command("import")
def survey_import(
    order_id: IdArg,
    export_file: Annotated[Path, typer.Argument(help="CSV-eksport fra KiAP's spørgeskemafunktion")],
    as_json: JsonOpt = False,
) -> None:
    """Indlæs svarene fra en CSV-eksport."""
    from schemas.survey import parse_survey_export

    if not export_file.is_file():
        fail(2, f"file: filen {export_file} findes ikke", as_json, "file")

    async def action(orders: OrdersClient, settings: Settings) -> Any:
        status = await orders.status(order_id)
        template = settings.catalog().package(status.package).survey
        responses = parse_survey_export(template, export_file.read_bytes())
        return await orders.survey_import(
            order_id, SurveyImport(source=export_file.name[:200], responses=responses)
        )

    result = run(as_json, action)
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@extract_app.command("submit")
def extract_submit(
    order_id: IdArg,
    extract_file: Annotated[
        Path, typer.Argument(help="Datatrækket: den udfyldte skabelon, eller CSV/XLSX")
    ],
    uploaded_by: Annotated[
        str, typer.Option("--by", help="Hvem filen kommer fra (vises i ordrens hændelser)")
    ] = "konsulent (CLI)",
    as_json: JsonOpt = False,
) -> None:
    """Indsend jobcenterets datatræk; en ny fil erstatter den forrige som ny version."""
    if not extract_file.is_file():
        fail(2, f"file: filen {extract_file} findes ikke", as_json, "file")
    data = extract_file.read_bytes()

    async def submit(orders: CoursesClient, settings: Settings) -> tuple[Any, Any]:
        try:
            with quarantined_extract(
                settings.upload_store(), order_id, data, extract_file.name
            ) as upload:
                accepted = await orders.extract_submit(order_id, upload, uploaded_by)
        except (UploadRefused, ValueError) as exc:
            raise StepRejected(getattr(exc, "message", "ordre-id: ugyldigt")) from None
        return accepted, read_receipt(settings.artifact_store(), accepted.receipt)

    accepted, receipt = run(as_json, submit)
    if as_json:
        print(
            json.dumps(
                {
                    "message": accepted.message,
                    "version": accepted.version,
                    "receipt": receipt.model_dump(mode="json"),
                },
                ensure_ascii=False,
            )
        )
        return
    cli_output.show_accepted(accepted)
    cli_output.show_receipt(receipt)


@survey_app.command("edit")
def survey_edit(
    order_id: IdArg,
    questions_file: Annotated[Path, typer.Argument(help="Spørgsmålene (YAML), se examples/")],
    as_json: JsonOpt = False,
) -> None:
    """Ret spørgeskemaets spørgsmål, før det sendes ud."""
    template = checked(as_json, lambda: load_questions(questions_file))
    result = run(as_json, lambda orders, _: orders.survey_edit(order_id, template))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@survey_app.command("dispatch")
def survey_dispatch(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Send spørgeskemaet til medlemmerne nu (ellers på den planlagte dag)."""
    result = run(as_json, lambda orders, _: orders.survey_dispatch(order_id))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@survey_app.command("close")
def survey_close(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Luk spørgeskemaet før fristen og opgør svarene."""
    result = run(as_json, lambda orders, _: orders.survey_close(order_id))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@premeeting_app.command("schedule")
def premeeting_schedule(
    order_id: IdArg,
    at: Annotated[str, typer.Option("--at", help="Tidspunkt, fx 2027-02-20T14:00")],
    as_json: JsonOpt = False,
) -> None:
    """Planlæg formødet (efter PowerPointen er leveret)."""
    cmd = checked(as_json, lambda: model(PremeetingSchedule, at=moment(at, "at")))
    result = run(as_json, lambda orders, _: orders.premeeting_schedule(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@premeeting_app.command("done")
def premeeting_done(
    order_id: IdArg,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    program: Annotated[
        Path | None,
        typer.Option("--program", help="Programændringer fra formødet (YAML), se examples/"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Registrér, at formødet er holdt (evt. med ændringer i programmet)."""
    cmd = checked(
        as_json,
        lambda: model(
            PremeetingDone,
            notes=notes,
            program=read_yaml(program, "program") if program is not None else None,
        ),
    )
    result = run(as_json, lambda orders, _: orders.premeeting_done(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@meeting_app.command("record")
def meeting_record(
    order_id: IdArg,
    minutes_file: Annotated[Path, typer.Argument(help="Referatet (YAML)")],
    as_json: JsonOpt = False,
) -> None:
    """Registrér referat og aftaler fra klyngemødet."""

    cmd = checked(as_json, lambda: MeetingRecord(minutes=load_minutes(minutes_file)))
    result = run(as_json, lambda orders, _: orders.meeting_record(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@agreement_app.command("done")
def agreement_done(
    order_id: IdArg,
    number: Annotated[int, typer.Argument(help="Aftalens nummer i referatet (1, 2, …)")],
    as_json: JsonOpt = False,
) -> None:
    """Markér en aftale som udført; den ansvarlige får ikke flere påmindelser."""
    cmd = checked(as_json, lambda: model(AgreementDoneCommand, number=number))
    result = run(as_json, lambda orders, _: orders.agreement_done(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


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
        lambda client, _: client.course_start(
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
    status = run(as_json, lambda client, _: client.course_status(course_id))
    answer(as_json, status, lambda: cli_output.show_course(status))


@course_task_app.command("done")
def course_task_done(
    course_id: IdArg,
    task: Annotated[str, typer.Argument(help="Opgavens id, fx forberedelse")],
    as_json: JsonOpt = False,
) -> None:
    """Markér en opgave på tjeklisten som udført."""
    result = run(as_json, lambda client, _: client.course_task_done(course_id, task))
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
    result = run(as_json, lambda client, _: client.course_note(course_id, cmd))
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
    result = run(as_json, lambda client, _: client.course_participants(course_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@app.command("artifacts")
def artifacts(
    order_id: IdArg,
    save_to: Annotated[
        Path | None,
        typer.Option("--save-to", help="Gem dokumenterne i denne mappe (fra dokumentlageret)"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Vis ordrens dokumenter (og gem dem med --save-to)."""
    status = run(as_json, lambda orders, _: orders.status(order_id))
    if save_to is not None:
        # From the store the workers wrote to, whichever machine that was (folder or
        # PostgreSQL): a reference is the document's content address, not a path.
        store = get_settings().artifact_store()
        save_to.mkdir(parents=True, exist_ok=True)
        for ref in status.artifacts:
            (save_to / ref.name).write_bytes(store.read(ref.ref()))
    if as_json:
        print(json.dumps([a.model_dump(mode="json") for a in status.artifacts], indent=2))
    else:
        cli_output.show_artifacts(status, save_to)


@app.command("dev")
def dev() -> None:
    """Start den indlejrede stak: Temporal (UI på :8233), SMTP-opsamler og workerne."""
    from klyngepakke.dev_stack import run_dev_stack

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(run_dev_stack(settings))


@app.command("worker")
def worker_command() -> None:
    """Kør workeren: workflows, mails og opslag (produktion: så mange som nødvendigt)."""
    import worker

    worker.main()


@app.command("render-worker")
def render_worker_command() -> None:
    """Kør en render-worker: dokumenter og PDF'er (produktion: så mange som nødvendigt)."""
    import worker

    worker.main(render=True)


@app.command("web")
def web_command() -> None:
    """Kør kun webappen: spørgeskemaet og jobcenterets upload (produktion)."""
    from klyngepakke.logs import configure_logging
    from web.server import server

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(server(settings).serve())


@app.command("codec")
def codec_command() -> None:
    """Kør kun codec-endpointet, så Temporal UI kan vise krypterede data (driftens net)."""
    from klyngepakke.logs import configure_logging
    from web.server import codec_server

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(codec_server(settings).serve())


@keys_app.command("rotate")
def keys_rotate(
    key_id: Annotated[str, typer.Argument(help="Id for den nye nøgle, fx 2027-01")],
) -> None:
    """Lav en ny nøgle i nøglefilen og kryptér med den fremover; de gamle dekrypterer stadig."""
    from klyngepakke.payload_codec import PayloadKeyError

    settings = get_settings()
    if settings.payload_keys:
        err.print(
            "Nøglerne kommer fra KLYNGEPAKKE_PAYLOAD_KEYS: sæt den nye nøgle forrest dér "
            "(id:base64), og behold de gamle bagved."
        )
        raise typer.Exit(2)
    path = settings.payload_key_file or settings.var_dir / "payload-keys.json"
    try:
        keys = settings.payload_key_set().rotated(key_id)
    except PayloadKeyError as exc:
        err.print(f"Nøglen blev ikke lavet: {exc}")
        raise typer.Exit(2) from None
    keys.write(path)
    cli_output.console.print(
        f"Ny aktiv nøgle '{key_id}' i {path}; {len(keys.keys) - 1} ældre nøgler beholdes. "
        "Genstart workere, webapp og codec, så de læser den."
    )


@app.command("demo")
def demo(
    seconds_per_day: Annotated[float, typer.Option("--seconds-per-day", min=0.05)] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Kør en klynge med dens år, én hel bestilling fra klyngens side og ét kursus mod den
    kørende stak med simulerede personer."""
    from klyngepakke.demo import demo_order, run_demo
    from klyngepakke.demo_cluster import run_cluster_year, start_demo_cluster
    from klyngepakke.demo_course import run_course_demo

    async def action(client: ClustersClient, settings: Settings) -> Any:
        from klyngepakke.dev_stack import wait_for_server

        await wait_for_server(settings, seconds=90)
        say = (lambda _: None) if as_json else cli_output.console.print
        # KiAP registers the cluster; its coordinator orders from its page and works its year
        # beside the order. The members answer the follow-up meeting's second round too; the
        # order's part ends when the coordinator has the deck comparing both rounds.
        label = datetime.now(UTC).strftime("%H-%M-%S")
        cluster = await start_demo_cluster(
            client, settings, demo_order(datetime.now(UTC), label), seconds_per_day, say
        )
        order, _ = await asyncio.gather(
            run_demo(
                client, settings, seconds_per_day, say, label, follow_up=True, cluster=cluster
            ),
            run_cluster_year(settings, cluster, say),
        )
        course = await run_course_demo(client, settings, seconds_per_day / 2, say)
        return order, course

    order, course = run(as_json, action)
    if as_json:
        print(
            json.dumps(
                {"order": order.model_dump(mode="json"), "course": course.model_dump(mode="json")},
                indent=2,
                ensure_ascii=False,
            )
        )
    if order.status != "completed" or course.status != "completed":
        raise typer.Exit(1)


def main() -> None:
    configure_logging(get_settings().log_format)
    try:
        app()
        code: int | str | None = 0
    except SystemExit as exit_:
        code = exit_.code
    except KeyboardInterrupt:
        code = 130
    # The Temporal client's Rust threads may outlive the event loop; if they touch the GIL
    # while CPython finalizes, the process aborts (SIGABRT) after the command's work is done
    # (temporalio/sdk-python#300). Everything is written; leave without finalizing.
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
