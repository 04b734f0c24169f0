"""The follow-up meeting's state is the fold of its events: what its status shows, without
Temporal."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.follow_up.events import (
    DeckDelivered,
    ExtractReceived,
    ExtractRequested,
    MeetingHeld,
    Planned,
    ProblemRecorded,
    RenderFailed,
    RenderRetried,
    SecondRoundClosed,
)
from schemas.follow_up.meeting import follow_up_plan
from schemas.follow_up.state import fold, status_of
from schemas.order.extract import AnonymisedExtract, PracticeFigures
from schemas.order.status import ExtractUploadView
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.copenhagen import COPENHAGEN
from schemas.survey.progress import RoundProgress

START = datetime(2027, 3, 4, 9, 0, tzinfo=COPENHAGEN)
MEETING = datetime(2027, 5, 3, 16, 0, tzinfo=COPENHAGEN)
EXTRACT = AnonymisedExtract(
    practices=[PracticeFigures(label="Praksis A", received=4, requests=5, median_days=3.0)],
    types=[],
)


def _upload(version: int) -> ExtractUploadView:
    return ExtractUploadView(
        version=version, at=START, uploaded_by="jobcenter", filename="x.csv", rows=2, missing=0
    )


def test_the_status_follows_the_events_and_dates_each_line():
    deck = ArtifactRef(
        name="opfoelgningsmoede.pptx",
        kind="comparison_deck",
        sha256="a" * 64,
        size=1,
        media_type="x",
    )
    events = [
        Planned(at=START, plan=follow_up_plan(MEETING, START, True, True)),
        ExtractRequested(at=START + timedelta(days=2), partner="jobcenteret"),
        ExtractReceived(at=START + timedelta(days=9), extract=EXTRACT, upload=_upload(1)),
        ExtractReceived(at=START + timedelta(days=10), extract=EXTRACT, upload=_upload(2)),
        SecondRoundClosed(
            at=START + timedelta(days=20),
            results=None,
            progress=RoundProgress(invited=3, answered=0, reminded=3, closed=True, dispatched=True),
        ),
        RenderFailed(at=START + timedelta(days=21), message="LibreOffice svarede ikke"),
        ProblemRecorded(at=START + timedelta(days=21), problem="Dokumenterne kunne ikke laves"),
        RenderRetried(at=START + timedelta(days=22), by="drift"),
        DeckDelivered(at=START + timedelta(days=22), deck=deck),
    ]
    state = fold(events, [])
    status = status_of(state, "opfoelgning-x", "x", MEETING)
    assert status.status == "active" and status.extract_versions == 2
    assert status.deck == "opfoelgningsmoede.pptx" and status.survey is None
    assert state.render_failed is None and status.problems == ["Dokumenterne kunne ikke laves"]
    assert status.events[0] == "lørdag den 6. marts 2027: Nyt datatræk bestilt hos jobcenteret"
    assert status.events[3] == "onsdag den 24. marts 2027: Spørgeskemaets 2. runde lukket: 0 svar"
    assert status_of(fold([*events, MeetingHeld(at=MEETING)], []), "i", "x", MEETING).status == (
        "completed"
    )


def test_a_render_failure_waits_until_it_is_retried():
    failed = fold([RenderFailed(at=START, message="fejl")], [])
    assert failed.render_failed == "fejl"
    retried = fold([RenderFailed(at=START, message="fejl"), RenderRetried(at=START, by="x")], [])
    assert retried.render_failed is None
