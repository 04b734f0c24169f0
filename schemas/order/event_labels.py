"""What each domain event is called on the pages KiAP's staff read (the workbench's history).

The event types stay the engine's English names in the Temporal UI; a consultant reads Danish,
and the partner as the order's package names it (``{partner}``: "jobcenteret").
"""

from __future__ import annotations

from schemas.package.process import PartnerTexts, partner_definite

EVENT_LABELS: dict[str, str] = {
    "OrderPlaced": "Bestillingen er modtaget",
    "TaskAssigned": "Opgaven har fået en ny ansvarlig",
    "MailSent": "Mail sendt",
    "MailRefused": "Mailserveren afviste en modtager – ret adressen",
    "MailDelayed": "En mail nåede ikke frem inden for et døgn",
    "ConsultationEscalated": "Telefonkonsultationen er ikke holdt til tiden – sendt videre",
    "ConsultationCompleted": "Telefonkonsultationen er holdt",
    "MaterialSent": "Materialet er sendt til koordinatoren",
    "PartnerGuideSent": "Drejebogen er sendt til {partner}",
    "SurveyReminderSent": "Påmindelse om spørgeskemaet er sendt",
    "SurveyResultsImported": "Svarene på spørgeskemaet er hentet",
    "ExtractMissing": "Datatrækket mangler",
    "ExtractReminderSent": "Påmindelse om datatrækket er sendt til {partner}",
    "ExtractReceived": "Datatrækket er modtaget fra {partner}",
    "AgreementReminderSent": "Påmindelse om en aftale er sendt",
    "AgreementDone": "En aftale er markeret som udført",
    "AgreementOverdue": "En aftale er ikke udført til fristen",
    "FollowUpMeetingStarted": "Det opfølgende møde er startet",
    "ArtifactsRendered": "Præsentation, uddelingskopi og praksisark er lavet",
    "ArtifactsDelivered": "Dokumenterne er sendt",
    "PremeetingScheduled": "Formødet med {partner} er aftalt",
    "PremeetingCompleted": "Formødet med {partner} er holdt",
    "InvitationSent": "Invitationen er sendt til deltagerne",
    "MeetingRecorded": "Referatet af klyngemødet er registreret",
    "FollowUpSummarySent": "Opsummeringen er sendt",
    "StepOverdue": "Et trin er over fristen",
    "StepSkipped": "Et trin er sprunget over",
    "OrderRescheduled": "Mødet er flyttet",
    "OrderCancelled": "Bestillingen er annulleret",
    "OrderCompleted": "Bestillingen er afsluttet",
    "LateOrderRequested": "Sen bestilling venter på afgørelse",
    "LateOrderDecided": "Den sene bestilling er afgjort",
    "MembersChanged": "Klyngens medlemmer er ændret",
    "BenchmarkConsentChanged": "Klyngen har ændret, om dens tal indgår i landstal",
    "ChildSignalDropped": "En besked til et afsluttet delforløb er ikke leveret",
    "ChildFailed": "Et delforløb (spørgeskema eller opfølgende møde) er fejlet",
    "RenderFailed": "Dokumenterne kunne ikke laves – venter på drift",
    "RenderRetried": "Dokumenterne laves igen",
}


def event_label(event_type: str, partner: PartnerTexts | None = None) -> str:
    """The Danish name, with the package's partner; an event type without one (a newer
    worker's) shows as itself."""
    label = EVENT_LABELS.get(event_type, event_type)
    return label.replace("{partner}", partner_definite(partner))
