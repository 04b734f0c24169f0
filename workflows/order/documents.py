"""The order's meeting documents: the deck, handouts and practice sheet rendered from the
order's facts at their due date, and delivered again whenever a late extract or the
pre-meeting changes them."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.events import (
        ArtifactsDelivered,
        ArtifactsRendered,
        DocumentsRequested,
        ExtractMissing,
        Role,
        StepSkipped,
    )
    from schemas.order.steps import Step
    from workflows.order.national import NationalFigures
    from workflows.order.run import OrderRun


class Documents:
    def __init__(self, run: OrderRun, national: NationalFigures) -> None:
        self.run = run
        self.national = national

    async def at_due_date(self) -> None:
        """Stage 5: rendered with what has come (the survey, the extract) at their due date."""
        run = self.run
        await run.wait_until(
            lambda: run.timeline.due[Step.ARTIFACTS], None, "Venter til PowerPointen skal leveres"
        )
        if not run.state.is_done(Step.SURVEY):
            run.record(
                StepSkipped(
                    at=run.now(),
                    step=Step.SURVEY,
                    reason="svarene var ikke indlæst, da PowerPointen blev lavet",
                )
            )
        if not run.state.extract_received:
            run.record(ExtractMissing(at=run.now()))
        await self.deliver("coordinator")

    async def deliver(self, *roles: Role, why: str | None = None) -> None:
        """Render the meeting documents; deliver them when any changed since the last time.
        One delivery at a time, so a late extract and a pre-meeting never share a version."""
        run = self.run
        async with run.delivering:
            run.record(DocumentsRequested(at=run.now(), extract_version=run.state.extract_version))
            await self.national.before_render()
            refs = await run.render(run.pkg.meeting_documents)
            if run.state.artifact_version and all(r in run.state.artifacts for r in refs):
                return
            version = run.state.artifact_version + 1
            run.record(ArtifactsRendered(at=run.now(), version=version, artifacts=refs))
            await run.mail(
                "artifacts_delivered",
                f"artifacts_delivered-v{version}",
                *roles,
                attachments=refs,
                delivery=version,
                delivery_note=why,
            )
            run.record(ArtifactsDelivered(at=run.now(), version=version, roles=list(roles)))
