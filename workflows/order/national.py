"""The order's part in the national figures (workflows/benchmark.py): what it shares, when,
and the coordinator's "Vores tal må ikke indgå i landstal"."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.benchmark import Sharing
    from schemas.benchmark.figures import OrderFigures
    from schemas.order.commands import BenchmarkConsent, StepAccepted
    from schemas.order.events import BenchmarkConsentChanged, NationalFiguresRead
    from schemas.order.national_figures import benchmark_key, order_figures
    from workflows.benchmark import BENCHMARK, compare, share
    from workflows.order.run import OrderRun

OPTED_OUT = (
    "Registreret: klyngens tal indgår ikke i landstallene, og det, der var gemt, er fjernet."
    " Præsentationen viser stadig landstallene ved siden af klyngens egne."
)
OPTED_IN = "Registreret: klyngens tal indgår i landstallene – uden navne og uden praksisser."


class NationalFigures:
    def __init__(self, run: OrderRun) -> None:
        self.run = run

    @property
    def on(self) -> bool:
        return self.run.kernel.patches.get(BENCHMARK, False)

    def figures(self) -> OrderFigures:
        run = self.run
        key = benchmark_key(run.order_id, run.order, run.pkg, 1)
        return order_figures(
            key, run.pkg, run.state.survey_results, len(run.order.members), run.state.extract
        )

    async def share(self, figures: OrderFigures | None = None) -> None:
        """The survey closed, or the documents are about to be rendered with what has come."""
        if self.on and not self.run.state.benchmark_opted_out:
            await share(figures or self.figures())

    async def before_render(self) -> None:
        """Share the latest figures, then read the other clusters' for the deck."""
        if not self.on:
            return
        figures = self.figures()
        await self.share(figures)
        comparison = await compare(figures.key, self.run.pkg)
        if comparison is not None:
            self.run.record(NationalFiguresRead(at=self.run.now(), comparison=comparison))

    async def withdraw(self) -> None:
        """A cancelled order's figures count nowhere."""
        if self.on:
            await share(self.figures(), Sharing.WITHDRAW)

    def check_consent(self, cmd: BenchmarkConsent) -> None:
        run = self.run
        run.require_active()
        if not self.on:
            raise run.kernel.refuse(
                "Bestillingen er fra før landstallene; klyngens tal indgår ikke i dem"
            )

    async def consent(self, cmd: BenchmarkConsent) -> StepAccepted:
        run = self.run
        if cmd.opted_out == run.state.benchmark_opted_out:
            return StepAccepted(message="Uændret. " + (OPTED_OUT if cmd.opted_out else OPTED_IN))
        run.record(BenchmarkConsentChanged(at=run.now(), opted_out=cmd.opted_out))
        await share(self.figures(), Sharing.OPT_OUT if cmd.opted_out else Sharing.OPT_IN)
        return StepAccepted(message=OPTED_OUT if cmd.opted_out else OPTED_IN)
