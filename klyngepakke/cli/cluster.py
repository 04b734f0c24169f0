"""`klyngepakke cluster …`: the cluster and its coordinator's year, for operators and scripts
(the coordinator's own page is the people's way in). Every command takes --json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from client.facade import KlyngepakkeClient
from klyngepakke.cli import output as cli_output
from klyngepakke.cli.base import JsonOpt, answer, checked, fail, model, run
from klyngepakke.config import Settings
from klyngepakke.order_file import load_cluster_file
from schemas.cluster.commands import (
    AssemblySet,
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    MeetingNote,
    MembersReplace,
    PayoutRecord,
    PayoutReported,
)
from schemas.cluster.state import ClusterState
from schemas.cluster.view import ClusterSummary
from schemas.shared.errors import DomainError
from schemas.shared.member_list import parse_member_list

cluster_app = typer.Typer(help="Klyngen: medlemsliste, udbetalinger og koordinatorens år.")
ClusterArg = Annotated[str, typer.Argument(help="Klyngens id (fra `cluster start`)")]
DateOpt = Annotated[str, typer.Option("--date", help="Datoen, fx 2027-03-31")]


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(field, "skal være en dato, fx 2027-03-31") from None


@cluster_app.command("start")
def cluster_start(
    cluster_file: Annotated[Path, typer.Argument(help="Klyngen (YAML), se examples/klynge.yaml")],
    seconds_per_day: Annotated[
        float | None,
        typer.Option(
            "--seconds-per-day", min=0.01, help="Komprimeret tid: sekunder pr. planlagt dag"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Opret klyngen: koordinatoren får årets påmindelser fra nu af."""
    inp = checked(as_json, lambda: load_cluster_file(cluster_file))
    inp = inp.model_copy(update={"seconds_per_day": seconds_per_day})
    started = run(as_json, lambda client, _: client.clusters.start(inp))
    if as_json:
        print(json.dumps({"id": started}))
    else:
        cli_output.console.print(f"Klyngen er oprettet med id [bold]{started}[/].")


@cluster_app.command("status")
def cluster_status(cluster_id: ClusterArg, as_json: JsonOpt = False) -> None:
    """Vis medlemslisten, årets opgaver, udbetalinger og hvad der er overskredet."""

    async def both(
        client: KlyngepakkeClient, _: Settings
    ) -> tuple[ClusterState, ClusterSummary | None]:
        return await client.clusters.state(cluster_id), await client.clusters.summary(cluster_id)

    state, summary = run(as_json, both)
    if as_json:
        data = {"id": cluster_id, "summary": summary.model_dump(mode="json") if summary else None}
        data |= state.model_dump(mode="json", exclude={"events"})
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        _show(cluster_id, state, summary)


def _show(cluster_id: str, state: ClusterState, summary: ClusterSummary | None) -> None:
    console = cli_output.console
    console.print(
        f"[bold]{cluster_id}[/] – {len(state.members)} medlemmer "
        f"(medlemsliste version {state.member_list_version})"
    )
    if summary is not None:
        deadline = f"{summary.next_deadline:%d.%m.%Y}" if summary.next_deadline else "ingen"
        console.print(f"Næste frist: {deadline}")
        for item in summary.overdue:
            console.print(f"[red]Overskredet:[/] {item} er ikke indberettet til SKAT")
    done = ", ".join(sorted(state.confirmed)) or "ingen endnu"
    console.print(f"Markeret som gjort: {done}")
    if state.payouts:
        table = Table("nr.", "udbetalt", "til", "indberettet")
        for p in state.payouts:
            table.add_row(
                str(p.number), f"{p.paid_on:%d.%m.%Y}", p.purpose, "ja" if p.reported else "nej"
            )
        console.print(table)
    if state.assembly_on:
        console.print(f"Generalforsamling: {state.assembly_on:%d.%m.%Y}")
    console.print(f"Påmindelser sendt: {len(state.sent)}")


@cluster_app.command("members")
def cluster_members(
    cluster_id: ClusterArg,
    members_file: Annotated[Path, typer.Argument(help="Medlemslisten: CSV eller XLSX")],
    as_json: JsonOpt = False,
) -> None:
    """Erstat medlemslisten (ny version; den gamle bevares i klyngens historik)."""
    if not members_file.is_file():
        fail(2, f"file: filen {members_file} findes ikke", as_json, "file")
    cmd = checked(
        as_json,
        lambda: MembersReplace(
            members=parse_member_list(members_file.read_bytes(), members_file.name)
        ),
    )
    result = run(as_json, lambda client, _: client.clusters.members_replace(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("confirm")
def cluster_confirm(
    cluster_id: ClusterArg,
    duty: Annotated[str, typer.Option("--duty", help="member_list eller grant")],
    year: Annotated[int, typer.Option("--year", help="Året opgaven gælder, fx 2028")],
    not_received: Annotated[
        bool, typer.Option("--not-received", help="Tilskuddet er ikke kommet")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Markér medlemslisten som tjekket eller tilskuddet som modtaget (eller ikke)."""
    cmd = checked(
        as_json, lambda: model(DutyConfirm, duty=duty, year=year, received=not not_received)
    )
    result = run(as_json, lambda client, _: client.clusters.duty_confirm(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("payout")
def cluster_payout(
    cluster_id: ClusterArg,
    paid_on: DateOpt,
    purpose: Annotated[str, typer.Option("--purpose", help="Hvad den var for, fx honorar")],
    as_json: JsonOpt = False,
) -> None:
    """Registrér en udbetaling af honorar: koordinatoren mindes om indberetningen til SKAT."""
    cmd = checked(
        as_json, lambda: model(PayoutRecord, paid_on=_day(paid_on, "paid_on"), purpose=purpose)
    )
    result = run(as_json, lambda client, _: client.clusters.payout_record(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("reported")
def cluster_reported(
    cluster_id: ClusterArg,
    payout: Annotated[int, typer.Argument(help="Udbetalingens nummer")],
    as_json: JsonOpt = False,
) -> None:
    """Markér en udbetaling som indberettet til SKAT."""
    cmd = checked(as_json, lambda: model(PayoutReported, payout=payout))
    result = run(as_json, lambda client, _: client.clusters.payout_reported(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("assembly")
def cluster_assembly(cluster_id: ClusterArg, on: DateOpt, as_json: JsonOpt = False) -> None:
    """Sæt datoen for generalforsamlingen (påmindelser om budget og regnskab)."""
    cmd = checked(as_json, lambda: model(AssemblySet, on=_day(on, "on")))
    result = run(as_json, lambda client, _: client.clusters.assembly_set(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("meeting")
def cluster_meeting(
    cluster_id: ClusterArg,
    on: DateOpt,
    order_id: Annotated[str | None, typer.Option("--order", help="Ordrens id")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Notér et planlagt klyngemøde (så klyngen ikke mindes om at planlægge et)."""
    cmd = checked(as_json, lambda: model(MeetingNote, on=_day(on, "on"), order_id=order_id))
    result = run(as_json, lambda client, _: client.clusters.meeting_note(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("coordinator")
def cluster_coordinator(
    cluster_id: ClusterArg,
    name: Annotated[str, typer.Option("--name", help="Den nye koordinators navn")],
    email: Annotated[str, typer.Option("--email", help="Den nye koordinators e-mail")],
    as_json: JsonOpt = False,
) -> None:
    """Skift klyngekoordinator: begge får tjeklisten til overdragelsen."""
    cmd = checked(as_json, lambda: model(CoordinatorChange, new={"name": name, "email": email}))
    result = run(as_json, lambda client, _: client.clusters.coordinator_change(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@cluster_app.command("handover")
def cluster_handover(
    cluster_id: ClusterArg,
    side: Annotated[str, typer.Option("--side", help="outgoing (afgående) eller incoming (ny)")],
    as_json: JsonOpt = False,
) -> None:
    """Markér den afgående eller den nye koordinators del af overdragelsen som gjort."""
    cmd = checked(as_json, lambda: model(HandoverConfirm, side=side))
    result = run(as_json, lambda client, _: client.clusters.handover_confirm(cluster_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))
