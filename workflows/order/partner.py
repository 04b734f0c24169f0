"""The order's stages with its partner organisation (the job centre in the certificates
package): the extract and its new versions of the documents (stage 4), and the pre-meeting
(stage 6). An order runs them only when its package's process has them."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.events import (
        ExtractReminderSent,
        PracticeLabelsAnnounced,
        PremeetingAnnounced,
        StepOverdue,
        StepSkipped,
    )
    from schemas.order.extract import UPLOAD_QUIET
    from schemas.order.steps import Step, StepState
    from workflows.order.documents import Documents
    from workflows.order.run import OrderRun


class PartnerStages:
    def __init__(self, run: OrderRun, documents: Documents) -> None:
        self.run = run
        self.documents = documents

    async def extract(self) -> None:
        """The extract: one reminder at its due date; after the deck, each new upload until
        the meeting gives the documents a new version."""
        run = self.run
        received = lambda: run.state.extract_received  # noqa: E731
        if not await run.wait_until(
            lambda: run.timeline.due[Step.PARTNER], received, "Venter på jobcenterets datatræk"
        ):
            run.record(StepOverdue(at=run.now(), step=Step.PARTNER))
            await run.mail(
                "extract_reminder", "extract_reminder", "partner", "coordinator", upload_link=True
            )
            run.record(ExtractReminderSent(at=run.now()))
        while await run.wait_until(
            lambda: run.timeline.meeting, self._extract_news, "Venter på et nyt datatræk"
        ):
            if self._labels_due():
                run.record(PracticeLabelsAnnounced(at=run.now()))
                await run.mail("practice_label", "practice_label", "members", practice_labels=True)
            if self._newer_extract():
                # Orders that took uploads before this rendered each one at once.
                if workflow.patched("coalesce-extract-uploads"):
                    await self._until_uploads_pause()
                await self.documents.deliver(
                    "coordinator",
                    "partner",
                    why=f"{run.partner_definite.capitalize()}s datatræk (version"
                    f" {run.state.extract_version}) er kommet med.",
                )

    async def _until_uploads_pause(self) -> None:
        """Until no new extract has come for UPLOAD_QUIET: five files in two minutes make one
        new version of the documents."""
        while await self._another_upload_soon():
            pass

    async def _another_upload_soon(self) -> bool:
        """Whether another extract comes within UPLOAD_QUIET (never past the meeting)."""
        run = self.run
        seen = run.state.extract_version
        pause_ends = min(run.now() + UPLOAD_QUIET, run.timeline.meeting)
        return await run.wait_until(
            lambda: pause_ends,
            lambda: run.state.extract_version != seen,
            "Venter på flere filer",
        )

    def _newer_extract(self) -> bool:
        """An extract the delivered documents do not show yet."""
        state = self.run.state
        return state.is_done(Step.ARTIFACTS) and state.extract_version > state.extract_rendered

    def _labels_due(self) -> bool:
        state = self.run.state
        wanted = state.consultation is not None and state.consultation.practice_labels_by_mail
        return wanted and state.extract_received and not state.labels_told

    def _extract_news(self) -> bool:
        return self._newer_extract() or self._labels_due()

    async def premeeting(self) -> None:
        """Announce each scheduling of the pre-meeting; flag it overdue at its due date and
        skip it at the meeting if it was never held."""
        run = self.run
        while True:
            await run.wait_until(
                self._premeeting_deadline, self._premeeting_news, "Venter på formødet"
            )
            state = run.state
            if state.premeetings_scheduled != state.premeetings_announced:
                number = state.premeetings_scheduled
                run.record(PremeetingAnnounced(at=run.now(), number=number))
                await self._announce_premeeting(number)
                continue
            if state.is_done(Step.PREMEETING):
                # Orders that held their pre-meeting before this existed did not re-render.
                if workflow.patched("rerender-after-premeeting"):
                    await self.documents.deliver(
                        "coordinator", "partner", why="Programmet blev ændret på formødet."
                    )
                return
            if state.state_of(Step.PREMEETING) != StepState.OVERDUE:
                run.record(StepOverdue(at=run.now(), step=Step.PREMEETING))
                continue
            reason = "formødet blev ikke registreret før klyngemødet"
            run.record(StepSkipped(at=run.now(), step=Step.PREMEETING, reason=reason))
            return

    def _premeeting_deadline(self) -> datetime:
        run = self.run
        if run.state.state_of(Step.PREMEETING) == StepState.OVERDUE:
            return run.timeline.meeting
        return run.timeline.due[Step.PREMEETING]

    def _premeeting_news(self) -> bool:
        state = self.run.state
        return (
            state.is_done(Step.PREMEETING)
            or state.premeetings_scheduled != state.premeetings_announced
        )

    async def _announce_premeeting(self, number: int) -> None:
        run = self.run
        at = run.state.premeeting_at
        assert at is not None
        invite = run.invite(
            "premeeting",
            f"Formøde: klyngemøde om {run.about}",
            at,
            60,
            sequence=number - 1,
            attendees=("coordinator", "partner"),
        )
        await run.mail(
            "premeeting_scheduled",
            f"premeeting_scheduled-{number}",
            "coordinator",
            "partner",
            calendar=invite,
        )
