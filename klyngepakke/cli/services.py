"""The CLI's top-level commands that run things: the embedded stack, the workers, the web
app, the codec, the key rotation and the demo."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.cli import output as cli_output
from klyngepakke.cli.base import JsonOpt, err, run
from klyngepakke.config import Settings, get_settings
from klyngepakke.logs import configure_logging
from schemas.order.request import OrderRequest

commands = typer.Typer()
keys_app = typer.Typer(help="Nøglerne der krypterer al data i Temporal.")


@commands.command("dev")
def dev() -> None:
    """Start den indlejrede stak: Temporal (UI på :8233), SMTP-opsamler og workerne."""
    from klyngepakke.dev.stack import run_dev_stack

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(run_dev_stack(settings))


@commands.command("worker")
def worker_command() -> None:
    """Kør workeren: workflows, mails og opslag (produktion: så mange som nødvendigt)."""
    _run_worker(render=False)


@commands.command("render-worker")
def render_worker_command() -> None:
    """Kør en render-worker: dokumenter og PDF'er (produktion: så mange som nødvendigt)."""
    _run_worker(render=True)


def _run_worker(render: bool) -> None:
    from functools import partial

    from klyngepakke.bootstrap import run_worker
    from klyngepakke.worker_start import at_start

    settings = get_settings()
    configure_logging(settings.log_format)
    started = None if render else partial(at_start, settings)
    asyncio.run(run_worker(settings, render=render, started=started))


@commands.command("web")
def web_command() -> None:
    """Kør kun webappen: spørgeskemaet og jobcenterets upload (produktion)."""
    from klyngepakke.bootstrap import web_server

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(web_server(settings).serve())


@commands.command("codec")
def codec_command() -> None:
    """Kør kun codec-endpointet, så Temporal UI kan vise krypterede data (driftens net)."""
    from klyngepakke.bootstrap import codec_server

    settings = get_settings()
    configure_logging(settings.log_format)
    asyncio.run(codec_server(settings).serve())


@keys_app.command("rotate")
def keys_rotate(
    key_id: Annotated[str, typer.Argument(help="Id for den nye nøgle, fx 2027-01")],
) -> None:
    """Lav en ny nøgle i nøglefilen og kryptér med den fremover; de gamle dekrypterer stadig."""
    from client.payload_codec import PayloadKeyError

    settings = get_settings()
    if settings.payload_keys:
        err.print(
            "Nøglerne kommer fra KLYNGEPAKKE_PAYLOAD_KEYS: sæt den nye nøgle forrest dér "
            "(id:base64), og behold de gamle bagved."
        )
        raise typer.Exit(2)
    path = settings.payload_key_file or settings.var_dir / "payload-keys.json"
    try:
        keys = bootstrap.payload_keys(settings).rotated(key_id)
    except PayloadKeyError as exc:
        err.print(f"Nøglen blev ikke lavet: {exc}")
        raise typer.Exit(2) from None
    keys.write(path)
    cli_output.console.print(
        f"Ny aktiv nøgle '{key_id}' i {path}; {len(keys.keys) - 1} ældre nøgler beholdes. "
        "Genstart workere, webapp og codec, så de læser den."
    )


def seed_demo_benchmark(
    settings: Settings, order: OrderRequest, say: Callable[[str], object]
) -> None:
    """Ten earlier demo clusters' figures for the demo order's deck to compare with
    (klyngepakke/demo/benchmark.py: made from the examples, marked as demo figures)."""
    from klyngepakke.demo.benchmark import seed_demo_figures

    package = bootstrap.catalog(settings).package(order.package)
    written = seed_demo_figures(
        bootstrap.benchmark_store(settings), package, order.cluster.region, datetime.now(UTC).date()
    )
    say(
        f"Landstal: {written} tidligere demoklynger (demotal, lavet af eksemplerne) ligger i"
        " benchmark-databasen, så præsentationen kan vise klyngen ved siden af de andre."
    )


@commands.command("demo")
def demo(
    seconds_per_day: Annotated[float, typer.Option("--seconds-per-day", min=0.05)] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Kør en klynge med dens år, én hel bestilling fra klyngens side og ét kursus mod den
    kørende stak med simulerede personer."""
    from klyngepakke.demo.cluster import run_cluster_year, start_demo_cluster
    from klyngepakke.demo.course import run_course_demo
    from klyngepakke.demo.order import demo_order, run_demo

    async def action(client: KlyngepakkeClient, settings: Settings) -> Any:
        from klyngepakke.dev.stack import wait_for_server

        await wait_for_server(settings, seconds=90)
        say = (lambda _: None) if as_json else cli_output.console.print
        # KiAP registers the cluster; its coordinator orders from its page and works its year
        # beside the order. The members answer the follow-up meeting's second round too; the
        # order's part ends when the coordinator has the deck comparing both rounds.
        label = datetime.now(UTC).strftime("%H-%M-%S")
        seed_demo_benchmark(settings, demo_order(datetime.now(UTC), label), say)
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
