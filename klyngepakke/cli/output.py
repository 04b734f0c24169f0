"""How the CLI shows things to people: Danish tables and messages (Rich)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from schemas.course.status import CourseStatus
from schemas.order.commands import StepAccepted
from schemas.order.extract import ParsedExtract
from schemas.order.listing import OrderSummary
from schemas.order.status import OrderStatus
from schemas.shared.danish_format import date_short, datetime_long, number

console = Console()
_STATE_DA = {
    "pending": "venter",
    "active": "i gang",
    "done": "færdig",
    "overdue": "[bold red]overskredet[/]",
    "skipped": "sprunget over",
}
_AGREEMENT_DA = {"open": "åben", "done": "udført", "overdue": "[bold red]overskredet[/]"}
_STATUS_DA = {"active": "aktiv", "completed": "afsluttet", "cancelled": "annulleret"}


def show_accepted(result: StepAccepted) -> None:
    console.print(f"[green]OK:[/] {result.message}")


def show_status(status: OrderStatus) -> None:
    console.print(
        f"[bold]{status.id}[/] – {status.cluster} – "
        f"{_STATUS_DA.get(status.status, status.status)}"
        + (" (sen bestilling)" if status.late else "")
    )
    if status.meeting:
        console.print(f"Klyngemøde: {datetime_long(status.meeting)}")
    console.print(f"Ordrens tid nu: {datetime_long(status.clock.planned(datetime.now(UTC)))}")
    table = Table("Trin", "Status", "Frist", "Færdig")
    for step in status.steps:
        table.add_row(
            step.label,
            _STATE_DA.get(step.state, step.state),
            date_short(step.due) if step.due else "",
            date_short(step.done_at) if step.done_at else "",
        )
    console.print(table)
    if status.survey:
        rate = (
            f" ({status.survey.response_rate:.0%})"
            if status.survey.response_rate is not None
            else ""
        )
        console.print(
            f"Spørgeskema: {status.survey.answered} af {status.survey.invited} har svaret{rate}, "
            f"{status.survey.reminded} fik påmindelse"
            + (" (lukket)" if status.survey.closed else "")
        )
    for upload in status.extract:
        console.print(
            f"Datatræk v{upload.version}: {upload.rows} rækker fra {upload.uploaded_by}, "
            f"{datetime_long(upload.at)}"
            + (f", {upload.missing} praksis ikke oplyst" if upload.missing else "")
        )
    if status.agreements:
        table = Table("Nr.", "Aftale", "Ansvarlig", "Frist", "Status")
        for agreement in status.agreements:
            table.add_row(
                str(agreement.number),
                agreement.text,
                agreement.owner,
                date_short(agreement.due),
                _AGREEMENT_DA.get(agreement.state, agreement.state),
            )
        console.print(table)
    if status.follow_up_meeting:
        console.print(f"Opfølgende klyngemøde: workflow {status.follow_up_meeting}")
    if status.artifacts:
        show_artifacts(status)


def show_receipt(receipt: ParsedExtract) -> None:
    """What the order accepted from the file, row by row, for the person who sent it."""
    table = Table("Ydernummer", "Type", "Modtagne", "Anmodninger", "Median svartid")
    for row in receipt.extract.rows:
        table.add_row(
            row.ydernummer,
            row.certificate_type,
            str(row.received),
            "" if row.requests is None else str(row.requests),
            "" if row.median_days is None else number(row.median_days),
        )
    console.print(table)
    if receipt.missing:
        console.print(
            "Ikke oplyst (vises som 'ikke oplyst', ikke som 0): " + ", ".join(receipt.missing)
        )
    for skipped in receipt.skipped:
        console.print(f"Række {skipped.row} sprunget over: {skipped.reason}")


_TASK_DA = {"open": "åben", "done": "udført", "not_done": "[bold red]ikke gjort[/]"}


def show_course(status: CourseStatus) -> None:
    console.print(
        f"[bold]{status.id}[/] – {datetime_long(status.start)} ({status.mode.value}) – "
        f"{'afsluttet' if status.status == 'completed' else 'aktivt'}"
    )
    console.print(f"Deltagere: {status.participants} · noter: {status.notes}")
    table = Table("Opgave", "Id", "Frist", "Status")
    for task in status.tasks:
        state = _TASK_DA.get(task.state, task.state)
        table.add_row(
            task.title,
            task.id + (" (automatisk)" if task.automatic else ""),
            date_short(task.due),
            state,
        )
    console.print(table)
    if status.groups:
        console.print("Grupper: " + ", ".join(str(n) for n in status.groups) + " deltagere")
    if status.program:
        console.print(f"Kursusprogram: {status.program}")
    for event in status.events[-5:]:
        console.print(f"· {event}")


def show_artifacts(status: OrderStatus, saved_to: Path | None = None) -> None:
    table = Table("Dokument", "Version", "Størrelse", "Indhold (sha256)")
    for artifact in status.artifacts:
        size = f"{number(round(artifact.size / 1024))} kB"
        table.add_row(artifact.name, str(artifact.version), size, artifact.sha256[:12])
    console.print(table if status.artifacts else "Ingen dokumenter endnu.")
    if saved_to is not None and status.artifacts:
        console.print(f"Gemt i {saved_to}")


def show_list(orders: list[OrderSummary]) -> None:
    if not orders:
        console.print("Ingen bestillinger.")
        return
    table = Table("Id", "Klynge", "Status", "Trin", "Møde", "Overskredet")
    for order in orders:
        table.add_row(
            order.id,
            order.cluster or "",
            _STATUS_DA.get(order.status, order.status),
            order.current_step or "",
            date_short(order.meeting) if order.meeting else "",
            "ja" if order.overdue else "",
        )
    console.print(table)
