"""The CLI's commands for an order's human steps (consultation, survey, extract, pre-meeting,
meeting, agreements): what KiAP's staff can also do on the workbench."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.cli import output as cli_output
from klyngepakke.cli.base import IdArg, JsonOpt, answer, checked, fail, model, moment, run
from klyngepakke.config import Settings
from klyngepakke.order_file import (
    load_minutes,
    load_questions,
    read_yaml,
)
from schemas.order.commands import (
    AgreementDoneCommand,
    ConsultationDone,
    MeetingRecord,
    PremeetingDone,
    PremeetingSchedule,
    SurveyImport,
)
from schemas.order.request import ContactBy, MeetingMode
from schemas.shared.errors import StepRejected
from storage.uploads import UploadRefused, quarantined_extract, read_receipt

consultation_app = typer.Typer(help="Konsulentens telefonkonsultation.")
survey_app = typer.Typer(help="Spørgeskemaet.")
premeeting_app = typer.Typer(help="Formødet med jobcenteret.")
meeting_app = typer.Typer(help="Klyngemødet.")
extract_app = typer.Typer(help="Jobcenterets datatræk.")
agreement_app = typer.Typer(help="Aftalerne fra klyngemødet.")


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
    result = run(as_json, lambda client, _: client.orders.consultation_done(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@survey_app.command("import")
def survey_import(
    order_id: IdArg,
    export_file: Annotated[Path, typer.Argument(help="CSV-eksport fra KiAP's spørgeskemafunktion")],
    as_json: JsonOpt = False,
) -> None:
    """Indlæs svarene fra en CSV-eksport."""
    from schemas.survey.answers import parse_survey_export

    if not export_file.is_file():
        fail(2, f"file: filen {export_file} findes ikke", as_json, "file")

    async def action(client: KlyngepakkeClient, settings: Settings) -> Any:
        status = await client.orders.status(order_id)
        template = bootstrap.catalog(settings).package(status.package).survey
        responses = parse_survey_export(template, export_file.read_bytes())
        return await client.orders.survey_import(
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

    async def submit(client: KlyngepakkeClient, settings: Settings) -> tuple[Any, Any]:
        try:
            with quarantined_extract(
                bootstrap.upload_store(settings), order_id, data, extract_file.name
            ) as upload:
                accepted = await client.orders.extract_submit(order_id, upload, uploaded_by)
        except (UploadRefused, ValueError) as exc:
            raise StepRejected(getattr(exc, "message", "ordre-id: ugyldigt")) from None
        return accepted, read_receipt(bootstrap.artifact_store(settings), accepted.receipt)

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
    result = run(as_json, lambda client, _: client.surveys.edit(order_id, template))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@survey_app.command("dispatch")
def survey_dispatch(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Send spørgeskemaet til medlemmerne nu (ellers på den planlagte dag)."""
    result = run(as_json, lambda client, _: client.surveys.dispatch(order_id))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@survey_app.command("close")
def survey_close(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Luk spørgeskemaet før fristen og opgør svarene."""
    result = run(as_json, lambda client, _: client.surveys.close(order_id))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@premeeting_app.command("schedule")
def premeeting_schedule(
    order_id: IdArg,
    at: Annotated[str, typer.Option("--at", help="Tidspunkt, fx 2027-02-20T14:00")],
    as_json: JsonOpt = False,
) -> None:
    """Planlæg formødet (efter PowerPointen er leveret)."""
    cmd = checked(as_json, lambda: model(PremeetingSchedule, at=moment(at, "at")))
    result = run(as_json, lambda client, _: client.orders.premeeting_schedule(order_id, cmd))
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
    result = run(as_json, lambda client, _: client.orders.premeeting_done(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@meeting_app.command("record")
def meeting_record(
    order_id: IdArg,
    minutes_file: Annotated[Path, typer.Argument(help="Referatet (YAML)")],
    as_json: JsonOpt = False,
) -> None:
    """Registrér referat og aftaler fra klyngemødet."""

    cmd = checked(as_json, lambda: MeetingRecord(minutes=load_minutes(minutes_file)))
    result = run(as_json, lambda client, _: client.orders.meeting_record(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@agreement_app.command("done")
def agreement_done(
    order_id: IdArg,
    number: Annotated[int, typer.Argument(help="Aftalens nummer i referatet (1, 2, …)")],
    as_json: JsonOpt = False,
) -> None:
    """Markér en aftale som udført; den ansvarlige får ikke flere påmindelser."""
    cmd = checked(as_json, lambda: model(AgreementDoneCommand, number=number))
    result = run(as_json, lambda client, _: client.orders.agreement_done(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))
