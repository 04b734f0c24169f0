"""FollowUpMeeting: the follow-up cluster meeting, a child of the order that outlives it.

It has its own timeline (schemas/follow_up/meeting.py): a second survey round with the first round's
questions, a new extract from the job centre, and a week before the meeting a comparison deck
with both rounds side by side and what became of the agreements (the order signals each
change). Its id is derived from the order's, so it is started once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError, ChildWorkflowError
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from activities.calendar_invite import CalendarInvite
    from activities.catalog_lookup import CatalogActivities
    from activities.extract_check import (
        ExtractCheckRequest,
        ExtractCheckResult,
        accepted_message,
    )
    from activities.mail import MailActivities, MailContext, MailRequest
    from schemas.follow_up.events import (
        AgreementsChanged,
        DeckDelivered,
        ExtractReceived,
        ExtractReminded,
        ExtractRequested,
        FollowUpEvent,
        InvitationSent,
        MeetingHeld,
        NationalFiguresRead,
        PackageLoaded,
        Planned,
        ProblemRecorded,
        ProgressChanged,
        RenderFailed,
        RenderRetried,
        SecondRoundClosed,
        SecondRoundStarted,
    )
    from schemas.follow_up.meeting import (
        FollowUpInput,
        FollowUpPlan,
        FollowUpStatus,
        follow_up_plan,
    )
    from schemas.follow_up.state import FollowUpState, apply, details, status_of
    from schemas.order.agreements import AgreementView
    from schemas.order.commands import ExtractAccepted, ExtractSubmit, RetryRender, StepAccepted
    from schemas.order.documents import DocumentFacts
    from schemas.order.events import Role
    from schemas.order.national_figures import benchmark_key, order_figures
    from schemas.order.partner import recipients
    from schemas.order.status import ExtractUploadView, UploadPage
    from schemas.order.steps import Step
    from schemas.order.timeline import Timeline
    from schemas.package.model import Package
    from schemas.package.process import extract_columns
    from schemas.shared.artifacts import ArtifactRef
    from schemas.shared.errors import Failure
    from schemas.shared.event_log import EventLog
    from schemas.shared.mail_problems import undelivered_text
    from schemas.shared.people import Person
    from schemas.survey.progress import RoundProgress
    from schemas.survey_round.round import RoundInput, RoundOutcome, round_id
    from workflows import names
    from workflows.benchmark import BENCHMARK, compare, share
    from workflows.extract_intake import ExtractIntake
    from workflows.failures import failure_text
    from workflows.kernel import RUN_SCOPED_MAIL, Kernel
    from workflows.survey_round import SurveyRound
    from workflows.waiting import REPLAY_SAFE

ROUND = 2


@workflow.defn(name=names.FOLLOW_UP_MEETING)
class FollowUpMeeting:
    @workflow.init
    def __init__(self, inp: FollowUpInput) -> None:
        self._inp = inp
        # The meeting's state is only the fold of its events (schemas/follow_up/state.py).
        self._log: EventLog[FollowUpState, FollowUpEvent] = EventLog(
            apply, FollowUpState(agreements=list(inp.agreements))
        )
        self._kernel = Kernel(inp.clock)
        self._intake = ExtractIntake(self)

    @workflow.run
    async def run(self, inp: FollowUpInput) -> FollowUpStatus:
        self._kernel.patched(REPLAY_SAFE)
        self._kernel.patched(RUN_SCOPED_MAIL)
        package = await self._kernel.look_up(
            CatalogActivities.load_package, inp.order.package, summary="Hent pakken fra kataloget"
        )
        self._record(PackageLoaded(at=self._now(), package=package))
        choices = inp.minutes.follow_up
        # A package without an extract asks its partner for none, whatever the minutes say.
        new_extract = choices.new_extract and self._pkg.process.extract
        plan = follow_up_plan(inp.meeting, self._now(), choices.repeat_survey, new_extract)
        self._record(Planned(at=self._now(), plan=plan))
        await self._mail("follow_up_started", "started", ["coordinator"])
        if workflow.patched("follow-up-invitation"):
            # The follow-up meeting in the members' and the job centre's calendars, as the
            # first meeting was (its own UID: it is another meeting).
            await self._mail(
                "follow_up_invitation",
                "invitation",
                ["members", "partner"],
                calendar=self._invite(),
            )
            self._record(InvitationSent(at=self._now()))
        survey: ChildWorkflowHandle[Any, RoundOutcome] | None = None
        if plan.survey is not None:
            survey = await workflow.start_child_workflow(
                SurveyRound.run,
                RoundInput(
                    order_id=inp.order_id,
                    round_number=ROUND,
                    order=inp.order,
                    timeline=inp.timeline,
                    template=inp.template,
                    plan=plan.survey,
                    clock=inp.clock,
                    order_run=inp.order_run,
                ),
                id=round_id(inp.order_id, ROUND),
                static_summary=f"Spørgeskema, runde 2: {inp.order.cluster.name}",
            )
            self._record(SecondRoundStarted(at=self._now()))
        if plan.extract_request is not None and plan.extract_due is not None:
            await self._until(plan.extract_request, None, "Venter til datatrækket bestilles")
            template = (await self._render(["extract_template"]))[0]
            await self._mail(
                "follow_up_extract_request", "extract-request", ["partner"], [template], True
            )
            texts = self._pkg.texts
            partner = texts.partner.definite if texts and texts.partner else None
            self._record(ExtractRequested(at=self._now(), partner=partner))
            if not await self._until(
                plan.extract_due, lambda: self._state.extract is not None, "Venter på datatrækket"
            ):
                await self._mail(
                    "extract_reminder", "extract-reminder", ["partner", "coordinator"], [], True
                )
                self._record(ExtractReminded(at=self._now()))
        await self._until(plan.deck, None, "Venter til PowerPointen skal laves")
        if survey is not None:
            try:
                outcome = await survey
            except ChildWorkflowError as exc:
                # The comparison goes ahead with the first round alone; the consultant is told.
                await self._problem("child_failed", f"Spørgeskemaets 2. runde: {failure_text(exc)}")
            else:
                results = outcome.results if outcome.results.respondents else None
                self._record(
                    SecondRoundClosed(at=self._now(), results=results, progress=outcome.progress)
                )
        await self._national_figures()
        deck = (await self._render(["comparison_deck"]))[0]
        await self._mail("follow_up_deck", "deck", ["coordinator", "partner"], [deck], False)
        self._record(DeckDelivered(at=self._now(), deck=deck))
        await self._until(inp.meeting, None, "Venter på det opfølgende møde")
        self._record(MeetingHeld(at=self._now()))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # ---- from the order, the round and operations ----------------------------------------

    @workflow.update(name="retry_render")
    def retry_render(self, cmd: RetryRender) -> StepAccepted:
        self._record(RenderRetried(at=self._now(), by=cmd.by))
        return StepAccepted(message="Sammenligningen forsøges lavet igen nu.")

    @retry_render.validator
    def _check_retry_render(self, cmd: RetryRender) -> None:
        if self._state.render_failed is None:
            raise ApplicationError(
                "Ingen dokumenter venter på at blive lavet igen.",
                type=Failure.STEP_REFUSED.value,
                non_retryable=True,
            )

    @workflow.signal(name="agreements")
    def agreements(self, views: list[AgreementView]) -> None:
        """The order tells each change: an agreement done or overdue."""
        self._record(AgreementsChanged(at=self._now(), agreements=views))

    @workflow.signal(name="survey_progress")
    def survey_progress(self, progress: RoundProgress) -> None:
        self._record(ProgressChanged(at=self._now(), progress=progress))

    @workflow.update(name="extract_submit")
    async def extract_submit(self, cmd: ExtractSubmit) -> ExtractAccepted:
        return await self._intake.submit(cmd)

    @extract_submit.validator
    def _check_extract_submit(self, cmd: ExtractSubmit) -> None:
        self._intake.check()

    @workflow.query(name="upload_page")
    def upload_page(self) -> UploadPage:
        return self._intake.page()

    @workflow.query(name="status")
    def status(self) -> FollowUpStatus:
        return status_of(
            self._state, workflow.info().workflow_id, self._inp.order_id, self._inp.meeting
        )

    # ---- the extract (workflows/extract_intake.py asks these) ---------------------------

    def intake_refusal(self) -> str | None:
        plan = self._plan
        if plan is None:
            return "Det opfølgende møde er ved at starte; prøv igen om et øjeblik."
        if plan.extract_request is None:
            return "Der er ikke bestilt et nyt datatræk til det opfølgende møde."
        if self._state.finished or self._now() >= self._inp.meeting:
            return "Det opfølgende møde er holdt; datatrækket kan ikke længere komme med."
        return None

    def intake_request(self, cmd: ExtractSubmit) -> ExtractCheckRequest:
        # The same practice labels as the order's: drawn for the order's id.
        order = self._inp.order
        return ExtractCheckRequest(
            order_id=self._inp.order_id,
            upload=cmd.upload,
            practices=order.practices,
            package=order.package,
        )

    def intake_keep(self, cmd: ExtractSubmit, result: ExtractCheckResult) -> ExtractAccepted:
        assert result.receipt is not None and result.anonymised is not None
        version = len(self._state.uploads) + 1
        upload = ExtractUploadView(
            version=version,
            at=self._now(),
            uploaded_by=cmd.uploaded_by,
            filename=cmd.upload.name,
            rows=result.rows,
            missing=result.missing,
        )
        self._record(ExtractReceived(at=self._now(), extract=result.anonymised, upload=upload))
        return ExtractAccepted(
            message=accepted_message(version, result)
            + " Tallene kommer med i sammenligningen til det opfølgende møde.",
            version=version,
            receipt=result.receipt,
        )

    def intake_page(self, accepting: bool) -> UploadPage:
        plan = self._plan
        return UploadPage(
            cluster=self._inp.order.cluster.name,
            municipality=(
                self._inp.order.municipality.name if self._inp.order.municipality else None
            ),
            due=plan.extract_due if plan and plan.extract_due else self._inp.meeting,
            meeting=self._inp.meeting,
            open=accepting,
            uploads=list(self._state.uploads),
            columns=extract_columns(self._package.extract if self._package else None),
            run=workflow.info().first_execution_run_id,
        )

    # ---- plumbing ----------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._kernel.now()

    @property
    def _state(self) -> FollowUpState:
        return self._log.state

    @property
    def _package(self) -> Package | None:
        return self._log.state.package

    @property
    def _pkg(self) -> Package:
        assert self._log.state.package is not None
        return self._log.state.package

    @property
    def _plan(self) -> FollowUpPlan | None:
        return self._state.plan

    def _record(self, event: FollowUpEvent) -> None:
        """Keep ``event``, fold it in and show the result above the history (a query answers
        the details, so this is no command: signal handlers may call it)."""
        self._log.record(event)
        workflow.set_current_details(
            details(self._state, self._inp.order.cluster.name, self._inp.meeting)
        )

    async def _until(
        self, when: datetime, condition: Callable[[], bool] | None, summary: str
    ) -> bool:
        return await self._kernel.wait_once(when, condition, summary)

    def _recipients(self, roles: list[Role]) -> list[Person]:
        return recipients(self._inp.order, self._inp.consultant, self._package, roles)

    def _invite(self) -> CalendarInvite:
        meeting = self._inp.order.meeting
        assert self._package is not None
        return CalendarInvite(
            uid=f"follow-up.{self._inp.order_id}@klyngepakke.kiap.dk",
            summary=f"Opfølgende klyngemøde: {self._package.title}",
            start=self._inp.meeting,
            minutes=self._package.program(meeting.program_variant).minutes,
            location=meeting.location,
            attendees=self._recipients(["members", "partner"]),
        )

    def _timeline(self) -> Timeline:
        """The first meeting's timeline, with the extract due on the follow-up's date."""
        timeline = self._inp.timeline
        plan = self._plan
        if plan is None or plan.extract_due is None:
            return timeline
        return timeline.model_copy(update={"due": {**timeline.due, Step.PARTNER: plan.extract_due}})

    async def _mail(
        self,
        mail: str,
        key: str,
        roles: list[Role],
        attachments: list[ArtifactRef] | None = None,
        upload: bool = False,
        problem: str | None = None,
        calendar: CalendarInvite | None = None,
    ) -> None:
        inp = self._inp
        recipients = self._recipients(roles)
        if not recipients:
            return  # the partner's mail, in a package without a partner
        request = MailRequest(
            mail=mail,
            key=self._kernel.mail_key(f"{workflow.info().workflow_id}-{key}"),
            recipients=recipients,
            attachments=attachments or [],
            calendar=calendar,
            upload_to=workflow.info().workflow_id if upload else None,
            upload_run=workflow.info().first_execution_run_id if upload else None,
            context=MailContext(
                order_id=inp.order_id,
                order=inp.order,
                order_run=inp.order_run,
                timeline=self._timeline(),
                minutes=inp.minutes,
                follow_up=self._plan,
                first_meeting=inp.timeline.meeting,
                extract_received=self._state.extract is not None,
                problem=problem,
            ),
        )
        result = await self._kernel.send_mail(
            MailActivities.send_mail, request, f"Mail: {mail} til {', '.join(roles)}"
        )
        failed = result.refused + result.delayed
        if failed:
            # Shown on the coordinator's page and in the meeting's log; not mailed to KiAP,
            # whose own mail may be what failed.
            code = result.refusal_code or result.delay_code
            text = undelivered_text(mail, failed, code, result.login_refused)
            self._record(ProblemRecorded(at=self._now(), problem=text))

    async def _problem(self, mail: str, problem: str) -> None:
        """Something failed that the meeting goes on without: noted, shown, mailed to KiAP."""
        self._record(ProblemRecorded(at=self._now(), problem=problem))
        count = len(self._state.problems)
        await self._mail(mail, f"{mail}-{count}", ["consultant"], problem=problem)

    async def _render(self, kinds: list[str]) -> list[ArtifactRef]:
        """As the order's: a render that still fails after its retries waits for an
        operator's ``retry_render`` instead of failing the follow-up meeting."""
        assert self._package is not None
        return await self._kernel.render(kinds, self._facts, self._package, self._render_failed)

    async def _render_failed(self, kinds: list[str], message: str) -> None:
        self._record(RenderFailed(at=self._now(), message=message))
        what = f"Dokumenterne ({', '.join(kinds)}) kunne ikke laves: {message}"
        await self._problem("render_failed", what)
        await workflow.wait_condition(lambda: self._state.render_failed is None)

    async def _national_figures(self) -> None:
        """The follow-up's own figures into the store (round 2; a cluster that opted out is
        refused there), and the other clusters' first meetings for the deck's third series.
        Follow-up meetings started before the national figures have neither."""
        if not workflow.patched(BENCHMARK):
            return
        inp, package = self._inp, self._pkg
        key = benchmark_key(inp.order_id, inp.order, package, 2)
        invited = self._state.progress.invited if self._state.progress is not None else 0
        await share(order_figures(key, package, self._state.results, invited, self._state.extract))
        comparison = await compare(key, package)
        if comparison is not None:
            self._record(NationalFiguresRead(at=self._now(), comparison=comparison))

    def _facts(self) -> DocumentFacts:
        inp = self._inp
        return DocumentFacts(
            order_id=inp.order_id,
            order=inp.order,
            consultant=inp.consultant,
            timeline=self._timeline(),
            survey_results=self._state.results,
            minutes=inp.minutes,
            extract=self._state.extract,
            first_round=inp.first_results,
            first_round_invited=inp.first_invited,
            second_round_invited=(
                self._state.progress.invited if self._state.progress is not None else None
            ),
            first_extract=inp.first_extract,
            agreements=self._state.agreements,
            comparison=self._state.comparison,
        )
