"""The project's Temporal Schedules from the CLI (klyngepakke schedules …): create or update
them, and run the morning overview now."""

from __future__ import annotations

import typer
from pydantic import BaseModel

from client.facade import KlyngepakkeClient
from klyngepakke.cli import output as cli_output
from klyngepakke.cli.base import JsonOpt, answer, run
from klyngepakke.config import Settings

schedules_app = typer.Typer(help="Temporal Schedules: morgenoversigten.")


class Applied(BaseModel):
    schedules: list[str]


@schedules_app.command("apply")
def apply(as_json: JsonOpt = False) -> None:
    """Opret eller opdatér morgenoversigtens schedule (hverdage kl. 07.00, dansk tid)."""

    async def go(client: KlyngepakkeClient, _settings: Settings) -> Applied:
        return Applied(schedules=[await client.schedules.apply()])

    done = run(as_json, go)
    answer(
        as_json,
        done,
        lambda: cli_output.console.print(
            f"Schedule {', '.join(done.schedules)} er sat op: hverdage kl. 07.00 dansk tid."
        ),
    )


class Triggered(BaseModel):
    schedule: str


@schedules_app.command("trigger")
def trigger(as_json: JsonOpt = False) -> None:
    """Send morgenoversigten nu (samme dag to gange sender ikke en mail til nogen to gange)."""

    async def go(client: KlyngepakkeClient, _settings: Settings) -> Triggered:
        await client.schedules.trigger()
        return Triggered(schedule="morgenoversigt")

    done = run(as_json, go)
    answer(
        as_json,
        done,
        lambda: cli_output.console.print("Morgenoversigten sendes nu."),
    )
