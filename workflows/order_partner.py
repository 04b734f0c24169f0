"""The order's stages with its partner organisation (the job centre in the certificates
package): the extract and its new versions of the documents, and the pre-meeting. An order
runs them only when its package's process has them (workflows/order.py)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.events import ExtractReminderSent, Role, StepOverdue, StepSkipped
    from schemas.order.extract import UPLOAD_QUIET
    from schemas.order.steps import Step, StepState
    from workflows.order_base import OrderBase


class PartnerStages(OrderBase):
    _premeetings_announced: int
    _extract_rendered: int
    _labels_told: bool

    async def _deliver_documents(self, *roles: Role, why: str | None = None) -> None:
        raise NotImplementedError

    async def _jobcenter(self) -> None:
        """The extract: one reminder at its due date; after the deck, each new upload until
        the meeting gives the documents a new version."""
        received = lambda: self._state.extract_received  # noqa: E731
        if not await self._wait_until(
            lambda: self._timeline.due[Step.JOBCENTER], received, "Venter på jobcenterets datatræk"
        ):
            self._record(StepOverdue(at=self._now(), step=Step.JOBCENTER))
            await self._mail(
                "extract_reminder", "extract_reminder", "jobcenter", "coordinator", upload_link=True
            )
            self._record(ExtractReminderSent(at=self._now()))
        while await self._wait_until(
            lambda: self._timeline.meeting, self._extract_news, "Venter på et nyt datatræk"
        ):
            if self._labels_due():
                self._labels_told = True
                await self._mail(
                    "practice_label", "practice_label", "members", practice_labels=True
                )
            if self._newer_extract():
                # Orders that took uploads before this rendered each one at once.
                if workflow.patched("coalesce-extract-uploads"):
                    await self._until_uploads_pause()
                await self._deliver_documents(
                    "coordinator",
                    "jobcenter",
                    why=f"{self._partner_definite.capitalize()}s datatræk (version"
                    f" {self._state.extract_version}) er kommet med.",
                )

    async def _until_uploads_pause(self) -> None:
        """Until no new extract has come for UPLOAD_QUIET: five files in two minutes make one
        new version of the documents."""
        while await self._another_upload_soon():
            pass

    async def _another_upload_soon(self) -> bool:
        """Whether another extract comes within UPLOAD_QUIET (never past the meeting)."""
        seen = self._state.extract_version
        pause_ends = min(self._now() + UPLOAD_QUIET, self._timeline.meeting)
        return await self._wait_until(
            lambda: pause_ends,
            lambda: self._state.extract_version != seen,
            "Venter på flere filer",
        )

    def _newer_extract(self) -> bool:
        """An extract the delivered documents do not show yet."""
        return (
            self._state.is_done(Step.ARTIFACTS)
            and self._state.extract_version > self._extract_rendered
        )

    def _labels_due(self) -> bool:
        consultation = self._state.consultation
        wanted = consultation is not None and consultation.practice_labels_by_mail
        return wanted and self._state.extract_received and not self._labels_told

    def _extract_news(self) -> bool:
        return self._newer_extract() or self._labels_due()

    async def _premeeting(self) -> None:
        """Announce each scheduling of the pre-meeting; flag it overdue at its due date and
        skip it at the meeting if it was never held."""
        while True:
            await self._wait_until(
                self._premeeting_deadline, self._premeeting_news, "Venter på formødet"
            )
            if self._state.premeetings_scheduled != self._premeetings_announced:
                self._premeetings_announced = self._state.premeetings_scheduled
                await self._announce_premeeting(self._premeetings_announced)
                continue
            if self._state.is_done(Step.PREMEETING):
                # Orders that held their pre-meeting before this existed did not re-render.
                if workflow.patched("rerender-after-premeeting"):
                    await self._deliver_documents(
                        "coordinator", "jobcenter", why="Programmet blev ændret på formødet."
                    )
                return
            if self._state.state_of(Step.PREMEETING) != StepState.OVERDUE:
                self._record(StepOverdue(at=self._now(), step=Step.PREMEETING))
                continue
            reason = "formødet blev ikke registreret før klyngemødet"
            self._record(StepSkipped(at=self._now(), step=Step.PREMEETING, reason=reason))
            return

    def _premeeting_deadline(self) -> datetime:
        if self._state.state_of(Step.PREMEETING) == StepState.OVERDUE:
            return self._timeline.meeting
        return self._timeline.due[Step.PREMEETING]

    def _premeeting_news(self) -> bool:
        return (
            self._state.is_done(Step.PREMEETING)
            or self._state.premeetings_scheduled != self._premeetings_announced
        )

    async def _announce_premeeting(self, number: int) -> None:
        at = self._state.premeeting_at
        assert at is not None
        invite = self._invite(
            "premeeting",
            f"Formøde: klyngemøde om {self._about}",
            at,
            60,
            sequence=number - 1,
            attendees=("coordinator", "jobcenter"),
        )
        await self._mail(
            "premeeting_scheduled",
            f"premeeting_scheduled-{number}",
            "coordinator",
            "jobcenter",
            calendar=invite,
        )
