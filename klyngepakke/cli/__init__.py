"""The `klyngepakke` command line (Typer + Rich). Messages for people are Danish; every command
takes --json for scripts. Exit 0 on success, 2 on invalid input, 1 when the stack is down."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from klyngepakke import bootstrap
from klyngepakke.cli import output as cli_output
from klyngepakke.cli import services as cli_services
from klyngepakke.cli.base import IdArg, JsonOpt, answer, checked, model, moment, run
from klyngepakke.cli.catalog import catalog_app
from klyngepakke.cli.cluster import cluster_app
from klyngepakke.cli.course import course_app
from klyngepakke.cli.schedules import schedules_app
from klyngepakke.cli.steps import (
    agreement_app,
    consultation_app,
    extract_app,
    meeting_app,
    premeeting_app,
    survey_app,
)
from klyngepakke.config import get_settings
from klyngepakke.logs import configure_logging
from klyngepakke.order_file import (
    load_order,
)
from schemas.order.commands import Cancel, LateDecision, Reschedule, RetryRender

app = typer.Typer(
    help="KiAP's klyngepakker som Temporal-workflows.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
order_app = typer.Typer(help="Bestillinger: start, status, liste, flyt, annullér.")
for sub, name in (
    (cli_services.keys_app, "keys"),
    (order_app, "order"),
    (consultation_app, "consultation"),
    (survey_app, "survey"),
    (premeeting_app, "premeeting"),
    (meeting_app, "meeting"),
    (extract_app, "extract"),
    (agreement_app, "agreement"),
    (course_app, "course"),
    (cluster_app, "cluster"),
    (catalog_app, "catalog"),
    (schedules_app, "schedules"),
):
    app.add_typer(sub, name=name)
# The services and the demo are top-level commands (klyngepakke dev, worker, web, demo, …).
app.registered_commands.extend(cli_services.commands.registered_commands)


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
        lambda client, _: client.orders.start(
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
    status = run(as_json, lambda client, _: client.orders.status(order_id))
    answer(as_json, status, lambda: cli_output.show_status(status))


@order_app.command("list")
def order_list(as_json: JsonOpt = False) -> None:
    """List bestillinger med klynge, trin og mødedato."""
    found = run(as_json, lambda client, _: client.orders.list_orders())
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
    result = run(as_json, lambda client, _: client.orders.reschedule(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("cancel")
def order_cancel(
    order_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Begrundelse")],
    as_json: JsonOpt = False,
) -> None:
    """Annullér bestillingen; alle, der har fået mails, får besked."""
    cmd = checked(as_json, lambda: model(Cancel, reason=reason))
    result = run(as_json, lambda client, _: client.orders.cancel(order_id, cmd))
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
    result = run(as_json, lambda client, _: client.orders.decide_late(order_id, cmd))
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("retry-render")
def order_retry_render(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Lav dokumenterne igen, når de ikke kunne laves (konsulenten har fået en mail om det)."""
    result = run(
        as_json, lambda client, _: client.orders.retry_render(order_id, RetryRender(by="drift"))
    )
    answer(as_json, result, lambda: cli_output.show_accepted(result))


@order_app.command("repair")
def order_repair(order_id: IdArg, as_json: JsonOpt = False) -> None:
    """Genstart en bestilling, der er gået i stå på en historik, som ikke kan genafspilles
    efter et workernedbrud (Temporal reset; signaler og svar genanvendes)."""
    repaired = run(as_json, lambda client, _: client.orders.repair(order_id))
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
    status = run(as_json, lambda client, _: client.orders.status(order_id))
    if save_to is not None:
        # From the store the workers wrote to, whichever machine that was (folder or
        # PostgreSQL): a reference is the document's content address, not a path.
        store = bootstrap.artifact_store(get_settings())
        save_to.mkdir(parents=True, exist_ok=True)
        for ref in status.artifacts:
            (save_to / ref.name).write_bytes(store.read(ref.ref()))
    if as_json:
        print(json.dumps([a.model_dump(mode="json") for a in status.artifacts], indent=2))
    else:
        cli_output.show_artifacts(status, save_to)


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
